import { PgValidationError } from "./errors";
import { requireNonNegativeInteger, requirePositiveInteger } from "./validate";

/** A checkpoint of a {@link RunningAverage}. */
export interface RunningAverageState {
  readonly window: number;
  readonly values: Float64Array;
  readonly count: number;
  readonly sum: number;
}

/**
 * A running average over the last `window` values (a box filter, as the paper's learning curves use), kept in O(1)
 * per update (amortised: once per window the sum is recomputed from the window's values, so the rounding a huge value
 * leaves in the running sum lasts at most one window after it has left). `push` accepts any number (reports average metrics tables, where NaN
 * marks a missing value): a NaN or ±Infinity makes the averages NaN or infinite until the recomputation after it has
 * left the window.
 * @throws {@link PgValidationError} if `window` is not a positive integer, or `push` is given something not a number.
 * @example
 * import { RunningAverage } from "@pg/core";
 * const average = new RunningAverage(3);
 * console.log(average.value); // NaN
 * console.log([1, 2, 3, 4, 5].map((value) => average.push(value)).join(" ")); // 1 1.5 2 3 4
 */
export class RunningAverage {
  readonly window: number;
  private readonly values: Float64Array;
  private count = 0;
  private sum = 0;

  constructor(window: number) {
    this.window = requirePositiveInteger("RunningAverage", "window", window);
    this.values = new Float64Array(window);
  }

  /** Adds a value and returns the average over the last min(count, window) values. */
  push(value: number): number {
    if (typeof value !== "number") throw new PgValidationError("RunningAverage.push", "value", "a number", value);
    const slot = this.count % this.window;
    if (this.count >= this.window) this.sum -= this.values[slot] as number;
    this.values[slot] = value;
    this.sum += value;
    this.count++;
    // Once per window the sum is taken afresh: subtracting a huge value that leaves the window would otherwise wipe
    // out the digits of the small ones that stay (and a NaN or ±Infinity would poison the sum for good).
    if (this.count % this.window === 0) {
      let exact = 0;
      for (let i = 0; i < this.window; i++) exact += this.values[i] as number;
      this.sum = exact;
    }
    return this.value;
  }

  /** The window's contents and running sum, for a checkpoint; {@link RunningAverage.restore} continues from it. */
  state(): RunningAverageState {
    return { window: this.window, values: Float64Array.from(this.values), count: this.count, sum: this.sum };
  }

  /**
   * Continues from a {@link RunningAverage.state}: the running sum is restored as it was, not recomputed, so the
   * averages that follow are bit-identical to those of an uninterrupted run.
   * @throws {@link PgValidationError} for a state whose window, values, count or sum do not fit together.
   */
  static restore(state: RunningAverageState): RunningAverage {
    const where = "RunningAverage.restore";
    if (typeof state !== "object" || state === null) {
      throw new PgValidationError(where, "state", "a RunningAverageState { window, values, count, sum }", state);
    }
    const window = requirePositiveInteger(where, "state.window", state.window);
    if (!(state.values instanceof Float64Array) || state.values.length !== window) {
      throw new PgValidationError(where, "state.values", `a Float64Array of length window = ${window}`, state.values);
    }
    requireNonNegativeInteger(where, "state.count", state.count);
    if (typeof state.sum !== "number") throw new PgValidationError(where, "state.sum", "a number", state.sum);
    const average = new RunningAverage(window);
    average.values.set(state.values);
    average.count = state.count;
    average.sum = state.sum;
    return average;
  }

  /** The current average (NaN before the first value). */
  get value(): number {
    const n = Math.min(this.count, this.window);
    return n === 0 ? Number.NaN : this.sum / n;
  }
}

/**
 * The median of a list of numbers (NaN for an empty list); ±Infinity sorts to the ends.
 * @throws {@link PgValidationError} for an entry that is NaN or not a number.
 * @example
 * import { median } from "@pg/core";
 * console.log(median([3, 1, 2]), median([4, 1, 3, 2]), median([])); // 2 2.5 NaN
 */
export function median(values: readonly number[]): number {
  if (!Array.isArray(values)) throw new PgValidationError("median", "values", "an array of numbers", values);
  const bad = values.findIndex((value) => typeof value !== "number" || Number.isNaN(value));
  // NaN has no place in a sort order: the "median" would depend on where it happened to stand.
  if (bad >= 0) throw new PgValidationError("median", `values[${bad}]`, "a number other than NaN", values[bad]);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
