import {
  PgValidationError,
  requireKnownKeys,
  requirePositiveInteger,
  solveRepeatedly,
  type InverseSolver,
  type Physics,
} from "@pg/core";

/** Options of {@link repeated}. */
export interface RepeatedOptions {
  /** How many times the solver runs, each from the previous proposal; a positive integer. */
  readonly steps: number;
}

/** Every key of {@link RepeatedOptions}: anything else is refused as a misspelling. */
const REPEATED_OPTION_KEYS = ["steps"] as const satisfies readonly (keyof RepeatedOptions)[];
// A compile error here means an option of RepeatedOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof RepeatedOptions, (typeof REPEATED_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * Runs any solver n times in sequence, x_k = P⁻¹(y* | x_{k−1}) (Algorithm 1, lines 2–4), as one solver.
 * The reasons are those of the last run; an example that stopped with `nonFinite` keeps it, since every solver of
 * this package reports a non-finite starting point as `nonFinite` again. The problem is validated by the wrapped
 * solver on each run.
 * @throws {@link PgValidationError} if `solver` is not an InverseSolver `{ name, solve }`, for missing options, an
 * unknown option, or a `steps` that is not a positive integer.
 * @example
 * import { sinPhysics, sinTargets } from "@pg/physics-toys";
 * import { newton, repeated } from "@pg/solvers";
 * const physics = sinPhysics({ a: Float64Array.of(1, 3) });
 * const threeNewtonSteps = repeated(newton(), { steps: 3 });
 * const result = threeNewtonSteps.solve({ physics, x: Float64Array.of(0.5, -2), yTarget: sinTargets(2), batch: 2 });
 * console.log(threeNewtonSteps.name, Array.from(result.iterations).join(" ")); // newton×3 3 3
 * console.log(Array.from(physics.forward(result.x, 2), (y) => y.toFixed(4)).join(" ")); // -0.4879 -1.0000
 */
export function repeated<P extends Physics>(solver: InverseSolver<P>, options: RepeatedOptions): InverseSolver<P> {
  if (typeof solver !== "object" || solver === null || typeof solver.solve !== "function") {
    throw new PgValidationError("repeated", "solver", "an InverseSolver (an object with a solve method)", solver);
  }
  if (options === undefined) throw new PgValidationError("repeated", "options", "an object { steps }", options);
  const checked = requireKnownKeys("repeated", "options", options, REPEATED_OPTION_KEYS);
  const steps = requirePositiveInteger("repeated", "steps", checked.steps);
  return {
    name: `${solver.name}×${steps}`,
    solve: (problem) => solveRepeatedly(solver, problem, steps),
  };
}
