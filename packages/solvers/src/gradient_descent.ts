import { evaluateObjective, requireKnownKeys, requirePositive, type InverseSolver, type Physics } from "@pg/core";
import { maskObjective, perExampleResult, screenProblem, unlessNonFinite, validateProblem } from "./validate_problem";

/** Options of {@link gradientDescent}. */
export interface GradientDescentOptions {
  /** η in x̃ = x − η ∂L/∂x; a finite number > 0. @defaultValue 1 */
  readonly stepSize?: number;
}

/** Every key of {@link GradientDescentOptions}: anything else is refused as a misspelling. */
const GRADIENT_DESCENT_OPTION_KEYS = ["stepSize"] as const satisfies readonly (keyof GradientDescentOptions)[];
// A compile error here means an option of GradientDescentOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof GradientDescentOptions, (typeof GRADIENT_DESCENT_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * One gradient-descent step on L(x) = ½‖P(x) − y*‖²: x̃ = x − η (∂P/∂x)ᵀ (P(x) − y*), from the physics' adjoint.
 * With η = 1 physical-gradient training equals back-propagation through P (Theorem 1 of the paper).
 *
 * Non-finite values are a stop reason, not an error (a solver reports per example, and one bad example should not
 * end the batch): an example with NaN/±Infinity in x or yTarget never reaches the physics and stops with `nonFinite`
 * at its x after 0 iterations; one whose proposal or objective is not finite stops with `nonFinite` (the proposal is
 * returned as computed); if the physics refuses a non-finite intermediate (throws a {@link PgNonFiniteError}), the
 * batch cannot be split and every example stops with `nonFinite` at its x. Otherwise the reason is `maxIterations`:
 * one step is the whole budget.
 * @throws {@link PgValidationError} for an unknown option or a `stepSize` that is not a finite number > 0, and
 * from `solve` for a problem that is not `{ physics, x, yTarget, batch }`; {@link PgShapeError} for x or yTarget of
 * the wrong length.
 * @example
 * import { squareToyPhysics } from "@pg/physics-toys";
 * import { gradientDescent } from "@pg/solvers";
 * const problem = { physics: squareToyPhysics(), x: Float64Array.of(3, 3), yTarget: Float64Array.of(0, 0), batch: 1 };
 * const solver = gradientDescent({ stepSize: 0.01 });
 * const result = solver.solve(problem);
 * // x̃ = x − η (∂P/∂x)ᵀ (P(x) − y*) = (3, 3) − 0.01 · (3, 54)
 * console.log(Array.from(result.x, (v) => v.toFixed(2)).join(" ")); // 2.97 2.46
 * console.log(solver.name, result.reasons[0], result.objective[0]); // gradientDescent(η=0.01) maxIterations 45
 * console.log(solver.solve({ ...problem, x: Float64Array.of(NaN, 3) }).reasons[0]); // nonFinite
 */
export function gradientDescent<P extends Physics = Physics>(options?: GradientDescentOptions): InverseSolver<P> {
  const checked = requireKnownKeys("gradientDescent", "options", options, GRADIENT_DESCENT_OPTION_KEYS);
  const stepSize = requirePositive("gradientDescent", "stepSize", checked.stepSize ?? 1);
  return {
    name: `gradientDescent(η=${stepSize})`,
    solve(problem) {
      validateProblem("gradientDescent.solve", problem);
      const screened = screenProblem(problem);
      const finite = screened.finite;
      const evaluation =
        finite === undefined ? undefined : unlessNonFinite(() => evaluateObjective(finite.physics, finite.x, finite.yTarget, finite.batch));
      const proposal = evaluation === undefined ? undefined : problem.x.map((xi, i) => xi - stepSize * (evaluation.gradient[i] as number));
      const { x, reasons, iterations } = perExampleResult(problem, screened, proposal, "maxIterations");
      const objective = evaluation === undefined ? new Float64Array(problem.batch).fill(NaN) : maskObjective(evaluation.value, screened);
      for (let b = 0; b < problem.batch; b++) if (!Number.isFinite(objective[b] as number)) reasons[b] = "nonFinite";
      return { x, reasons, iterations, objective };
    },
  };
}
