import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExperiment } from "@pg/cli";
import { SIN_METHODS, sinExperiment } from "@pg/experiments";

const quiet = () => undefined;

function rowsWithoutTime(file: string): string[] {
  const [header, ...rows] = readFileSync(file, "utf8").trim().split("\n");
  const columns = header!.split(",");
  const time = columns.indexOf("seconds");
  expect(time).toBeGreaterThanOrEqual(0);
  return rows.map((r) => r.split(",").filter((_, i) => i !== time).join(","));
}

describe("examples/sin", () => {
  it("is deterministic on the cpu backend: one seed, two runs, identical CSV rows except the time", async () => {
    const outs = [0, 1].map(() => mkdtempSync(join(tmpdir(), "pg-sin-")));
    for (const out of outs) {
      await runExperiment(sinExperiment(), ["--iterations", "25", "--batch", "64", "--seed", "3", "--methods", SIN_METHODS.join(","), "--out", out, "--backend", "cpu"], quiet);
    }
    for (const method of SIN_METHODS) {
      const first = rowsWithoutTime(join(outs[0]!, `${method}.csv`));
      expect(first).toHaveLength(25);
      expect(rowsWithoutTime(join(outs[1]!, `${method}.csv`))).toEqual(first);
    }
    const summary = JSON.parse(readFileSync(join(outs[0]!, "summary.json"), "utf8"));
    expect(Object.keys(summary.methods)).toEqual([...SIN_METHODS]);
    for (const method of SIN_METHODS) {
      expect(summary.methods[method].iterations).toBe(25);
      expect(summary.methods[method].backend).toBe("cpu");
      expect(Number.isFinite(summary.methods[method].loss)).toBe(true);
      expect(summary.methods[method].medianSecondsPerIteration).toBeGreaterThan(0);
    }
  });

  it("gives every method the same initial weights and the same batches", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-sin-"));
    // At step 1 the network is untouched, so every method sees the same prediction and reports the same loss and x_err.
    await runExperiment(sinExperiment(), ["--iterations", "2", "--batch", "32", "--seed", "5", "--out", out, "--backend", "cpu"], quiet);
    const firstRows = SIN_METHODS.map((m) => rowsWithoutTime(join(out, `${m}.csv`))[0]!.split(",").slice(0, 3).join(","));
    expect(new Set(firstRows).size).toBe(1);
  });

  it("refuses bad flags with the flag, what it accepts and what it got", async () => {
    const run = (...argv: string[]) => runExperiment(sinExperiment(), [...argv, "--backend", "cpu", "--out", mkdtempSync(join(tmpdir(), "pg-sin-"))], quiet);
    await expect(run("--iterations", "0")).rejects.toThrow(/sin: --iterations must be a positive integer; received 0\./);
    await expect(run("--iterations", "-5")).rejects.toThrow(/--iterations must be a positive integer; received -5\./);
    await expect(run("--batch", "0")).rejects.toThrow(/sin: --batch must be a positive integer; received 0\./);
    await expect(run("--batch", "ten")).rejects.toThrow(/--batch must be a positive integer; received "ten"\./);
    await expect(run("--methods", "adam,lbfgs")).rejects.toThrow(/--methods must be a comma-separated list of "adam", "supervised", "pg-inverse", "pg-newton", "pg-ig"; received "lbfgs"\./);
    await expect(run("--speed", "3")).rejects.toThrow(/sin: flag must be one of --iterations, .*; received "--speed"\./);
    const out = mkdtempSync(join(tmpdir(), "pg-sin-"));
    await expect(runExperiment(sinExperiment(), ["--backend", "gpu", "--out", out], quiet)).rejects.toThrow(/pg train: --backend must be one of tensorflow-gpu, tensorflow, webgpu, webgl, wasm, cpu; received "gpu"\./);
  });
});
