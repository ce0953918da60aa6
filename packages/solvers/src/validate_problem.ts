import {
  PgNonFiniteError,
  PgValidationError,
  firstNonFinite,
  requireBatchArray,
  requirePositiveInteger,
  type Physics,
  type SolveProblem,
  type StopReason,
} from "@pg/core";

function isShape(shape: unknown): boolean {
  return Array.isArray(shape) && shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1);
}

/**
 * Checks a problem once at a solver's public boundary: an object whose physics has shapes, `forward` and `adjoint`,
 * a positive integer batch, and x and yTarget of length batch × size(shape). Finiteness is not checked here: a solver
 * reports NaN/±Infinity per example as the stop reason `nonFinite` (see {@link screenProblem}). Extra keys are
 * allowed, since schemes pass their whole batch context as the problem.
 */
export function validateProblem<P extends Physics>(where: string, problem: SolveProblem<P>): void {
  if (typeof problem !== "object" || problem === null) {
    throw new PgValidationError(where, "problem", "an object { physics, x, yTarget, batch }", problem);
  }
  const physics: unknown = problem.physics;
  const ok =
    typeof physics === "object" &&
    physics !== null &&
    isShape(Reflect.get(physics, "xShape")) &&
    isShape(Reflect.get(physics, "yShape")) &&
    typeof Reflect.get(physics, "forward") === "function" &&
    typeof Reflect.get(physics, "adjoint") === "function";
  if (!ok) {
    throw new PgValidationError(where, "physics", "a Physics { name, xShape, yShape, forward, adjoint }", physics);
  }
  requirePositiveInteger(where, "batch", problem.batch);
  requireBatchArray(where, "x", problem.x, problem.batch, problem.physics.xShape);
  requireBatchArray(where, "yTarget", problem.yTarget, problem.batch, problem.physics.yShape);
}

/** A validated problem split into the examples the physics may see and those with NaN/±Infinity in x or yTarget. */
export interface ScreenedProblem<P extends Physics> {
  /** 1 where example b has a non-finite entry in x or yTarget. */
  readonly nonFinite: Uint8Array;
  /** Number of such examples. */
  readonly count: number;
  /**
   * The problem to hand to the physics: the original when every example is finite, else a copy in which each
   * non-finite example is replaced by the first finite one (a stand-in whose result is discarded), so that the batch
   * keeps its size. Undefined when no example is finite.
   */
  readonly finite: SolveProblem<P> | undefined;
}

/**
 * Finds the examples with NaN/±Infinity in x or yTarget. Those must not reach the physics, whose forward throws for
 * them by contract; a solver instead reports them with the stop reason `nonFinite`.
 */
export function screenProblem<P extends Physics>(problem: SolveProblem<P>): ScreenedProblem<P> {
  const { x, yTarget, batch } = problem;
  const xSize = x.length / batch;
  const ySize = yTarget.length / batch;
  const nonFinite = new Uint8Array(batch);
  let count = 0;
  let firstFinite = -1;
  for (let b = 0; b < batch; b++) {
    const bad =
      firstNonFinite(x.subarray(b * xSize, (b + 1) * xSize)) >= 0 ||
      firstNonFinite(yTarget.subarray(b * ySize, (b + 1) * ySize)) >= 0;
    if (bad) {
      nonFinite[b] = 1;
      count++;
    } else if (firstFinite < 0) {
      firstFinite = b;
    }
  }
  if (count === 0) return { nonFinite, count, finite: problem };
  if (firstFinite < 0) return { nonFinite, count, finite: undefined };
  const standInX = Float64Array.from(x);
  const standInY = Float64Array.from(yTarget);
  for (let b = 0; b < batch; b++) {
    if (nonFinite[b] === 0) continue;
    standInX.copyWithin(b * xSize, firstFinite * xSize, (firstFinite + 1) * xSize);
    standInY.copyWithin(b * ySize, firstFinite * ySize, (firstFinite + 1) * ySize);
  }
  return { nonFinite, count, finite: { ...problem, x: standInX, yTarget: standInY } };
}

/**
 * Runs a physics evaluation, returning undefined when the physics refuses a non-finite value (a
 * {@link PgNonFiniteError}, e.g. an adjoint given an overflowing residual): for a solver that is non-finite progress,
 * reported as `nonFinite`, not an error. Every other error propagates.
 */
export function unlessNonFinite<T>(evaluate: () => T): T | undefined {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof PgNonFiniteError) return undefined;
    throw error;
  }
}

/**
 * The per-example result of a one-step solver: an example whose input was non-finite keeps its x, takes no step
 * (0 iterations) and stops with `nonFinite`; so does every example when the physics refused the batch (`proposal`
 * undefined); an example whose proposal holds NaN/±Infinity keeps that proposal and stops with `nonFinite` after
 * its step; the others stop with `reason` after one step.
 */
export function perExampleResult(
  problem: SolveProblem,
  screened: ScreenedProblem<Physics>,
  proposal: Float64Array | undefined,
  reason: StopReason,
): { x: Float64Array; reasons: StopReason[]; iterations: Int32Array } {
  const { x, batch } = problem;
  const size = x.length / batch;
  const out = proposal === undefined ? Float64Array.from(x) : proposal;
  const reasons: StopReason[] = [];
  const iterations = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const start = b * size;
    if (proposal === undefined) {
      reasons.push("nonFinite");
    } else if (screened.nonFinite[b] === 1) {
      out.set(x.subarray(start, start + size), start);
      reasons.push("nonFinite");
    } else {
      reasons.push(firstNonFinite(out.subarray(start, start + size)) >= 0 ? "nonFinite" : reason);
      iterations[b] = 1;
    }
  }
  return { x: out, reasons, iterations };
}

/** NaN for every example whose input was non-finite (its objective was evaluated at a stand-in). */
export function maskObjective(objective: Float64Array, screened: ScreenedProblem<Physics>): Float64Array {
  for (let b = 0; b < objective.length; b++) if (screened.nonFinite[b] === 1) objective[b] = NaN;
  return objective;
}

/** The same stop reason for every example. */
export function uniformReasons<R extends string>(reason: R, batch: number): R[] {
  return new Array<R>(batch).fill(reason);
}
