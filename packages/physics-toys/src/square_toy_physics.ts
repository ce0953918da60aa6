import { requireBatchArray, requireFinite, requirePositiveInteger, type NewtonDerivatives, type Physics } from "@pg/core";

const SHAPE: readonly number[] = Object.freeze([2]);

/**
 * The 2-D toy of the paper's Fig. 2a as a batched {@link Physics}: y = (x₁, x₂²), x and y of shape [2] per
 * example, stored [x₁, x₂] back to back. Its objective is the core default L = ½‖y − y*‖²; the step rules of
 * {@link squareToySteps} use the paper's L = ‖y‖² instead, which differs by the factor 2 only.
 */
export interface SquareToyPhysics extends Physics {
  /**
   * y = (x₁, x₂²) per example.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `x` is not a
   * Float64Array of length batch × 2; {@link PgNonFiniteError} naming `x` if it holds NaN or ±Infinity.
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /** dx = (dy₁, 2x₂·dy₂) per example, the vector–Jacobian product (∂y/∂x)ᵀ dy. Validates as `forward`, also `dy`. */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
  /** ∂y/∂x = diag(1, 2x₂) per example, stored as (1, 2x₂). Validates as `forward`. */
  jacobianDiagonal(x: Float64Array, batch: number): Float64Array;
  /**
   * Per-component first and second derivatives of L = ½‖y − y*‖², which is separable: gradient
   * (x₁ − y₁*, 2x₂(x₂² − y₂*)) and curvature (1, 6x₂² − 2y₂*). For y* = 0 the Newton step −gradient/curvature is
   * −(x₁, x₂/3), the Newton rule of Fig. 2a. Validates as `forward`, also `yTarget` (length and finiteness).
   */
  newtonDerivatives(x: Float64Array, yTarget: Float64Array, batch: number): NewtonDerivatives;
}

/** Checks `batch` and every named array: length batch × 2, no NaN or ±Infinity. */
function requireInputs(where: string, batch: number, arrays: Readonly<Record<string, Float64Array>>): void {
  requirePositiveInteger(where, "batch", batch);
  for (const [parameter, array] of Object.entries(arrays)) {
    requireBatchArray(where, parameter, array, batch, SHAPE);
    requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
  }
}

/**
 * Builds the 2-D toy physics y = (x₁, x₂²) of the paper's Fig. 2a with its adjoint, diagonal Jacobian and Newton derivatives.
 * @returns a {@link SquareToyPhysics}; it holds no state, so one instance serves every batch size.
 * @example
 * import { squareToyPhysics } from "@pg/physics-toys";
 * const physics = squareToyPhysics();
 * const x = Float64Array.of(3, 3);
 * console.log(physics.forward(x, 1).join(" ")); // 3 9
 * console.log(physics.adjoint(x, Float64Array.of(1, 1), 1).join(" ")); // 1 6
 */
export function squareToyPhysics(): SquareToyPhysics {
  return {
    name: "y = (x1, x2^2)",
    xShape: SHAPE,
    yShape: SHAPE,
    forward(x, batch) {
      requireInputs("squareToyPhysics.forward", batch, { x });
      const y = new Float64Array(2 * batch);
      for (let i = 0; i < 2 * batch; i += 2) {
        const x2 = x[i + 1] as number;
        y[i] = x[i] as number;
        y[i + 1] = x2 * x2;
      }
      return y;
    },
    adjoint(x, dy, batch) {
      requireInputs("squareToyPhysics.adjoint", batch, { x, dy });
      const dx = new Float64Array(2 * batch);
      for (let i = 0; i < 2 * batch; i += 2) {
        dx[i] = dy[i] as number;
        dx[i + 1] = 2 * (x[i + 1] as number) * (dy[i + 1] as number);
      }
      return dx;
    },
    jacobianDiagonal(x, batch) {
      requireInputs("squareToyPhysics.jacobianDiagonal", batch, { x });
      const diagonal = new Float64Array(2 * batch);
      for (let i = 0; i < 2 * batch; i += 2) {
        diagonal[i] = 1;
        diagonal[i + 1] = 2 * (x[i + 1] as number);
      }
      return diagonal;
    },
    newtonDerivatives(x, yTarget, batch) {
      requireInputs("squareToyPhysics.newtonDerivatives", batch, { x, yTarget });
      const gradient = new Float64Array(2 * batch);
      const curvature = new Float64Array(2 * batch);
      for (let i = 0; i < 2 * batch; i += 2) {
        const x2 = x[i + 1] as number;
        const target2 = yTarget[i + 1] as number;
        gradient[i] = (x[i] as number) - (yTarget[i] as number);
        curvature[i] = 1;
        gradient[i + 1] = 2 * x2 * (x2 * x2 - target2);
        curvature[i + 1] = 6 * x2 * x2 - 2 * target2;
      }
      return { gradient, curvature };
    },
  };
}
