import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "./errors";

/** The AdamOptimizer members the fused update reads and writes (tfjs keeps them private). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

const fround = Math.fround;

/** What `Optimizer.applyGradients` takes: gradients by variable name, as a map or a list. */
type Gradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

/** Backends whose tensors live in (or are copied cheaply to) JavaScript memory, where one loop beats 14 kernels. */
const LOOP_BACKENDS: ReadonlySet<string> = new Set(["cpu", "wasm"]);

/** The float32 constants of one Adam step (see {@link adamLoop}). */
interface AdamConstants {
  readonly b1: number;
  readonly b2: number;
  readonly c1: number;
  readonly c2: number;
  readonly epsilon: number;
  readonly step: number;
  readonly correction1: number;
  readonly correction2: number;
}

/**
 * One variable's Adam update, each operation rounded to float32 in the order of tfjs's kernels. A module-level
 * function: as a closure made anew each step it was optimised again by V8 on most steps (10–35 ms of compiler time,
 * on another core).
 */
function adamLoop(g: Float32Array, m: Float32Array, v: Float32Array, w: Float32Array, k: AdamConstants): { mOut: Float32Array; vOut: Float32Array; wOut: Float32Array } {
  const { b1, b2, c1, c2, epsilon, step, correction1, correction2 } = k;
  const n = w.length;
  const mOut = new Float32Array(n);
  const vOut = new Float32Array(n);
  const wOut = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const mi = fround(fround((m[i] as number) * b1) + fround(gi * c1));
    const vi = fround(fround((v[i] as number) * b2) + fround(fround(gi * gi) * c2));
    mOut[i] = mi;
    vOut[i] = vi;
    const denominator = fround(fround(Math.sqrt(fround(vi / correction2))) + epsilon);
    wOut[i] = fround(fround(fround(mi / correction1) / denominator) * step) + (w[i] as number);
  }
  return { mOut, vOut, wOut };
}

/**
 * Every variable's Adam update and moments, creating the moment slots on first use (as tfjs's Adam does). Module-level
 * and a plain loop, for the same reason as {@link adamLoop}.
 */
function updateVariables(self: AdamInternals, names: readonly string[], variableGradients: Gradients, constants: AdamConstants): void {
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const value = tf.engine().registeredVariables[name] as tf.Variable;
    self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    const gradient: tf.Tensor | undefined = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
    if (gradient === undefined || gradient === null) continue;
    const first = (self.accumulatedFirstMoment[i] as { variable: tf.Variable }).variable;
    const second = (self.accumulatedSecondMoment[i] as { variable: tf.Variable }).variable;
    const g = gradient.dataSync() as Float32Array;
    const m = first.dataSync() as Float32Array;
    const v = second.dataSync() as Float32Array;
    const w = value.dataSync() as Float32Array;
    const { mOut, vOut, wOut } = adamLoop(g, m, v, w, constants);
    first.assign(tf.tensor(mOut, first.shape, "float32"));
    second.assign(tf.tensor(vOut, second.shape, "float32"));
    value.assign(tf.tensor(wOut, value.shape, "float32"));
  }
}

/**
 * tfjs's Adam with the same update, slots and saved state, computed per variable in one loop on the cpu and wasm
 * backends instead of 14 kernel calls (about a thousand per step for a U-net). Every operation is rounded to float32
 * in the same order as tfjs's kernels, so the weights are bit-identical to `tf.train.adam`'s.
 */
class LoopAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    if (!LOOP_BACKENDS.has(tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const b1 = fround(self.beta1);
    const b2 = fround(self.beta2);
    const c1 = fround(1 - self.beta1);
    const c2 = fround(1 - self.beta2);
    const epsilon = fround(self.epsilon);
    const step = fround(-self.learningRate);
    const accumulated1 = self.accBeta1.dataSync()[0] as number;
    const accumulated2 = self.accBeta2.dataSync()[0] as number;
    const correction1 = fround(1 - accumulated1);
    const correction2 = fround(1 - accumulated2);
    const constants: AdamConstants = { b1, b2, c1, c2, epsilon, step, correction1, correction2 };
    tf.tidy(() => {
      updateVariables(self, names, variableGradients, constants);
      self.accBeta1.assign(tf.scalar(fround(accumulated1 * b1)));
      self.accBeta2.assign(tf.scalar(fround(accumulated2 * b2)));
    });
    self.incrementIterations();
  }
}

/**
 * Adam, as `tf.train.adam(learningRate, beta1, beta2, epsilon)` — same class name, settings, slots and saved state,
 * and bit-identical weights — but on the cpu and wasm backends each variable is updated in one JavaScript loop
 * instead of 14 kernel calls. A U-net step makes about a thousand fewer calls; on other backends it is tfjs's Adam.
 * @param learningRate - a finite number > 0.
 * @param beta1 - decay of the first moment, in [0, 1). @defaultValue 0.9
 * @param beta2 - decay of the second moment, in [0, 1). @defaultValue 0.999
 * @param epsilon - added to √v̂, a finite number > 0. @defaultValue the backend's epsilon (1e-7 for float32)
 * @throws {@link PgValidationError} for a learning rate, β or ε outside those ranges.
 * @example
 * import { adam } from "@pg/core";
 * import { sum, square, tensor1d, train, variable } from "@tensorflow/tfjs";
 * const w1 = variable(tensor1d([1, -2, 3]));
 * const w2 = variable(tensor1d([1, -2, 3]));
 * const ours = adam(0.1, 0.9, 0.999, 1e-8);
 * const theirs = train.adam(0.1, 0.9, 0.999, 1e-8);
 * for (let i = 0; i < 5; i++) {
 *   ours.minimize(() => sum(square(w1)), false, [w1]);
 *   theirs.minimize(() => sum(square(w2)), false, [w2]);
 * }
 * console.log(ours.getClassName(), Array.from(w1.dataSync()).join() === Array.from(w2.dataSync()).join()); // Adam true
 */
export function adam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number): tf.AdamOptimizer {
  const where = "adam";
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new PgValidationError(where, "learningRate", "a finite number > 0", learningRate);
  }
  for (const [parameter, beta] of [["beta1", beta1], ["beta2", beta2]] as const) {
    if (typeof beta !== "number" || !(beta >= 0 && beta < 1)) throw new PgValidationError(where, parameter, "a number in [0, 1)", beta);
  }
  if (epsilon !== undefined && (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0)) {
    throw new PgValidationError(where, "epsilon", "a finite number > 0, or undefined for the backend's", epsilon);
  }
  return new LoopAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
