import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  backprop,
  computeNetworkGradients,
  physical,
  physicsOp,
  scheme,
  supervised,
  type Batch,
  type Physics,
} from "@pg/core";
import { relativeDifference } from "@pg/core/testing";
import { analyticInverse, gradientDescent } from "../src/index";

/** P(x) = sin(W x) + x/2 per example, x ∈ R³ → y ∈ R²: nonlinear, with a hand-written adjoint. */
const W = [
  [0.9, -0.4, 0.6],
  [0.3, 1.1, -0.5],
];
const nonlinear: Physics = {
  name: "sin(Wx)+x/2",
  xShape: [3],
  yShape: [2],
  forward(x, batch) {
    const y = new Float64Array(batch * 2);
    for (let b = 0; b < batch; b++)
      for (let r = 0; r < 2; r++) {
        const z = W[r]!.reduce((s, w, c) => s + w * (x[b * 3 + c] as number), 0);
        y[b * 2 + r] = Math.sin(z) + 0.5 * (x[b * 3 + r] as number);
      }
    return y;
  },
  adjoint(x, dy, batch) {
    const dx = new Float64Array(batch * 3);
    for (let b = 0; b < batch; b++)
      for (let r = 0; r < 2; r++) {
        const z = W[r]!.reduce((s, w, c) => s + w * (x[b * 3 + c] as number), 0);
        const d = dy[b * 2 + r] as number;
        for (let c = 0; c < 3; c++) dx[b * 3 + c] = (dx[b * 3 + c] as number) + W[r]![c]! * Math.cos(z) * d;
        dx[b * 3 + r] = (dx[b * 3 + r] as number) + 0.5 * d;
      }
    return dx;
  },
};

function network(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, activation: "relu", inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }) }));
  model.add(tf.layers.dense({ units: 16, activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) }));
  model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 13 }) }));
  return model;
}

const batch: Batch = {
  input: Float64Array.from({ length: 32 * 2 }, (_, i) => Math.sin(0.37 * i * i + 1)),
  inputShape: [2],
  yTarget: Float64Array.from({ length: 32 * 2 }, (_, i) => 0.8 * Math.cos(1.3 * i)),
};

function flatten(grads: tf.NamedTensorMap, names: readonly string[]): Float64Array {
  return Float64Array.from(names.flatMap((n) => Array.from(grads[n]!.dataSync())));
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("Theorem 1: PG with one gradient-descent step of η = 1 equals back-propagation through P", () => {
  it("gives the same network gradient as the backprop scheme and as tfjs autodiff through the bridge", () => {
    const model = network();
    const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    for (const reduction of ["mean", "sum"] as const) {
      const pg = computeNetworkGradients({ network: model, scheme: scheme(physical({ solver: gradientDescent({ stepSize: 1 }) })), physics: nonlinear, batch, step: 1, reduction });
      const bp = computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics: nonlinear, batch, step: 1, reduction });
      const P = physicsOp(nonlinear);
      const input = tf.tensor2d(Float32Array.from(batch.input), [32, 2]);
      const target = tf.tensor2d(Float32Array.from(batch.yTarget), [32, 2]);
      const scale = reduction === "mean" ? 1 / 32 : 1;
      const autodiff = tf.variableGrads(
        () => tf.mul(tf.sum(tf.square(tf.sub(P(model.apply(input) as tf.Tensor), target))), 0.5 * scale) as tf.Scalar,
        model.trainableWeights.map((w) => w.read() as tf.Variable),
      ).grads;
      const g = flatten(pg.grads, names);
      expect(relativeDifference(g, flatten(bp.grads, names))).toBeLessThan(1e-5);
      expect(relativeDifference(g, flatten(autodiff, names))).toBeLessThan(1e-5);
      expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-4);
    }
  });
});

describe("Theorem 4: PG along the gradient equals scaled gradient descent", () => {
  it("gives λ times the backprop gradient for x̃ = x − λ∇L", () => {
    const model = network();
    const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const bp = flatten(computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics: nonlinear, batch, step: 1 }).grads, names);
    for (const lambda of [0.3, 0.7]) {
      const pg = flatten(
        computeNetworkGradients({ network: model, scheme: scheme(physical({ solver: gradientDescent({ stepSize: lambda }) })), physics: nonlinear, batch, step: 1 }).grads,
        names,
      );
      expect(relativeDifference(pg, bp.map((v) => lambda * v))).toBeLessThan(1e-5);
    }
  });
});

describe("Theorem 3: PG that points at the solution equals supervised training", () => {
  it("gives λ times the supervised gradient for x̃ = x + λ(x* − x), also with λ per example", () => {
    const model = network();
    const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const labels = Float64Array.from({ length: 32 * 3 }, (_, i) => Math.cos(0.5 * i));
    const sv = flatten(computeNetworkGradients({ network: model, scheme: scheme(supervised()), physics: nonlinear, batch: { ...batch, labels }, step: 1 }).grads, names);
    const towards = (lambda: (example: number) => number) =>
      analyticInverse({ invert: ({ x }) => x.map((xi, i) => xi + lambda(Math.floor(i / 3)) * ((labels[i] as number) - xi)) });
    const pg = flatten(computeNetworkGradients({ network: model, scheme: scheme(physical({ solver: towards(() => 0.4) })), physics: nonlinear, batch, step: 1 }).grads, names);
    expect(relativeDifference(pg, sv.map((v) => 0.4 * v))).toBeLessThan(1e-5);

    // λ per example: the result is a per-example weighted supervised gradient; with one λ per half of the batch
    // it is the sum of the two halves' supervised gradients weighted by their λ.
    const half = (lo: number) => ({ ...batch, labels, input: batch.input.slice(lo * 2, (lo + 16) * 2), yTarget: batch.yTarget.slice(lo * 2, (lo + 16) * 2) });
    const halfLabels = (lo: number) => labels.slice(lo * 3, (lo + 16) * 3);
    const svHalf = (lo: number) =>
      flatten(computeNetworkGradients({ network: model, scheme: scheme(supervised()), physics: nonlinear, batch: { ...half(lo), labels: halfLabels(lo) }, step: 1, reduction: "sum" }).grads, names);
    const first = svHalf(0);
    const second = svHalf(16);
    const weighted = first.map((v, i) => 0.2 * v + 0.9 * (second[i] as number));
    const pgPerExample = flatten(
      computeNetworkGradients({ network: model, scheme: scheme(physical({ solver: towards((b) => (b < 16 ? 0.2 : 0.9)) })), physics: nonlinear, batch, step: 1, reduction: "sum" }).grads,
      names,
    );
    expect(relativeDifference(pgPerExample, weighted)).toBeLessThan(1e-4);
  });
});
