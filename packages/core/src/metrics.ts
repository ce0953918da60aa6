/**
 * The batch mean of per-example Σ|a − b| over all non-batch entries: the "x MAE" (x_l1) the paper plots for Poisson
 * and heat (SPEC §0 `l1`, §7.1, §7.2) — a sum over cells, not a mean.
 * @example
 * import { batchMeanL1 } from "@pg/core";
 * console.log(batchMeanL1(Float64Array.of(1, 2, 3, 4), Float64Array.of(0, 0, 3, 3), 2)); // 2
 */
export function batchMeanL1(a: Float64Array, b: Float64Array, batch: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / batch;
}
