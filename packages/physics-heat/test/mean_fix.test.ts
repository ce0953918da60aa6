import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, backprop, computeNetworkGradients, float64ToTensor, scheme, type Batch, type Network } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { heatRectangles, random } from "@pg/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heatPhysics, meanFix } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function randomField(seed: number, length: number, offset = 0): Float64Array {
  const random2 = testRandom(seed);
  return Float64Array.from({ length }, () => offset + 2 * random2() - 1);
}

function exampleMeans(values: ArrayLike<number>, batch: number): number[] {
  const size = values.length / batch;
  return Array.from({ length: batch }, (_, b) => {
    let s = 0;
    for (let i = b * size; i < (b + 1) * size; i++) s += values[i] as number;
    return s / size;
  });
}

function batchOf(yTarget: Float64Array): Batch {
  return { input: yTarget, inputShape: [64, 64, 1], yTarget };
}

describe("meanFix", () => {
  it("sets every example's mean to the mean of its y*", () => {
    const yTarget = heatPhysics().forward(heatRectangles(random(1), { batch: 3 }), 3);
    const x = float64ToTensor(randomField(2, 3 * 4096, 5), [3, 64, 64, 1]);
    const fixed = meanFix(x, batchOf(yTarget));
    expect(fixed.shape).toEqual([3, 64, 64, 1]);
    const got = exampleMeans(fixed.dataSync(), 3);
    const expected = exampleMeans(yTarget, 3);
    for (let b = 0; b < 3; b++) expect(Math.abs((got[b] as number) - (expected[b] as number))).toBeLessThan(1e-5);
    tf.dispose([x, fixed]);
  });

  it("only shifts: x − mean(x) is unchanged", () => {
    const values = randomField(3, 2 * 4096, 1);
    const x = float64ToTensor(values, [2, 64, 64, 1]);
    const fixed = meanFix(x, batchOf(randomField(4, 2 * 4096)));
    const data = fixed.dataSync();
    const before = exampleMeans(values, 2);
    const after = exampleMeans(data, 2);
    for (let i = 0; i < values.length; i++) {
      const b = Math.floor(i / 4096);
      expect(Math.abs((data[i] as number) - (after[b] as number) - ((values[i] as number) - (before[b] as number)))).toBeLessThan(1e-5);
    }
    tf.dispose([x, fixed]);
  });

  it("has the gradient g − mean(g) per example: projected onto zero-mean fields", () => {
    const x = float64ToTensor(randomField(5, 2 * 4096), [2, 64, 64, 1]);
    const gValues = randomField(6, 2 * 4096, 0.7);
    const g = float64ToTensor(gValues, [2, 64, 64, 1]);
    const batch = batchOf(randomField(7, 2 * 4096));
    const pulled = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(meanFix(input, batch), g)))(x);
    const data = pulled.dataSync();
    const gMeans = exampleMeans(gValues, 2);
    for (let i = 0; i < gValues.length; i++) {
      expect(Math.abs((data[i] as number) - ((gValues[i] as number) - (gMeans[Math.floor(i / 4096)] as number)))).toBeLessThan(1e-5);
    }
    for (const mean of exampleMeans(data, 2)) expect(Math.abs(mean)).toBeLessThan(1e-6);
    tf.dispose([x, g, pulled]);
  });

  it("works as core's outputTransform: the scheme sees mean-fixed predictions and the gradient has zero mean", () => {
    const physics = heatPhysics();
    const xStar = heatRectangles(random(9), { batch: 2 });
    const yTarget = physics.forward(xStar, 2);
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 1, kernelSize: 3, padding: "same", useBias: true })] });
    const batch: Batch = { input: yTarget, inputShape: [64, 64, 1], yTarget };
    const options = { network: model as unknown as Network, scheme: scheme(backprop()), physics, batch, step: 1, reduction: "sum" as const };
    const plain = computeNetworkGradients(options);
    const fixed = computeNetworkGradients({ ...options, outputTransform: meanFix });
    const seen = exampleMeans(fixed.x, 2);
    const target = exampleMeans(yTarget, 2);
    for (let b = 0; b < 2; b++) expect(Math.abs((seen[b] as number) - (target[b] as number))).toBeLessThan(1e-5);
    expect(fixed.metrics.loss).not.toBe(plain.metrics.loss);
    // Only the bias sees the mean of the output: with the mean fix its gradient vanishes.
    const biasName = Object.keys(fixed.grads).find((name) => name.includes("bias")) as string;
    expect(Math.abs(fixed.grads[biasName]!.dataSync()[0] as number)).toBeLessThan(1e-3);
    expect(Math.abs(plain.grads[biasName]!.dataSync()[0] as number)).toBeGreaterThan(1);
    tf.dispose([plain.grads, fixed.grads]);
    model.dispose();
  });
});

describe("meanFix exceptions", () => {
  let x: tf.Tensor;
  beforeAll(() => {
    x = tf.zeros([2, 4, 4, 1]);
  });
  afterAll(() => x.dispose());

  it("names a yTarget that does not split into one y* per example", () => {
    expect(() => meanFix(x, { input: new Float64Array(32), inputShape: [4, 4, 1], yTarget: new Float64Array(31) })).toThrow(PgShapeError);
    expect(() => meanFix(x, { input: new Float64Array(32), inputShape: [4, 4, 1], yTarget: new Float64Array(31) })).toThrow(
      /meanFix: batch\.yTarget must have type Float64Array with a positive multiple of 2 entries \(one y\* per example of x\); received Float64Array\(31\)/,
    );
    expect(() => meanFix(x, { input: new Float64Array(32), inputShape: [4, 4, 1], yTarget: [1, 2] as never })).toThrow(/meanFix: batch\.yTarget must have type Float64Array/);
  });

  it("names an x without a batch axis", () => {
    const scalarLike = tf.zeros([5]);
    expect(() => meanFix(scalarLike, { input: new Float64Array(5), inputShape: [1], yTarget: new Float64Array(5) })).toThrow(PgValidationError);
    expect(() => meanFix(scalarLike, { input: new Float64Array(5), inputShape: [1], yTarget: new Float64Array(5) })).toThrow(
      /meanFix: x must be a tensor \[batch, …\] of rank ≥ 2; received Array\(1\) \[5\]\./,
    );
    scalarLike.dispose();
  });
});
