import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { buildNetwork } from "./build_network";
import { NETWORK_BUILDERS, networkConfigOf, type NetworkConfig } from "./network_config";
import { networkFileOf, parseNetworkFile, type NetworkFile } from "./network_file";
import { requireFinitePredictions, requireFiniteWeight } from "./network_probe";
import { restoreWeightsFor } from "./weight_snapshot";

/** A network as the two parts `saveNetwork` writes: the description and the raw weights. */
export interface SerializedNetwork {
  /** The contents of `network.json`: builder, options and the weight table. */
  readonly file: NetworkFile;
  /** The contents of `weights.bin`: every weight, float32 little-endian, back to back. */
  readonly weights: Uint8Array;
}

/** Throws unless a network built from `config` has exactly the weight names and shapes of `model`. */
function requireMatchingArchitecture(where: string, model: tf.LayersModel, config: NetworkConfig): void {
  const reference = buildNetwork(config);
  try {
    const expected = reference.weights.map((weight) => `${weight.originalName} [${weight.read().shape.join(", ")}]`);
    const actual = model.weights.map((weight) => `${weight.originalName} [${weight.read().shape.join(", ")}]`);
    const firstDifference = expected.findIndex((entry, index) => entry !== actual[index]);
    if (firstDifference !== -1 || expected.length !== actual.length) {
      const index = firstDifference === -1 ? Math.min(expected.length, actual.length) : firstDifference;
      throw new PgShapeError(
        where,
        "model",
        `the weights of ${config.builder}(${JSON.stringify(config.options)}) (weight ${index}: ${expected[index] ?? "none"})`,
        actual[index] ?? "no weight",
      );
    }
  } finally {
    reference.dispose();
  }
}

/** {@link serializeNetwork} for a caller named `where`. */
export function encodeNetwork(where: string, model: tf.LayersModel, config: NetworkConfig | undefined): SerializedNetwork {
  if (!(model instanceof tf.LayersModel)) throw new PgValidationError(where, "model", "a tf.LayersModel", model);
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
  if (config !== undefined) requireMatchingArchitecture(where, model, resolved);
  const weights = model.weights.map((weight) => {
    const value = weight.read();
    const values = value.dataSync();
    requireFiniteWeight(where, weight.originalName, value.shape, values, "model");
    return { name: weight.originalName, shape: value.shape, values };
  });
  requireFinitePredictions(where, model, resolved, "saved");
  const file = networkFileOf(resolved, weights);
  const bytes = new Uint8Array(4 * file.weights.reduce((total, entry) => total + entry.length, 0));
  const view = new DataView(bytes.buffer);
  file.weights.forEach((entry, index) => {
    const values = weights[index]?.values ?? new Float32Array(0);
    for (let i = 0; i < entry.length; i++) view.setFloat32(4 * (entry.offset + i), values[i] ?? Number.NaN, true);
  });
  return { file, weights: bytes };
}

/**
 * A network as `{ file, weights }`: the `network.json` contents ({ builder, options, weights: [{ name, shape,
 * offset, length }] }) and the `weights.bin` bytes (float32, little-endian, in the order of the table) — what
 * `saveNetwork` writes, for storage of your own (IndexedDB, a download, a request body). Works in the browser.
 * @param model - a network built by `mlp`, `unet`, `waveCnn` or `loadNetwork`, or any model matching `config`.
 * @param config - how the model was built. @defaultValue `networkConfigOf(model)`
 * @throws {@link PgValidationError} if `model` is not a LayersModel or no configuration is given or attached;
 *   {@link PgShapeError} if the configuration builds different weights; {@link PgNonFiniteError} if a weight is not
 *   finite, or the output on a fixed probe input is not (finite weights that overflow on the way through).
 * @example
 * import { deserializeNetwork, mlp, serializeNetwork } from "@pg/nets";
 * const model = mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 });
 * const { file, weights } = serializeNetwork(model);
 * console.log(file.builder, file.weights.length, weights.byteLength); // mlp 8 1844
 * const copy = deserializeNetwork(JSON.parse(JSON.stringify(file)), weights);
 * console.log(copy.countParams() === model.countParams()); // true
 */
export function serializeNetwork(model: tf.LayersModel, config?: NetworkConfig): SerializedNetwork {
  return encodeNetwork("serializeNetwork", model, config);
}

/**
 * {@link deserializeNetwork} for a caller named `where`, naming the description `source` and the weights
 * `weightsSource` in messages.
 */
export function decodeNetwork(where: string, source: string, parsed: unknown, bytes: Uint8Array, weightsSource: string): tf.LayersModel {
  const file = parseNetworkFile(where, source, parsed, bytes.byteLength);
  const model = buildNetwork({ builder: file.builder, options: file.options } as NetworkConfig);
  try {
    const stored = new Map(file.weights.map((entry) => [entry.name, entry]));
    for (const weight of model.weights) {
      const shape = weight.read().shape;
      const entry = stored.get(weight.originalName);
      if (entry === undefined) {
        throw new PgValidationError(where, source, `a weight named "${weight.originalName}" (the ${file.builder} options build it)`, file.weights.map((w) => w.name));
      }
      if (entry.shape.length !== shape.length || entry.shape.some((extent, axis) => extent !== shape[axis])) {
        throw new PgShapeError(where, `${source} weight "${entry.name}"`, `shape [${shape.join(", ")}]`, entry.shape);
      }
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const snapshot: Record<string, Float32Array> = {};
    for (const entry of file.weights) {
      const values = new Float32Array(entry.length);
      for (let i = 0; i < entry.length; i++) values[i] = view.getFloat32(4 * (entry.offset + i), true);
      requireFiniteWeight(where, entry.name, entry.shape, values, weightsSource);
      snapshot[entry.name] = values;
    }
    restoreWeightsFor(where, model, snapshot, false);
    requireFinitePredictions(where, model, { builder: file.builder, options: file.options } as NetworkConfig, "loaded");
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Rebuilds a network from {@link serializeNetwork}'s parts: builds the model with the stored builder and options and
 * restores every weight; predictions equal the original's bit for bit. Works in the browser.
 * @param file - the `network.json` contents (parsed JSON; it is checked field by field).
 * @param weights - the `weights.bin` bytes.
 * @throws {@link PgValidationError} if `file` lacks a field or the builder refuses the stored options;
 *   {@link PgShapeError} if `weights` has the wrong size or the stored weights differ in name or shape;
 *   {@link PgNonFiniteError} if a stored weight is not finite or the rebuilt network's output on a fixed probe input
 *   is not.
 * @example
 * import { deserializeNetwork, mlp, networkConfigOf, serializeNetwork } from "@pg/nets";
 * const { file, weights } = serializeNetwork(mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 3 }));
 * const copy = deserializeNetwork(file, weights);
 * console.log(networkConfigOf(copy).builder, networkConfigOf(copy).options.seed); // mlp 3
 */
export function deserializeNetwork(file: unknown, weights: Uint8Array | ArrayBuffer): tf.LayersModel {
  const where = "deserializeNetwork";
  const bytes = weights instanceof ArrayBuffer ? new Uint8Array(weights) : weights;
  if (!(bytes instanceof Uint8Array)) throw new PgValidationError(where, "weights", "a Uint8Array or ArrayBuffer", weights);
  return decodeNetwork(where, "file", file, bytes, "weights");
}
