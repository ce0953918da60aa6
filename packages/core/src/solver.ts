import { requireFunction, requireObject, requirePhysics } from "./checks";
import { PgValidationError } from "./errors";
import type { Physics } from "./physics";
import { requireBatchArray, requirePositiveInteger } from "./validate";

/** Why a solver stopped for one example. Hitting the iteration budget is a reason, never an error. */
export type StopReason =
  | "converged"
  | "maxIterations"
  | "exact"
  | "lineSearchFailed"
  | "noDescentDirection"
  | "nonFinite";

/** Every {@link StopReason}, for validation. */
const STOP_REASONS = [
  "converged",
  "maxIterations",
  "exact",
  "lineSearchFailed",
  "noDescentDirection",
  "nonFinite",
] as const satisfies readonly StopReason[];
true satisfies [Exclude<StopReason, (typeof STOP_REASONS)[number]>] extends [never] ? true : false;

/**
 * Throws unless `problem` is a {@link SolveProblem}: a physics, a positive integer batch and x, y* of the batch's
 * lengths. Finiteness is the solver's to report (the `nonFinite` stop reason), not an error here.
 */
function requireSolveProblem(where: string, problem: unknown): SolveProblem {
  requireObject(where, "problem", problem, "a SolveProblem { physics, x, yTarget, batch }");
  const { physics, x, yTarget, batch } = problem as SolveProblem;
  requirePhysics(where, "problem.physics", physics);
  requirePositiveInteger(where, "problem.batch", batch);
  requireBatchArray(where, "problem.x", x, batch, physics.xShape);
  requireBatchArray(where, "problem.yTarget", yTarget, batch, physics.yShape);
  return problem as SolveProblem;
}

/** One batched inverse problem: find x̃ with P(x̃) ≈ y*, starting from x. */
export interface SolveProblem<P extends Physics = Physics> {
  readonly physics: P;
  /** Starting point, batch × size(xShape); never modified. */
  readonly x: Float64Array;
  /** Targets y*, batch × size(yShape). */
  readonly yTarget: Float64Array;
  readonly batch: number;
}

/** What a solver returns: the proposals and, per example, why it stopped and after how many iterations. */
export interface SolveResult {
  /** The proposals x̃, batch × size(xShape). */
  readonly x: Float64Array;
  readonly reasons: readonly StopReason[];
  readonly iterations: Int32Array;
  /** L(x̃) per example, when the solver computed it anyway. */
  readonly objective?: Float64Array;
}

/** Proposes x̃ = P⁻¹(y* | x) for every example (Algorithm 1, line 3). */
export interface InverseSolver<P extends Physics = Physics> {
  readonly name: string;
  solve(problem: SolveProblem<P>): SolveResult;
}

/**
 * Runs `solver` `steps` times, each run starting at the previous proposal (x_k = P⁻¹(y* | x_{k−1}), Algorithm 1).
 * Iterations add up; the reasons are those of the last run. A non-finite x or y* is handed to the solver, which
 * reports it with the `nonFinite` stop reason (a solver never throws for non-finite values).
 * @throws {@link PgValidationError} if `solver` has no solve method, `steps` is not a positive integer or the problem
 *   lacks a member; {@link PgShapeError} if x or y* does not have the batch's length.
 * @example
 * import { solveRepeatedly } from "@pg/core";
 * const identity = { name: "identity", xShape: [1], yShape: [1], forward: (x) => x, adjoint: (x, dy) => dy };
 * // A solver that moves every x halfway to its target.
 * const halfway = {
 *   name: "halfway",
 *   solve: ({ x, yTarget }) => ({ x: x.map((v, i) => (v + yTarget[i]) / 2), reasons: ["maxIterations"], iterations: Int32Array.of(2) }),
 * };
 * const result = solveRepeatedly(halfway, { physics: identity, x: Float64Array.of(0), yTarget: Float64Array.of(8), batch: 1 }, 3);
 * console.log(result.x[0], result.iterations[0], result.reasons[0]); // 7 6 maxIterations
 */
export function solveRepeatedly<P extends Physics>(
  solver: InverseSolver<P>,
  problem: SolveProblem<P>,
  steps: number,
): SolveResult {
  const where = "solveRepeatedly";
  requireObject(where, "solver", solver, "an InverseSolver { name, solve }");
  requireFunction(where, "solver.solve", solver.solve, "a function (problem) => SolveResult");
  requirePositiveInteger(where, "steps", steps);
  requireSolveProblem(where, problem);
  let result = solver.solve(problem);
  const iterations = Int32Array.from(result.iterations);
  for (let k = 1; k < steps; k++) {
    result = solver.solve({ ...problem, x: result.x });
    for (let b = 0; b < iterations.length; b++) iterations[b] = (iterations[b] as number) + (result.iterations[b] as number);
  }
  return { ...result, iterations };
}

/**
 * Counts of each stop reason over a batch, for logging.
 * @throws {@link PgValidationError} for an entry that is not a {@link StopReason}.
 * @example
 * import { countReasons } from "@pg/core";
 * console.log(JSON.stringify(countReasons(["converged", "maxIterations", "converged"]))); // {"converged":2,"maxIterations":1}
 */
export function countReasons(reasons: readonly StopReason[]): Partial<Record<StopReason, number>> {
  if (!Array.isArray(reasons as unknown)) throw new PgValidationError("countReasons", "reasons", "an array of stop reasons", reasons);
  reasons.forEach((reason, index) => {
    if (!(STOP_REASONS as readonly unknown[]).includes(reason)) {
      const choices = STOP_REASONS.map((name) => JSON.stringify(name)).join(", ");
      throw new PgValidationError("countReasons", `reasons[${index}]`, `one of ${choices}`, reason);
    }
  });
  const counts: Partial<Record<StopReason, number>> = {};
  for (const r of reasons) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}
