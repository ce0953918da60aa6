import { requirePositiveInteger, solveRepeatedly, type InverseSolver, type Physics } from "@pg/core";

/** Options of {@link repeated}. */
export interface RepeatedOptions {
  /** How many times the solver runs, each from the previous proposal. */
  readonly steps: number;
}

/**
 * Runs any solver n times in sequence, x_k = P⁻¹(y* | x_{k−1}) (Algorithm 1, lines 2–4), as one solver.
 * @example
 * const threeNewtonSteps = repeated(newton(), { steps: 3 });
 */
export function repeated<P extends Physics>(solver: InverseSolver<P>, options: RepeatedOptions): InverseSolver<P> {
  const steps = requirePositiveInteger("repeated", "steps", options.steps);
  return {
    name: `${solver.name}×${steps}`,
    solve: (problem) => solveRepeatedly(solver, problem, steps),
  };
}
