import { describe, expect, it } from "vitest";
import { RunningAverage } from "../src/index";

describe("RunningAverage", () => {
  it("averages the last `window` values, as the mean of the window's contents", () => {
    const average = new RunningAverage(4);
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    values.forEach((value, i) => {
      const window = values.slice(Math.max(0, i - 3), i + 1);
      expect(average.push(value)).toBeCloseTo(window.reduce((a, b) => a + b, 0) / window.length, 12);
    });
  });

  it("forgets a huge value once it has left the window: the small values after it keep every digit", () => {
    const average = new RunningAverage(4);
    [1e300, 1e-3, 2e-3, 3e-3].forEach((value) => average.push(value));
    // 1e300 leaves with the next push; a running sum alone would keep only 1e300's rounding and give 0.
    average.push(4e-3);
    for (const value of [5e-3, 6e-3, 7e-3]) average.push(value);
    expect(average.value).toBe((4e-3 + 5e-3 + 6e-3 + 7e-3) / 4);
  });

  it("becomes finite again after an Infinity has left the window", () => {
    const average = new RunningAverage(2);
    average.push(Number.POSITIVE_INFINITY);
    average.push(1);
    expect(average.value).toBe(Number.POSITIVE_INFINITY);
    average.push(2);
    average.push(3);
    expect(average.value).toBe(2.5);
  });

  it("continues from a state exactly as it would have gone on", () => {
    const whole = new RunningAverage(3);
    const first = new RunningAverage(3);
    const values = [0.1, 0.7, 1e200, 0.3, 0.9, 0.2, 0.4, 0.8];
    values.slice(0, 4).forEach((value) => {
      whole.push(value);
      first.push(value);
    });
    const resumed = RunningAverage.restore(first.state());
    for (const value of values.slice(4)) expect(resumed.push(value)).toBe(whole.push(value));
  });
});
