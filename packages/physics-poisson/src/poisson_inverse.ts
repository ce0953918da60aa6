import { PgValidationError, requireBatchArray, requirePositiveInteger, type InverseSolver, type StopReason } from "@pg/core";
import type { PoissonPhysics } from "./poisson_physics";

const NAME = "poissonInverse";

/**
 * The Poisson PG inverse solver ("Adam + PG", SIP; paper App. B.3): x̃ = x − ∇²(P(x) − y*) via
 * {@link PoissonPhysics.inverse}, wrapped as an {@link InverseSolver} in the manner of `analyticInverse` from
 * @pg/solvers, with one difference: the stop reasons come from the CG solve of P(x). Per example the result reports
 * `converged` when that solve converged and x̃ is finite; `maxIterations` when CG ran out of iterations (x̃ then
 * misses x* by the unconverged residual); `nonFinite` when CG diverged or x̃ holds NaN/±Infinity. `iterations` are
 * the CG iterations of that solve.
 *
 * Non-finite input is a stop reason here, not an error: like every solver, an example whose `x` or `yTarget` holds
 * NaN or ±Infinity is reported `nonFinite` with an all-NaN x̃ (and 0 iterations), and the other examples are solved
 * as usual. {@link PoissonPhysics.inverse} itself, the physics' contract, throws instead.
 * @returns an {@link InverseSolver} for a {@link PoissonPhysics}.
 * @throws from `solve`: {@link PgValidationError} if the problem's physics has no `inverse` method or `batch` is not a
 *   positive integer; {@link PgShapeError} if `x` or `yTarget` is not a Float64Array of length batch × nx × ny.
 * @example
 * import { poissonInverse, poissonPhysics } from "@pg/physics-poisson";
 * const physics = poissonPhysics({ shape: [4, 3] });
 * const xStar = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i));
 * const result = poissonInverse().solve({ physics, x: new Float64Array(12), yTarget: physics.forward(xStar, 1), batch: 1 });
 * console.log(result.reasons[0], Math.max(...result.x.map((v, i) => Math.abs(v - xStar[i]))) < 1e-4); // converged true
 * const broken = poissonInverse().solve({ physics, x: new Float64Array(12).fill(NaN), yTarget: physics.forward(xStar, 1), batch: 1 });
 * console.log(broken.reasons[0], Number.isNaN(broken.x[0])); // nonFinite true
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
      requireBatchArray(where, "x", problem.x, batch, physics.xShape);
      requireBatchArray(where, "yTarget", problem.yTarget, batch, physics.yShape);
      const perExample = problem.x.length / batch;
      const bad = nonFiniteExamples(problem.x, problem.yTarget, batch, perExample);
      // Bad examples are solved as zeros (CG stops at once) and reported; the others are unaffected.
      const [x, yTarget] = bad.length === 0 ? [problem.x, problem.yTarget] : [Float64Array.from(problem.x), Float64Array.from(problem.yTarget)];
      for (const b of bad) {
        x.fill(0, b * perExample, (b + 1) * perExample);
        yTarget.fill(0, b * perExample, (b + 1) * perExample);
      }
      const xTilde = physics.inverse(x, yTarget, batch);
      for (const b of bad) xTilde.fill(Number.NaN, b * perExample, (b + 1) * perExample);
      const report = physics.lastSolve;
      const reasons: StopReason[] = [];
      for (let b = 0; b < batch; b++) {
        let finite = true;
        for (let i = b * perExample; i < (b + 1) * perExample; i++) if (!Number.isFinite(xTilde[i] as number)) finite = false;
        const cg = report?.reasons[b];
        reasons.push(!finite || cg === "diverged" ? "nonFinite" : cg === "maxIterations" ? "maxIterations" : "converged");
      }
      return { x: xTilde, reasons, iterations: Int32Array.from(report?.iterations ?? new Int32Array(batch)) };
    },
  };
}

/** Indices of the examples whose x or y* holds a NaN or ±Infinity. */
function nonFiniteExamples(x: Float64Array, yTarget: Float64Array, batch: number, perExample: number): number[] {
  const bad: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let i = b * perExample; i < (b + 1) * perExample; i++) {
      if (!Number.isFinite(x[i] as number) || !Number.isFinite(yTarget[i] as number)) {
        bad.push(b);
        break;
      }
    }
  }
  return bad;
}
