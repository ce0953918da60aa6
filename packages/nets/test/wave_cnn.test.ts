import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { countParameters, networkConfigOf, snapshotWeights, waveCnn } from "../src/index";

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
    expect(networkConfigOf(models[0] as tf.LayersModel)).toEqual({ builder: "waveCnn", options: { seed: 21 } });
  });

  it("rejects a fractional seed, naming it", () => {
    expect(() => waveCnn({ seed: 0.5 })).toThrow(PgValidationError);
    expect(() => waveCnn({ seed: 0.5 })).toThrow("waveCnn: seed must be a non-negative integer; received 0.5.");
  });
});
