import { evaluateObjective, requirePositive, type InverseSolver, type Physics } from "@pg/core";
import { uniformReasons, validateProblem } from "./validate_problem";

/** Options of {@link gradientDescent}. */
export interface GradientDescentOptions {
  /** η in x̃ = x − η ∂L/∂x. @defaultValue 1 */
  readonly stepSize?: number;
}

/**
 * One gradient-descent step on L(x) = ½‖P(x) − y*‖²: x̃ = x − η (∂P/∂x)ᵀ (P(x) − y*), from the physics' adjoint.
 * With η = 1 physical-gradient training equals back-propagation through P (Theorem 1 of the paper).
 * @example
 * import { squareToyPhysics } from "@pg/physics-toys";
 * import { gradientDescent } from "@pg/solvers";
 * const problem = { physics: squareToyPhysics(), x: Float64Array.of(3, 3), yTarget: Float64Array.of(0, 0), batch: 1 };
 * const solver = gradientDescent({ stepSize: 0.01 });
 * const result = solver.solve(problem);
 * // x̃ = x − η (∂P/∂x)ᵀ (P(x) − y*) = (3, 3) − 0.01 · (3, 54)
 * console.log(Array.from(result.x, (v) => v.toFixed(2)).join(" ")); // 2.97 2.46
 * console.log(solver.name, result.reasons[0], result.objective[0]); // gradientDescent(η=0.01) maxIterations 45
 */
export function gradientDescent<P extends Physics = Physics>(options: GradientDescentOptions = {}): InverseSolver<P> {
  const stepSize = requirePositive("gradientDescent", "stepSize", options.stepSize ?? 1);
  return {
    name: `gradientDescent(η=${stepSize})`,
    solve(problem) {
      validateProblem("gradientDescent.solve", problem);
      const { gradient, value } = evaluateObjective(problem.physics, problem.x, problem.yTarget, problem.batch);
      const x = problem.x.map((xi, i) => xi - stepSize * (gradient[i] as number));
      return { x, reasons: uniformReasons("maxIterations", problem.batch), iterations: new Int32Array(problem.batch).fill(1), objective: value };
    },
  };
}
