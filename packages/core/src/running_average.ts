/** A checkpoint of a {@link RunningAverage}. */
export interface RunningAverageState {
  readonly window: number;
  readonly values: Float64Array;
  readonly count: number;
  readonly sum: number;
}

/**
 * A running average over the last `window` values (a box filter, as the paper's learning curves use), kept in O(1)
 * per update. Non-finite values are not accepted by the training loop, so none arrive here.
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
    this.window = window;
    this.values = new Float64Array(window);
  }

  /** Adds a value and returns the average over the last min(count, window) values. */
  push(value: number): number {
    const slot = this.count % this.window;
    if (this.count >= this.window) this.sum -= this.values[slot] as number;
    this.values[slot] = value;
    this.sum += value;
    this.count++;
    return this.value;
  }

  /** The window's contents and running sum, for a checkpoint; {@link RunningAverage.restore} continues from it. */
  state(): RunningAverageState {
    return { window: this.window, values: Float64Array.from(this.values), count: this.count, sum: this.sum };
  }

  /**
   * Continues from a {@link RunningAverage.state}: the running sum is restored as it was, not recomputed, so the
   * averages that follow are bit-identical to those of an uninterrupted run.
   */
  static restore(state: RunningAverageState): RunningAverage {
    const average = new RunningAverage(state.window);
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
 * The median of a list of numbers (NaN for an empty list).
 * @example
 * import { median } from "@pg/core";
 * console.log(median([3, 1, 2]), median([4, 1, 3, 2]), median([])); // 2 2.5 NaN
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
