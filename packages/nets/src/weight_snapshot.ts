import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { requireFiniteWeight } from "./network_probe";

/**
 * Copies of a model's weight values, keyed by weight name (`layer/weight`, e.g. `dense_0/kernel`); each value is the
 * row-major float32 contents of that weight.
 */
export type WeightSnapshot = Readonly<Record<string, Float32Array>>;

/** Throws unless `model` is a LayersModel. */
function requireModel(where: string, model: unknown): tf.LayersModel {
  if (!(model instanceof tf.LayersModel)) throw new PgValidationError(where, "model", "a tf.LayersModel", model);
  return model;
}

/**
 * Copies every weight of `model` (trainable or not) into a plain object of Float32Arrays. The copies do not change
 * when the model trains: use this to start every compared method from the same initial weights, as the authors'
 * code does.
 * @param model - a tfjs LayersModel.
 * @returns a {@link WeightSnapshot} keyed by the weights' scoped names (`originalName` in tfjs, without the `_1`
 *   suffixes tfjs adds to keep variable names unique across models).
 * @throws {@link PgValidationError} if `model` is not a LayersModel or two weights share a name.
 * @example
 * import { mlp, snapshotWeights } from "@pg/nets";
 * const model = mlp({ inputSize: 1, hiddenSizes: [10], outputSize: 1, seed: 0 });
 * const snapshot = snapshotWeights(model);
 * console.log(Object.keys(snapshot).join(" ")); // dense_0/kernel dense_0/bias dense_1/kernel dense_1/bias
 * console.log(snapshot["dense_0/kernel"].length, snapshot["dense_1/kernel"].length); // 10 10
 */
export function snapshotWeights(model: tf.LayersModel): WeightSnapshot {
  const checked = requireModel("snapshotWeights", model);
  const snapshot: Record<string, Float32Array> = {};
  for (const weight of checked.weights) {
    if (Object.hasOwn(snapshot, weight.originalName)) {
      throw new PgValidationError("snapshotWeights", "model", "weights with unique names", weight.originalName);
    }
    snapshot[weight.originalName] = Float32Array.from(weight.read().dataSync());
  }
  return snapshot;
}

/**
 * Writes `snapshot` into the weights of `model` (internal; `where` names the public caller in messages).
 * Every weight of the model must appear in the snapshot with a matching length and finite values (unless the caller
 * checked those already: `checkFinite` false), and nothing else may.
 */
export function restoreWeightsFor(where: string, model: tf.LayersModel, snapshot: WeightSnapshot, checkFinite = true): void {
  const checked = requireModel(where, model);
  if (typeof snapshot !== "object" || snapshot === null) {
    throw new PgValidationError(where, "snapshot", "an object of Float32Arrays keyed by weight name", snapshot);
  }
  const names = new Set(checked.weights.map((weight) => weight.originalName));
  const unknown = Object.keys(snapshot).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new PgValidationError(
      where,
      "snapshot",
      `only names of the model's weights (${[...names].join(", ")})`,
      unknown,
      "Was it taken from a different architecture?",
    );
  }
  for (const weight of checked.weights) {
    const values: unknown = snapshot[weight.originalName];
    if (values === undefined) {
      throw new PgValidationError(where, "snapshot", `an entry for every weight of the model`, Object.keys(snapshot), `Missing "${weight.originalName}".`);
    }
    if (!(values instanceof Float32Array)) {
      throw new PgValidationError(where, `snapshot["${weight.originalName}"]`, "a Float32Array", values);
    }
    const { shape, size } = weight.read();
    if (values.length !== size) {
      throw new PgShapeError(
        where,
        `snapshot["${weight.originalName}"]`,
        `length ${shape.join(" × ")} = ${size} (shape [${shape.join(", ")}])`,
        values,
      );
    }
    if (checkFinite) requireFiniteWeight(where, weight.originalName, shape, values, "snapshot");
  }
  for (const weight of checked.weights) {
    const values = snapshot[weight.originalName] as Float32Array;
    const tensor = tf.tensor(values, weight.read().shape, "float32");
    weight.write(tensor);
    tensor.dispose();
  }
}

/**
 * Overwrites every weight of `model` with the values in `snapshot`; all checks run before anything is written, so
 * a refused snapshot leaves the model unchanged.
 * @param model - a tfjs LayersModel with the same weight names as the snapshot's source (any model built by the same
 *   builder with the same options).
 * @param snapshot - from {@link snapshotWeights}.
 * @throws {@link PgValidationError} if a weight is missing from the snapshot, the snapshot has names the model lacks,
 *   or an entry is not a Float32Array; {@link PgShapeError} if an entry's length differs from its weight's size;
 *   {@link PgNonFiniteError} if an entry holds NaN or ±Infinity.
 * @example
 * import { ones } from "@tensorflow/tfjs";
 * import { mlp, restoreWeights, snapshotWeights } from "@pg/nets";
 * const first = mlp({ inputSize: 1, hiddenSizes: [10], outputSize: 1, seed: 0 });
 * const second = mlp({ inputSize: 1, hiddenSizes: [10], outputSize: 1, seed: 1 });
 * const output = (model) => model.predict(ones([1, 1])).dataSync()[0];
 * console.log(output(second) === output(first)); // false
 * restoreWeights(second, snapshotWeights(first));
 * console.log(output(second) === output(first)); // true
 */
export function restoreWeights(model: tf.LayersModel, snapshot: WeightSnapshot): void {
  restoreWeightsFor("restoreWeights", model, snapshot);
}
