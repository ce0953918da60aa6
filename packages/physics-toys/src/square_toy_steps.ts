import { requirePoint, requireStepSize, type SquareToyPoint } from "./square_toy_point";

/** One update rule of the 2-D toy: maps a point x and a step size η to the next point. Pure. */
export type SquareToyStepRule = (x: SquareToyPoint, stepSize: number) => SquareToyPoint;

/** The four update rules compared in the paper's Fig. 2a; see {@link squareToySteps}. */
export interface SquareToySteps {
  /**
   * Gradient descent on L = ‖y‖² = x₁² + x₂⁴: x ← x − η∇L = x − η(2x₁, 4x₂³).
   * @throws {@link PgValidationError} if `x` is not two finite numbers or `stepSize` is not finite and > 0.
   */
  readonly gradientDescent: SquareToyStepRule;
  /**
   * Newton: x ← x − ηH⁻¹∇L = x − η(x₁, x₂/3), with H = diag(2, 12x₂²).
   * @throws {@link PgValidationError} as for `gradientDescent`.
   */
  readonly newton: SquareToyStepRule;
  /**
   * Inverse gradient: x ← x − ηJ⁻¹y = x − η(x₁, x₂/2), the inverted Jacobian J = diag(1, 2x₂) applied to y.
   * @throws {@link PgValidationError} as for `gradientDescent`.
   */
  readonly inverseGradient: SquareToyStepRule;
  /**
   * Physical gradient (inverse physics): z = y(x), z ← (1 − η)z, x ← y⁻¹(z) = (z₁, ±√z₂), taking the branch with
   * the sign of x₂; equivalently x ← (x₁(1 − η), x₂√(1 − η)). L = ‖y‖² shrinks by exactly (1 − η)² per step.
   * @throws {@link PgValidationError} as for `gradientDescent`, and if `stepSize` > 1 (√(1 − η) undefined).
   */
  readonly physical: SquareToyStepRule;
}

/**
 * The step rules of the 2-D toy y = (x₁, x₂²), L = ‖y‖² (no ½) of the paper's Fig. 2a, as pure functions on one point
 * [x₁, x₂]. Use {@link trajectory} to iterate one; the paper starts at (3, 3).
 * @example
 * import { squareToySteps } from "@pg/physics-toys";
 * console.log(squareToySteps.gradientDescent([3, 3], 0.01).join(" ")); // 2.94 1.92
 * console.log(squareToySteps.newton([3, 3], 0.5).join(" ")); // 1.5 2.5
 * console.log(squareToySteps.inverseGradient([3, 3], 0.5).join(" ")); // 1.5 2.25
 * console.log(squareToySteps.physical([3, 3], 0.75).join(" ")); // 0.75 1.5
 */
export const squareToySteps: SquareToySteps = Object.freeze({
  gradientDescent(x: SquareToyPoint, stepSize: number): SquareToyPoint {
    const where = "squareToySteps.gradientDescent";
    const [x1, x2] = requirePoint(where, "x", x);
    const eta = requireStepSize(where, stepSize);
    return [x1 - eta * 2 * x1, x2 - eta * 4 * x2 * x2 * x2];
  },
  newton(x: SquareToyPoint, stepSize: number): SquareToyPoint {
    const where = "squareToySteps.newton";
    const [x1, x2] = requirePoint(where, "x", x);
    const eta = requireStepSize(where, stepSize);
    return [x1 - eta * x1, x2 - (eta * x2) / 3];
  },
  inverseGradient(x: SquareToyPoint, stepSize: number): SquareToyPoint {
    const where = "squareToySteps.inverseGradient";
    const [x1, x2] = requirePoint(where, "x", x);
    const eta = requireStepSize(where, stepSize);
    return [x1 - eta * x1, x2 - (eta * x2) / 2];
  },
  physical(x: SquareToyPoint, stepSize: number): SquareToyPoint {
    const where = "squareToySteps.physical";
    const [x1, x2] = requirePoint(where, "x", x);
    const eta = requireStepSize(where, stepSize, 1);
    return [x1 * (1 - eta), x2 * Math.sqrt(1 - eta)];
  },
});

/**
 * The paper's objective of the 2-D toy, L = ‖y(x)‖² = x₁² + x₂⁴ (Fig. 2a; no ½, unlike the core default).
 * @param x - a point [x₁, x₂].
 * @returns L(x).
 * @throws {@link PgValidationError} if `x` is not two finite numbers.
 * @example
 * import { squareToyLoss } from "@pg/physics-toys";
 * console.log(squareToyLoss([3, 3])); // 90
 */
export function squareToyLoss(x: SquareToyPoint): number {
  const [x1, x2] = requirePoint("squareToyLoss", "x", x);
  return x1 * x1 + x2 * x2 * x2 * x2;
}
