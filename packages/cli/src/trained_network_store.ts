import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { networkConfigOf, saveNetwork } from "@pg/nets";
import { requireMethod, requirePath } from "./arguments";

/** Where runExperiment keeps each method's trained network, relative to `--out`. */
export const TRAINED_NETWORKS_DIRECTORY = "networks";

/** What one save did. */
export type SaveOutcome =
  | { readonly saved: true; readonly directory: string }
  | { readonly saved: false; readonly reason: string };

/** The first weight of `model` holding a NaN or ±∞, or undefined if every weight is finite. */
function firstNonFiniteWeight(model: tf.LayersModel): string | undefined {
  for (const weight of model.weights) {
    const values = weight.read().dataSync();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) return `${weight.originalName}[${i}] = ${values[i]}`;
    }
  }
  return undefined;
}

/**
 * Saves `model` (network.json + weights.bin, loadable with `loadNetwork`) to `<out>/networks/<method>/`, replacing the
 * previous save only once the new one is complete: it is written beside it and renamed into place (the old one moved
 * aside first and removed last), so a run that dies at any moment keeps a complete network. A model with non-finite weights is not saved (the last good save
 * stays), nor is one that no @pg/nets builder made (no configuration to rebuild it from).
 * @param out - the run's output directory.
 * @param method - the method name (the sub-directory).
 * @param model - the network being trained.
 * @returns whether it saved, and where or why not.
 * @throws {@link PgValidationError} for an empty `out`, a method name that cannot be a directory name, or a `model`
 * that is not a tf.LayersModel (a model that is one but cannot be saved is an outcome, not an error).
 * @example
 * import { saveTrainedNetwork } from "@pg/cli";
 * import { loadNetwork, mlp } from "@pg/nets";
 * import { layers, sequential } from "@tensorflow/tfjs";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join, relative } from "node:path";
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const outcome = await saveTrainedNetwork(out, "adam", mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 0 }));
 * console.log(outcome.saved, relative(out, outcome.directory)); // true networks/adam
 * console.log(JSON.stringify((await loadNetwork(outcome.directory)).outputs[0].shape)); // [null,1]
 * const plain = sequential({ layers: [layers.dense({ inputShape: [1], units: 1 })] });
 * console.log(JSON.stringify(await saveTrainedNetwork(out, "plain", plain))); // {"saved":false,"reason":"the network was not built by a @pg/nets builder"}
 */
export async function saveTrainedNetwork(out: string, method: string, model: tf.LayersModel): Promise<SaveOutcome> {
  requirePath("saveTrainedNetwork", "out", out);
  requireMethod("saveTrainedNetwork", "method", method);
  if (!(model instanceof tf.LayersModel)) throw new PgValidationError("saveTrainedNetwork", "model", "a tf.LayersModel", model);
  if (networkConfigOf(model) === undefined) return { saved: false, reason: "the network was not built by a @pg/nets builder" };
  const bad = firstNonFiniteWeight(model);
  if (bad !== undefined) return { saved: false, reason: `a weight is not finite (${bad})` };
  const directory = recoverTrainedNetwork(out, method);
  const partial = `${directory}.partial`;
  const previous = `${directory}.previous`;
  rmSync(partial, { recursive: true, force: true });
  await saveNetwork(model, partial);
  // The old save is moved aside, not deleted, until the new one is in place: a kill between the two renames leaves
  // it as `.previous`, which recoverTrainedNetwork puts back.
  if (existsSync(directory)) renameSync(directory, previous);
  renameSync(partial, directory);
  rmSync(previous, { recursive: true, force: true });
  return { saved: true, directory };
}

/**
 * Puts back a save that a kill left aside (`networks/<method>.previous` with no `networks/<method>`), and removes an
 * unfinished `.partial`; a run that resumes calls it before anything reads the network.
 * @returns the network's directory.
 * @throws {@link PgValidationError} for an empty `out` or a method name that cannot be a directory name.
 * @example
 * import { recoverTrainedNetwork } from "@pg/cli";
 * import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * // killed between moving the old save aside and renaming the new one in:
 * mkdirSync(join(out, "networks", "adam.previous"), { recursive: true });
 * mkdirSync(join(out, "networks", "adam.partial"));
 * const directory = recoverTrainedNetwork(out, "adam");
 * console.log(existsSync(directory), existsSync(`${directory}.previous`), existsSync(`${directory}.partial`)); // true false false
 */
export function recoverTrainedNetwork(out: string, method: string): string {
  requirePath("recoverTrainedNetwork", "out", out);
  requireMethod("recoverTrainedNetwork", "method", method);
  const directory = join(out, TRAINED_NETWORKS_DIRECTORY, method);
  const previous = `${directory}.previous`;
  if (existsSync(previous)) {
    if (existsSync(directory)) rmSync(previous, { recursive: true, force: true });
    else renameSync(previous, directory);
  }
  rmSync(`${directory}.partial`, { recursive: true, force: true });
  return directory;
}
