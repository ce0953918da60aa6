import { PgValidationError } from "@pg/core";
import { random, uniformSampler } from "@pg/data";
import { sinPhysics } from "@pg/physics-toys";
import { describe, expect, it } from "vitest";
import { SIN_METHODS, sinExperiment, type RunArguments } from "../src/index";

function argsOf(batch: number, seed: number): RunArguments {
  return { iterations: 1, batch, seed, methods: [...SIN_METHODS], out: "", backend: undefined, replicas: undefined };
}

describe("sinExperiment", () => {
  it("draws a ~ U[0.1, 10.1) from the given stream only, in the order of the sampler: one seed, one data stream", () => {
    const experiment = sinExperiment();
    const next = experiment.batches(argsOf(5, 3), random(3));
    const first = next(1);
    const second = next(2);
    // The same draws as sampling the seed's stream directly, batch after batch.
    const reference = random(3);
    const sampler = uniformSampler({ low: 0.1, high: 10.1 });
    expect(Array.from(first.input)).toEqual(Array.from(sampler.sample(reference, 5)));
    expect(Array.from(second.input)).toEqual(Array.from(sampler.sample(reference, 5)));
    expect(first.inputShape).toEqual([1]);
    expect(Array.from(first.yTarget)).toEqual([-1, -1, -1, -1, -1]);
    expect(first.physics).toBeDefined();
  });

  it("configures the paper's Fig. 3: batch 1000, mean reduction, window 1000, the methods in the paper's order", () => {
    const experiment = sinExperiment();
    expect(experiment.name).toBe("sin");
    expect(experiment.defaults).toEqual({ iterations: 20000, batch: 1000, seed: 0, methods: SIN_METHODS, out: "runs/sin" });
    expect(experiment.knownMethods).toEqual(["adam", "supervised", "pg-inverse", "pg-newton", "pg-ig"]);
    expect(experiment.reduction).toBe("mean");
    expect(experiment.averageWindow).toBe(1000);
    expect(experiment.reportIterations).toEqual([1000, 2000, 5000, 10000, 20000]);
    expect(experiment.figures).toMatchObject({ smoothing: 1000, logY: true });
    expect(experiment.figures?.fields).toBeUndefined();
  });

  it("clips the x-space gradient of adam, pg-newton and pg-ig to [−1, 1], not that of the analytic inverse", () => {
    const experiment = sinExperiment();
    const args = argsOf(2, 0);
    const descriptions = Object.fromEntries(SIN_METHODS.map((method) => [method, experiment.method(method, args).scheme.description]));
    expect(descriptions).toEqual({
      adam: "backprop → clipByValue(1)",
      supervised: "supervised",
      "pg-inverse": "physical(closestMinimum)",
      "pg-newton": "physical(newton) → clipByValue(1)",
      "pg-ig": "physical(inverseGradient) → clipByValue(1)",
    });
    expect(() => experiment.method("sgd", args)).toThrow(PgValidationError);
    expect(() => experiment.method("sgd", args)).toThrow('sin: method must be one of adam, supervised, pg-inverse, pg-newton, pg-ig; received "sgd".');
  });

  it("labels supervised batches with the minimum closest to x₀ = 1", () => {
    const experiment = sinExperiment();
    const batch = experiment.batches(argsOf(4, 1), random(1))(1);
    const labelled = experiment.method("supervised", argsOf(4, 1)).prepareBatch!(batch);
    expect(Array.from(labelled.labels!)).toEqual(Array.from(sinPhysics({ a: batch.input }).closestMinimum(new Float64Array(4).fill(1))));
  });

  it("measures x_err as the batch mean of |x − x̃| to the closest exact solution", () => {
    const experiment = sinExperiment();
    const a = Float64Array.of(1, 2);
    const physics = sinPhysics({ a });
    const exact = physics.closestMinimum(Float64Array.of(0.5, 0.5));
    const x = Float64Array.of((exact[0] as number) + 0.01, (exact[1] as number) - 0.03);
    const batch = { input: a, inputShape: [1], yTarget: Float64Array.of(-1, -1), physics };
    const error = experiment.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x }, "adam");
    expect(error).toBeCloseTo(0.02, 12);
  });

  it("refuses a batch without its physics in x_err, naming it", () => {
    const experiment = sinExperiment();
    const batch = { input: Float64Array.of(1), inputShape: [1], yTarget: Float64Array.of(-1) };
    expect(() => experiment.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x: Float64Array.of(1) }, "adam")).toThrow(
      "sin: batch.physics must be the per-example sin physics of a batch made by the sin batch source; received undefined.",
    );
  });
});
