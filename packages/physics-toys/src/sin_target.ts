import { requirePositiveInteger } from "@pg/core";

/**
 * The target y* = −1 of the sin(a/x) problem: the minimum of P, so every x with a/x = 3π/2 + 2πn solves
 * the inverse problem exactly.
 * @example
 * import { SIN_TARGET } from "@pg/physics-toys";
 * console.log(SIN_TARGET); // -1
 */
export const SIN_TARGET = -1;

/**
 * The targets y* of one sin(a/x) batch: a Float64Array of `batch` entries, all {@link SIN_TARGET} = −1.
 * @param batch - number of examples, a positive integer.
 * @returns a new Float64Array of length `batch` filled with −1.
 * @throws {@link PgValidationError} if `batch` is not a positive integer.
 * @example
 * import { sinTargets } from "@pg/physics-toys";
 * console.log(Array.from(sinTargets(3)).join(", ")); // -1, -1, -1
 */
export function sinTargets(batch: number): Float64Array {
  requirePositiveInteger("sinTargets", "batch", batch);
  return new Float64Array(batch).fill(SIN_TARGET);
}
