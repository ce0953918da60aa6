import { PgValidationError, requireKnownKeys, requirePositive, type InverseSolver, type Physics } from "@pg/core";
import { perExampleResult, screenProblem, unlessNonFinite, validateProblem } from "./validate_problem";

/** Options of {@link inverseGradient}. */
export interface InverseGradientOptions {
  /** Scales the step; a finite number > 0. @defaultValue 1 */
  readonly stepSize?: number;
}

/** Every key of {@link InverseGradientOptions}: anything else is refused as a misspelling. */
const INVERSE_GRADIENT_OPTION_KEYS = ["stepSize"] as const satisfies readonly (keyof InverseGradientOptions)[];
// A compile error here means an option of InverseGradientOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof InverseGradientOptions, (typeof INVERSE_GRADIENT_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * One inverse-gradient step for element-wise physics: the Jacobian (diagonal) is inverted and applied to the
 * residual, Δ = (y* − P(x)) / (∂P/∂x), a first-order root-finding step (paper App. B.2). It points downhill
 * automatically and diverges where ∂P/∂x = 0 (reason "nonFinite"); clip the PG vector in the scheme.
 *
 * Non-finite values are a stop reason, not an error (a solver reports per example, and one bad example should not
 * end the batch): an example with NaN/±Infinity in x or yTarget never reaches the physics and stops with `nonFinite`
 * at its x after 0 iterations; one whose proposal is not finite stops with `nonFinite` (the proposal is returned as
 * computed); if the physics refuses a non-finite intermediate (throws a {@link PgNonFiniteError}), the batch cannot
 * be split and every example stops with `nonFinite` at its x. Otherwise the reason is `maxIterations`.
 * @throws {@link PgValidationError} for an unknown option or a `stepSize` that is not a finite number > 0, and from
 * `solve` if the physics does not provide `jacobianDiagonal` or the problem is not `{ physics, x, yTarget, batch }`.
 * @example
 * import { squareToyPhysics } from "@pg/physics-toys";
 * import { inverseGradient } from "@pg/solvers";
 * const problem = { physics: squareToyPhysics(), x: Float64Array.of(3, 3), yTarget: Float64Array.of(0, 0), batch: 1 };
 * // Δ = (y* − P(x)) / (∂P/∂x) = (−3/1, −9/6)
 * console.log(inverseGradient().solve(problem).x.join(" ")); // 0 1.5
 * console.log(inverseGradient({ stepSize: 0.5 }).solve(problem).x.join(" ")); // 1.5 2.25
 */
export function inverseGradient<P extends Physics = Physics>(options?: InverseGradientOptions): InverseSolver<P> {
  const checked = requireKnownKeys("inverseGradient", "options", options, INVERSE_GRADIENT_OPTION_KEYS);
  const stepSize = requirePositive("inverseGradient", "stepSize", checked.stepSize ?? 1);
  return {
    name: "inverseGradient",
    solve(problem) {
      validateProblem("inverseGradient.solve", problem);
      const { physics } = problem;
      const jacobianDiagonal = physics.jacobianDiagonal;
      if (typeof jacobianDiagonal !== "function" || physics.xShape.join() !== physics.yShape.join()) {
        throw new PgValidationError(
          "inverseGradient.solve",
          "physics",
          "an element-wise Physics (xShape = yShape) with jacobianDiagonal",
          physics.name,
        );
      }
      const screened = screenProblem(problem);
      const finite = screened.finite;
      const evaluated =
        finite === undefined
          ? undefined
          : unlessNonFinite(() => ({
              y: finite.physics.forward(finite.x, finite.batch),
              jacobian: jacobianDiagonal.call(finite.physics, finite.x, finite.batch),
            }));
      let proposal: Float64Array | undefined;
      if (evaluated !== undefined) {
        const { x, yTarget } = problem;
        const { y, jacobian } = evaluated;
        proposal = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) {
          proposal[i] = (x[i] as number) + (stepSize * ((yTarget[i] as number) - (y[i] as number))) / (jacobian[i] as number);
        }
      }
      return perExampleResult(problem, screened, proposal, "maxIterations");
    },
  };
}
