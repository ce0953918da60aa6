import { PgValidationError, evaluateObjective, requirePositive, type InverseSolver, type Physics, type StopReason } from "@pg/core";
import { validateProblem } from "./validate_problem";

/** Options of {@link newton}. */
export interface NewtonOptions {
  /** Scales the Newton step. @defaultValue 1 */
  readonly stepSize?: number;
  /** Flip a step that is not a descent direction of L (paper, sin and exp experiments). @defaultValue true */
  readonly ensureDescent?: boolean;
  /** Largest |Δx| per component; longer steps are clipped. @defaultValue Infinity */
  readonly clipStep?: number;
}

/**
 * One Newton step per component from the physics' closed-form derivatives ({@link Physics.newtonDerivatives}):
 * Δ = −f′/f″ with, when `ensureDescent`, its direction set to descend L: Δ = |Δ|·sign(−∂L/∂x) (SPEC §5.3).
 * Components with zero curvature or zero ∂L/∂x get Δ = 0.
 * @throws {@link PgValidationError} if the physics has no closed-form Newton derivatives.
 * @example
 * import { sinPhysics, sinTargets } from "@pg/physics-toys";
 * import { newton } from "@pg/solvers";
 * const physics = sinPhysics({ a: Float64Array.of(1, 3) });
 * const problem = { physics, x: Float64Array.of(0.5, -2), yTarget: sinTargets(2), batch: 2 };
 * const result = newton().solve(problem);
 * console.log(Array.from(result.x, (v) => v.toFixed(4)).join(" ")); // 0.4215 -1.8956
 * console.log(Array.from(physics.forward(result.x, 2), (y) => y.toFixed(4)).join(" ")); // 0.6955 -0.9999
 * const clipped = newton({ clipStep: 0.01 }).solve(problem);
 * console.log(Array.from(clipped.x, (v) => v.toFixed(4)).join(" ")); // 0.4900 -1.9900
 */
export function newton<P extends Physics = Physics>(options: NewtonOptions = {}): InverseSolver<P> {
  const stepSize = requirePositive("newton", "stepSize", options.stepSize ?? 1);
  const clipStep = requirePositive("newton", "clipStep", options.clipStep ?? Infinity, true);
  const ensureDescent = options.ensureDescent ?? true;
  return {
    name: "newton",
    solve(problem) {
      validateProblem("newton.solve", problem);
      const { physics, x, yTarget, batch } = problem;
      if (physics.newtonDerivatives === undefined) {
        throw new PgValidationError(
          "newton.solve",
          "physics",
          "a Physics with closed-form newtonDerivatives",
          physics.name,
          "Use lbfgsb() or gradientDescent() for physics without closed-form second derivatives.",
        );
      }
      const { gradient, curvature } = physics.newtonDerivatives(x, yTarget, batch);
      const descent = ensureDescent ? evaluateObjective(physics, x, yTarget, batch) : undefined;
      const proposal = new Float64Array(x.length);
      const perExample = x.length / batch;
      const reasons: StopReason[] = [];
      for (let b = 0; b < batch; b++) {
        let finite = true;
        for (let i = b * perExample; i < (b + 1) * perExample; i++) {
          const h = curvature[i] as number;
          let step = h === 0 ? 0 : (-stepSize * (gradient[i] as number)) / h;
          if (descent !== undefined) step = Math.abs(step) * Math.sign(-(descent.gradient[i] as number));
          if (Math.abs(step) > clipStep) step = Math.sign(step) * clipStep;
          proposal[i] = (x[i] as number) + step;
          if (!Number.isFinite(proposal[i] as number)) finite = false;
        }
        reasons.push(finite ? "maxIterations" : "nonFinite");
      }
      return { x: proposal, reasons, iterations: new Int32Array(batch).fill(1), ...(descent === undefined ? {} : { objective: descent.value }) };
    },
  };
}
