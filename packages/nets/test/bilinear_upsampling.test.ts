import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { BilinearUpsampling2D, upsampleBilinear2x } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** ⟨a, b⟩ in float64. */
function dot(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] as number) * (y[i] as number);
  return sum;
}

describe("upsampleBilinear2x", () => {
  it("matches hand-computed half-pixel values on a 2×2 input", () => {
    // Output index i samples input coordinate (i + ½)/2 − ½ = −¼, ¼, ¾, 1¼, clamped: weights (1,0), (¾,¼), (¼,¾), (0,1).
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const output = upsampleBilinear2x(x);
    expect(output.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(output.dataSync())).toEqual([
      1, 1.25, 1.75, 2,
      1.5, 1.75, 2.25, 2.5,
      2.5, 2.75, 3.25, 3.5,
      3, 3.25, 3.75, 4,
    ]);
    tf.dispose([x, output]);
  });

  it("back-propagates the exact transpose of the forward map (⟨Ux, w⟩ = ⟨x, Uᵀw⟩)", () => {
    for (const [height, width] of [
      [1, 1],
      [2, 3],
      [5, 4],
    ] as const) {
      const x = tf.randomNormal([2, height, width, 3], 0, 1, "float32", 1);
      const w = tf.randomNormal([2, 2 * height, 2 * width, 3], 0, 1, "float32", 2);
      const forward = upsampleBilinear2x(x as tf.Tensor4D);
      const transposed = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(upsampleBilinear2x(input as tf.Tensor4D), w)))(x);
      const left = dot(forward, w);
      const right = dot(x, transposed);
      expect(Math.abs(left - right), `${height}×${width}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(left)));
      tf.dispose([x, w, forward, transposed]);
    }
  });

  it("works around tfjs 4.22, whose own ResizeBilinear gradient ignores halfPixelCenters", () => {
    // If this starts failing, tfjs has fixed its gradient and the custom one could be dropped.
    const x = tf.randomNormal([1, 3, 3, 1], 0, 1, "float32", 3);
    const w = tf.randomNormal([1, 6, 6, 1], 0, 1, "float32", 4);
    const native = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(tf.image.resizeBilinear(input as tf.Tensor4D, [6, 6], false, true), w)),
    )(x);
    const nativeMismatch = Math.abs(dot(tf.image.resizeBilinear(x as tf.Tensor4D, [6, 6], false, true), w) - dot(x, native));
    expect(nativeMismatch).toBeGreaterThan(1e-2);
    tf.dispose([x, w, native]);
  });

  it("doubles known spatial sizes in the layer's output shape and keeps unknown ones open", () => {
    const layer = new BilinearUpsampling2D({ name: "upsampling_shape" });
    expect(layer.computeOutputShape([null, 7, 10, 16])).toEqual([null, 14, 20, 16]);
    expect(layer.computeOutputShape([null, null, null, 16])).toEqual([null, null, null, 16]);
  });
});
