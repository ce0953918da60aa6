import * as tf from "@tensorflow/tfjs";
import { PgShapeError } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";
import { requireLayerArguments } from "./option_checks";

/**
 * Joins a U-net skip tensor and the upsampled decoder tensor along channels, skip first (as PhiFlow's `u_net`):
 * `concat[e_ℓ, Up2(d)]`. When pooling floored an odd size (60 → 30 → 15 → 7), Up2 returns one cell fewer than the
 * skip; the upsampled tensor is then padded with zeros at the high end of each spatial axis (as PhiFlow 2.0
 * did; needed for the paper's 80 × 60 Poisson grid).
 *
 * Inputs: `[skip, upsampled]`, both NHWC; spatial sizes may be unknown. Output: skip's height and width, channels
 * `skipChannels + upsampledChannels`. No weights.
 * @throws {@link PgValidationError} for an argument tfjs layers do not take (e.g. a misspelt `name`).
 * @example
 * import { ones, zeros } from "@tensorflow/tfjs";
 * import { SkipConcatenation } from "@pg/nets";
 * const layer = new SkipConcatenation({ name: "join" });
 * console.log(JSON.stringify(layer.computeOutputShape([[null, 15, 20, 16], [null, 14, 20, 16]]))); // [null,15,20,32]
 * const joined = layer.apply([zeros([1, 3, 2, 1]), ones([1, 2, 2, 2])]);
 * console.log(joined.shape.join(" "), joined.sum().dataSync()[0]); // 1 3 2 3 8
 */
export class SkipConcatenation extends tf.layers.Layer {
  /** Registered class name (tfjs serialization). */
  static readonly className = "PgSkipConcatenation";

  constructor(args: LayerArguments = {}) {
    super(requireLayerArguments("SkipConcatenation", args));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [skip, upsampled] = inputShape as tf.Shape[];
    if (!Array.isArray(skip) || !Array.isArray(upsampled) || skip.length !== 4 || upsampled.length !== 4) {
      throw new PgShapeError(this.name, "inputs", "two rank-4 (NHWC) shapes [skip, upsampled]", inputShape);
    }
    const skipChannels = skip[3] ?? null;
    const upsampledChannels = upsampled[3] ?? null;
    const channels = skipChannels === null || upsampledChannels === null ? null : skipChannels + upsampledChannels;
    return [skip[0] ?? null, skip[1] ?? null, skip[2] ?? null, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new PgShapeError(this.name, "inputs", "two tensors [skip, upsampled]", inputs);
      }
      const [skip, upsampled] = inputs as [tf.Tensor, tf.Tensor];
      const padHeight = (skip.shape[1] ?? 0) - (upsampled.shape[1] ?? 0);
      const padWidth = (skip.shape[2] ?? 0) - (upsampled.shape[2] ?? 0);
      if (skip.rank !== 4 || upsampled.rank !== 4 || padHeight < 0 || padWidth < 0 || padHeight > 1 || padWidth > 1) {
        throw new PgShapeError(
          this.name,
          "upsampled",
          `rank 4 and the skip's height and width or one cell less (skip shape [${skip.shape.join(", ")}])`,
          upsampled.shape,
        );
      }
      const padded =
        padHeight === 0 && padWidth === 0
          ? upsampled
          : tf.pad(upsampled, [
              [0, 0],
              [0, padHeight],
              [0, padWidth],
              [0, 0],
            ]);
      return tf.concat([skip, padded], 3);
    });
  }
}
