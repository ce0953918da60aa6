import { PgValidationError, requirePositive, type InverseSolver, type Physics, type StopReason } from "@pg/core";
import { validateProblem } from "./validate_problem";

/** Options of {@link inverseGradient}. */
export interface InverseGradientOptions {
  /** Scales the step. @defaultValue 1 */
  readonly stepSize?: number;
}

/**
 * One inverse-gradient step for element-wise physics: the Jacobian (diagonal) is inverted and applied to the
 * residual, Δ = (y* − P(x)) / (∂P/∂x), a first-order root-finding step (paper App. B.2). It points downhill
 * automatically and diverges where ∂P/∂x = 0 (reason "nonFinite"); clip the PG vector in the scheme.
 * @throws {@link PgValidationError} if the physics does not provide `jacobianDiagonal`.
 * @example
 * import { squareToyPhysics } from "@pg/physics-toys";
 * import { inverseGradient } from "@pg/solvers";
 * const problem = { physics: squareToyPhysics(), x: Float64Array.of(3, 3), yTarget: Float64Array.of(0, 0), batch: 1 };
 * // Δ = (y* − P(x)) / (∂P/∂x) = (−3/1, −9/6)
 * console.log(inverseGradient().solve(problem).x.join(" ")); // 0 1.5
 * console.log(inverseGradient({ stepSize: 0.5 }).solve(problem).x.join(" ")); // 1.5 2.25
 */
export function inverseGradient<P extends Physics = Physics>(options: InverseGradientOptions = {}): InverseSolver<P> {
  const stepSize = requirePositive("inverseGradient", "stepSize", options.stepSize ?? 1);
  return {
    name: "inverseGradient",
    solve(problem) {
      validateProblem("inverseGradient.solve", problem);
      const { physics, x, yTarget, batch } = problem;
      if (physics.jacobianDiagonal === undefined || physics.xShape.join() !== physics.yShape.join()) {
        throw new PgValidationError(
          "inverseGradient.solve",
          "physics",
          "an element-wise Physics (xShape = yShape) with jacobianDiagonal",
          physics.name,
        );
      }
      const y = physics.forward(x, batch);
      const jacobian = physics.jacobianDiagonal(x, batch);
      const proposal = new Float64Array(x.length);
      const perExample = x.length / batch;
      const reasons: StopReason[] = [];
      for (let b = 0; b < batch; b++) {
        let finite = true;
        for (let i = b * perExample; i < (b + 1) * perExample; i++) {
          proposal[i] = (x[i] as number) + (stepSize * ((yTarget[i] as number) - (y[i] as number))) / (jacobian[i] as number);
          if (!Number.isFinite(proposal[i] as number)) finite = false;
        }
        reasons.push(finite ? "maxIterations" : "nonFinite");
      }
      return { x: proposal, reasons, iterations: new Int32Array(batch).fill(1) };
    },
  };
}
