import { PgNonFiniteError, PgShapeError, PgValidationError, type NonFiniteStage } from "./errors";

/** Throws unless `value` is an integer ≥ 1. */
export function requirePositiveInteger(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new PgValidationError(where, parameter, "a positive integer", value);
  }
  return value;
}

/** Throws unless `value` is an integer ≥ 0. */
export function requireNonNegativeInteger(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a non-negative integer", value);
  }
  return value;
}

/** Throws unless `value` is a finite number > 0 (Infinity allowed when `allowInfinity`). */
export function requirePositive(where: string, parameter: string, value: unknown, allowInfinity = false): number {
  const ok = typeof value === "number" && value > 0 && (allowInfinity ? !Number.isNaN(value) : Number.isFinite(value));
  if (!ok) throw new PgValidationError(where, parameter, allowInfinity ? "a number > 0" : "a finite number > 0", value);
  return value;
}

/** Throws unless `value` is a finite number. */
export function requireFiniteNumber(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PgValidationError(where, parameter, "a finite number", value);
  }
  return value;
}

/** Throws unless `value` is one of `choices`. */
export function requireOneOf<T extends string>(where: string, parameter: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new PgValidationError(where, parameter, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
  }
  return value as T;
}

/** Number of entries of one example of the given shape. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Throws unless `array` is a Float64Array of length batch × size(shape), spelling out the arithmetic.
 * @example requireBatchArray('poisson.forward', 'x', x, 32, [64, 64, 1])
 */
export function requireBatchArray(
  where: string,
  parameter: string,
  array: unknown,
  batch: number,
  shape: readonly number[],
): Float64Array {
  const size = shapeSize(shape);
  if (!(array instanceof Float64Array)) {
    throw new PgShapeError(where, parameter, `type Float64Array of length batch × ${size}`, array);
  }
  if (array.length !== batch * size) {
    const shapeText = shape.length > 1 ? ` (${shape.join(" × ")})` : "";
    throw new PgShapeError(
      where,
      parameter,
      `length batch × ${size}${shapeText} = ${batch * size} (batch = ${batch})`,
      array,
    );
  }
  return array;
}

/** Throws a {@link PgNonFiniteError} naming the first NaN/±Infinity entry of `array`. */
export function requireFinite(
  where: string,
  stage: NonFiniteStage,
  array: ArrayLike<number>,
  step?: number,
  detail?: string,
): void {
  for (let i = 0; i < array.length; i++) {
    const v = array[i] as number;
    if (!Number.isFinite(v)) throw new PgNonFiniteError(where, stage, i, v, step, detail);
  }
}

/** Index of the first non-finite entry, or −1. */
export function firstNonFinite(array: ArrayLike<number>): number {
  for (let i = 0; i < array.length; i++) if (!Number.isFinite(array[i] as number)) return i;
  return -1;
}
