import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { runExperiment } from "@pg/cli";
import { evaluateObjective } from "@pg/core";
import { random } from "@pg/data";
import { fluidExperiment, type FluidTrainingBatch } from "@pg/experiments";
import type { FluidGrid } from "@pg/physics-fluid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRADIENT_DESCENT_START_NOISE, measureTable1, readFluidRun, table1Markdown, table1Text, writeTable1, type FluidRun, type Table1 } from "../src/table1";
import { runTable1Command } from "../src/table1_command";
import { table1Fixture } from "./table1_fixture";

const grid: FluidGrid = { nx: 16, ny: 16, dx: 2 };
const quiet = () => undefined;

/** Lines written to a stream, joined. */
function capture(): { write(text: string): boolean; text(): string } {
  const parts: string[] = [];
  return { write: (text: string) => parts.push(text) > 0, text: () => parts.join("") };
}

describe("table1 on a tiny run (16 × 16, cpu, pg-inverse trained 2 steps)", () => {
  let out: string;
  let run: FluidRun;
  let table: Table1;

  beforeAll(async () => {
    await tf.setBackend("cpu");
    out = mkdtempSync(join(tmpdir(), "pg-fluid-table1-"));
    const args = ["--iterations", "2", "--batch", "2", "--seed", "1", "--methods", "pg-inverse", "--out", out, "--backend", "cpu"];
    await runExperiment(fluidExperiment({ grid }), args, quiet);
    run = await readFluidRun(out, { definition: fluidExperiment({ grid }) });
    table = await measureTable1({ definition: run.definition, network: run.network, batch: 4, estimatorCap: 10, gradientDescentCap: 2, repeats: 3, training: { seconds: run.trainingSeconds, iterations: run.networkIteration } });
  }, 120_000);
  afterAll(() => run?.network.dispose());

  it("reads the saved network, its iteration and its training time from the run directory", () => {
    expect(run.method).toBe("pg-inverse");
    expect(run.networkIteration).toBe(2);
    const csv = readFileSync(join(out, "pg-inverse.csv"), "utf8").trim().split("\n").slice(1);
    const seconds = csv.reduce((sum, line) => sum + Number(line.split(",")[1]), 0);
    expect(run.trainingSeconds).toBeCloseTo(seconds, 12);
    expect(run.backend).toBe("cpu");
  });

  it("times the network per example as the batch's median time over the batch, against its own x_err", () => {
    expect(table.network.secondsPerExample).toBe(table.network.batchSeconds / 4);
    expect(table.network.repeats).toBe(3);
    expect(table.target).toBe(table.network.xErr);
    expect(table.network.trainingIterations).toBe(2);
  });

  it("iterates the estimator from x = 0 until the batch x_err is at most the network's", () => {
    expect(table.estimator.outcome).toBe("reached");
    expect(table.estimator.xErr).toBeLessThanOrEqual(table.target);
    expect(table.estimator.history).toHaveLength(table.estimator.iterations);
    // Every iteration before the last was still above the target.
    for (const step of table.estimator.history.slice(0, -1)) expect(step.xErr).toBeGreaterThan(table.target);
    expect(table.estimator.secondsPerExample).toBe(table.estimator.seconds / 4);
  });

  it("stops gradient descent (η = 1) at its cap or at the target, and prints three rows", () => {
    const descent = table.gradientDescent;
    expect(descent.stepSize).toBe(1);
    expect(descent.startNoise).toBe(GRADIENT_DESCENT_START_NOISE);
    expect(descent.iterations).toBeLessThanOrEqual(2);
    if (descent.outcome === "cap") expect(descent.xErr).toBeGreaterThan(table.target);
    else expect(descent.outcome).toBe("reached");
    const lines = table1Text(table).split("\n");
    expect(lines.slice(2, 5).map((line) => line.split("  ")[0])).toEqual(["network (pg-inverse)", "estimator iterated from x = 0", "gradient descent, η = 1, from x ≈ 0"]);
  });

  it("reports > cap for a target neither solver reaches", async () => {
    const unreachable = await measureTable1({ definition: run.definition, network: run.network, batch: 2, estimatorCap: 2, gradientDescentCap: 1, repeats: 1, target: 0 });
    expect(unreachable.estimator.outcome).toBe("cap");
    expect(unreachable.gradientDescent.outcome).toBe("cap");
    expect(unreachable.estimator.iterations).toBe(2);
    const rows = table1Markdown(unreachable).split("\n").slice(2, 5).map((line) => line.split(" | "));
    expect(rows[1]![2]).toBe("> 2");
    expect(rows[2]![2]).toBe("> 1");
    expect(rows[1]![3]!.startsWith("> ")).toBe(true);
    expect(rows[2]![3]!.startsWith("> ")).toBe(true);
  });

  it("the command refuses a run it cannot rebuild (another grid), naming run.json's experiment", async () => {
    const err = capture();
    expect(await runTable1Command([out], { out: capture(), err })).toBe(2);
    expect(err.text()).toContain('readFluidRun: run.json experiment must be the built-in "fluid" experiment');
  });
});

describe("gradient descent's start", () => {
  it("on the experiment's 64 × 64 grid the objective's gradient is exactly 0 at x = 0 and not at the noisy start", () => {
    const definition = fluidExperiment();
    const stream = random(7);
    const batch = definition.batches({ ...definition.defaults, batch: 1, backend: undefined, replicas: undefined }, stream)(1) as FluidTrainingBatch;
    const zero = new Float64Array(batch.velocityTarget.length);
    const noisy = stream.fillUniform(new Float64Array(zero.length), -GRADIENT_DESCENT_START_NOISE, GRADIENT_DESCENT_START_NOISE);
    const norm = (x: Float64Array) => Math.hypot(...evaluateObjective(batch.physics, x, batch.yTarget, 1).gradient);
    expect(norm(zero)).toBe(0);
    expect(norm(noisy)).toBeGreaterThan(0);
  });
});

describe("table1 output", () => {
  it("text and markdown put the paper's figures beside ours, and > cap where the cap was hit", () => {
    const table = table1Fixture();
    const text = table1Text(table);
    expect(text).toContain("0.11 ms");
    expect(text).toContain("2.2 s (7 iterations)");
    expect(text).toContain("> 4 h (20k iterations)");
    const markdown = table1Markdown(table).split("\n");
    expect(markdown[4]).toContain("| > 20 | > 800 ms |");
    expect(markdown[3]).toContain("| 2 | 40.0 ms |");
    expect(markdown.some((line) => line.includes("estimator / network time per example: 4.00"))).toBe(true);
  });

  it("writes table1.json and table1.md only where asked", () => {
    const directory = join(mkdtempSync(join(tmpdir(), "pg-fluid-table1-out-")), "nested");
    const [json, markdown] = writeTable1(table1Fixture(), directory);
    expect(JSON.parse(readFileSync(json, "utf8"))).toEqual(table1Fixture());
    expect(readFileSync(markdown, "utf8")).toBe(table1Markdown(table1Fixture()));
    expect(existsSync(join(directory, "table1.md"))).toBe(true);
  });

  it("the command prints its usage for --help", async () => {
    const out = capture();
    expect(await runTable1Command(["--help"], { out, err: capture() })).toBe(0);
    expect(out.text()).toContain("--gd-cap N");
  });
});
