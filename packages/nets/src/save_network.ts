import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { encodeNetwork } from "./network_bytes";
import type { NetworkConfig } from "./network_config";
import { NETWORK_FILE_NAME, WEIGHTS_FILE_NAME } from "./network_file";

/** Paths of the two files {@link saveNetwork} wrote. */
export interface SavedNetwork {
  /** `<directory>/network.json`: builder, options and the weight table. */
  readonly networkFile: string;
  /** `<directory>/weights.bin`: every weight, float32 little-endian, back to back. */
  readonly weightsFile: string;
}

/**
 * Saves `model` as `<directory>/network.json` ({ builder, options, weights: [{ name, shape, offset, length }] }) and
 * `<directory>/weights.bin` (float32, little-endian, in the order of the table), using `node:fs/promises` only
 * (Node only: in the browser, {@link serializeNetwork} gives the same two parts for storage of your own).
 * The directory is created if needed; existing files of the same names are replaced.
 * @param model - a network built by `mlp`, `unet`, `waveCnn` or `loadNetwork`, or any model matching `config`.
 * @param directory - target directory path.
 * @param config - how the model was built. @defaultValue `networkConfigOf(model)`
 * @returns the paths written ({@link SavedNetwork}).
 * @throws {@link PgValidationError} if `model` is not a LayersModel, `directory` is not a non-empty string, or no
 *   configuration is given or attached; {@link PgShapeError} if the configuration builds different weights;
 *   {@link PgNonFiniteError} if a weight is not finite, or the output on a fixed probe input (two examples of the
 *   smallest size the network takes) is not: nothing is written then.
 * @example
 * import { mlp, saveNetwork } from "@pg/nets";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { basename, join } from "node:path";
 * const model = mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 });
 * const saved = await saveNetwork(model, join(mkdtempSync(join(tmpdir(), "pg-")), "sin-initial"));
 * console.log(basename(saved.networkFile), basename(saved.weightsFile)); // network.json weights.bin
 */
export async function saveNetwork(model: tf.LayersModel, directory: string, config?: NetworkConfig): Promise<SavedNetwork> {
  const where = "saveNetwork";
  if (!(model instanceof tf.LayersModel)) throw new PgValidationError(where, "model", "a tf.LayersModel", model);
  if (typeof directory !== "string" || directory.length === 0) {
    throw new PgValidationError(where, "directory", "a non-empty path string", directory);
  }
  const { file, weights: bytes } = encodeNetwork(where, model, config);
  await mkdir(directory, { recursive: true });
  const networkFile = join(directory, NETWORK_FILE_NAME);
  const weightsFile = join(directory, WEIGHTS_FILE_NAME);
  await writeFile(weightsFile, bytes);
  await writeFile(networkFile, `${JSON.stringify(file, null, 2)}\n`, "utf8");
  return { networkFile, weightsFile };
}
