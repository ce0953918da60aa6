import * as tf from "@tensorflow/tfjs";
import { PgShapeError } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";
import { singleShape, singleTensor } from "./layer_inputs";

/**
 * The transpose of 1-D ×2 bilinear upsampling with half-pixel centres along `axis` (length 2n → n).
 * Forward (clamped at both ends): y[2k] = ¾x[k] + ¼x[max(k − 1, 0)], y[2k + 1] = ¾x[k] + ¼x[min(k + 1, n − 1)].
 * Transpose: g_x[k] = ¾(g[2k] + g[2k + 1]) + ¼g[2k − 1] + ¼g[2k + 2], where the out-of-range neighbours are replaced
 * by the clamped terms g[0] (k = 0) and g[2n − 1] (k = n − 1).
 */
function transposeUpsampleAlongAxis(gradient: tf.Tensor, axis: number): tf.Tensor {
  const shape = gradient.shape;
  const doubled = shape[axis] ?? 0;
  const length = doubled / 2;
  const split = [...shape.slice(0, axis), length, 2, ...shape.slice(axis + 1)];
  const [even, odd] = tf.unstack(tf.reshape(gradient, split), axis + 1);
  if (even === undefined || odd === undefined) {
    throw new PgShapeError("upsampleBilinear2x", "gradient", "an even length along the upsampled axis", shape);
  }
  if (length === 1) return tf.add(even, odd);
  const slice = (tensor: tf.Tensor, begin: number, size: number): tf.Tensor => {
    const start = shape.map(() => 0);
    const sizes = even.shape.map((extent) => extent);
    start[axis] = begin;
    sizes[axis] = size;
    return tf.slice(tensor, start, sizes);
  };
  const previous = tf.concat([slice(even, 0, 1), slice(odd, 0, length - 1)], axis);
  const next = tf.concat([slice(even, 1, length - 1), slice(odd, length - 1, 1)], axis);
  return tf.add(tf.mul(tf.add(even, odd), 0.75), tf.mul(tf.add(previous, next), 0.25));
}

/**
 * Bilinear ×2 upsampling of an NHWC tensor with half-pixel centres (PyTorch `align_corners=False`, PhiFlow ≥ 2.1):
 * output cell i samples the input at (i + ½)/2 − ½, clamped to the edge cells.
 *
 * The forward pass is `tf.image.resizeBilinear(x, [2h, 2w], false, true)`. The gradient is our own: the tfjs 4.22
 * `ResizeBilinearGrad` kernels ignore `halfPixelCenters` and back-propagate through the align-corners-false,
 * non-half-pixel sampling grid, which is not the transpose of the forward pass.
 * @param x - float32 tensor of shape [batch, height, width, channels].
 * @returns float32 tensor of shape [batch, 2·height, 2·width, channels].
 * @example
 * const y = upsampleBilinear2x(tf.tensor4d([1, 2], [1, 1, 2, 1]));
 * console.log(Array.from(y.dataSync()).slice(0, 4)); // [1, 1.25, 1.75, 2]
 */
export const upsampleBilinear2x: (x: tf.Tensor4D) => tf.Tensor4D = tf.customGrad((...inputs) => {
  const x = inputs[0];
  if (!(x instanceof tf.Tensor) || x.rank !== 4) {
    throw new PgShapeError("upsampleBilinear2x", "x", "rank 4 (NHWC)", x instanceof tf.Tensor ? x.shape : x);
  }
  const [, height = 0, width = 0] = x.shape;
  const value = tf.image.resizeBilinear(x as tf.Tensor4D, [2 * height, 2 * width], false, true);
  const gradFunc = (dy: tf.Tensor4D): tf.Tensor =>
    transposeUpsampleAlongAxis(transposeUpsampleAlongAxis(dy, 1), 2);
  return { value, gradFunc };
});

/**
 * Layer wrapping {@link upsampleBilinear2x}: the U-net's Up2 (SPEC §2.8). No weights. Spatial sizes may be unknown.
 * @example
 * const layer = new BilinearUpsampling2D({ name: 'up' });
 * console.log(layer.computeOutputShape([null, 7, 10, 16])); // [null, 14, 20, 16]
 */
export class BilinearUpsampling2D extends tf.layers.Layer {
  /** Registered class name (tfjs serialization). */
  static readonly className = "PgBilinearUpsampling2D";

  constructor(args: LayerArguments = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch = null, height = null, width = null, channels = null] = singleShape(this.name, inputShape);
    return [batch, height === null ? null : 2 * height, width === null ? null : 2 * width, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return upsampleBilinear2x(singleTensor(this.name, inputs) as tf.Tensor4D);
  }
}
