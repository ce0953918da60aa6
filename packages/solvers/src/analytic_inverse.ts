import { PgShapeError, PgValidationError, type InverseSolver, type Physics, type SolveProblem, type StopReason } from "@pg/core";
import { validateProblem } from "./validate_problem";

/** Options of {@link analyticInverse}. */
export interface AnalyticInverseOptions<P extends Physics> {
  /** Name used in messages and metrics. @defaultValue 'analyticInverse' */
  readonly name?: string;
  /** Returns x̃ for every example, given the prediction (e.g. the closest exact minimiser of sin(a/x)). */
  readonly invert: (problem: SolveProblem<P>) => Float64Array;
}

/**
 * Wraps an analytic inverse of the physics as an {@link InverseSolver}; each example reports `exact`, or
 * `nonFinite` when the inverse produced NaN/±Infinity there.
 * @example
 * import { sinPhysics, sinTargets } from "@pg/physics-toys";
 * import { analyticInverse } from "@pg/solvers";
 * const physics = sinPhysics({ a: Float64Array.of(1, 3) });
 * const solver = analyticInverse({ invert: (problem) => problem.physics.closestMinimum(problem.x) });
 * const result = solver.solve({ physics, x: Float64Array.of(0.5, -2), yTarget: sinTargets(2), batch: 2 });
 * console.log(Array.from(result.x, (v) => v.toFixed(4)).join(" ")); // 0.2122 -1.9099
 * console.log(result.reasons.join(" "), solver.name); // exact exact analyticInverse
 */
export function analyticInverse<P extends Physics>(options: AnalyticInverseOptions<P>): InverseSolver<P> {
  if (typeof options.invert !== "function") {
    throw new PgValidationError("analyticInverse", "invert", "a function (problem) => Float64Array", options.invert);
  }
  const name = options.name ?? "analyticInverse";
  return {
    name,
    solve(problem) {
      validateProblem(`${name}.solve`, problem);
      const x = options.invert(problem);
      if (!(x instanceof Float64Array) || x.length !== problem.x.length) {
        throw new PgShapeError(`${name}.solve`, "the inverse's result", `type Float64Array of length ${problem.x.length}`, x);
      }
      const perExample = x.length / problem.batch;
      const reasons: StopReason[] = [];
      for (let b = 0; b < problem.batch; b++) {
        let finite = true;
        for (let i = b * perExample; i < (b + 1) * perExample; i++) if (!Number.isFinite(x[i] as number)) finite = false;
        reasons.push(finite ? "exact" : "nonFinite");
      }
      return { x, reasons, iterations: new Int32Array(problem.batch).fill(1) };
    },
  };
}
