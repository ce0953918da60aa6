import { requirePositiveInteger, solveRepeatedly, type InverseSolver, type Physics } from "@pg/core";

/** Options of {@link repeated}. */
export interface RepeatedOptions {
  /** How many times the solver runs, each from the previous proposal. */
  readonly steps: number;
}

/**
 * Runs any solver n times in sequence, x_k = P⁻¹(y* | x_{k−1}) (Algorithm 1, lines 2–4), as one solver.
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
  const steps = requirePositiveInteger("repeated", "steps", options.steps);
  return {
    name: `${solver.name}×${steps}`,
    solve: (problem) => solveRepeatedly(solver, problem, steps),
  };
}
