// @pg/cli alone (with its peer @tensorflow/tfjs): `pg train` through runCommand writes a finished run directory whose
// run.json records the versions of the packages this run loaded, also with two data-parallel replicas. The `pg` bin
// itself is run by the test (npx pg).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRunRecord, runCommand } from "@pg/cli";

const directory = mkdtempSync(join(tmpdir(), "pg-consumer-cli-"));
try {
  const out = join(directory, "run");
  const status = await runCommand(["train", "sin", "--iterations", "5", "--batch", "10", "--methods", "adam", "--out", out]);
  assert.equal(status, 0);
  const record = readRunRecord(out);
  assert.equal(record.status, "done");
  const require = createRequire(join(process.cwd(), "package.json")); // the project this snippet runs in
  const installed = JSON.parse(readFileSync(require.resolve("@pg/cli/package.json"), "utf8")) as { version: string };
  assert.equal(record.versions["@pg/cli"], installed.version);
  assert.ok(record.versions["@tensorflow/tfjs"] !== undefined, JSON.stringify(record.versions));
  // Two replicas: the built worker script starts from this install (ESM and CommonJS builds alike).
  const parallelOut = join(directory, "parallel");
  assert.equal(await runCommand(["train", "sin", "--iterations", "3", "--batch", "10", "--methods", "adam", "--replicas", "2", "--out", parallelOut]), 0);
  const parallel = readRunRecord(parallelOut);
  assert.equal(parallel.status, "done");
  assert.equal(parallel.replicas, 2);
  console.log("ok @pg/cli", record.backend, "replicas", parallel.replicas);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
