import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { countParameters, mlp, networkConfigOf, snapshotWeights } from "../src/index";

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

describe("mlp", () => {
  it("has 461 parameters for the sin(a/x) network 1-10-20-10-1", () => {
    expect(countParameters(keep(mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 })))).toBe(461);
  });

  it("has 4,354 parameters for the characterisation network 2-32-64-32-2", () => {
    expect(countParameters(keep(mlp({ inputSize: 2, hiddenSizes: [32, 64, 32], outputSize: 2, seed: 0 })))).toBe(4354);
  });

  it("has 2,177 parameters for the exp network 1-16-64-16-1 with sigmoid", () => {
    const model = keep(mlp({ inputSize: 1, hiddenSizes: [16, 64, 16], outputSize: 1, activation: "sigmoid", seed: 0 }));
    expect(countParameters(model)).toBe(2177);
  });

  it("applies the activation after every hidden layer and leaves the output linear", () => {
    const model = keep(mlp({ inputSize: 1, hiddenSizes: [4, 4], outputSize: 1, activation: "tanh", seed: 0 }));
    const activations = model.layers.slice(1).map((layer) => (layer.getConfig()["activation"] as string) ?? "");
    expect(activations).toEqual(["tanh", "tanh", "linear"]);
    expect(model.layers.slice(1).map((layer) => layer.name)).toEqual(["dense_0", "dense_1", "dense_2"]);
  });

  it("computes relu(x·W + b) layer by layer", () => {
    const model = keep(mlp({ inputSize: 2, hiddenSizes: [3], outputSize: 1, seed: 5 }));
    const weights = snapshotWeights(model);
    const [w0, b0, w1, b1] = ["dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias"].map(
      (name) => weights[name] as Float32Array,
    ) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const x = [0.3, -1.2];
    let expected = b1[0] as number;
    for (let j = 0; j < 3; j++) {
      const pre = (x[0] as number) * (w0[j] as number) + (x[1] as number) * (w0[3 + j] as number) + (b0[j] as number);
      expected += Math.max(pre, 0) * (w1[j] as number);
    }
    const output = model.predict(tf.tensor2d([x])) as tf.Tensor;
    expect(output.dataSync()[0]).toBeCloseTo(expected, 5);
    output.dispose();
  });

  it("initialises weights and biases in U(−1/√fanIn, 1/√fanIn), both non-zero", () => {
    const model = keep(mlp({ inputSize: 4, hiddenSizes: [64], outputSize: 1, seed: 1 }));
    const weights = snapshotWeights(model);
    for (const [name, fanIn] of [
      ["dense_0/kernel", 4],
      ["dense_0/bias", 4],
      ["dense_1/kernel", 64],
    ] as const) {
      const values = Array.from(weights[name] as Float32Array);
      const bound = 1 / Math.sqrt(fanIn);
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    }
    const kernel = Array.from(weights["dense_0/kernel"] as Float32Array);
    const meanSquare = kernel.reduce((a, b) => a + b * b, 0) / kernel.length;
    expect(meanSquare).toBeGreaterThan(0.5 * (1 / 4 / 3)); // variance of U(−c, c) is c²/3
    expect(meanSquare).toBeLessThan(1.5 * (1 / 4 / 3));
  });

  it("gives bit-identical weights for the same seed and different weights for another seed", () => {
    const options = { inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1 };
    const first = snapshotWeights(keep(mlp({ ...options, seed: 7 })));
    const second = snapshotWeights(keep(mlp({ ...options, seed: 7 })));
    const other = snapshotWeights(keep(mlp({ ...options, seed: 8 })));
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const name of Object.keys(first)) {
      expect(Array.from(second[name] as Float32Array)).toEqual(Array.from(first[name] as Float32Array));
      expect(Array.from(other[name] as Float32Array)).not.toEqual(Array.from(first[name] as Float32Array));
    }
  });

  it("draws the bias independently of the kernel", () => {
    const weights = snapshotWeights(keep(mlp({ inputSize: 1, hiddenSizes: [8], outputSize: 1, seed: 0 })));
    const kernel = Array.from(weights["dense_0/kernel"] as Float32Array);
    const bias = Array.from(weights["dense_0/bias"] as Float32Array);
    expect(bias).not.toEqual(kernel);
  });

  it("attaches its resolved options, defaults included", () => {
    const model = keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 3 }));
    expect(networkConfigOf(model)).toEqual({
      builder: "mlp",
      options: { inputSize: 1, hiddenSizes: [2], outputSize: 1, activation: "relu", seed: 3 },
    });
  });

  describe("exceptions", () => {
    const valid = { inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 0 };
    it("rejects an unknown activation, naming it", () => {
      const call = () => mlp({ ...valid, activation: "gelu" as "relu" });
      expect(call).toThrow(PgValidationError);
      expect(call).toThrow('mlp: activation must be one of "relu", "sigmoid", "tanh"; received "gelu".');
    });
    it("rejects a non-integer hidden size, naming its index", () => {
      expect(() => mlp({ ...valid, hiddenSizes: [4, 2.5] })).toThrow(
        "mlp: hiddenSizes[1] must be a positive integer; received 2.5.",
      );
    });
    it("rejects an input size of 0", () => {
      expect(() => mlp({ ...valid, inputSize: 0 })).toThrow("mlp: inputSize must be a positive integer; received 0.");
    });
    it("rejects a negative seed", () => {
      expect(() => mlp({ ...valid, seed: -1 })).toThrow("mlp: seed must be a non-negative integer; received -1.");
    });
  });
});
