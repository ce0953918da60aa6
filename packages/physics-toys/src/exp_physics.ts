import {
  PgValidationError,
  requireBatchArray,
  requireFinite,
  requirePositiveInteger,
  type NewtonDerivatives,
  type Physics,
} from "@pg/core";

const SHAPE: readonly number[] = Object.freeze([1]);

/**
 * The exponential y = eˣ as a batched {@link Physics}: one scalar x and y per example (xShape = yShape = [1]). Its
 * objective is the core default L = ½(eˣ − y*)². Inverting it is the published version's illustration of how badly
 * scaled gradients get: ∂L/∂x = (eˣ − y*)eˣ shrinks with eˣ, so a network trained through it learns x* ≈ −12 (y* ≈ 6e-6)
 * about 10⁵ times more slowly than x* ≈ 0.
 */
export interface ExpPhysics extends Physics {
  /**
   * y = eˣ per example. An x above ln(Number.MAX_VALUE) ≈ 709.78 overflows to Infinity, which training reports as a
   * non-finite loss.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `x` is not a
   * Float64Array of length batch; {@link PgNonFiniteError} naming `x` if it holds NaN or ±Infinity.
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /** dx = dy · eˣ per example, the vector–Jacobian product. Validates as `forward`, also `dy`. */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
  /** ∂y/∂x = eˣ per example. Validates as `forward`. */
  jacobianDiagonal(x: Float64Array, batch: number): Float64Array;
  /**
   * First and second derivative of L = ½(eˣ − y*)² per example: gradient g = (eˣ − y*)eˣ, curvature
   * h = 2e²ˣ − y*eˣ. h is negative for eˣ < ½y* (L is concave there), zero at eˣ = ½y*, where the raw Newton step
   * −g/h has no value; a Newton solver that flips the step to descend and takes Δ = 0 where h = 0 gets the step of the
   * published experiment. Validates as `forward`, also `yTarget` (length and finiteness).
   */
  newtonDerivatives(x: Float64Array, yTarget: Float64Array, batch: number): NewtonDerivatives;
  /**
   * The analytic inverse x = ln y per example: the one x with eˣ = y.
   * @throws {@link PgValidationError} if `batch` is not a positive integer or an entry of `y` is not > 0 (eˣ > 0, so
   * y ≤ 0 has no preimage; the message names the first such index); {@link PgShapeError} if `y` is not a Float64Array
   * of length batch; {@link PgNonFiniteError} naming `y` if it holds NaN or ±Infinity.
   */
  inverse(y: Float64Array, batch: number): Float64Array;
}

/** Checks `batch` and every named array: length batch, no NaN or ±Infinity. */
function requireInputs(where: string, batch: number, arrays: Readonly<Record<string, Float64Array>>): void {
  requirePositiveInteger(where, "batch", batch);
  for (const [parameter, array] of Object.entries(arrays)) {
    requireBatchArray(where, parameter, array, batch, SHAPE);
    requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
  }
}

/**
 * Builds the exponential y = eˣ with its adjoint, diagonal Jacobian, the Newton derivatives of ½(eˣ − y*)² and the
 * analytic inverse ln y.
 * @returns an {@link ExpPhysics}; it holds no state, so one instance serves every batch size.
 * @example
 * import { expPhysics } from "@pg/physics-toys";
 * const physics = expPhysics();
 * const x = Float64Array.of(0, -1);
 * console.log(Array.from(physics.forward(x, 2), (y) => y.toFixed(4)).join(" ")); // 1.0000 0.3679
 * console.log(physics.inverse(physics.forward(x, 2), 2).join(" ")); // 0 -1
 * // at x = 0 with y* = 2: g = (1 − 2)·1 = −1, h = 2 − 2 = 0
 * const { gradient, curvature } = physics.newtonDerivatives(Float64Array.of(0), Float64Array.of(2), 1);
 * console.log(gradient[0], curvature[0]); // -1 0
 */
export function expPhysics(): ExpPhysics {
  return {
    name: "exp(x)",
    xShape: SHAPE,
    yShape: SHAPE,
    forward(x, batch) {
      requireInputs("expPhysics.forward", batch, { x });
      return x.map(Math.exp);
    },
    adjoint(x, dy, batch) {
      requireInputs("expPhysics.adjoint", batch, { x, dy });
      // A zero cotangent gives zero even where eˣ overflows, instead of 0·∞ = NaN.
      return dy.map((d, i) => (d === 0 ? 0 : d * Math.exp(x[i] as number)));
    },
    jacobianDiagonal(x, batch) {
      requireInputs("expPhysics.jacobianDiagonal", batch, { x });
      return x.map(Math.exp);
    },
    newtonDerivatives(x, yTarget, batch) {
      requireInputs("expPhysics.newtonDerivatives", batch, { x, yTarget });
      const gradient = new Float64Array(batch);
      const curvature = new Float64Array(batch);
      for (let i = 0; i < batch; i++) {
        const y = Math.exp(x[i] as number);
        const target = yTarget[i] as number;
        gradient[i] = (y - target) * y;
        curvature[i] = 2 * y * y - target * y;
      }
      return { gradient, curvature };
    },
    inverse(y, batch) {
      const where = "expPhysics.inverse";
      requireInputs(where, batch, { y });
      const bad = y.findIndex((value) => !(value > 0));
      if (bad >= 0) {
        throw new PgValidationError(where, "y", "a Float64Array of numbers > 0 (eˣ > 0 for every x)", y, `y[${bad}] is ${String(y[bad])}.`);
      }
      return y.map(Math.log);
    },
  };
}
