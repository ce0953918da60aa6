import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgValidationError, halfSquaredError } from "@pg/core";
import { runExperiment } from "@pg/cli";
import { describe, expect, it } from "vitest";
import { HEAT_METHODS, heatExperiment, writeHeatFigures, type HeatTrainingBatch } from "../src/experiment";

const quiet = () => undefined;
const exampleDirectory = join(__dirname, "..");

function rows(file: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i]!, Number(value)])));
}

function argsOf(batch: number, seed: number) {
  return { iterations: 1, batch, seed, methods: [...HEAT_METHODS], out: "", backend: undefined, replicas: undefined };
}

function exampleMeans(values: Float64Array, size: number): number[] {
  return Array.from({ length: values.length / size }, (_, b) => values.subarray(b * size, (b + 1) * size).reduce((s, v) => s + v, 0) / size);
}

describe("the heat batch source, methods and metrics", () => {
  it("feeds y* = P(x*) as input and target and carries x*; same seed → same batches", () => {
    const experiment = heatExperiment();
    const first = experiment.batches(argsOf(3, 4))(1) as HeatTrainingBatch;
    const again = experiment.batches(argsOf(3, 4))(1) as HeatTrainingBatch;
    expect(first.inputShape).toEqual([64, 64, 1]);
    expect(first.input).toBe(first.yTarget);
    expect(Array.from(again.xTarget)).toEqual(Array.from(first.xTarget));
    expect(Array.from(first.yTarget)).toEqual(Array.from(experiment.physics.forward(first.xTarget, 3)));
    expect(first.xTarget.every((v) => v >= 0 && v < 10)).toBe(true);
  });

  it("configures the paper's constants: sum reduction, the mean fix, window 16, the Fig. 5 checkpoints", () => {
    const experiment = heatExperiment();
    expect(experiment.name).toBe("heat");
    expect(experiment.reduction).toBe("sum");
    expect(experiment.outputTransform?.name).toBe("meanFix");
    expect(experiment.inputShape).toEqual([64, 64, 1]);
    expect(experiment.outputShape).toEqual([64, 64, 1]);
    expect(experiment.averageWindow).toBe(16);
    expect(experiment.checkpoints).toEqual([10, 30, 35, 40, 100, 200, 300, 500, 1000]);
    expect(experiment.defaults).toMatchObject({ batch: 128, methods: ["adam", "pg-inverse", "pg-lbfgsb"] });
    expect(experiment.physics.diffusivityTime).toBe(8);
    const args = argsOf(2, 0);
    expect(experiment.method("adam", args).scheme.description).toBe("backprop");
    expect(experiment.method("pg-inverse", args).scheme.description).toBe("physical(inverseDiffusion)");
    expect(experiment.method("pg-lbfgsb", args).scheme.description).toBe("physical(lbfgsb(historySize=10, maxIterations=32))");
    expect(() => experiment.method("sgd", args)).toThrow(PgValidationError);
    expect(() => experiment.method("sgd", args)).toThrow('heat: method must be one of adam, pg-inverse, pg-lbfgsb; received "sgd".');
  });

  it("has pg-lbfgsb proposals that lower ½‖P(x) − y*‖² for every example, in at most 32 iterations", () => {
    const experiment = heatExperiment();
    const batch = experiment.batches(argsOf(3, 2))(1) as HeatTrainingBatch;
    // A mean-fixed, blurry guess, as an early network would give.
    const means = exampleMeans(batch.yTarget, 4096);
    const x = batch.xTarget.map((v, i) => 0.3 * v + 0.7 * (means[Math.floor(i / 4096)] as number));
    const plan = experiment.method("pg-lbfgsb", argsOf(3, 2));
    const result = plan.scheme.source.gradient({ physics: experiment.physics, x, yTarget: batch.yTarget, batch: 3, step: 1 });
    const before = halfSquaredError.value(experiment.physics.forward(x, 3), batch.yTarget, 3);
    const after = halfSquaredError.value(experiment.physics.forward(result.solve!.x, 3), batch.yTarget, 3);
    for (let b = 0; b < 3; b++) {
      expect(after[b]).toBeLessThan(0.5 * (before[b] as number));
      expect(result.solve!.objective![b]).toBeCloseTo(after[b] as number, 10);
      expect(result.solve!.iterations[b]).toBeLessThanOrEqual(32);
      expect(["maxIterations", "converged"]).toContain(result.solve!.reasons[b]);
    }
    // The network receives x − x̃.
    expect(result.gradient[5]).toBeCloseTo((x[5] as number) - (result.solve!.x[5] as number), 12);
  });

  it("measures x_err as the batch mean of Σ|x − x*| and keeps the first examples per method", () => {
    const experiment = heatExperiment({ shape: [16, 16] });
    const batch = experiment.batches(argsOf(4, 1))(1) as HeatTrainingBatch;
    const x = new Float64Array(batch.xTarget.length).fill(0.25);
    const error = experiment.xError({ metrics: { step: 7, loss: 0, proxyLoss: 0 }, seconds: 0, batch, x }, "pg-inverse");
    const expected = batch.xTarget.reduce((s, v) => s + Math.abs(v - 0.25), 0) / 4;
    expect(error).toBeCloseTo(expected, 10);
    const kept = experiment.lastExamples()!;
    expect(kept.step).toEqual({ "pg-inverse": 7 });
    expect(kept.predictions["pg-inverse"]).toHaveLength(3);
    expect(Array.from(kept.xTarget[2]!)).toEqual(Array.from(batch.xTarget.subarray(2 * 256, 3 * 256)));
  });
});

describe("examples/heat on the run contract (cpu backend)", () => {
  it("runs 2 iterations of every method at batch 2 and writes CSVs, summary.json and the figures", async () => {
    // The cpu backend's convolution gradients take ~15 s per 64 × 64 step; the 16 × 16 grid keeps this test short.
    const out = mkdtempSync(join(tmpdir(), "pg-heat-"));
    const experiment = heatExperiment({ shape: [16, 16] });
    const summary = await runExperiment(experiment, ["--iterations", "2", "--batch", "2", "--seed", "1", "--out", out, "--backend", "cpu"], quiet);
    expect(summary.experiment).toBe("heat-16x16");
    const written = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(written.methods)).toEqual([...HEAT_METHODS]);
    const firstRows: string[] = [];
    for (const method of HEAT_METHODS) {
      expect(written.methods[method]).toMatchObject({ iterations: 2, backend: "cpu" });
      expect(written.methods[method].error).toBeUndefined();
      const table = rows(join(out, `${method}.csv`));
      expect(table).toHaveLength(2);
      expect(Object.keys(table[0]!)).toEqual(["iteration", "seconds", "loss", "x_err", "proxy_loss"]);
      for (const row of table) for (const value of Object.values(row)) expect(Number.isFinite(value)).toBe(true);
      // Same initial weights, same batch: the first step's loss and x_err agree across methods.
      firstRows.push(`${table[0]!.loss},${table[0]!.x_err}`);
    }
    expect(new Set(firstRows).size).toBe(1);
    const { files } = await writeHeatFigures(experiment, summary);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(["x_err.svg", "loss.svg", "examples.png", "examples.json"]);
    const description = JSON.parse(readFileSync(join(out, "examples.json"), "utf8"));
    expect(description.columns).toEqual(["y*", ...HEAT_METHODS, "x*"]);
    expect(description.steps).toEqual({ adam: 2, "pg-inverse": 2, "pg-lbfgsb": 2 });
    // Two examples (batch 2), five panels each.
    expect(description.layout.panels).toHaveLength(10);
    expect(readFileSync(join(out, "loss.svg"), "utf8")).toContain("<svg");
  }, 240_000);

  it("applies the mean fix to every method: the logged x_err comes from mean-fixed predictions", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-heat-"));
    const experiment = heatExperiment({ shape: [16, 16] });
    await runExperiment(experiment, ["--iterations", "1", "--batch", "2", "--seed", "3", "--methods", "adam", "--out", out, "--backend", "cpu"], quiet);
    const kept = experiment.lastExamples()!;
    for (let e = 0; e < 2; e++) {
      const prediction = kept.predictions["adam"]![e]!;
      const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
      expect(Math.abs(mean(prediction) - mean(kept.yTarget[e]!))).toBeLessThan(1e-5);
    }
  }, 120_000);
});

describe("src/main.ts on the paper's 64 × 64 grid", () => {
  it("trains one step of every method on wasm and writes the figures", () => {
    const out = mkdtempSync(join(tmpdir(), "pg-heat-main-"));
    const result = spawnSync(
      process.execPath,
      ["--conditions=@pg/source", "--import", "tsx", "src/main.ts", "--iterations", "1", "--batch", "2", "--backend", "wasm", "--out", out],
      { cwd: exampleDirectory, encoding: "utf8", timeout: 240_000 },
    );
    expect(result.stderr).not.toMatch(/stopped|Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("heat: backend wasm");
    for (const file of ["adam.csv", "pg-inverse.csv", "pg-lbfgsb.csv", "summary.json", "x_err.svg", "loss.svg", "examples.png", "examples.json"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
  }, 240_000);

  it("exits with code 2 and names the flag for bad arguments", () => {
    const result = spawnSync(process.execPath, ["--conditions=@pg/source", "--import", "tsx", "src/main.ts", "--iterations", "0"], {
      cwd: exampleDirectory,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("heat: --iterations must be a positive integer; received 0.");
  }, 120_000);
});
