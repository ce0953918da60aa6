import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import type { MlpOptions } from "./mlp";
import type { UNetOptions } from "./unet";
import type { WaveCnnOptions } from "./wave_cnn";

/** Names of the network builders of this package, as stored in `network.json`. */
export type NetworkBuilder = "mlp" | "unet" | "waveCnn";

/** All builder names, in a fixed order (used for validation messages). */
export const NETWORK_BUILDERS: readonly NetworkBuilder[] = ["mlp", "unet", "waveCnn"];

/**
 * How a network was built: the builder's name and its options with every default filled in. JSON-serialisable;
 * `buildNetwork(config)` rebuilds the same architecture (and, with the same seed, the same initial weights).
 */
export type NetworkConfig =
  | { readonly builder: "mlp"; readonly options: MlpOptions }
  | { readonly builder: "unet"; readonly options: UNetOptions }
  | { readonly builder: "waveCnn"; readonly options: WaveCnnOptions };

const configurations = new WeakMap<tf.LayersModel, NetworkConfig>();

/** Records the configuration a builder used for `model` (internal; called by each builder). */
export function attachNetworkConfig(model: tf.LayersModel, config: NetworkConfig): void {
  configurations.set(model, config);
}

/**
 * The configuration a builder of this package used for `model`, so that `saveNetwork(model, directory)` needs no
 * third argument.
 * @param model - any tfjs LayersModel.
 * @returns the {@link NetworkConfig}, or `undefined` if `model` was not built by `mlp`, `unet`, `waveCnn` or
 *   `loadNetwork`.
 * @throws {@link PgValidationError} if `model` is not a LayersModel (anything else would silently have no configuration).
 * @example
 * import { sequential } from "@tensorflow/tfjs";
 * import { mlp, networkConfigOf, NETWORK_BUILDERS } from "@pg/nets";
 * const model = mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 });
 * const config = networkConfigOf(model);
 * console.log(config.builder, config.options.hiddenSizes.join(" "), config.options.activation); // mlp 10 20 10 relu
 * console.log(networkConfigOf(sequential())); // undefined
 * console.log(NETWORK_BUILDERS.join(" ")); // mlp unet waveCnn
 */
export function networkConfigOf(model: tf.LayersModel): NetworkConfig | undefined {
  if (!(model instanceof tf.LayersModel)) throw new PgValidationError("networkConfigOf", "model", "a tf.LayersModel", model);
  return configurations.get(model);
}
