import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgShapeError, PgValidationError } from "@pg/core";
import { docExampleAnnotations, docExamplesOf, relativeDifference, runDocExample, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as centre from "../src/center_of_mass";
import { centerOfMass } from "../src/center_of_mass";
import * as fluidGrid from "../src/fluid_grid";
import { FLUID_GRID } from "../src/fluid_grid";

/** A 64 × 64 marker with the given cells set to the given masses. */
function marker(cells: readonly (readonly [number, number, number])[]): Float64Array {
  const m = new Float64Array(4096);
  for (const [i, j, mass] of cells) m[i * 64 + j] = mass;
  return m;
}

describe("centerOfMass", () => {
  it("puts a single cell at its centre ((i + ½)·dx, (j + ½)·dx)", () => {
    for (const [i, j] of [
      [0, 0],
      [10, 20],
      [63, 5],
      [31, 63],
    ] as const) {
      expect(Array.from(centerOfMass(marker([[i, j, 1]]), FLUID_GRID, 1))).toEqual([(i + 0.5) * 2, (j + 0.5) * 2]);
      expect(relativeDifference(centerOfMass(marker([[i, j, 0.3]]), FLUID_GRID, 1), [(i + 0.5) * 2, (j + 0.5) * 2])).toBeLessThan(1e-15);
    }
  });

  it("puts a symmetric blob at its centre of symmetry", () => {
    // a disc of radius 6 cells around the cell corner (20, 41) (physical (40, 82)), mass decreasing with the distance
    const m = new Float64Array(4096);
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const r2 = (i + 0.5 - 20) ** 2 + (j + 0.5 - 41) ** 2;
        if (r2 <= 36) m[i * 64 + j] = 1 + 36 - r2;
      }
    }
    const com = centerOfMass(m, FLUID_GRID, 1);
    expect(Math.abs((com[0] as number) - 40)).toBeLessThan(1e-12);
    expect(Math.abs((com[1] as number) - 82)).toBeLessThan(1e-12);
  });

  it("moves with a translation of the marker (away from the boundary) and ignores the total mass", () => {
    const random = testRandom(1);
    const m = new Float64Array(4096);
    for (let i = 5; i < 25; i++) for (let j = 10; j < 30; j++) m[i * 64 + j] = random();
    const shifted = new Float64Array(4096);
    for (let i = 5; i < 25; i++) for (let j = 10; j < 30; j++) shifted[(i + 13) * 64 + (j - 7)] = m[i * 64 + j] as number;
    const [x, y] = centerOfMass(m, FLUID_GRID, 1);
    const moved = centerOfMass(shifted, FLUID_GRID, 1);
    expect(Math.abs((moved[0] as number) - ((x as number) + 26))).toBeLessThan(1e-12);
    expect(Math.abs((moved[1] as number) - ((y as number) - 14))).toBeLessThan(1e-12);
    expect(relativeDifference(centerOfMass(m.map((v) => 4.5 * v), FLUID_GRID, 1), [x as number, y as number])).toBeLessThan(1e-15);
  });

  it("is not periodic-aware: a blob split across the boundary lands in the middle of the domain", () => {
    expect(Array.from(centerOfMass(marker([[0, 10, 1], [63, 10, 1]]), FLUID_GRID, 1))).toEqual([64, 21]);
  });

  it("uses dx and non-square grids, and treats every example of a batch separately", () => {
    const grid = { nx: 3, ny: 5, dx: 0.5 };
    const m = new Float64Array(2 * 15);
    m[1 * 5 + 4] = 2; // example 0: cell (1, 4) at (0.75, 2.25)
    m[15 + 0] = 1; // example 1: cells (0, 0) and (2, 2), masses 1 and 1
    m[15 + 2 * 5 + 2] = 1;
    expect(Array.from(centerOfMass(m, grid, 2))).toEqual([0.75, 2.25, 0.75, 0.75]);
    expect(Array.from(centerOfMass(m.slice(15), grid, 1))).toEqual([0.75, 0.75]);
  });

  it("accepts negative masses as long as the total is non-zero", () => {
    expect(Array.from(centerOfMass(marker([[0, 0, -1], [2, 0, 2]]), FLUID_GRID, 1))).toEqual([9, 1]);
  });
});

describe("centerOfMass exceptions", () => {
  it("refuses an all-zero (or zero-sum) example, naming it", () => {
    const m = new Float64Array(3 * 4096);
    m[0] = 1;
    m[2 * 4096 + 7] = 1;
    const call = () => centerOfMass(m, FLUID_GRID, 3);
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("centerOfMass: the total mass Σ marker of example 1 must be non-zero (the centre of mass divides by it); received 0.");
    m[4096] = 1;
    m[4096 + 1] = -1;
    expect(call).toThrow(/of example 1 must be non-zero/);
  });

  it("names the parameter and the batch arithmetic for a marker of the wrong length, and bad grids or batches", () => {
    expect(() => centerOfMass(new Float64Array(4096), FLUID_GRID, 2)).toThrow(PgShapeError);
    expect(() => centerOfMass(new Float64Array(4096), FLUID_GRID, 2)).toThrow(
      /centerOfMass: marker must have length batch × 4096 \(64 × 64\) = 8192 \(batch = 2\); received Float64Array\(4096\)/,
    );
    expect(() => centerOfMass(new Float64Array(4096), FLUID_GRID, 1.5)).toThrow(/centerOfMass: batch must be a positive integer; received 1\.5\./);
    expect(() => centerOfMass(new Float64Array(4096), { nx: 64, ny: 64, dx: -2 }, 1)).toThrow(/centerOfMass: grid\.dx must be a finite number > 0/);
  });
});
