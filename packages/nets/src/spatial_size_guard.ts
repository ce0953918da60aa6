import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, requirePositiveInteger } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";
import { singleTensor } from "./layer_inputs";
import { requireLayerArguments } from "./option_checks";

/** Arguments of {@link SpatialSizeGuard}. */
export interface SpatialSizeGuardArgs extends LayerArguments {
  /** Number of U-net levels; the input needs height and width ≥ 2^(levels − 1). */
  readonly levels: number;
}

/**
 * Identity layer at the U-net input that refuses, at call time, a height or width the `levels − 1` max-poolings
 * would reduce to zero cells. Without it tfjs silently pools a 1-cell axis to 0 cells and the net computes on empty tensors.
 * @throws {@link PgValidationError} from the constructor for an unknown argument or `levels` not a positive integer;
 *   {@link PgShapeError} from `call` for an input that is too small.
 * @example
 * import { PgShapeError } from "@pg/core";
 * import { zeros } from "@tensorflow/tfjs";
 * import { SpatialSizeGuard } from "@pg/nets";
 * const guard = new SpatialSizeGuard({ levels: 4 });
 * console.log(guard.apply(zeros([1, 8, 8, 1])).shape.join(" ")); // 1 8 8 1
 * try {
 *   guard.apply(zeros([1, 4, 4, 1])); // height and width must be ≥ 2^(levels − 1) = 8
 * } catch (error) {
 *   console.log(error instanceof PgShapeError); // true
 * }
 */
export class SpatialSizeGuard extends tf.layers.Layer {
  /** Registered class name (tfjs serialization). */
  static readonly className = "PgSpatialSizeGuard";
  /** Number of U-net levels guarded. */
  readonly levels: number;

  constructor(args: SpatialSizeGuardArgs) {
    if (args === undefined) throw new PgValidationError("SpatialSizeGuard", "args", "an object { levels, …layer arguments }", args);
    super(requireLayerArguments("SpatialSizeGuard", args, ["levels"]));
    this.levels = requirePositiveInteger("SpatialSizeGuard", "levels", args.levels);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = singleTensor(this.name, inputs);
    const minimum = 2 ** (this.levels - 1);
    const [, height = 0, width = 0] = x.shape;
    if (x.rank !== 4 || height < minimum || width < minimum) {
      throw new PgShapeError(
        "unet",
        "input",
        `shape [batch, height, width, channels] with height and width ≥ 2^(levels − 1) = ${minimum} (levels = ${this.levels})`,
        x.shape,
      );
    }
    return tf.clone(x); // a new tensor object, so tfjs never disposes the caller's input as an intermediate
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), levels: this.levels };
  }
}
