import * as tf from "@tensorflow/tfjs";
import { PgShapeError } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";
import { requireLayerArguments } from "./option_checks";
import { singleShape, singleTensor } from "./layer_inputs";

/**
 * Pads an NHWC tensor by one cell on every side of both spatial axes, wrapping around (periodic boundary), so that a
 * following 3×3 'valid' convolution behaves like PyTorch's `padding=1, padding_mode='circular'` (PhiFlow ≥ 2.2).
 * No weights. Spatial sizes may be unknown.
 * @throws {@link PgValidationError} for an argument tfjs layers do not take (e.g. a misspelt `name`).
 * @example
 * import { tensor4d } from "@tensorflow/tfjs";
 * import { CircularPadding2D } from "@pg/nets";
 * const y = new CircularPadding2D().apply(tensor4d([1, 2], [1, 1, 2, 1]));
 * console.log(y.shape.join(" ")); // 1 3 4 1
 * // every row is the wrapped row [2, 1, 2, 1]
 * console.log(Array.from(y.dataSync()).join(" ")); // 2 1 2 1 2 1 2 1 2 1 2 1
 */
export class CircularPadding2D extends tf.layers.Layer {
  /** Registered class name (tfjs serialization). */
  static readonly className = "PgCircularPadding2D";

  constructor(args: LayerArguments = {}) {
    super(requireLayerArguments("CircularPadding2D", args));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch = null, height = null, width = null, channels = null] = singleShape(this.name, inputShape);
    return [batch, height === null ? null : height + 2, width === null ? null : width + 2, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(this.name, inputs);
      if (x.rank !== 4) throw new PgShapeError(this.name, "input", "rank 4 (NHWC)", x.shape);
      const wrap = (tensor: tf.Tensor, axis: number): tf.Tensor => {
        const length = tensor.shape[axis] ?? 0;
        const first = tf.slice(tensor, tensor.shape.map(() => 0), tensor.shape.map((extent, a) => (a === axis ? 1 : extent)));
        const begin = tensor.shape.map((_, a) => (a === axis ? length - 1 : 0));
        const last = tf.slice(tensor, begin, tensor.shape.map((extent, a) => (a === axis ? 1 : extent)));
        return tf.concat([last, tensor, first], axis);
      };
      return wrap(wrap(x, 1), 2);
    });
  }
}
