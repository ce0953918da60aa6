// Sums vitest's JSON reports (packages/*/, examples/*/, integration/*/ and bench/test-results.json) into
// one closing line "N passed, N failed". Exits non-zero on failures, when no test ran, or when the
// task runner itself failed (--turbo-exit-code), e.g. a package whose tests could not start.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
const reports = ["bench/test-results.json"];
for (const dir of ["packages", "examples", "integration"]) {
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) reports.push(join(dir, name, "test-results.json"));
}
for (const file of reports) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  // A suite that fails to load has no failed tests; count it as one failure.
  failed += Math.max(report.numFailedTests, report.numFailedTestSuites ?? 0);
}
const flag = process.argv.indexOf("--turbo-exit-code");
const runnerExit = flag >= 0 ? Number(process.argv[flag + 1]) : 0;
if (runnerExit !== 0 && failed === 0) {
  console.log(`the task runner exited with ${runnerExit}: a package failed outside its tests (see above)`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
