import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { countParameters, networkConfigOf, snapshotWeights, waveCnn, type WaveCnnInitialization } from "../src/index";

const models: tf.LayersModel[] = [];
function keep(model: tf.LayersModel): tf.LayersModel {
  models.push(model);
  return model;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
});

describe("waveCnn", () => {
  it("has 17,522 parameters", () => {
    expect(countParameters(keep(waveCnn({ seed: 0 })))).toBe(17522);
  });

  it("pools before each convolution pair, 256 → 8, and flattens 8 × 16 = 128 features", () => {
    const model = keep(waveCnn({ seed: 0 }));
    expect(model.inputs[0]?.shape).toEqual([null, 256, 1]);
    expect(model.getLayer("block_0_pooling").outputShape).toEqual([null, 128, 1]);
    expect(model.getLayer("block_4_convolution_1").outputShape).toEqual([null, 8, 16]);
    expect(model.getLayer("flatten").outputShape).toEqual([null, 128]);
    expect(model.getLayer("dense_0").countParams()).toBe(8256);
    expect(model.getLayer("dense_1").countParams()).toBe(2080);
    expect(model.getLayer("dense_2").countParams()).toBe(66);
  });

  it("returns two raw (unbounded, linear) outputs per example", () => {
    const model = keep(waveCnn({ seed: 1 }));
    const output = tf.tidy(() => model.predict(tf.randomNormal([3, 256, 1], 0, 1, "float32", 2)) as tf.Tensor);
    expect(output.shape).toEqual([3, 2]);
    expect(model.getLayer("dense_2").getConfig()["activation"]).toBe("linear");
    expect(Array.from(output.dataSync()).every(Number.isFinite)).toBe(true);
    output.dispose();
  });

  it("gives identical weights for the same seed and different ones for another seed", () => {
    const first = snapshotWeights(keep(waveCnn({ seed: 21 })));
    const again = snapshotWeights(keep(waveCnn({ seed: 21 })));
    const other = snapshotWeights(keep(waveCnn({ seed: 22 })));
    const flatten = (snapshot: Readonly<Record<string, Float32Array>>) =>
      Object.values(snapshot).flatMap((values) => Array.from(values));
    expect(flatten(again)).toEqual(flatten(first));
    expect(flatten(other)).not.toEqual(flatten(first));
    expect(networkConfigOf(models[0] as tf.LayersModel)).toEqual({ builder: "waveCnn", options: { seed: 21, initialization: "pytorch" } });
  });

  it("with initialization 'glorot' draws kernels inside ±√(6/(fanIn + fanOut)), zero biases, seeded", () => {
    const model = keep(waveCnn({ seed: 5, initialization: "glorot" }));
    const again = snapshotWeights(keep(waveCnn({ seed: 5, initialization: "glorot" })));
    const pytorch = snapshotWeights(keep(waveCnn({ seed: 5 })));
    for (const weight of model.weights) {
      const values = weight.read().dataSync() as Float32Array;
      expect(Array.from(again[weight.originalName] as Float32Array)).toEqual(Array.from(values));
      if (weight.shape.length === 1) {
        expect(values.every((v) => v === 0)).toBe(true);
        continue;
      }
      const shape = weight.shape as number[];
      const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
      const bound = Math.sqrt(6 / (receptive * ((shape.at(-2) as number) + (shape.at(-1) as number))));
      const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(largest).toBeLessThanOrEqual(bound);
      expect(largest).toBeGreaterThan(0.8 * bound);
      expect(Array.from(values)).not.toEqual(Array.from(pytorch[weight.originalName] as Float32Array));
    }
    expect(networkConfigOf(model)).toEqual({ builder: "waveCnn", options: { seed: 5, initialization: "glorot" } });
  });

  it("untrained, its output hardly depends on the input under 'pytorch' and does under 'glorot'", () => {
    // The spread of o₁ over 64 random signals: PyTorch's default variance 1/(3·fanIn) shrinks the input-dependent part
    // ~6× per layer through the twelve ReLU layers, leaving the biases' constant (measured 2e-6–1e-5 vs 2e-3–6e-3).
    const spread = (initialization: WaveCnnInitialization, seed: number): number =>
      tf.tidy(() => {
        const model = keep(waveCnn({ seed, initialization }));
        const output = model.predict(tf.randomNormal([64, 256, 1], 0, 1.5, "float32", 7)) as tf.Tensor;
        const { variance } = tf.moments(tf.slice(output, [0, 0], [64, 1]));
        return Math.sqrt(variance.dataSync()[0] as number);
      });
    for (const seed of [0, 1, 2, 3]) {
      const pytorch = spread("pytorch", seed);
      const glorot = spread("glorot", seed);
      expect(pytorch).toBeLessThan(1e-4);
      expect(glorot / pytorch).toBeGreaterThan(50);
    }
  });

  it("rejects an unknown initialization, naming the accepted ones", () => {
    expect(() => waveCnn({ seed: 0, initialization: "he" as WaveCnnInitialization })).toThrow(
      'waveCnn: initialization must be one of "pytorch", "glorot"; received "he".',
    );
  });

  it("rejects a fractional seed, naming it", () => {
    expect(() => waveCnn({ seed: 0.5 })).toThrow(PgValidationError);
    expect(() => waveCnn({ seed: 0.5 })).toThrow("waveCnn: seed must be a non-negative integer; received 0.5.");
  });
});
