import type * as tf from "@tensorflow/tfjs";
import { PgValidationError, requireKnownKeys } from "@pg/core";
import { mlp } from "./mlp";
import { NETWORK_BUILDERS, type NetworkConfig } from "./network_config";
import { unet } from "./unet";
import { waveCnn } from "./wave_cnn";

/**
 * Rebuilds a network from its {@link NetworkConfig} by calling the named builder with the stored options; with the
 * same seed the initial weights are bit-identical to the original's.
 * @param config - `{ builder, options }`, e.g. from `networkConfigOf(model)` or a `network.json` file.
 * @returns a new LayersModel (its configuration attached, so `saveNetwork(model, directory)` works).
 * @throws {@link PgValidationError} if `config` has a key other than `builder` and `options`, `builder` is unknown
 *   or the builder refuses the options.
 * @example
 * import { buildNetwork, countParameters, networkConfigOf } from "@pg/nets";
 * const copy = buildNetwork({ builder: "waveCnn", options: { seed: 3 } });
 * console.log(countParameters(copy)); // 17522
 * console.log(JSON.stringify(networkConfigOf(copy))); // {"builder":"waveCnn","options":{"seed":3,"initialization":"pytorch"}}
 */
export function buildNetwork(config: NetworkConfig): tf.LayersModel {
  if (typeof config !== "object" || config === null) {
    throw new PgValidationError("buildNetwork", "config", "an object { builder, options }", config);
  }
  requireKnownKeys("buildNetwork", "config", config, ["builder", "options"]);
  switch (config.builder) {
    case "mlp":
      return mlp(config.options);
    case "unet":
      return unet(config.options);
    case "waveCnn":
      return waveCnn(config.options);
    default: {
      const builder: unknown = (config as { builder: unknown }).builder;
      throw new PgValidationError(
        "buildNetwork",
        "config.builder",
        `one of ${NETWORK_BUILDERS.map((name) => JSON.stringify(name)).join(", ")}`,
        builder,
      );
    }
  }
}
