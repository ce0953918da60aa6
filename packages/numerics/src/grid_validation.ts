// Internal: checks shared by the grid functions of @pg/numerics, run once per call at the public boundary.
import { PgNonFiniteError, PgValidationError, requireBatchArray, requireKnownKeys, requirePositive, requirePositiveInteger } from "@pg/core";

/**
 * Throws unless `options` is a plain object whose keys are all in `known` (a misspelt option would otherwise be
 * ignored; the error suggests the closest known one); `fields` lists the expected keys for the message.
 */
export function requireOptionsObject(where: string, options: unknown, fields: string, known: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new PgValidationError(where, "options", `an object ${fields}`, options);
  }
  requireKnownKeys(where, "options", options, known);
}

/** Throws unless `shape` is a pair [nx, ny] of positive integers; returns it as numbers. */
export function requireShape(where: string, shape: unknown): readonly [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1)) {
    throw new PgValidationError(where, "shape", "a pair [nx, ny] of positive integers", shape);
  }
  return [shape[0] as number, shape[1] as number];
}

/** Throws unless `value` is a pair of finite numbers (each ≥ 0 when `nonNegative`). */
export function requirePair(where: string, parameter: string, value: unknown, nonNegative = false): readonly [number, number] {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === "number" && Number.isFinite(v) && (!nonNegative || v >= 0));
  if (!ok) {
    throw new PgValidationError(where, parameter, `a pair [x, y] of finite numbers${nonNegative ? " ≥ 0" : ""}`, value);
  }
  return [(value as number[])[0] as number, (value as number[])[1] as number];
}

/** Throws unless `value` is a pair of finite numbers > 0. */
export function requirePositivePair(where: string, parameter: string, value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)) {
    throw new PgValidationError(where, parameter, "a pair [x, y] of finite numbers > 0", value);
  }
  return [value[0] as number, value[1] as number];
}

/** Resolves the grid spacing dx: a finite number > 0, default 1. */
export function resolveSpacing(where: string, spacing: unknown): number {
  return requirePositive(where, "spacing", spacing ?? 1);
}

/** Resolves `batch` (a positive integer). */
export function requireBatch(where: string, batch: unknown): number {
  return requirePositiveInteger(where, "batch", batch);
}

/**
 * Throws unless `array` is a Float64Array of length batch × size(shape) with only finite entries; a NaN or ±Infinity
 * raises a {@link PgNonFiniteError} naming the parameter and the first bad index.
 */
export function requireFiniteField(
  where: string,
  parameter: string,
  array: unknown,
  batch: number,
  shape: readonly number[],
): Float64Array {
  const field = requireBatchArray(where, parameter, array, batch, shape);
  for (let i = 0; i < field.length; i++) {
    const v = field[i] as number;
    if (!Number.isFinite(v)) throw new PgNonFiniteError(where, "input", i, v, undefined, `parameter ${parameter} must be finite`);
  }
  return field;
}
