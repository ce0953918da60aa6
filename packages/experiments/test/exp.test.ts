import * as tf from "@tensorflow/tfjs";
import { applyScheme, initScheme, train, type Batch, type Network } from "@pg/core";
import { random, uniformSampler } from "@pg/data";
import type { ExpPhysics } from "@pg/physics-toys";
import { beforeAll, describe, expect, it } from "vitest";
import { EXP_METHODS, expExperiment, expMetrics, type ExpTrainingBatch, type RunArguments } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function argsOf(batch: number, seed = 0): RunArguments {
  return { iterations: 1, batch, seed, methods: [...EXP_METHODS], out: "", backend: undefined, replicas: undefined };
}

/** The x-space gradient a method's scheme gives for predictions x of the targets x* (before the batch reduction). */
function xSpaceGradient(method: string, x: number[], xTarget: number[]): Float64Array {
  const experiment = expExperiment();
  const plan = experiment.method(method, argsOf(x.length));
  const target = Float64Array.from(xTarget);
  const raw: ExpTrainingBatch = { input: target.map(Math.exp), inputShape: [1], yTarget: target.map(Math.exp), xTarget: target };
  const batch = plan.prepareBatch === undefined ? raw : plan.prepareBatch(raw);
  const context = {
    physics: experiment.physics,
    x: Float64Array.from(x),
    yTarget: batch.yTarget,
    batch: x.length,
    step: 1,
    ...(batch.labels === undefined ? {} : { labels: batch.labels }),
  };
  return applyScheme(plan.scheme, context, initScheme(plan.scheme))[0].gradient;
}

/** The published Newton step, written out: g = (eˣ − y*)eˣ, h = 2e²ˣ − y*eˣ, Δ = min(|g/h|, clip)·sign(−g), 0 where h = 0. */
function publishedNewtonStep(x: number, target: number, clip = Infinity): number {
  const y = Math.exp(target);
  const g = (Math.exp(x) - y) * Math.exp(x);
  const h = 2 * Math.exp(2 * x) - y * Math.exp(x);
  if (h === 0) return 0;
  return Math.min(Math.abs(g / h), clip) * Math.sign(-g);
}

describe("expExperiment", () => {
  it("sets up the published experiment: batch 100, summed losses, 10,000 iterations, six methods", () => {
    const experiment = expExperiment();
    expect(experiment.name).toBe("exp");
    expect(experiment.defaults).toEqual({ iterations: 10000, batch: 100, seed: 0, methods: EXP_METHODS, out: "runs/exp" });
    expect(experiment.knownMethods).toEqual(["adjoint", "adjoint-adam", "ground-truth", "newton", "newton-clipped", "rescaled"]);
    expect(experiment.reduction).toBe("sum");
    expect(experiment.inputShape).toEqual([1]);
    expect(experiment.outputShape).toEqual([1]);
    expect(experiment.extraMetrics?.columns).toEqual(["y_l2", "y_l1", "x_l2", "x_l1"]);
    expect(experiment.figures).toMatchObject({ logY: true });
  });

  it("builds the MLP 1-16-64-16-1 with sigmoid hidden layers: 2,177 parameters", () => {
    const network = expExperiment().network(0);
    expect(network.countParams()).toBe(2177);
    const dense = network.layers.filter((layer) => layer.getClassName() === "Dense");
    expect(dense.map((layer) => (layer.getConfig() as { units: number }).units)).toEqual([16, 64, 16, 1]);
    expect(dense.map((layer) => (layer.getConfig() as { activation: string }).activation)).toEqual(["sigmoid", "sigmoid", "sigmoid", "linear"]);
    network.dispose();
  });

  it("draws x* = −12·u, u ~ U[0, 1), from the given stream only, and gives the network y* = e^{x*}", () => {
    const next = expExperiment().batches(argsOf(50, 4), random(4));
    const first = next(1) as ExpTrainingBatch;
    const second = next(2) as ExpTrainingBatch;
    const reference = random(4);
    const unit = uniformSampler({ low: 0, high: 1 });
    expect(Array.from(first.xTarget)).toEqual(Array.from(unit.sample(reference, 50), (u) => -12 * u));
    expect(Array.from(second.xTarget)).toEqual(Array.from(unit.sample(reference, 50), (u) => -12 * u));
    expect(first.xTarget.every((x) => x > -12 && x <= 0)).toBe(true);
    expect(Array.from(first.yTarget)).toEqual(Array.from(first.xTarget, Math.exp));
    expect(first.input).toBe(first.yTarget);
    expect(first.inputShape).toEqual([1]);
  });

  it("trains with SGD 0.01 (no momentum) except adjoint-adam, which uses Adam 0.001 with ε 1e-8", () => {
    const experiment = expExperiment();
    for (const method of EXP_METHODS) {
      const { optimizer } = experiment.method(method, argsOf(4));
      const config = optimizer.getConfig();
      if (method === "adjoint-adam") {
        expect(optimizer.getClassName()).toBe("Adam");
        expect(config).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
      } else {
        expect(optimizer.getClassName(), method).toBe("SGD");
        expect(config.learningRate).toBe(0.01);
      }
      optimizer.dispose();
    }
    const custom = expExperiment({ sgdLearningRate: 0.003, adamLearningRate: 0.02 });
    expect(custom.method("newton", argsOf(4)).optimizer.getConfig().learningRate).toBe(0.003);
    expect(custom.method("adjoint-adam", argsOf(4)).optimizer.getConfig().learningRate).toBe(0.02);
  });

  it("describes each method's scheme", () => {
    const experiment = expExperiment();
    const descriptions = Object.fromEntries(EXP_METHODS.map((method) => [method, experiment.method(method, argsOf(2)).scheme.description]));
    expect(descriptions).toEqual({
      adjoint: "backprop",
      "adjoint-adam": "backprop",
      "ground-truth": "supervised",
      newton: "physical(newton)",
      "newton-clipped": "physical(newton)",
      rescaled: "supervised → sign",
    });
  });

  it("gives backprop ∂L/∂x = (eˣ − y*)eˣ and ground truth x − x*", () => {
    const x = [0.5, -3, -11.5];
    const target = [-1, -2.5, -12];
    const adjoint = xSpaceGradient("adjoint", x, target);
    x.forEach((v, i) => expect(adjoint[i]).toBeCloseTo((Math.exp(v) - Math.exp(target[i]!)) * Math.exp(v), 15));
    expect(Array.from(xSpaceGradient("adjoint-adam", x, target))).toEqual(Array.from(adjoint));
    expect(Array.from(xSpaceGradient("ground-truth", x, target))).toEqual(x.map((v, i) => v - target[i]!));
  });

  it("gives newton and newton-clipped −Δ of the published step, 0 where h = 0, and rescaled sign(x − x*)", () => {
    // Below, near and above the target, deep in the flat region, and x = 0 with y* = 2 (x* = ln 2), where h = 0.
    const x = [-1, -2.4, 1, -20, 0];
    const target = [-2, -2.5, -0.2, -3, Math.log(2)];
    const newton = xSpaceGradient("newton", x, target);
    const clipped = xSpaceGradient("newton-clipped", x, target);
    for (let i = 0; i < x.length; i++) {
      expect(newton[i]).toBeCloseTo(-publishedNewtonStep(x[i]!, target[i]!), 12);
      expect(clipped[i]).toBeCloseTo(-publishedNewtonStep(x[i]!, target[i]!, 0.1), 12);
    }
    expect(Math.abs(newton[0]!)).toBeGreaterThan(0.1);
    expect(Math.abs(clipped[0]!)).toBeCloseTo(0.1, 14);
    expect(newton[4]).toBe(0);
    expect(Array.from(xSpaceGradient("rescaled", x, target))).toEqual(x.map((v, i) => Math.sign(v - target[i]!)));
  });

  it("logs y_l2, y_l1, x_l2, x_l1 as batch means; x_err is x_l1", () => {
    const x = Float64Array.of(-1, -5, 0.5);
    const target = Float64Array.of(-2, -5, -0.5);
    const metrics = expMetrics(x, target);
    const dy = Array.from(x, (v, i) => Math.exp(v) - Math.exp(target[i]!));
    expect(metrics.y_l2).toBeCloseTo(dy.reduce((sum, d) => sum + 0.5 * d * d, 0) / 3, 15);
    expect(metrics.y_l1).toBeCloseTo(dy.reduce((sum, d) => sum + Math.abs(d), 0) / 3, 15);
    expect(metrics.x_l2).toBeCloseTo((0.5 + 0 + 0.5) / 3, 15);
    expect(metrics.x_l1).toBeCloseTo(2 / 3, 15);
    const experiment = expExperiment();
    const batch: ExpTrainingBatch = { input: target.map(Math.exp), inputShape: [1], yTarget: target.map(Math.exp), xTarget: target };
    const report = { metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, batch, x, state: [] };
    expect(experiment.xError(report, "newton")).toBe(metrics.x_l1);
    expect(experiment.extraMetrics!.values(report, "newton")).toEqual({ ...metrics });
  });

  it("trains every method 30 steps at batch 20 from the same weights and batches, with finite losses", async () => {
    const experiment = expExperiment();
    const args = { ...argsOf(20, 1), iterations: 30 };
    const reference = experiment.network(1);
    const weights = reference.getWeights().map((w) => w.clone());
    reference.dispose();
    const firstLoss: number[] = [];
    for (const method of EXP_METHODS) {
      const network = experiment.network(1);
      network.setWeights(weights);
      const plan = experiment.method(method, args);
      const next = experiment.batches(args, random(1));
      const losses: number[] = [];
      const errors: number[] = [];
      await train({
        network: network as unknown as Network,
        optimizer: plan.optimizer,
        scheme: plan.scheme,
        physics: experiment.physics,
        reduction: experiment.reduction,
        iterations: 30,
        nextBatch: (step) => (plan.prepareBatch === undefined ? next(step) : plan.prepareBatch(next(step))) as Batch<ExpPhysics>,
        callbacks: {
          onStep: (report) => {
            losses.push(report.metrics.loss);
            errors.push(experiment.xError(report, method));
          },
        },
      });
      expect(losses, method).toHaveLength(30);
      expect(losses.every(Number.isFinite) && errors.every(Number.isFinite), method).toBe(true);
      firstLoss.push(losses[0]!);
      plan.optimizer.dispose();
      network.dispose();
    }
    // Step 1 sees the untouched network and the same batch in every method.
    expect(new Set(firstLoss).size).toBe(1);
    tf.dispose(weights);
  });
});
