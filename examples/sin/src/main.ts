import { runExperiment } from "@pg/cli";
import { sinExperiment } from "./experiment";

// pnpm --dir examples/sin start -- --iterations N --batch B --seed S --methods m1,m2 --out DIR
try {
  const summary = await runExperiment(sinExperiment(), process.argv.slice(2));
  if (Object.values(summary.methods).some((m) => m.error !== undefined)) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
