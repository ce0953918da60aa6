import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { softBoxMask } from "../src/index";

describe("softBoxMask", () => {
  const mask = softBoxMask({ shape: [20, 20], center: [10, 10], halfSize: [2.3, 1.2] });
  const at = (i: number, j: number) => mask[i * 20 + j]!;

  it("reproduces values computed by hand from clip(½ − d/r, 0, 1) for p = (10, 10), h = (2.3, 1.2), dx = 1", () => {
    expect(at(7, 9)).toBeCloseTo(0.21716, 5);
    expect(at(8, 9)).toBe(1);
    expect(at(12, 11)).toBeCloseTo(0.07574, 5);
    expect(at(7, 9)).toBeCloseTo(0.5 - 0.2 * Math.SQRT2, 12); // d = 0.2, r = 1/√2
  });

  it("is 1 deep inside, 0 far outside, and symmetric about the centre", () => {
    expect(at(10, 10)).toBe(1);
    expect(at(0, 0)).toBe(0);
    expect(at(10, 15)).toBe(0);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) expect(at(i, j)).toBeCloseTo(at(19 - i, 19 - j), 12);
  });

  it("scales with the spacing: the same box in physical units on a grid twice as fine", () => {
    const fine = softBoxMask({ shape: [40, 40], spacing: 0.5, center: [10, 10], halfSize: [2.3, 1.2] });
    // fine cell (15, 19) has centre (7.75, 9.75): d = max(2.25 − 2.3, 0.25 − 1.2) = −0.05, r = 0.5/√2
    expect(fine[15 * 40 + 19]).toBeCloseTo(0.5 + 0.05 / (0.5 / Math.SQRT2), 12);
    expect(fine[14 * 40 + 19]).toBe(0); // centre 7.25: d = 2.75 − 2.3 = 0.45 > r/2
  });

  it("throws PgValidationError naming halfSize when an entry is negative", () => {
    const call = () => softBoxMask({ shape: [4, 4], center: [2, 2], halfSize: [1, -1] });
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("softBoxMask: halfSize must be a pair [x, y] of finite numbers ≥ 0; received Array(2) [1, -1].");
  });

  it("throws PgValidationError naming spacing when it is not positive", () => {
    expect(() => softBoxMask({ shape: [4, 4], spacing: 0, center: [2, 2], halfSize: [1, 1] })).toThrow(
      "softBoxMask: spacing must be a finite number > 0; received 0.",
    );
  });

  it("throws PgValidationError naming center when an entry is NaN", () => {
    expect(() => softBoxMask({ shape: [4, 4], center: [Number.NaN, 2], halfSize: [1, 1] })).toThrow(
      "softBoxMask: center must be a pair [x, y] of finite numbers; received Array(2) [NaN, 2].",
    );
  });
});
