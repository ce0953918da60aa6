import { requirePhysics } from "./checks";
import { PgShapeError, PgValidationError } from "./errors";
import { requireBatchArray, requirePositiveInteger } from "./validate";

/**
 * A batched simulator y = P(x) on Float64Array. Arrays hold `batch` examples back to back, each of
 * `xShape` (or `yShape`) entries in row-major NHWC order, as tfjs lays out tensors.
 */
export interface Physics {
  /** Short name used in messages, e.g. "sin(a/x)". */
  readonly name: string;
  /** Shape of one example of x, without the batch axis. */
  readonly xShape: readonly number[];
  /** Shape of one example of y, without the batch axis. */
  readonly yShape: readonly number[];
  /** y = P(x) for every example. */
  forward(x: Float64Array, batch: number): Float64Array;
  /** Vector–Jacobian product (∂P/∂x)ᵀ·dy at x, per example. Used by backprop training and gradient-based solvers. */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
  /**
   * The per-example objective L(y) and its gradient ∂L/∂y. Defaults to {@link halfSquaredError}, L = ½‖y − y*‖²
   * (Eq. 1 of the paper); the fluid experiment uses a frequency loss instead.
   */
  readonly objective?: Objective;
  /** Diagonal of ∂P/∂x, for physics that act element-wise (y_i depends on x_i only). Enables the inverse-gradient solver. */
  jacobianDiagonal?(x: Float64Array, batch: number): Float64Array;
  /**
   * Closed-form first and second derivatives, per component, of the scalar a Newton solver minimises. For most
   * physics that is L; for sin(a/x) with the target at the minimum of P it is P itself, as in the paper (App. B.2).
   */
  newtonDerivatives?(x: Float64Array, yTarget: Float64Array, batch: number): NewtonDerivatives;
}

/** Gradient and diagonal curvature returned by {@link Physics.newtonDerivatives}. */
export interface NewtonDerivatives {
  readonly gradient: Float64Array;
  readonly curvature: Float64Array;
}

/** A per-example objective on y and its gradient with respect to y. */
export interface Objective {
  readonly name: string;
  /** L per example (length batch). */
  value(y: Float64Array, yTarget: Float64Array, batch: number): Float64Array;
  /** ∂L/∂y, same layout as y. */
  gradient(y: Float64Array, yTarget: Float64Array, batch: number): Float64Array;
}

/**
 * Throws unless y and y* have the same length, a multiple of `batch`. Only lengths (O(1)): solvers evaluate the
 * objective at every iteration, and a non-finite y must reach them as a non-finite value, which they report with the
 * `nonFinite` stop reason.
 */
function requireMatchingLengths(where: string, y: Float64Array, yTarget: Float64Array, batch: number): void {
  requirePositiveInteger(where, "batch", batch);
  if (!(y instanceof Float64Array) || y.length % batch !== 0) {
    throw new PgShapeError(where, "y", `type Float64Array of length batch × size(yShape) (batch = ${batch})`, y);
  }
  if (!(yTarget instanceof Float64Array) || yTarget.length !== y.length) {
    throw new PgShapeError(where, "yTarget", `the length of y, ${y.length}`, yTarget);
  }
}

/**
 * L = ½‖y − y*‖² per example, summed over all non-batch entries (as the authors' code's `l2_loss`, with its ½). `value` and `gradient` check the
 * lengths (PgShapeError naming `y` or `yTarget`) but not finiteness: NaN in, NaN out, for the solvers to report.
 */
export const halfSquaredError: Objective = {
  name: "halfSquaredError",
  value(y, yTarget, batch) {
    requireMatchingLengths("halfSquaredError.value", y, yTarget, batch);
    const out = new Float64Array(batch);
    const size = y.length / batch;
    for (let b = 0; b < batch; b++) {
      let sum = 0;
      for (let i = b * size; i < (b + 1) * size; i++) {
        const r = (y[i] as number) - (yTarget[i] as number);
        sum += r * r;
      }
      out[b] = 0.5 * sum;
    }
    return out;
  },
  gradient(y, yTarget, batch) {
    requireMatchingLengths("halfSquaredError.gradient", y, yTarget, batch);
    const out = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) out[i] = (y[i] as number) - (yTarget[i] as number);
    return out;
  },
};

/**
 * The objective a physics declares, or ½‖y − y*‖².
 * @example
 * import { objectiveOf } from "@pg/core";
 * const identity = { name: "identity", xShape: [1], yShape: [1], forward: (x) => x, adjoint: (x, dy) => dy };
 * const objective = objectiveOf(identity);
 * console.log(objective.name); // halfSquaredError
 * console.log(objective.value(Float64Array.of(3, 1), Float64Array.of(1, 1), 2).join(" ")); // 2 0
 * const absolute = { ...objective, name: "absolute error" };
 * console.log(objectiveOf({ ...identity, objective: absolute }).name); // absolute error
 */
export function objectiveOf(physics: Physics): Objective {
  const objective = requirePhysics("objectiveOf", "physics", physics).objective;
  if (objective === undefined) return halfSquaredError;
  if (typeof objective !== "object" || objective === null || typeof objective.value !== "function" || typeof objective.gradient !== "function") {
    throw new PgValidationError("objectiveOf", "physics.objective", "an Objective { name, value, gradient } or undefined", objective);
  }
  return objective;
}

/** Result of {@link evaluateObjective}. */
export interface ObjectiveEvaluation {
  readonly y: Float64Array;
  /** L per example. */
  readonly value: Float64Array;
  /** ∂L/∂x = (∂P/∂x)ᵀ ∂L/∂y per example. */
  readonly gradient: Float64Array;
}

/**
 * Evaluates y = P(x), L(y) and ∂L/∂x (one forward and one adjoint).
 *
 * Checks the physics, `batch` and the lengths of x and y* against the shapes, but not their finiteness: solvers call
 * this at every iteration and report a non-finite iterate with the `nonFinite` stop reason; the physics' own forward
 * and adjoint decide whether a non-finite x is an error.
 * @throws {@link PgValidationError} for a physics without its members or a batch that is not a positive integer;
 *   {@link PgShapeError} if x or y* has the wrong length.
 * @example
 * import { evaluateObjective } from "@pg/core";
 * const square = { name: "x²", xShape: [1], yShape: [1], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * const { y, value, gradient } = evaluateObjective(square, Float64Array.of(1, 3), Float64Array.of(0, 10), 2);
 * console.log(y.join(" "), value.join(" ")); // 1 9 0.5 0.5
 * // ∂L/∂x = 2x · (y − y*)
 * console.log(gradient.join(" ")); // 2 -6
 */
export function evaluateObjective(
  physics: Physics,
  x: Float64Array,
  yTarget: Float64Array,
  batch: number,
): ObjectiveEvaluation {
  const where = "evaluateObjective";
  requirePhysics(where, "physics", physics);
  requirePositiveInteger(where, "batch", batch);
  requireBatchArray(where, "x", x, batch, physics.xShape);
  requireBatchArray(where, "yTarget", yTarget, batch, physics.yShape);
  const objective = objectiveOf(physics);
  const y = physics.forward(x, batch);
  const value = objective.value(y, yTarget, batch);
  const gradient = physics.adjoint(x, objective.gradient(y, yTarget, batch), batch);
  return { y, value, gradient };
}
