import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { decodeNetwork } from "./network_bytes";
import { NETWORK_FILE_NAME, WEIGHTS_FILE_NAME } from "./network_file";

/** Reads a file, turning a failure into a validation error that names the file and the system error code. */
async function readRequired(where: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : String(error);
    throw new PgValidationError(where, "directory", `a directory containing ${NETWORK_FILE_NAME} and ${WEIGHTS_FILE_NAME} written by saveNetwork`, path, `Reading it failed with ${code}.`);
  }
}

/**
 * Loads a network saved by `saveNetwork`: reads `network.json`, rebuilds the model with the stored builder and
 * options, and restores every weight from `weights.bin` (float32 little-endian). Uses `node:fs/promises` only (Node
 * only: in the browser, {@link deserializeNetwork} rebuilds from the two parts).
 * @param directory - the directory given to `saveNetwork`.
 * @returns the rebuilt LayersModel, whose predictions equal the saved model's bit for bit; `networkConfigOf` returns
 *   the stored configuration.
 * @throws {@link PgValidationError} if a file is missing or unreadable, `network.json` is not valid JSON or lacks a
 *   field, or the builder refuses the stored options; {@link PgShapeError} if `weights.bin` has the wrong size or
 *   the stored weights differ in name or shape from the rebuilt model's; {@link PgNonFiniteError} if a stored weight
 *   is not finite, or the loaded network's output on a fixed probe input is not.
 * @example
 * import { loadNetwork, mlp, networkConfigOf, saveNetwork } from "@pg/nets";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * await saveNetwork(mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 }), directory);
 * const copy = await loadNetwork(directory);
 * console.log(networkConfigOf(copy).builder, networkConfigOf(copy).options.seed); // mlp 0
 */
export async function loadNetwork(directory: string): Promise<tf.LayersModel> {
  const where = "loadNetwork";
  if (typeof directory !== "string" || directory.length === 0) {
    throw new PgValidationError(where, "directory", "a non-empty path string", directory);
  }
  const networkPath = join(directory, NETWORK_FILE_NAME);
  const weightsPath = join(directory, WEIGHTS_FILE_NAME);
  const text = (await readRequired(where, networkPath)).toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PgValidationError(where, networkPath, "valid JSON", text.length > 40 ? `${text.slice(0, 40)}…` : text, `JSON.parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bytes = await readRequired(where, weightsPath);
  return decodeNetwork(where, networkPath, parsed, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), weightsPath);
}
