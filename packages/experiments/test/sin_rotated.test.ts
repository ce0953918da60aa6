import * as tf from "@tensorflow/tfjs";
import { PgValidationError, applyScheme, initScheme, train, type Network } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { random, uniformSampler } from "@pg/data";
import { rotatedSinPhysics } from "@pg/physics-toys";
import { beforeAll, describe, expect, it } from "vitest";
import {
  SIN_ROTATED_METHODS,
  limitedNewton,
  limitedNewtonStep,
  sinRotatedExperiment,
  sinRotatedMetrics,
  sinRotatedSetting,
  type RunArguments,
} from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function argsOf(batch: number, seed = 0): RunArguments {
  return { iterations: 1, batch, seed, methods: [...SIN_ROTATED_METHODS], out: "", backend: undefined, replicas: undefined };
}

function step(g: number[], h: number[], c?: number): number[] {
  return Array.from(limitedNewtonStep(Float64Array.from(g), Float64Array.from(h), 1, c));
}

/**
 * The limited Newton step computed another way, for comparison: eigenvalues from the characteristic polynomial,
 * eigenvectors (b, λ − a) normalised (or the axes when b = 0), then the published rule in that basis.
 */
function independentStep(g: [number, number], h: [number, number, number, number], c: number): [number, number] {
  const [a, b, , d] = h;
  const mean = (a + d) / 2;
  const radius = Math.sqrt(((a - d) / 2) ** 2 + b * b);
  const lambdas = [mean + radius, mean - radius];
  const vectors =
    b === 0
      ? a >= d
        ? [[1, 0], [0, 1]]
        : [[0, 1], [1, 0]]
      : lambdas.map((lambda) => {
          const v = [b, lambda - a];
          const norm = Math.hypot(v[0]!, v[1]!);
          return [v[0]! / norm, v[1]! / norm];
        });
  const geometric = Math.sqrt(Math.abs(lambdas[0]! * lambdas[1]!));
  const out: [number, number] = [0, 0];
  for (let i = 0; i < 2; i++) {
    const v = vectors[i]!;
    const gi = v[0]! * g[0] + v[1]! * g[1];
    const li = lambdas[i]!;
    const newton = li === 0 ? 0 : Math.abs(gi / li);
    const limit = li > geometric ? newton : gi === 0 ? 0 : Math.abs(c / gi);
    const n = Math.min(newton, limit) * Math.sign(-gi);
    out[0] += n * v[0]!;
    out[1] += n * v[1]!;
  }
  return out;
}

describe("limitedNewtonStep", () => {
  it("matches hand-computed 2 × 2 cases", () => {
    // H = diag(4, 1), λ̄ = 2: the strongly curved direction takes the Newton step −2/4, the other is limited to 0.2/3.
    const diagonal = step([2, 3], [4, 0, 0, 1]);
    expect(diagonal[0]).toBeCloseTo(-0.5, 15);
    expect(diagonal[1]).toBeCloseTo(-0.2 / 3, 15);
    // H = [[2.5, 1.5], [1.5, 2.5]]: λ = 4 along (1, 1)/√2, λ = 1 along (1, −1)/√2; g = (1, 0) gives ĝ = (1, 1)/√2,
    // n = (−1/(4√2), −0.2√2) (the second limited), Δ = (−0.125 − 0.2, −0.125 + 0.2).
    const rotated = step([1, 0], [2.5, 1.5, 1.5, 2.5]);
    expect(rotated[0]).toBeCloseTo(-0.325, 14);
    expect(rotated[1]).toBeCloseTo(0.075, 14);
    // A negative eigenvalue: Newton would climb (n = +1); the step is flipped downhill and limited to 0.2.
    const concave = step([1, 1], [-1, 0, 0, 4]);
    expect(concave[0]).toBeCloseTo(-0.2, 15);
    expect(concave[1]).toBeCloseTo(-0.25, 15);
  });

  it("gives 0 along a direction of zero gradient or zero curvature, and the unlimited flipped step for c = Infinity", () => {
    expect(step([0, 0], [3, 1, 1, 2]).map(Math.abs)).toEqual([0, 0]);
    const flat = step([1, 2], [0, 0, 0, 5]);
    expect(Math.abs(flat[0]!)).toBe(0);
    expect(flat[1]).toBeCloseTo(-0.4, 15);
    // c = Infinity: |n_i| everywhere, still downhill.
    const unlimited = step([2, 3], [4, 0, 0, 1], Infinity);
    expect(unlimited[0]).toBeCloseTo(-0.5, 15);
    expect(unlimited[1]).toBeCloseTo(-3, 15);
    const flipped = step([1, 1], [-1, 0, 0, 4], Infinity);
    expect(flipped[0]).toBeCloseTo(-1, 15);
  });

  it("agrees with an independent eigendecomposition on random symmetric matrices, and always descends", () => {
    const random = testRandom(11);
    for (let k = 0; k < 2000; k++) {
      const scale = 10 ** (4 * random() - 2);
      const h: [number, number, number, number] = [scale * (2 * random() - 1), 0, 0, scale * (2 * random() - 1)];
      h[1] = h[2] = scale * (2 * random() - 1);
      const g: [number, number] = [2 * random() - 1, 2 * random() - 1];
      const c = k % 2 === 0 ? 0.2 : 5 * random() + 0.01;
      const ours = step(g, h, c);
      const theirs = independentStep(g, h, c);
      const size = Math.max(Math.hypot(...theirs), 1e-12);
      expect(Math.hypot(ours[0]! - theirs[0], ours[1]! - theirs[1]) / size).toBeLessThan(1e-9);
      expect(g[0] * ours[0]! + g[1] * ours[1]!).toBeLessThanOrEqual(0);
    }
  });

  it("handles a batch example by example", () => {
    const g = Float64Array.of(2, 3, 1, 0, 1, 1);
    const h = Float64Array.of(4, 0, 0, 1, 2.5, 1.5, 1.5, 2.5, -1, 0, 0, 4);
    const batch = Array.from(limitedNewtonStep(g, h, 3));
    expect(batch.slice(0, 2)).toEqual(step([2, 3], [4, 0, 0, 1]));
    expect(batch.slice(2, 4)).toEqual(step([1, 0], [2.5, 1.5, 1.5, 2.5]));
    expect(batch.slice(4, 6)).toEqual(step([1, 1], [-1, 0, 0, 4]));
  });
});

describe("limitedNewton (solver)", () => {
  it("proposes x + Δ from the physics' gradient and Hessian", () => {
    const physics = rotatedSinPhysics({ illConditioning: 10, angle: 45 });
    const x = Float64Array.of(0.03, -0.01, -0.2, 0.002);
    const yTarget = Float64Array.of(0.3, -0.4, -0.9, 0.1);
    const { gradient, hessian } = physics.lossDerivatives(x, yTarget, 2);
    const delta = limitedNewtonStep(gradient, hessian, 2);
    const result = limitedNewton().solve({ physics, x, yTarget, batch: 2 });
    expect(Array.from(result.x)).toEqual(Array.from(x, (v, i) => v + delta[i]!));
    expect(result.reasons).toEqual(["maxIterations", "maxIterations"]);
    expect(Array.from(result.iterations)).toEqual([1, 1]);
  });

  it("reports an example with a non-finite x as nonFinite at its x and solves the others", () => {
    const physics = rotatedSinPhysics();
    const result = limitedNewton().solve({ physics, x: Float64Array.of(Number.NaN, 0, 0.01, 0), yTarget: Float64Array.of(0, 0, 0.5, 0.5), batch: 2 });
    expect(result.reasons).toEqual(["nonFinite", "maxIterations"]);
    expect(Number.isNaN(result.x[0]!)).toBe(true);
    expect(result.iterations[0]).toBe(0);
    expect(result.x[2]).not.toBe(0.01);
  });

  it("lowers the loss of examples near a solution", () => {
    const physics = rotatedSinPhysics({ illConditioning: 1, angle: 45 });
    const random = testRandom(3);
    const batch = 200;
    const yTarget = Float64Array.from({ length: 2 * batch }, () => 1.6 * random() - 0.8);
    const solution = physics.closestSolution(new Float64Array(2 * batch), yTarget, batch);
    const x = solution.map((v) => v + 0.01 * (2 * random() - 1));
    const proposal = limitedNewton().solve({ physics, x, yTarget, batch }).x;
    const loss = (points: Float64Array) => sinRotatedMetrics(physics, points, yTarget, batch).y_l2;
    expect(loss(proposal)).toBeLessThan(0.1 * loss(x));
  });
});

describe("sinRotatedMetrics", () => {
  it("measures the distance to the closest exact solution: x_l1 (Σ|·|), x_dist (‖·‖₂) and y_l2, batch means", () => {
    const physics = rotatedSinPhysics({ illConditioning: 1, angle: 0 });
    // Example 1: u = (0.3, 0.4), y* = (0, 0): x_sol = 0. Example 2: x is a solution of y* = P(x).
    const x = Float64Array.of(0.03, 0.04, 0.2, -0.05);
    const yTarget = Float64Array.of(0, 0, ...physics.forward(Float64Array.of(0.2, -0.05), 1));
    const metrics = sinRotatedMetrics(physics, x, yTarget, 2);
    expect(metrics.x_l1).toBeCloseTo((0.07 + 0) / 2, 12);
    expect(metrics.x_dist).toBeCloseTo((0.05 + 0) / 2, 12);
    expect(metrics.y_l2).toBeCloseTo((0.5 * (Math.sin(0.3) ** 2 + 0.16) + 0) / 2, 12);
  });

  it("bounds x_dist ≤ x_l1 ≤ √2·x_dist", () => {
    const physics = rotatedSinPhysics({ illConditioning: 32, angle: 45 });
    const random = testRandom(5);
    const x = Float64Array.from({ length: 200 }, () => 0.3 * (2 * random() - 1));
    const yTarget = Float64Array.from({ length: 200 }, () => 2 * random() - 1);
    const { x_l1, x_dist } = sinRotatedMetrics(physics, x, yTarget, 100);
    expect(x_dist).toBeGreaterThan(0);
    expect(x_l1).toBeGreaterThanOrEqual(x_dist);
    expect(x_l1).toBeLessThanOrEqual(Math.SQRT2 * x_dist);
  });
});

describe("sinRotatedSetting", () => {
  it("reads ξ and φ, with defaults 10 and 45", () => {
    expect(sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", undefined)).toBe(10);
    expect(sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", " 32 ")).toBe(32);
    expect(sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", "0.5")).toBe(0.5);
    expect(sinRotatedSetting("SIN_ROTATED_ANGLE", "")).toBe(45);
    expect(sinRotatedSetting("SIN_ROTATED_ANGLE", "0")).toBe(0);
    expect(() => sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", "-1")).toThrow(PgValidationError);
    expect(() => sinRotatedSetting("SIN_ROTATED_ANGLE", "45deg")).toThrow('sin-rotated: SIN_ROTATED_ANGLE must be a number of degrees, e.g. 45; received "45deg".');
  });
});

describe("sinRotatedExperiment", () => {
  it("sets up the published characterisation: batch 100, mean over the batch, ξ and φ in the settings", () => {
    const experiment = sinRotatedExperiment({ illConditioning: 32, angle: 30 });
    expect(experiment.name).toBe("sin-rotated");
    expect(experiment.defaults).toEqual({ iterations: 20000, batch: 100, seed: 0, methods: SIN_ROTATED_METHODS, out: "runs/sin-rotated" });
    expect(experiment.knownMethods).toEqual(["newton", "adam", "sgd", "adadelta", "adagrad", "rmsprop"]);
    expect(experiment.reduction).toBe("mean");
    expect(experiment.settings).toMatchObject({ illConditioning: 32, angle: 30, scale: 10, maxLossChange: 0.2 });
    expect(experiment.physics.illConditioning).toBe(32);
    expect(experiment.physics.angle).toBe(30);
    expect(experiment.averageWindow).toBe(256);
    expect(experiment.figures).toMatchObject({ smoothing: 256, logY: true });
    expect(experiment.extraMetrics?.columns).toEqual(["x_l1", "x_dist", "y_l2"]);
    expect(sinRotatedExperiment().settings).toMatchObject({ illConditioning: 10, angle: 45 });
  });

  it("builds the MLP 2-32-64-32-2 with ReLU: 4,354 parameters", () => {
    const network = sinRotatedExperiment().network(0);
    expect(network.countParams()).toBe(4354);
    const dense = network.layers.filter((layer) => layer.getClassName() === "Dense");
    expect(dense.map((layer) => (layer.getConfig() as { activation: string }).activation)).toEqual(["relu", "relu", "relu", "linear"]);
    network.dispose();
  });

  it("draws y* ~ U[−1, 1)² from the given stream only", () => {
    const next = sinRotatedExperiment().batches(argsOf(30, 2), random(2));
    const first = next(1);
    const second = next(2);
    const reference = random(2);
    const sampler = uniformSampler({ low: -1, high: 1 });
    expect(Array.from(first.yTarget)).toEqual(Array.from(sampler.sample(reference, 60)));
    expect(Array.from(second.yTarget)).toEqual(Array.from(sampler.sample(reference, 60)));
    expect(first.input).toBe(first.yTarget);
    expect(first.inputShape).toEqual([2]);
  });

  it.each([1, 10, 32])("trains each method with the published optimizer and learning rate (ξ = %i)", (xi) => {
    const experiment = sinRotatedExperiment({ illConditioning: xi });
    const plans = Object.fromEntries(SIN_ROTATED_METHODS.map((method) => [method, experiment.method(method, argsOf(4))]));
    const summary = Object.fromEntries(Object.entries(plans).map(([method, plan]) => [method, [plan.optimizer.getClassName(), plan.optimizer.getConfig().learningRate]]));
    expect(summary).toEqual({
      newton: ["Adam", 1e-3],
      adam: ["Adam", 1e-3],
      sgd: ["SGD", 1e-2 / (xi * xi)],
      adadelta: ["TorchAdadelta", 3e-3],
      adagrad: ["TorchAdagrad", 3e-3],
      rmsprop: ["TorchRMSprop", 3e-5],
    });
    expect(plans.adam!.optimizer.getConfig()).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(plans.newton!.scheme.description).toBe("physical(limitedNewton(0.2)) → sign");
    for (const method of ["adam", "sgd", "adadelta", "adagrad", "rmsprop"]) expect(plans[method]!.scheme.description).toBe("backprop");
    for (const plan of Object.values(plans)) plan.optimizer.dispose();
  });

  it("gives newton the output gradient −sign(Δ) of the L1 proxy Σ|x − stopgrad(x + Δ)|", () => {
    const experiment = sinRotatedExperiment();
    const plan = experiment.method("newton", argsOf(3));
    const x = Float64Array.of(0.02, -0.01, 0.1, 0.05, -0.3, 0.001);
    const yTarget = Float64Array.of(0.5, 0.5, -0.2, 0.9, 0.99, -1);
    const { gradient, hessian } = experiment.physics.lossDerivatives(x, yTarget, 3);
    const delta = limitedNewtonStep(gradient, hessian, 3);
    const [result] = applyScheme(plan.scheme, { physics: experiment.physics, x, yTarget, batch: 3, step: 1 }, initScheme(plan.scheme));
    expect(Array.from(result.gradient)).toEqual(Array.from(delta, (d) => -Math.sign(d)));
    expect(result.gradient.every((g) => Math.abs(g) === 1)).toBe(true);
  });

  it("writes x_err = x_dist and the metrics of sinRotatedMetrics", () => {
    const experiment = sinRotatedExperiment();
    const x = Float64Array.of(0.02, -0.01, 0.1, 0.05);
    const yTarget = Float64Array.of(0.5, 0.5, -0.2, 0.9);
    const report = { metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, batch: { input: yTarget, inputShape: [2], yTarget }, x, state: [] };
    const metrics = sinRotatedMetrics(experiment.physics, x, yTarget, 2);
    expect(experiment.xError(report, "adam")).toBe(metrics.x_dist);
    expect(experiment.extraMetrics!.values(report, "adam")).toEqual({ ...metrics });
  });

  it("trains every method 30 steps at batch 16 from the same weights and batches, with finite metrics", async () => {
    const experiment = sinRotatedExperiment({ illConditioning: 10 });
    const args = { ...argsOf(16, 3), iterations: 30 };
    const reference = experiment.network(3);
    const weights = reference.getWeights().map((w) => w.clone());
    reference.dispose();
    const firstRows: string[] = [];
    for (const method of SIN_ROTATED_METHODS) {
      const network = experiment.network(3);
      network.setWeights(weights);
      const plan = experiment.method(method, args);
      const rows: number[][] = [];
      await train({
        network: network as unknown as Network,
        optimizer: plan.optimizer,
        scheme: plan.scheme,
        physics: experiment.physics,
        reduction: experiment.reduction,
        iterations: 30,
        nextBatch: experiment.batches(args, random(3)),
        callbacks: {
          onStep: (report) => {
            const extra = experiment.extraMetrics!.values(report, method);
            rows.push([report.metrics.loss, experiment.xError(report, method), extra.x_l1!, extra.y_l2!]);
          },
        },
      });
      expect(rows, method).toHaveLength(30);
      expect(rows.flat().every(Number.isFinite), method).toBe(true);
      // loss is the batch mean of L, which y_l2 is too.
      for (const row of rows) expect(row[3]).toBeCloseTo(row[0]!, 10);
      firstRows.push(rows[0]!.join(","));
      plan.optimizer.dispose();
      network.dispose();
    }
    expect(new Set(firstRows).size).toBe(1);
    tf.dispose(weights);
  });
});
