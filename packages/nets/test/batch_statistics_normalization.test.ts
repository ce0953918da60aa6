import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchStatisticsNormalization, serializeNetwork, setCrossReplicaSum, unet } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Per-channel mean and biased variance over every axis but the last. */
function channelMoments(x: tf.Tensor): { mean: number[]; variance: number[] } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) };
  });
}

describe("BatchStatisticsNormalization", () => {
  it("gives per-channel mean 0 and variance 1 for inputs of any offset and scale, in inference", () => {
    const layer = new BatchStatisticsNormalization({ name: "normalization_test" });
    for (const [offset, scale] of [
      [5, 3],
      [-4, 0.1],
      [0, 100],
    ] as const) {
      const output = tf.tidy(() => {
        const x = tf.add(tf.mul(tf.randomNormal([2, 6, 5, 3], 0, 1, "float32", 1), scale), offset);
        return layer.apply(x, { training: false }) as tf.Tensor;
      });
      const { mean, variance } = channelMoments(output);
      for (const value of mean) expect(Math.abs(value)).toBeLessThan(1e-4);
      // ε = 1e-5 shrinks the variance to σ²/(σ² + ε) (0.999 at scale 0.1).
      const expected = (scale * scale) / (scale * scale + 1e-5);
      for (const value of variance) expect(value).toBeCloseTo(expected, 2);
      output.dispose();
    }
    layer.dispose();
  });

  it("normalises each channel separately and matches (x − μ)/√(σ² + ε) exactly", () => {
    const layer = new BatchStatisticsNormalization({ name: "normalization_formula" });
    const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 6, 60], [2, 2, 1, 2]);
    const output = layer.apply(x) as tf.Tensor;
    const values = Array.from(output.dataSync());
    // channel 0: [1, 2, 3, 6], mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5
    const channel0 = [1, 2, 3, 6].map((v) => (v - 3) / Math.sqrt(3.5 + 1e-5));
    const channel1 = [10, 20, 30, 60].map((v) => (v - 30) / Math.sqrt(350 + 1e-5));
    const expected = channel0.flatMap((v, i) => [v, channel1[i] as number]);
    values.forEach((value, index) => expect(value).toBeCloseTo(expected[index] as number, 5));
    tf.dispose([x, output]);
    layer.dispose();
  });

  it("applies trainable γ and β after normalising", () => {
    const layer = new BatchStatisticsNormalization({ name: "normalization_affine" });
    const x = tf.randomNormal([4, 3, 3, 2], 2, 5, "float32", 3);
    layer.apply(x);
    expect(layer.trainableWeights.map((weight) => weight.originalName)).toEqual([
      "normalization_affine/gamma",
      "normalization_affine/beta",
    ]);
    layer.setWeights([tf.tensor1d([2, 0.5]), tf.tensor1d([1, -3])]);
    const output = layer.apply(x) as tf.Tensor;
    const { mean, variance } = channelMoments(output);
    expect(mean[0]).toBeCloseTo(1, 4);
    expect(mean[1]).toBeCloseTo(-3, 4);
    expect(variance[0]).toBeCloseTo(4, 3);
    expect(variance[1]).toBeCloseTo(0.25, 3);
    tf.dispose([x, output]);
    layer.dispose();
  });

  it("is the normalisation the U-net uses: its output layers have batch mean 0 and variance 1 under predict", () => {
    const model = unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 });
    const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer("encoder_1_normalization_1").output });
    const output = tf.tidy(() => probe.predict(tf.add(tf.mul(tf.randomNormal([2, 8, 8, 1], 0, 1, "float32", 2), 7), 3)) as tf.Tensor);
    const { mean, variance } = channelMoments(output);
    for (const value of mean) expect(Math.abs(value)).toBeLessThan(1e-4);
    for (const value of variance) expect(value).toBeGreaterThan(0.99);
    output.dispose();
    model.dispose();
  });

  it("includes ε in its tfjs config", () => {
    const layer = new BatchStatisticsNormalization({ name: "normalization_config", epsilon: 1e-3 });
    expect(layer.getConfig()["epsilon"]).toBe(1e-3);
    expect(BatchStatisticsNormalization.className).toBe("PgBatchStatisticsNormalization");
  });

  it("rejects a non-positive ε, naming it", () => {
    expect(() => new BatchStatisticsNormalization({ epsilon: 0 })).toThrow(PgValidationError);
    expect(() => new BatchStatisticsNormalization({ epsilon: 0 })).toThrow(
      "BatchStatisticsNormalization: epsilon must be a finite number > 0; received 0.",
    );
  });
});

describe("the cross-replica sum", () => {
  it("is used by training calls only: a prediction, or the probe before saving, runs in one replica alone", () => {
    const model = unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 3 });
    let calls = 0;
    setCrossReplicaSum(model, (values) => {
      calls++;
      return values;
    });
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => Math.sin(i)), [2, 4, 4, 1]);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const inTraining = calls;
    expect(inTraining).toBeGreaterThan(0);
    tf.dispose(model.predict(x) as tf.Tensor);
    tf.dispose(model.apply(x) as tf.Tensor);
    // Saving probes the network's output: with the sum in place it used to wait for replicas that never came.
    expect(serializeNetwork(model).weights.byteLength).toBeGreaterThan(0);
    expect(calls).toBe(inTraining);
    setCrossReplicaSum(model, undefined);
    x.dispose();
    model.dispose();
  });
});
