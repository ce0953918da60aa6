import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";

/**
 * Number of trainable scalars in `model` (PyTorch's `sum(p.numel() for p in net.parameters())`). Batch-norm γ and β
 * count; there are no running statistics in this package's networks, so nothing else would.
 * @param model - a tfjs LayersModel.
 * @returns the count, e.g. 37,697 for `unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed })`.
 * @throws {@link PgValidationError} if `model` is not a LayersModel.
 * @example
 * import { countParameters, mlp } from "@pg/nets";
 * const model = mlp({ inputSize: 2, hiddenSizes: [32, 64, 32], outputSize: 2, seed: 0 });
 * console.log(countParameters(model)); // 4354
 */
export function countParameters(model: tf.LayersModel): number {
  if (!(model instanceof tf.LayersModel)) {
    throw new PgValidationError("countParameters", "model", "a tf.LayersModel", model);
  }
  return model.trainableWeights.reduce((total, weight) => total + weight.read().size, 0);
}
