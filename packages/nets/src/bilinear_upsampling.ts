import * as tf from "@tensorflow/tfjs";
import { PgShapeError } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";
import { requireLayerArguments } from "./option_checks";
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
  if (doubled % 2 !== 0) {
    throw new PgShapeError("upsampleBilinear2x", "gradient", "an even length along the upsampled axis", shape);
  }
  const length = doubled / 2;
  // Work on [outer, length, 2, inner] through rank-3 views: splitting a rank-5 tensor (tf.unstack) is ~100× slower
  // on wasm than slicing these views.
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const pairs = tf.reshape(gradient, [outer * length, 2, inner]);
  const even = tf.reshape(tf.slice(pairs, [0, 0, 0], [outer * length, 1, inner]), [outer, length, inner]);
  const odd = tf.reshape(tf.slice(pairs, [0, 1, 0], [outer * length, 1, inner]), [outer, length, inner]);
  const result3d = ((): tf.Tensor => {
    if (length === 1) return tf.add(even, odd);
    const along = (tensor: tf.Tensor, begin: number, size: number): tf.Tensor => tf.slice(tensor, [0, begin, 0], [outer, size, inner]);
    const previous = tf.concat([along(even, 0, 1), along(odd, 0, length - 1)], 1);
    const next = tf.concat([along(even, 1, length - 1), along(odd, length - 1, 1)], 1);
    return tf.add(tf.mul(tf.add(even, odd), 0.75), tf.mul(tf.add(previous, next), 0.25));
  })();
  return tf.reshape(result3d, [...shape.slice(0, axis), length, ...shape.slice(axis + 1)]);
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
 * import { tensor4d } from "@tensorflow/tfjs";
 * import { upsampleBilinear2x } from "@pg/nets";
 * const y = upsampleBilinear2x(tensor4d([1, 2], [1, 1, 2, 1]));
 * console.log(y.shape.join(" ")); // 1 2 4 1
 * console.log(Array.from(y.dataSync()).slice(0, 4).join(" ")); // 1 1.25 1.75 2
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
 * Layer wrapping {@link upsampleBilinear2x}: the U-net's Up2 (PhiFlow ≥ 2.1, align_corners = False). No weights. Spatial sizes may be unknown.
 * @throws {@link PgValidationError} for an argument tfjs layers do not take (e.g. a misspelt `name`).
 * @example
 * import { BilinearUpsampling2D } from "@pg/nets";
 * const layer = new BilinearUpsampling2D({ name: "up" });
 * console.log(layer.getClassName()); // PgBilinearUpsampling2D
 * console.log(JSON.stringify(layer.computeOutputShape([null, 7, 10, 16]))); // [null,14,20,16]
 */
export class BilinearUpsampling2D extends tf.layers.Layer {
  /** Registered class name (tfjs serialization). */
  static readonly className = "PgBilinearUpsampling2D";

  constructor(args: LayerArguments = {}) {
    super(requireLayerArguments("BilinearUpsampling2D", args));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch = null, height = null, width = null, channels = null] = singleShape(this.name, inputShape);
    return [batch, height === null ? null : 2 * height, width === null ? null : 2 * width, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return upsampleBilinear2x(singleTensor(this.name, inputs) as tf.Tensor4D);
  }
}
