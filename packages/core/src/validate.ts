import { PgNonFiniteError, PgShapeError, PgValidationError, type NonFiniteStage } from "./errors";

/**
 * Throws unless `value` is an integer ≥ 1.
 * @example
 * import { requirePositiveInteger } from "@pg/core";
 * console.log(requirePositiveInteger("mlp", "outputSize", 3)); // 3
 * try {
 *   requirePositiveInteger("mlp", "outputSize", 2.5);
 * } catch (error) {
 *   console.log(error.message); // mlp: outputSize must be a positive integer; received 2.5.
 * }
 */
export function requirePositiveInteger(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new PgValidationError(where, parameter, "a positive integer", value);
  }
  return value;
}

/**
 * Throws unless `value` is an integer ≥ 0.
 * @example
 * import { requireNonNegativeInteger } from "@pg/core";
 * console.log(requireNonNegativeInteger("mlp", "seed", 0)); // 0
 * try {
 *   requireNonNegativeInteger("mlp", "seed", -1);
 * } catch (error) {
 *   console.log(error.message); // mlp: seed must be a non-negative integer; received -1.
 * }
 */
export function requireNonNegativeInteger(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a non-negative integer", value);
  }
  return value;
}

/**
 * Throws unless `value` is a finite number > 0 (Infinity allowed when `allowInfinity`).
 * @example
 * import { requirePositive } from "@pg/core";
 * console.log(requirePositive("newton", "stepSize", 0.5), requirePositive("newton", "clipStep", Infinity, true)); // 0.5 Infinity
 * try {
 *   requirePositive("newton", "clipStep", Infinity);
 * } catch (error) {
 *   console.log(error.message); // newton: clipStep must be a finite number > 0; received Infinity.
 * }
 */
export function requirePositive(where: string, parameter: string, value: unknown, allowInfinity = false): number {
  const ok = typeof value === "number" && value > 0 && (allowInfinity ? !Number.isNaN(value) : Number.isFinite(value));
  if (!ok) throw new PgValidationError(where, parameter, allowInfinity ? "a number > 0" : "a finite number > 0", value);
  return value;
}

/**
 * Throws unless `value` is a finite number.
 * @example
 * import { requireFiniteNumber } from "@pg/core";
 * console.log(requireFiniteNumber("scaleBy", "factor", -2)); // -2
 * try {
 *   requireFiniteNumber("scaleBy", "factor", NaN);
 * } catch (error) {
 *   console.log(error.message); // scaleBy: factor must be a finite number; received NaN.
 * }
 */
export function requireFiniteNumber(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PgValidationError(where, parameter, "a finite number", value);
  }
  return value;
}

/**
 * Throws unless `value` is one of `choices`.
 * @example
 * import { requireOneOf } from "@pg/core";
 * console.log(requireOneOf("trainStep", "reduction", "sum", ["sum", "mean"])); // sum
 * try {
 *   requireOneOf("trainStep", "reduction", "max", ["sum", "mean"]);
 * } catch (error) {
 *   console.log(error.message); // trainStep: reduction must be one of "sum", "mean"; received "max".
 * }
 */
export function requireOneOf<T extends string>(where: string, parameter: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new PgValidationError(where, parameter, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
  }
  return value as T;
}

/**
 * Number of entries of one example of the given shape.
 * @example
 * import { shapeSize } from "@pg/core";
 * console.log(shapeSize([64, 64, 1]), shapeSize([3]), shapeSize([])); // 4096 3 1
 */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Throws unless `array` is a Float64Array of length batch × size(shape), spelling out the arithmetic.
 * @example
 * import { requireBatchArray } from "@pg/core";
 * console.log(requireBatchArray("poisson.forward", "x", new Float64Array(2 * 16), 2, [4, 4, 1]).length); // 32
 * try {
 *   requireBatchArray("poisson.forward", "x", new Float64Array(30), 2, [4, 4, 1]);
 * } catch (error) {
 *   console.log(error.message); // poisson.forward: x must have length batch × 16 (4 × 4 × 1) = 32 (batch = 2); received Float64Array(30) [0, 0, 0, 0, …].
 * }
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

/**
 * Throws a {@link PgNonFiniteError} naming the first NaN/±Infinity entry of `array`.
 * @example
 * import { requireFinite } from "@pg/core";
 * requireFinite("sin.forward", "physics output", Float64Array.of(1, 2)); // returns quietly
 * try {
 *   requireFinite("sin.forward", "physics output", Float64Array.of(1, Infinity, NaN), 7);
 * } catch (error) {
 *   console.log(error.message); // sin.forward: physics output is Infinity at step 7 (first non-finite entry at index 1).
 * }
 */
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

/**
 * Index of the first non-finite entry, or −1.
 * @example
 * import { firstNonFinite } from "@pg/core";
 * console.log(firstNonFinite([1, 2, NaN, Infinity]), firstNonFinite(Float64Array.of(1, 2))); // 2 -1
 */
export function firstNonFinite(array: ArrayLike<number>): number {
  for (let i = 0; i < array.length; i++) if (!Number.isFinite(array[i] as number)) return i;
  return -1;
}
