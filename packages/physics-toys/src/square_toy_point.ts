// Internal: the point type and its validation for the 2-D toy y = (x₁, x₂²).
import { PgValidationError, requirePositive } from "@pg/core";

/** One point x = [x₁, x₂] (or y = [y₁, y₂]) of the 2-D toy problem. */
export type SquareToyPoint = readonly [number, number];

/** Throws unless `x` is an array of two finite numbers; returns a fresh tuple of them. */
export function requirePoint(where: string, parameter: string, x: unknown): [number, number] {
  if (!Array.isArray(x) || x.length !== 2) {
    throw new PgValidationError(where, parameter, "a point [x1, x2] of two finite numbers", x);
  }
  const [x1, x2]: unknown[] = x;
  if (typeof x1 !== "number" || typeof x2 !== "number" || !Number.isFinite(x1) || !Number.isFinite(x2)) {
    throw new PgValidationError(where, parameter, "a point [x1, x2] of two finite numbers", x);
  }
  return [x1, x2];
}

/** Throws unless `stepSize` is finite and > 0 (and ≤ `maximum`, when given). */
export function requireStepSize(where: string, stepSize: unknown, maximum?: number): number {
  const value = requirePositive(where, "stepSize", stepSize);
  if (maximum !== undefined && value > maximum) {
    throw new PgValidationError(where, "stepSize", `a number in (0, ${maximum}]`, value);
  }
  return value;
}
