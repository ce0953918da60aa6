import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { torchAdadelta, torchAdagrad, torchRmsprop } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterEach(() => {
  tf.disposeVariables();
});

/** A gradient sequence with both signs, a zero and magnitudes over four decades. */
const GRADIENTS = [1, -2, 0.5, 0, 3e-3, -0.25, 40, 1e-4];

/** PyTorch's update rules written out in float64, one scalar parameter starting at 0 (its documented algorithms). */
const reference = {
  adadelta(lr: number, gradients: number[], rho = 0.9, eps = 1e-6): number[] {
    let theta = 0;
    let square = 0;
    let accumulated = 0;
    return gradients.map((g) => {
      square = rho * square + (1 - rho) * g * g;
      const delta = (Math.sqrt(accumulated + eps) / Math.sqrt(square + eps)) * g;
      accumulated = rho * accumulated + (1 - rho) * delta * delta;
      theta -= lr * delta;
      return theta;
    });
  },
  adagrad(lr: number, gradients: number[], eps = 1e-10): number[] {
    let theta = 0;
    let sum = 0;
    return gradients.map((g) => {
      sum += g * g;
      theta -= (lr * g) / (Math.sqrt(sum) + eps);
      return theta;
    });
  },
  rmsprop(lr: number, gradients: number[], alpha = 0.99, eps = 1e-8): number[] {
    let theta = 0;
    let square = 0;
    return gradients.map((g) => {
      square = alpha * square + (1 - alpha) * g * g;
      theta -= (lr * g) / (Math.sqrt(square) + eps);
      return theta;
    });
  },
};

/** θ after each gradient of the sequence, from the optimizer under test (float32). */
function trajectory(optimizer: tf.Optimizer, gradients: number[]): number[] {
  const theta = tf.variable(tf.scalar(0));
  return gradients.map((g) => {
    const gradient = tf.scalar(g);
    optimizer.applyGradients({ [theta.name]: gradient });
    gradient.dispose();
    return theta.dataSync()[0] as number;
  });
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  // float32 state against float64 arithmetic.
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(expected[i]!))));
}

describe("PyTorch's Adadelta, Adagrad and RMSprop", () => {
  it("follow PyTorch's update rules with PyTorch's defaults (ρ 0.9, ε 1e-6; ε 1e-10; α 0.99, ε 1e-8)", () => {
    expectClose(trajectory(torchAdadelta(3e-3), GRADIENTS), reference.adadelta(3e-3, GRADIENTS));
    expectClose(trajectory(torchAdagrad(3e-3), GRADIENTS), reference.adagrad(3e-3, GRADIENTS));
    expectClose(trajectory(torchRmsprop(3e-5), GRADIENTS), reference.rmsprop(3e-5, GRADIENTS));
  });

  it("take their options", () => {
    expectClose(trajectory(torchAdadelta(1, { rho: 0.5, epsilon: 1e-3 }), GRADIENTS), reference.adadelta(1, GRADIENTS, 0.5, 1e-3));
    expectClose(trajectory(torchAdagrad(0.1, { epsilon: 0.5 }), GRADIENTS), reference.adagrad(0.1, GRADIENTS, 0.5));
    expectClose(trajectory(torchRmsprop(0.1, { alpha: 0.9, epsilon: 1e-3 }), GRADIENTS), reference.rmsprop(0.1, GRADIENTS, 0.9, 1e-3));
  });

  it("differ from tfjs's own optimizers of the same name, whose Adadelta is plain SGD", () => {
    // tfjs's Adadelta divides by the previous running average: every step is exactly −lr·g.
    const tfjs = trajectory(tf.train.adadelta(3e-3, 0.9, 1e-6), GRADIENTS);
    let sum = 0;
    expectClose(tfjs, GRADIENTS.map((g) => (sum -= 3e-3 * g)));
    const ours = trajectory(torchAdadelta(3e-3), GRADIENTS);
    // PyTorch's first step is lr·√ε/√((1 − ρ)g² + ε)·g = 3e-3 · 0.0031623 for g = 1.
    expect(ours[0]).toBeCloseTo(-3e-3 * (1e-3 / Math.sqrt(0.1 + 1e-6)), 10);
    expect(Math.abs(tfjs[0]! - ours[0]!)).toBeGreaterThan(2e-3);
    // tfjs's Adagrad starts its sum at 0.1: the first step of g = 1 is lr/√1.1, PyTorch's lr.
    expect(trajectory(tf.train.adagrad(1), [1])[0]).toBeCloseTo(-1 / Math.sqrt(1.1), 6);
    expect(trajectory(torchAdagrad(1), [1])[0]).toBeCloseTo(-1, 6);
  });

  it("name their class and state the learning rate where the run contract reads it", () => {
    const optimizers = [torchAdadelta(3e-3), torchAdagrad(3e-3), torchRmsprop(3e-5)];
    expect(optimizers.map((o) => o.getClassName())).toEqual(["TorchAdadelta", "TorchAdagrad", "TorchRMSprop"]);
    expect(optimizers.map((o) => o.getConfig().learningRate)).toEqual([3e-3, 3e-3, 3e-5]);
    expect(optimizers.map((o) => Reflect.get(o, "learningRate"))).toEqual([3e-3, 3e-3, 3e-5]);
    for (const o of optimizers) expect(o).toBeInstanceOf(tf.Optimizer);
  });

  it.each([
    ["adadelta", () => torchAdadelta(0.5)],
    ["adagrad", () => torchAdagrad(0.5)],
    ["rmsprop", () => torchRmsprop(0.05)],
  ] as const)("%s: a state saved with getWeights and restored with setWeights continues exactly", async (_, make) => {
    // Two variables, so that the slot order (all first slots, then all second) matters.
    const run = async (restartAfter: number | undefined): Promise<number[]> => {
      let optimizer = make();
      const a = tf.variable(tf.tensor1d([0, 1]));
      const b = tf.variable(tf.scalar(2));
      for (let step = 0; step < GRADIENTS.length; step++) {
        if (step === restartAfter) {
          const saved = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
          optimizer.dispose();
          optimizer = make();
          await optimizer.setWeights(saved);
          tf.dispose(saved.map((s) => s.tensor));
        }
        const g = GRADIENTS[step]!;
        const grads = { [a.name]: tf.tensor1d([g, -2 * g]), [b.name]: tf.scalar(g / 3) };
        optimizer.applyGradients(grads);
        tf.dispose(Object.values(grads));
      }
      expect(optimizer.iterations).toBe(GRADIENTS.length);
      return [...a.dataSync(), ...b.dataSync()];
    };
    const uninterrupted = await run(undefined);
    expect(await run(3)).toEqual(uninterrupted);
    expect(uninterrupted.every(Number.isFinite)).toBe(true);
  });
});
