// Internal: option checks shared by the heat functions, run once per call at the public boundary.
import { PgValidationError, requireKnownKeys } from "@pg/core";

/** The paper's grid: 64 × 64 unit cells (App. B.4). */
export const DEFAULT_SHAPE: readonly [number, number] = Object.freeze([64, 64] as const);

/** The paper's ν·t (App. B.4, as in the authors' code). */
export const DEFAULT_DIFFUSIVITY_TIME = 8;

/**
 * Throws unless `options` is undefined (then `{}`) or an object whose keys are all in `known`; an unknown key is
 * refused with the closest known one suggested.
 */
export function requireOptions<T extends object>(
  where: string,
  options: T | undefined,
  fields: string,
  known: readonly (keyof T & string)[],
): T | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", `an object ${fields}`, options);
  }
  return requireKnownKeys(where, "options", options, known);
}

/** Resolves `shape` (default [64, 64]) to a pair of positive integers. */
export function resolveShape(where: string, shape: unknown): readonly [number, number] {
  if (shape === undefined) return DEFAULT_SHAPE;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1)) {
    throw new PgValidationError(where, "shape", "a pair [nx, ny] of positive integers", shape);
  }
  return Object.freeze([shape[0] as number, shape[1] as number] as const);
}

/** Resolves `diffusivityTime` = ν·t (default 8) to a finite number ≥ 0. */
export function resolveDiffusivityTime(where: string, diffusivityTime: unknown): number {
  const value = diffusivityTime ?? DEFAULT_DIFFUSIVITY_TIME;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(where, "diffusivityTime", "a finite number ≥ 0 (ν·t in cell² units)", value);
  }
  return value;
}
