import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { buildNetwork } from "./build_network";
import { NETWORK_BUILDERS, networkConfigOf, type NetworkConfig } from "./network_config";
import { NETWORK_FILE_NAME, networkFileOf, WEIGHTS_FILE_NAME } from "./network_file";

/** Paths of the two files {@link saveNetwork} wrote. */
export interface SavedNetwork {
  /** `<directory>/network.json`: builder, options and the weight table. */
  readonly networkFile: string;
  /** `<directory>/weights.bin`: every weight, float32 little-endian, back to back. */
  readonly weightsFile: string;
}

/** Throws unless a network built from `config` has exactly the weight names and shapes of `model`. */
function requireMatchingArchitecture(model: tf.LayersModel, config: NetworkConfig): void {
  const reference = buildNetwork(config);
  try {
    const expected = reference.weights.map((weight) => `${weight.originalName} [${weight.read().shape.join(", ")}]`);
    const actual = model.weights.map((weight) => `${weight.originalName} [${weight.read().shape.join(", ")}]`);
    const firstDifference = expected.findIndex((entry, index) => entry !== actual[index]);
    if (firstDifference !== -1 || expected.length !== actual.length) {
      const index = firstDifference === -1 ? Math.min(expected.length, actual.length) : firstDifference;
      throw new PgShapeError(
        "saveNetwork",
        "model",
        `the weights of ${config.builder}(${JSON.stringify(config.options)}) (weight ${index}: ${expected[index] ?? "none"})`,
        actual[index] ?? "no weight",
      );
    }
  } finally {
    reference.dispose();
  }
}

/**
 * Saves `model` as `<directory>/network.json` ({ builder, options, weights: [{ name, shape, offset, length }] }) and
 * `<directory>/weights.bin` (float32, little-endian, in the order of the table), using `node:fs/promises` only.
 * The directory is created if needed; existing files of the same names are replaced.
 * @param model - a network built by `mlp`, `unet`, `waveCnn` or `loadNetwork`, or any model matching `config`.
 * @param directory - target directory path.
 * @param config - how the model was built. @defaultValue `networkConfigOf(model)`
 * @returns the paths written ({@link SavedNetwork}).
 * @throws {@link PgValidationError} if `model` is not a LayersModel, `directory` is not a non-empty string, or no
 *   configuration is given or attached; {@link PgShapeError} if the configuration builds different weights.
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
  const resolved = config ?? networkConfigOf(model);
  if (resolved === undefined) {
    throw new PgValidationError(
      where,
      "config",
      "given for a model not built by mlp, unet, waveCnn or loadNetwork",
      undefined,
    );
  }
  if (typeof resolved !== "object" || resolved === null || !NETWORK_BUILDERS.includes(resolved.builder)) {
    throw new PgValidationError(where, "config", `{ builder: ${NETWORK_BUILDERS.map((b) => JSON.stringify(b)).join(" | ")}, options }`, resolved);
  }
  if (config !== undefined) requireMatchingArchitecture(model, resolved);
  const weights = model.weights.map((weight) => {
    const value = weight.read();
    return { name: weight.originalName, shape: value.shape, values: value.dataSync() };
  });
  const file = networkFileOf(resolved, weights);
  const bytes = new Uint8Array(4 * file.weights.reduce((total, entry) => total + entry.length, 0));
  const view = new DataView(bytes.buffer);
  file.weights.forEach((entry, index) => {
    const values = weights[index]?.values ?? new Float32Array(0);
    for (let i = 0; i < entry.length; i++) view.setFloat32(4 * (entry.offset + i), values[i] ?? Number.NaN, true);
  });
  await mkdir(directory, { recursive: true });
  const networkFile = join(directory, NETWORK_FILE_NAME);
  const weightsFile = join(directory, WEIGHTS_FILE_NAME);
  await writeFile(weightsFile, bytes);
  await writeFile(networkFile, `${JSON.stringify(file, null, 2)}\n`, "utf8");
  return { networkFile, weightsFile };
}
