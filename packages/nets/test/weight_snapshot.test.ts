import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { mlp, restoreWeights, snapshotWeights, unet } from "../src/index";

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

const options = { inputSize: 2, hiddenSizes: [8, 8], outputSize: 1 };

/** Prediction of `model` for a fixed batch, as a plain array. */
function predictFixed(model: tf.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor2d([[0.1, -0.4], [2, 3]])) as tf.Tensor).dataSync()));
}

describe("snapshotWeights / restoreWeights", () => {
  it("keys the snapshot by stable weight names, the same for every model of a builder", () => {
    const first = snapshotWeights(keep(mlp({ ...options, seed: 0 })));
    const second = snapshotWeights(keep(mlp({ ...options, seed: 1 })));
    expect(Object.keys(first)).toEqual([
      "dense_0/kernel",
      "dense_0/bias",
      "dense_1/kernel",
      "dense_1/bias",
      "dense_2/kernel",
      "dense_2/bias",
    ]);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    expect(first["dense_0/kernel"]).toBeInstanceOf(Float32Array);
    expect(first["dense_0/kernel"]).toHaveLength(16);
  });

  it("copies the values, so later training does not change the snapshot", () => {
    const model = keep(mlp({ ...options, seed: 0 }));
    const snapshot = snapshotWeights(model);
    const before = Array.from(snapshot["dense_0/bias"] as Float32Array);
    const [, bias] = model.getLayer("dense_0").getWeights();
    model.getLayer("dense_0").weights[1]?.write(tf.add(bias as tf.Tensor, 1));
    expect(Array.from(snapshot["dense_0/bias"] as Float32Array)).toEqual(before);
    expect(Array.from(snapshotWeights(model)["dense_0/bias"] as Float32Array)).not.toEqual(before);
  });

  it("makes a differently seeded model compute exactly what the source computes", () => {
    const source = keep(mlp({ ...options, seed: 0 }));
    const target = keep(mlp({ ...options, seed: 1 }));
    expect(predictFixed(target)).not.toEqual(predictFixed(source));
    restoreWeights(target, snapshotWeights(source));
    expect(predictFixed(target)).toEqual(predictFixed(source));
  });

  it("restores a U-net's convolutions and batch-norm parameters", () => {
    const source = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 }));
    const target = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 9 }));
    restoreWeights(target, snapshotWeights(source));
    const difference = tf.tidy(() => {
      const x = tf.randomNormal([2, 8, 8, 1], 0, 1, "float32", 1);
      return tf.max(tf.abs(tf.sub(source.predict(x) as tf.Tensor, target.predict(x) as tf.Tensor))).dataSync()[0];
    });
    expect(difference).toBe(0);
  });

  it("refuses a snapshot missing a weight, naming it, and leaves the model unchanged", () => {
    const model = keep(mlp({ ...options, seed: 0 }));
    const before = predictFixed(model);
    const snapshot = { ...snapshotWeights(keep(mlp({ ...options, seed: 1 }))) };
    delete snapshot["dense_2/bias"];
    expect(() => restoreWeights(model, snapshot)).toThrow(PgValidationError);
    expect(() => restoreWeights(model, snapshot)).toThrow(/Missing "dense_2\/bias"/);
    expect(predictFixed(model)).toEqual(before);
  });

  it("refuses a snapshot from another architecture, naming the unknown weight", () => {
    const model = keep(mlp({ ...options, seed: 0 }));
    const other = snapshotWeights(keep(mlp({ ...options, hiddenSizes: [8, 8, 8], seed: 0 })));
    expect(() => restoreWeights(model, other)).toThrow(/restoreWeights: snapshot must be only names of the model's weights .*received Array\(2\) \["dense_3\/kernel", "dense_3\/bias"\]/);
  });

  it("refuses an entry of the wrong length, spelling out the shape", () => {
    const model = keep(mlp({ ...options, seed: 0 }));
    const snapshot = { ...snapshotWeights(model), "dense_1/kernel": new Float32Array(63) };
    expect(() => restoreWeights(model, snapshot)).toThrow(PgShapeError);
    expect(() => restoreWeights(model, snapshot)).toThrow(
      'restoreWeights: snapshot["dense_1/kernel"] must have length 8 × 8 = 64 (shape [8, 8]); received Float32Array(63) [0, 0, 0, 0, …].',
    );
  });

  it("refuses an entry that is not a Float32Array", () => {
    const model = keep(mlp({ ...options, seed: 0 }));
    const snapshot = { ...snapshotWeights(model), "dense_0/bias": new Float64Array(8) as unknown as Float32Array };
    expect(() => restoreWeights(model, snapshot)).toThrow('restoreWeights: snapshot["dense_0/bias"] must be a Float32Array');
  });
});
