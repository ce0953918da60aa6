import { PgValidationError, requirePositiveInteger, type InverseSolver, type StopReason } from "@pg/core";
import type { PoissonPhysics } from "./poisson_physics";

const NAME = "poissonInverse";

/**
 * The Poisson PG inverse solver ("Adam + PG", SIP; SPEC §7.1): x̃ = x − ∇²(P(x) − y*) via
 * {@link PoissonPhysics.inverse}, wrapped as an {@link InverseSolver} in the manner of `analyticInverse` from
 * @pg/solvers, with one difference: the stop reasons come from the CG solve of P(x). Per example the result reports
 * `converged` when that solve converged and x̃ is finite; `maxIterations` when CG ran out of iterations (x̃ then
 * misses x* by the unconverged residual); `nonFinite` when CG diverged or x̃ holds NaN/±Infinity. `iterations` are
 * the CG iterations of that solve.
 * @returns an {@link InverseSolver} for a {@link PoissonPhysics}.
 * @throws from `solve`: {@link PgValidationError} if the problem's physics has no `inverse` method or `batch` is not a
 *   positive integer, and the errors of {@link PoissonPhysics.inverse} for bad `x` or `yTarget`.
 * @example
 * import { poissonInverse, poissonPhysics } from "@pg/physics-poisson";
 * const physics = poissonPhysics({ shape: [4, 3] });
 * const xStar = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i));
 * const result = poissonInverse().solve({ physics, x: new Float64Array(12), yTarget: physics.forward(xStar, 1), batch: 1 });
 * console.log(result.reasons[0], Math.max(...result.x.map((v, i) => Math.abs(v - xStar[i]))) < 1e-4); // converged true
 */
export function poissonInverse(): InverseSolver<PoissonPhysics> {
  return {
    name: NAME,
    solve(problem) {
      const where = `${NAME}.solve`;
      if (typeof problem !== "object" || problem === null) {
        throw new PgValidationError(where, "problem", "an object { physics, x, yTarget, batch }", problem);
      }
      const { physics } = problem;
      if (typeof physics !== "object" || physics === null || typeof physics.inverse !== "function") {
        throw new PgValidationError(where, "physics", "a PoissonPhysics (made by poissonPhysics())", physics);
      }
      const batch = requirePositiveInteger(where, "batch", problem.batch);
      const x = physics.inverse(problem.x, problem.yTarget, batch);
      const report = physics.lastSolve;
      const perExample = x.length / batch;
      const reasons: StopReason[] = [];
      for (let b = 0; b < batch; b++) {
        let finite = true;
        for (let i = b * perExample; i < (b + 1) * perExample; i++) if (!Number.isFinite(x[i] as number)) finite = false;
        const cg = report?.reasons[b];
        reasons.push(!finite || cg === "diverged" ? "nonFinite" : cg === "maxIterations" ? "maxIterations" : "converged");
      }
      return { x, reasons, iterations: Int32Array.from(report?.iterations ?? new Int32Array(batch)) };
    },
  };
}
