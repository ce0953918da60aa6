import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { hardBoxMask } from "../src/index";

describe("hardBoxMask", () => {
  it("includes cells whose centre lies exactly on either bound", () => {
    // Centres (i + ½)·dx with dx = 0.5: 0.25, 0.75, 1.25, 1.75, 2.25, 2.75.
    const mask = hardBoxMask({ shape: [6, 6], spacing: 0.5, lower: [0.75, 1.25], upper: [1.75, 1.25] });
    const cells: [number, number][] = [];
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (mask[i * 6 + j] === 1) cells.push([i, j]);
    expect(cells).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    expect(Array.from(mask).every((v) => v === 0 || v === 1)).toBe(true);
  });

  it("excludes a cell whose centre is just outside a bound", () => {
    const mask = hardBoxMask({ shape: [4, 1], lower: [0.5000001, 0], upper: [2.5, 1] });
    expect(Array.from(mask)).toEqual([0, 1, 1, 0]);
  });

  it("uses axis 0 for x and axis 1 for y", () => {
    const mask = hardBoxMask({ shape: [3, 4], lower: [0, 2], upper: [1, 4] }); // x-centre 0.5 only, y-centres 2.5, 3.5
    expect(Array.from(mask)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("throws PgValidationError naming upper when it lies below lower", () => {
    const call = () => hardBoxMask({ shape: [4, 4], lower: [1, 1], upper: [2, 0.5] });
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("hardBoxMask: upper must be ≥ lower = [1, 1] on both axes; received Array(2) [2, 0.5].");
  });

  it("throws PgValidationError naming spacing when it is negative", () => {
    expect(() => hardBoxMask({ shape: [4, 4], spacing: -1, lower: [0, 0], upper: [1, 1] })).toThrow(
      "hardBoxMask: spacing must be a finite number > 0; received -1.",
    );
  });

  it("throws PgValidationError naming options when they are missing", () => {
    expect(() => hardBoxMask(undefined as never)).toThrow(
      "hardBoxMask: options must be an object { shape, spacing?, lower, upper }; received undefined.",
    );
  });
});
