import { PgValidationError } from "@pg/core";
import { poissonBatch, random } from "@pg/data";
import { describe, expect, it } from "vitest";
import { POISSON_METHODS, poissonExperiment, poissonGrid, type PoissonTrainingBatch, type RunArguments } from "../src/index";

function argsOf(batch: number, seed: number): RunArguments {
  return { iterations: 1, batch, seed, methods: [...POISSON_METHODS], out: "", backend: undefined, replicas: undefined };
}

describe("poissonGrid", () => {
  it("defaults to the authors' 64 × 64 grid and picks the SGD learning rate by grid", () => {
    expect(poissonGrid(undefined)).toMatchObject({ name: "64x64", shape: [64, 64], sgdLearningRate: 3e-12 });
    expect(poissonGrid("")).toMatchObject({ name: "64x64" });
    expect(poissonGrid(" 80x60 ")).toMatchObject({ name: "80x60", shape: [80, 60], sgdLearningRate: 1e-9 });
    expect(poissonGrid("16x16")).toMatchObject({ name: "16x16", shape: [16, 16] });
  });

  it("refuses an unknown grid, naming the variable, the accepted values and the value received", () => {
    expect(() => poissonGrid("64x65")).toThrow(PgValidationError);
    expect(() => poissonGrid("64x65")).toThrow(
      'poisson: POISSON_GRID must be one of "64x64" (the authors\' code, default), "80x60" (the ICLR paper) or "16x16" (test-only); received "64x65".',
    );
  });
});

describe("poissonExperiment", () => {
  it("feeds y* = P(x*) as input and target and carries x*, drawn from the given stream as poissonBatch draws it", () => {
    const experiment = poissonExperiment({ grid: poissonGrid("16x16") });
    const next = experiment.batches(argsOf(3, 4), random(4));
    const first = next(1) as PoissonTrainingBatch;
    const second = next(2) as PoissonTrainingBatch;
    const reference = random(4);
    expect(Array.from(first.xTarget)).toEqual(Array.from(poissonBatch(reference, { batch: 3, shape: [16, 16] }).x));
    expect(Array.from(second.xTarget)).toEqual(Array.from(poissonBatch(reference, { batch: 3, shape: [16, 16] }).x));
    expect(first.inputShape).toEqual([16, 16, 1]);
    expect(first.input).toBe(first.yTarget);
    const residual = experiment.physics.laplacian(first.yTarget, 3).map((v, i) => v - (first.xTarget[i] as number));
    expect(Math.hypot(...residual) / Math.hypot(...first.xTarget)).toBeLessThanOrEqual(1e-5);
  });

  it("is named after its grid and records the grid and the CG settings", () => {
    const experiment = poissonExperiment({ grid: poissonGrid("80x60") });
    expect(experiment.name).toBe("poisson-80x60");
    expect(experiment.inputShape).toEqual([80, 60, 1]);
    expect(experiment.settings).toEqual({
      grid: poissonGrid("80x60"),
      solver: { method: "conjugate gradient", relativeTolerance: 1e-5, absoluteTolerance: 0, maxIterations: 1000 },
    });
    expect(experiment.reduction).toBe("sum");
    expect(experiment.averageWindow).toBe(16);
    expect(experiment.reportIterations).toEqual([10, 30, 60, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 12000]);
    expect(experiment.defaults).toMatchObject({ iterations: 12000, batch: 128, methods: ["adam", "sgd", "pg-inverse"] });
  });

  it("gives sgd the grid's learning rate and pg-inverse the Laplacian inverse", () => {
    const experiment = poissonExperiment({ grid: poissonGrid("16x16") });
    const args = argsOf(2, 0);
    expect(experiment.method("adam", args).scheme.description).toBe("backprop");
    expect(experiment.method("sgd", args).scheme.description).toBe("backprop");
    expect(experiment.method("sgd", args).optimizer.getConfig()).toMatchObject({ learningRate: 3e-12, momentum: 0.9 });
    expect(experiment.method("adam", args).optimizer.getConfig()).toMatchObject({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(experiment.method("pg-inverse", args).scheme.description).toMatch(/^physical\(/);
    expect(() => experiment.method("lbfgs", args)).toThrow('poisson-16x16: method must be one of adam, sgd, pg-inverse; received "lbfgs".');
  });

  it("computes x_err as the batch mean of the per-example sum of |x − x*|", () => {
    const experiment = poissonExperiment({ grid: poissonGrid("16x16") });
    const xTarget = new Float64Array(2 * 256);
    const x = new Float64Array(2 * 256).fill(0.5, 0, 256).fill(-2, 256); // Σ|x − x*| = 128 and 512
    const batch: PoissonTrainingBatch = { input: xTarget, inputShape: [16, 16, 1], yTarget: xTarget, xTarget };
    expect(experiment.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x }, "adam")).toBe(320);
  });

  it("declares log-scale curves over 16 iterations and field images of x* with y* on its own colour range", () => {
    const experiment = poissonExperiment({ grid: poissonGrid("16x16") });
    const figures = experiment.figures!;
    expect(figures).toMatchObject({ smoothing: 16, logY: true, labels: { x_err: "x_err = Σ|x − x*| (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" } });
    expect(figures.fields).toMatchObject({ shape: [16, 16], observationRange: "own" });
    const batch = experiment.batches(argsOf(2, 0), random(0))(1) as PoissonTrainingBatch;
    expect(figures.fields!.xTarget(batch)).toBe(batch.xTarget);
    const foreign = { input: batch.input, inputShape: [16, 16, 1], yTarget: batch.yTarget };
    expect(() => figures.fields!.xTarget(foreign)).toThrow("poisson: batch.xTarget must be the x* of a batch made by the Poisson batch source; received undefined.");
  });
});
