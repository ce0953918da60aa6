import * as tf from "@tensorflow/tfjs";
import { PgValidationError, float64ToTensor, halfSquaredError, tensorToFloat64 } from "@pg/core";
import { heatRectangles, random } from "@pg/data";
import { beforeAll, describe, expect, it } from "vitest";
import { HEAT_METHODS, heatExperiment, type HeatTrainingBatch, type RunArguments } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function argsOf(batch: number, seed: number): RunArguments {
  return { iterations: 1, batch, seed, methods: [...HEAT_METHODS], out: "", backend: undefined, replicas: undefined };
}

function exampleMeans(values: Float64Array, size: number): number[] {
  return Array.from({ length: values.length / size }, (_, b) => values.subarray(b * size, (b + 1) * size).reduce((s, v) => s + v, 0) / size);
}

describe("heatExperiment", () => {
  it("feeds y* = P(x*) as input and target and carries x*, drawn from the given stream as heatRectangles draws it", () => {
    const experiment = heatExperiment();
    const next = experiment.batches(argsOf(3, 4), random(4));
    const first = next(1) as HeatTrainingBatch;
    const second = next(2) as HeatTrainingBatch;
    const reference = random(4);
    expect(Array.from(first.xTarget)).toEqual(Array.from(heatRectangles(reference, { batch: 3, shape: [64, 64] })));
    expect(Array.from(second.xTarget)).toEqual(Array.from(heatRectangles(reference, { batch: 3, shape: [64, 64] })));
    expect(first.inputShape).toEqual([64, 64, 1]);
    expect(first.input).toBe(first.yTarget);
    expect(Array.from(first.yTarget)).toEqual(Array.from(experiment.physics.forward(first.xTarget, 3)));
    expect(first.xTarget.every((v) => v >= 0 && v < 10)).toBe(true);
  });

  it("configures the paper's constants: sum reduction, the mean fix, window 16, the Fig. 5 report iterations", () => {
    const experiment = heatExperiment();
    expect(experiment.name).toBe("heat");
    expect(experiment.settings).toEqual({ shape: [64, 64] });
    expect(experiment.reduction).toBe("sum");
    expect(experiment.outputTransform?.name).toBe("meanFix");
    expect(experiment.inputShape).toEqual([64, 64, 1]);
    expect(experiment.outputShape).toEqual([64, 64, 1]);
    expect(experiment.averageWindow).toBe(16);
    expect(experiment.reportIterations).toEqual([10, 30, 35, 40, 100, 200, 300, 500, 1000]);
    expect(experiment.defaults).toMatchObject({ batch: 128, methods: ["adam", "pg-inverse", "pg-lbfgsb"] });
    expect(experiment.physics.diffusivityTime).toBe(8);
    const args = argsOf(2, 0);
    expect(experiment.method("adam", args).scheme.description).toBe("backprop");
    expect(experiment.method("pg-inverse", args).scheme.description).toBe("physical(inverseDiffusion)");
    expect(experiment.method("pg-lbfgsb", args).scheme.description).toBe("physical(lbfgsb(historySize=10, maxIterations=32))");
    expect(() => experiment.method("sgd", args)).toThrow(PgValidationError);
    expect(() => experiment.method("sgd", args)).toThrow('heat: method must be one of adam, pg-inverse, pg-lbfgsb; received "sgd".');
  });

  it("mean-fixes every network output: each example's mean becomes its y*'s", () => {
    const experiment = heatExperiment({ shape: [16, 16] });
    const batch = experiment.batches(argsOf(2, 3), random(3))(1) as HeatTrainingBatch;
    const raw = new Float64Array(batch.xTarget.length).map((_, k) => Math.sin(k) + (k < 256 ? 2 : -1));
    const input = float64ToTensor(raw, [2, 16, 16, 1]);
    const output = experiment.outputTransform!(input, batch);
    const fixed = tensorToFloat64(output);
    tf.dispose([input, output]);
    const targetMeans = exampleMeans(batch.yTarget, 256);
    const fixedMeans = exampleMeans(fixed, 256);
    for (let b = 0; b < 2; b++) expect(Math.abs((fixedMeans[b] as number) - (targetMeans[b] as number))).toBeLessThan(1e-5);
    // Only the mean moves: differences between cells stay.
    expect((fixed[1] as number) - (fixed[0] as number)).toBeCloseTo((raw[1] as number) - (raw[0] as number), 5);
  });

  it("names other grids after their shape", () => {
    const experiment = heatExperiment({ shape: [16, 8] });
    expect(experiment.name).toBe("heat-16x8");
    expect(experiment.settings).toEqual({ shape: [16, 8] });
    expect(experiment.inputShape).toEqual([16, 8, 1]);
  });

  it("has pg-lbfgsb proposals that lower ½‖P(x) − y*‖² for every example, in at most 32 iterations", () => {
    const experiment = heatExperiment();
    const batch = experiment.batches(argsOf(3, 2), random(2))(1) as HeatTrainingBatch;
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

  it("measures x_err as the batch mean of Σ|x − x*|", () => {
    const experiment = heatExperiment({ shape: [16, 16] });
    const batch = experiment.batches(argsOf(4, 1), random(1))(1) as HeatTrainingBatch;
    const x = new Float64Array(batch.xTarget.length).fill(0.25);
    const error = experiment.xError({ metrics: { step: 7, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x }, "pg-inverse");
    const expected = batch.xTarget.reduce((s, v) => s + Math.abs(v - 0.25), 0) / 4;
    expect(error).toBeCloseTo(expected, 10);
  });

  it("declares log-scale curves over 16 iterations and field images with y* on the colour range of x*", () => {
    const experiment = heatExperiment({ shape: [16, 16] });
    const figures = experiment.figures!;
    expect(figures).toMatchObject({ smoothing: 16, logY: true, labels: { x_err: "x_err = Σ|x − x*| (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" } });
    expect(figures.fields).toMatchObject({ shape: [16, 16], observationRange: "solution" });
    const batch = experiment.batches(argsOf(2, 0), random(0))(1) as HeatTrainingBatch;
    expect(figures.fields!.xTarget(batch)).toBe(batch.xTarget);
    const foreign = { input: batch.input, inputShape: batch.inputShape, yTarget: batch.yTarget };
    expect(() => experiment.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch: foreign, x: batch.xTarget }, "adam")).toThrow(
      "heat: batch.xTarget must be the x* of a batch made by the heat batch source; received undefined.",
    );
  });
});
