import {
  PgShapeError,
  PgValidationError,
  requireKnownKeys,
  type InverseSolver,
  type Physics,
  type SolveProblem,
} from "@pg/core";
import { perExampleResult, screenProblem, unlessNonFinite, validateProblem } from "./validate_problem";

/** Options of {@link analyticInverse}. */
export interface AnalyticInverseOptions<P extends Physics> {
  /** Name used in messages and metrics; a non-empty string. @defaultValue 'analyticInverse' */
  readonly name?: string;
  /** Returns x̃ for every example, given the prediction (e.g. the closest exact minimiser of sin(a/x)). */
  readonly invert: (problem: SolveProblem<P>) => Float64Array;
}

/** Every key of {@link AnalyticInverseOptions}: anything else is refused as a misspelling. */
const ANALYTIC_INVERSE_OPTION_KEYS = ["name", "invert"] as const satisfies readonly (keyof AnalyticInverseOptions<Physics>)[];
// A compile error here means an option of AnalyticInverseOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof AnalyticInverseOptions<Physics>, (typeof ANALYTIC_INVERSE_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * Wraps an analytic inverse of the physics as an {@link InverseSolver}; each example reports `exact`, or
 * `nonFinite` when the inverse produced NaN/±Infinity there.
 *
 * Non-finite input is a stop reason too, not an error (a solver reports per example): an example with NaN/±Infinity
 * in x or yTarget is not shown to `invert` (it sees the first finite example in its place) and stops with
 * `nonFinite` at its x after 0 iterations; if `invert` throws a {@link PgNonFiniteError}, every example stops with
 * `nonFinite` at its x.
 * @throws {@link PgValidationError} for missing options, an unknown option, an `invert` that is not a function or a
 * `name` that is not a non-empty string, and from `solve` for a problem that is not `{ physics, x, yTarget, batch }`;
 * {@link PgShapeError} from `solve` if `invert` returns anything but a Float64Array of the length of x.
 * @example
 * import { sinPhysics, sinTargets } from "@pg/physics-toys";
 * import { analyticInverse } from "@pg/solvers";
 * const physics = sinPhysics({ a: Float64Array.of(1, 3) });
 * const solver = analyticInverse({ invert: (problem) => problem.physics.closestMinimum(problem.x) });
 * const result = solver.solve({ physics, x: Float64Array.of(0.5, -2), yTarget: sinTargets(2), batch: 2 });
 * console.log(Array.from(result.x, (v) => v.toFixed(4)).join(" ")); // 0.2122 -1.9099
 * console.log(result.reasons.join(" "), solver.name); // exact exact analyticInverse
 * console.log(solver.solve({ physics, x: Float64Array.of(NaN, -2), yTarget: sinTargets(2), batch: 2 }).reasons.join(" ")); // nonFinite exact
 */
export function analyticInverse<P extends Physics>(options: AnalyticInverseOptions<P>): InverseSolver<P> {
  if (options === undefined) {
    throw new PgValidationError("analyticInverse", "options", "an object { invert, name? }", options);
  }
  const checked = requireKnownKeys("analyticInverse", "options", options, ANALYTIC_INVERSE_OPTION_KEYS);
  const invert = checked.invert;
  if (typeof invert !== "function") {
    throw new PgValidationError("analyticInverse", "invert", "a function (problem) => Float64Array", invert);
  }
  const name = checked.name ?? "analyticInverse";
  if (typeof name !== "string" || name === "") throw new PgValidationError("analyticInverse", "name", "a non-empty string", name);
  return {
    name,
    solve(problem) {
      const at = `${name}.solve`;
      validateProblem(at, problem);
      const screened = screenProblem(problem);
      const finite = screened.finite;
      const x = finite === undefined ? undefined : unlessNonFinite(() => invert(finite));
      if (x !== undefined && (!(x instanceof Float64Array) || x.length !== problem.x.length)) {
        throw new PgShapeError(at, "the inverse's result", `type Float64Array of length ${problem.x.length}`, x);
      }
      return perExampleResult(problem, screened, x, "exact");
    },
  };
}
