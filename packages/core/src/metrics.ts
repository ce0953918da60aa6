import { requireFloat64Array } from "./checks";
import { PgNonFiniteError, PgShapeError } from "./errors";
import { firstNonFinite, requirePositiveInteger } from "./validate";

/**
 * The batch mean of per-example Σ|a − b| over all non-batch entries: the "x MAE" (x_l1) the paper plots for Poisson
 * and heat (the authors' code logs the per-example sum of |x − x*| over cells, averaged over the batch) — a sum over
 * cells, not a mean.
 * @throws {@link PgValidationError} unless a and b are Float64Arrays and `batch` a positive integer;
 *   {@link PgShapeError} if their lengths differ or are not a multiple of the batch; {@link PgNonFiniteError} naming
 *   `a` or `b` if it holds NaN or ±Infinity (the metric would be NaN).
 * @example
 * import { batchMeanL1 } from "@pg/core";
 * console.log(batchMeanL1(Float64Array.of(1, 2, 3, 4), Float64Array.of(0, 0, 3, 3), 2)); // 2
 */
export function batchMeanL1(a: Float64Array, b: Float64Array, batch: number): number {
  const where = "batchMeanL1";
  requireFloat64Array(where, "a", a);
  requireFloat64Array(where, "b", b);
  requirePositiveInteger(where, "batch", batch);
  if (a.length % batch !== 0) throw new PgShapeError(where, "a", `a length that is a multiple of batch = ${batch}`, a);
  if (b.length !== a.length) throw new PgShapeError(where, "b", `the length of a, ${a.length}`, b);
  for (const [parameter, array] of [["a", a], ["b", b]] as const) {
    const bad = firstNonFinite(array);
    if (bad >= 0) throw new PgNonFiniteError(where, "input", bad, array[bad] as number, undefined, `parameter ${parameter} must be finite`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / batch;
}
