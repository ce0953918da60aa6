import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { requireOptimizer } from "./arguments";

/** One tensor of an optimizer's state. */
export interface OptimizerTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
  readonly values: Float32Array | Int32Array;
}

/** Everything an optimizer carries between steps, as plain arrays: what a checkpoint stores. */
export interface OptimizerState {
  /** The optimizer's class, e.g. "Adam"; restoring into another class is refused. */
  readonly className: string;
  /** `getWeights()`: the iteration count first, then the slots (Adam's moments, momentum's accumulations). */
  readonly weights: readonly OptimizerTensor[];
  /**
   * Scalar variables the optimizer keeps outside `getWeights()`, by property name — Adam's running products β₁ᵗ and
   * β₂ᵗ. `setWeights()` recomputes them as a power, which can differ from the running product in the last bit, so
   * they are stored and written back as they were.
   */
  readonly scalars: Readonly<Record<string, number>>;
}

function toTensorRecord(name: string, tensor: tf.Tensor): OptimizerTensor {
  const dtype = tensor.dtype === "int32" ? "int32" : "float32";
  const values = dtype === "int32" ? new Int32Array(tensor.dataSync()) : new Float32Array(tensor.dataSync());
  return { name, shape: [...tensor.shape], dtype, values };
}

function scalarVariables(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer).filter((entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable && entry[1].rank === 0);
}

/**
 * Reads an optimizer's whole state (iteration count, slots and running scalars) into plain arrays.
 * @example
 * import { captureOptimizerState, restoreOptimizerState } from "@pg/cli";
 * import { sum, square, tensor1d, train, variable } from "@tensorflow/tfjs";
 * const w = variable(tensor1d([1, 2]));
 * const adam = train.adam(0.1);
 * for (let i = 0; i < 3; i++) adam.minimize(() => sum(square(w)), false, [w]);
 * const state = await captureOptimizerState(adam);
 * console.log(state.className, state.weights.map((t) => t.name.split("/").pop()).join(" "), Object.keys(state.scalars).join(" ")); // Adam iter m v accBeta1 accBeta2
 * // a fresh optimizer with the captured state makes the same next update, to the bit
 * const copy = train.adam(0.1);
 * await restoreOptimizerState(copy, state);
 * const w2 = variable(w.clone());
 * adam.minimize(() => sum(square(w)), false, [w]);
 * copy.minimize(() => sum(square(w2)), false, [w2]);
 * console.log(Array.from(w.dataSync()).join(" ") === Array.from(w2.dataSync()).join(" ")); // true
 */
export async function captureOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  requireOptimizer("captureOptimizerState", "optimizer", optimizer);
  const weights = (await optimizer.getWeights()).map(({ name, tensor }) => toTensorRecord(name, tensor));
  const scalars: Record<string, number> = {};
  for (const [property, variable] of scalarVariables(optimizer)) scalars[property] = variable.dataSync()[0] as number;
  return { className: optimizer.getClassName(), weights, scalars };
}

/**
 * Puts a captured state into a fresh optimizer of the same class and settings, so that its next update is
 * bit-identical to the one the captured optimizer would have made.
 * @throws {@link PgValidationError} when `optimizer` is not a tf.Optimizer, `state` not a captured state, the classes
 * differ or a stored scalar has no variable to go to.
 * @example
 * import { captureOptimizerState, restoreOptimizerState } from "@pg/cli";
 * import { train } from "@tensorflow/tfjs";
 * try {
 *   await restoreOptimizerState(train.sgd(0.1), await captureOptimizerState(train.adam(0.1)));
 * } catch (error) {
 *   console.log(error.message); // restoreOptimizerState: state.className must be "SGD" (the optimizer it is restored into); received "Adam".
 * }
 */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  requireOptimizer("restoreOptimizerState", "optimizer", optimizer);
  const captured = typeof state === "object" && state !== null && typeof state.className === "string" && Array.isArray(state.weights) && typeof state.scalars === "object" && state.scalars !== null;
  if (!captured) throw new PgValidationError("restoreOptimizerState", "state", "a state from captureOptimizerState { className, weights, scalars }", state);
  const className = optimizer.getClassName();
  if (state.className !== className) {
    throw new PgValidationError("restoreOptimizerState", "state.className", `"${className}" (the optimizer it is restored into)`, state.className);
  }
  const tensors = state.weights.map(({ name, shape, dtype, values }) => ({ name, tensor: tf.tensor(values, [...shape], dtype) }));
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
  const variables = new Map(scalarVariables(optimizer));
  for (const [property, value] of Object.entries(state.scalars)) {
    const variable = variables.get(property);
    if (variable === undefined) {
      throw new PgValidationError("restoreOptimizerState", `state.scalars.${property}`, `a scalar variable of ${className}`, value);
    }
    const scalar = tf.scalar(value, variable.dtype);
    variable.assign(scalar);
    scalar.dispose();
  }
}
