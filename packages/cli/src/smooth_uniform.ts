import { PgValidationError, requirePositiveInteger } from "@pg/core";

/** Result of {@link smoothUniform}: the smoothed values and where they sit on the original x axis. */
export interface SmoothUniformResult {
  /**
   * Index shift onto the original samples: smoothed value k belongs at x[k + offset]. It is ⌊width/2⌋ − 1 for
   * width ≥ 2 (PhiFlow shifts x by n/2 − 1) and 0 for width 1, which leaves the curve unchanged.
   */
  readonly offset: number;
  /** The running means, length max(0, values.length − width + 1) ('valid' mode: only full windows). */
  readonly values: Float64Array;
}

/**
 * Smooths a learning curve the way the paper's figures do (PhiFlow's `smooth_uniform_curve(n)`): a box
 * filter of width n in 'valid' mode, s_k = (1/n)·Σ_{m=k}^{k+n−1} v_m for k = 0 … N − n, drawn at x[k + ⌊n/2⌋ − 1].
 * A curve shorter than the window gives no smoothed values. Sums are kept in O(1) per output with a running sum that
 * is re-summed from scratch every 1024 outputs, so rounding does not accumulate over long runs.
 * @param values - the raw curve, one value per sample; any finite numbers (non-finite ones spread to every window
 *   that contains them, so drop them first).
 * @param width - the window n, a positive integer (64 for the PDE figures, 1000 for sin, 1 for no smoothing).
 * @returns the smoothed values and the index `offset` that places them on the original x axis.
 * @throws {@link PgValidationError} if `width` is not a positive integer or `values` is not an array of numbers.
 * @example
 * import { smoothUniform } from "@pg/cli";
 * const smoothed = smoothUniform([1, 2, 3, 4, 5, 6], 4);
 * console.log(smoothed.values.join(" "), smoothed.offset); // 2.5 3.5 4.5 1
 */
export function smoothUniform(values: ArrayLike<number>, width: number): SmoothUniformResult {
  requirePositiveInteger("smoothUniform", "width", width);
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new PgValidationError("smoothUniform", "values", "an array or typed array of numbers", values);
  }
  const offset = width === 1 ? 0 : Math.floor(width / 2) - 1;
  const count = Math.max(0, values.length - width + 1);
  const smoothed = new Float64Array(count);
  if (count === 0) return { offset, values: smoothed };
  const RESUM_INTERVAL = 1024;
  let sum = 0;
  for (let m = 0; m < width; m++) sum += values[m] as number;
  smoothed[0] = sum / width;
  for (let k = 1; k < count; k++) {
    if (k % RESUM_INTERVAL === 0) {
      sum = 0;
      for (let m = k; m < k + width; m++) sum += values[m] as number;
    } else {
      sum += (values[k + width - 1] as number) - (values[k - 1] as number);
    }
    smoothed[k] = sum / width;
  }
  return { offset, values: smoothed };
}
