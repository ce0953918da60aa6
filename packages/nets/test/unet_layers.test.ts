import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { CircularPadding2D, SkipConcatenation } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("SkipConcatenation", () => {
  it("puts the skip first and zero-pads a smaller upsampled tensor at the high end", () => {
    const layer = new SkipConcatenation({ name: "concatenation_test" });
    const skip = tf.fill([1, 3, 3, 1], 9);
    const upsampled = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const output = layer.apply([skip, upsampled]) as tf.Tensor;
    expect(output.shape).toEqual([1, 3, 3, 2]);
    const values = Array.from(output.dataSync());
    expect(values.filter((_, index) => index % 2 === 0)).toEqual(new Array(9).fill(9));
    expect(values.filter((_, index) => index % 2 === 1)).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
    tf.dispose([skip, upsampled, output]);
  });

  it("reports the skip's spatial size and the summed channels as its output shape", () => {
    const layer = new SkipConcatenation({ name: "concatenation_shape" });
    expect(layer.computeOutputShape([
      [null, 15, 20, 16],
      [null, 14, 20, 16],
    ])).toEqual([null, 15, 20, 32]);
  });

  it("refuses an upsampled tensor larger than the skip", () => {
    const layer = new SkipConcatenation({ name: "concatenation_refuses" });
    const skip = tf.zeros([1, 2, 2, 1]);
    const upsampled = tf.zeros([1, 4, 4, 1]);
    expect(() => layer.apply([skip, upsampled])).toThrow(/upsampled must have rank 4 and the skip's height and width/);
    tf.dispose([skip, upsampled]);
  });
});

describe("CircularPadding2D", () => {
  it("wraps one cell around each side of both spatial axes", () => {
    const layer = new CircularPadding2D({ name: "padding_test" });
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const output = layer.apply(x) as tf.Tensor;
    expect(output.shape).toEqual([1, 4, 5, 1]);
    expect(Array.from(output.dataSync())).toEqual([
      6, 4, 5, 6, 4,
      3, 1, 2, 3, 1,
      6, 4, 5, 6, 4,
      3, 1, 2, 3, 1,
    ]);
    tf.dispose([x, output]);
  });
});
