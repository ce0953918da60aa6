import { requireBatchArray, requirePositiveInteger, type Physics, type SolveProblem } from "@pg/core";

/** Checks a problem once at a solver's public boundary. */
export function validateProblem<P extends Physics>(where: string, problem: SolveProblem<P>): void {
  requirePositiveInteger(where, "batch", problem.batch);
  requireBatchArray(where, "x", problem.x, problem.batch, problem.physics.xShape);
  requireBatchArray(where, "yTarget", problem.yTarget, problem.batch, problem.physics.yShape);
}

/** The same stop reason for every example. */
export function uniformReasons<R extends string>(reason: R, batch: number): R[] {
  return new Array<R>(batch).fill(reason);
}
