import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { SAMPLE_OFFSETS, type FluidGrid, type SampleOffset } from "../src/fluid_grid";
import { interpolatePeriodic, periodicNodeBounds, samplePositions } from "../src/periodic_interpolation";

// Non-square, so a swapped axis shows up.
const GRID: FluidGrid = { nx: 12, ny: 8, dx: 2 };
const CELLS = GRID.nx * GRID.ny;
const OFFSETS: [string, SampleOffset][] = Object.entries(SAMPLE_OFFSETS);

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

/** A field whose value at node (i, j) is f(i, j), for every example b (plus 100·b). */
function fieldOf(f: (i: number, j: number) => number, batch = 1): Float64Array {
  const out = new Float64Array(batch * CELLS);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < GRID.nx; i++) for (let j = 0; j < GRID.ny; j++) out[(b * GRID.nx + i) * GRID.ny + j] = f(i, j) + 100 * b;
  }
  return out;
}

describe("samplePositions", () => {
  it("places value (i, j) at ((i + offset.x)·dx, (j + offset.y)·dx), repeated per example", () => {
    const { px, py } = samplePositions(GRID, SAMPLE_OFFSETS.yFaces, 2);
    expect(px.length).toBe(2 * CELLS);
    const k = 5 * GRID.ny + 3;
    expect([px[k], py[k]]).toEqual([11, 6]);
    expect([px[CELLS + k], py[CELLS + k]]).toEqual([11, 6]);
  });
});

describe("interpolatePeriodic", () => {
  it.each(OFFSETS)("reproduces the node values exactly at the nodes (%s)", (_, offset) => {
    const field = randomField(1, 3 * CELLS);
    const { px, py } = samplePositions(GRID, offset, 3);
    expect(interpolatePeriodic(field, GRID, offset, px, py, 3)).toEqual(field);
  });

  it.each(OFFSETS)("is exact for fields linear in one direction, away from the wrap (%s)", (_, offset) => {
    const random = testRandom(2);
    const count = 200;
    // Index coordinates in [0, n − 1], i.e. between the first and the last node, never across the wrap.
    const sx = Float64Array.from({ length: count }, () => random() * (GRID.nx - 1));
    const sy = Float64Array.from({ length: count }, () => random() * (GRID.ny - 1));
    const px = sx.map((s) => (s + offset.x) * GRID.dx);
    const py = sy.map((s) => (s + offset.y) * GRID.dx);
    const inX = interpolatePeriodic(fieldOf((i) => 3 - 2.5 * i), GRID, offset, px, py, 1);
    const inY = interpolatePeriodic(fieldOf((_i, j) => -1 + 0.75 * j), GRID, offset, px, py, 1);
    for (let k = 0; k < count; k++) {
      expect(Math.abs((inX[k] as number) - (3 - 2.5 * (sx[k] as number)))).toBeLessThan(1e-12);
      expect(Math.abs((inY[k] as number) - (-1 + 0.75 * (sy[k] as number)))).toBeLessThan(1e-12);
    }
  });

  it("is bilinear: the mean of the four nodes at the centre of a 2 × 2 block", () => {
    const field = randomField(3, CELLS);
    const at = (i: number, j: number): number => field[i * GRID.ny + j] as number;
    // Centre of the block (4, 2)–(5, 3) of the cell-centred grid: index (4.5, 2.5) → physical (10, 6).
    const [value] = interpolatePeriodic(field, GRID, SAMPLE_OFFSETS.centre, Float64Array.of(10), Float64Array.of(6), 1);
    expect(Math.abs((value as number) - (at(4, 2) + at(4, 3) + at(5, 2) + at(5, 3)) / 4)).toBeLessThan(1e-15);
  });

  it("wraps periodically: shifts by whole domain lengths do not matter, and the last and first nodes are neighbours", () => {
    const field = randomField(4, 2 * CELLS);
    const random = testRandom(5);
    const count = 100;
    const px = Float64Array.from({ length: 2 * count }, () => random() * GRID.nx * GRID.dx);
    const py = Float64Array.from({ length: 2 * count }, () => random() * GRID.ny * GRID.dx);
    const [lx, ly] = [GRID.nx * GRID.dx, GRID.ny * GRID.dx];
    for (const [, offset] of OFFSETS) {
      const base = interpolatePeriodic(field, GRID, offset, px, py, 2);
      for (const [shiftX, shiftY] of [[lx, 0], [0, -ly], [-3 * lx, 2 * ly]] as const) {
        const shifted = interpolatePeriodic(field, GRID, offset, px.map((p) => p + shiftX), py.map((p) => p + shiftY), 2);
        for (let k = 0; k < 2 * count; k++) expect(Math.abs((shifted[k] as number) - (base[k] as number))).toBeLessThan(1e-12);
      }
    }
    // Halfway between the last node (index nx − 1) and the first (index nx ≡ 0), on row j = 2, example 1.
    const offset = SAMPLE_OFFSETS.xFaces;
    const [value] = interpolatePeriodic(field, GRID, offset, Float64Array.of(0, (GRID.nx - 0.5) * GRID.dx), Float64Array.of(0, (2 + offset.y) * GRID.dx), 2).subarray(1);
    const last = field[CELLS + (GRID.nx - 1) * GRID.ny + 2] as number;
    const first = field[CELLS + 2] as number;
    expect(Math.abs((value as number) - (last + first) / 2)).toBeLessThan(1e-15);
  });

  it("uses each example's own field and points", () => {
    const field = fieldOf(() => 1, 3); // example b is 1 + 100·b everywhere
    const result = interpolatePeriodic(field, GRID, SAMPLE_OFFSETS.centre, Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(1, 2, 3, 4, 5, 6), 3);
    expect(Array.from(result)).toEqual([1, 1, 101, 101, 201, 201]);
  });

  it("rejects bad input with errors naming the parameter", () => {
    const field = new Float64Array(2 * CELLS);
    const points = new Float64Array(4);
    const call = (overrides: Partial<{ field: unknown; offset: unknown; px: unknown; py: unknown; batch: unknown }>) => () =>
      interpolatePeriodic(
        (overrides.field ?? field) as Float64Array,
        GRID,
        (overrides.offset ?? SAMPLE_OFFSETS.centre) as SampleOffset,
        (overrides.px ?? points) as Float64Array,
        (overrides.py ?? points) as Float64Array,
        (overrides.batch ?? 2) as number,
      );
    expect(call({ field: new Float64Array(CELLS) })).toThrow(PgShapeError);
    expect(call({ field: new Float64Array(CELLS) })).toThrow(/interpolatePeriodic: field must have length batch × 96 \(12 × 8\) = 192 \(batch = 2\)/);
    expect(call({ px: new Float64Array(3), py: new Float64Array(3) })).toThrow(/interpolatePeriodic: px must have type Float64Array with a positive multiple of batch = 2 entries/);
    expect(call({ py: new Float64Array(6) })).toThrow(/interpolatePeriodic: py must have type Float64Array of the length of px = 4/);
    expect(call({ px: Float64Array.of(0, Number.NaN, 0, 0) })).toThrow(PgNonFiniteError);
    expect(call({ px: Float64Array.of(0, Number.NaN, 0, 0) })).toThrow(/parameter px must be finite/);
    expect(call({ field: new Float64Array(2 * CELLS).fill(Infinity) })).toThrow(/parameter field must be finite/);
    expect(call({ offset: { x: 0.5 } })).toThrow(PgValidationError);
    expect(call({ offset: { x: 0.5 } })).toThrow(/interpolatePeriodic: offset must be an object \{ x, y \} of finite numbers/);
    expect(call({ batch: 0 })).toThrow(/interpolatePeriodic: batch must be a positive integer; received 0\./);
    expect(() => interpolatePeriodic(field, { nx: 12, ny: 8, dx: 0 }, SAMPLE_OFFSETS.centre, points, points, 2)).toThrow(/grid\.dx must be a finite number > 0/);
  });
});

describe("periodicNodeBounds", () => {
  it("gives the min and max of the 2 × 2 surrounding nodes (periodic), which bracket the interpolated value", () => {
    const field = randomField(6, CELLS);
    const random = testRandom(7);
    const count = 300;
    const offset = SAMPLE_OFFSETS.yFaces;
    // Points anywhere, including outside the domain.
    const px = Float64Array.from({ length: count }, () => (3 * random() - 1) * GRID.nx * GRID.dx);
    const py = Float64Array.from({ length: count }, () => (3 * random() - 1) * GRID.ny * GRID.dx);
    const { lower, upper } = periodicNodeBounds(field, GRID, offset, px, py, 1);
    const values = interpolatePeriodic(field, GRID, offset, px, py, 1);
    const wrap = (i: number, n: number): number => ((i % n) + n) % n;
    for (let k = 0; k < count; k++) {
      const i = Math.floor((px[k] as number) / GRID.dx - offset.x);
      const j = Math.floor((py[k] as number) / GRID.dx - offset.y);
      const nodes = [
        [i, j],
        [i + 1, j],
        [i, j + 1],
        [i + 1, j + 1],
      ].map(([a, b]) => field[wrap(a as number, GRID.nx) * GRID.ny + wrap(b as number, GRID.ny)] as number);
      expect(lower[k]).toBe(Math.min(...nodes));
      expect(upper[k]).toBe(Math.max(...nodes));
      expect(values[k]).toBeGreaterThanOrEqual(lower[k] as number);
      expect(values[k]).toBeLessThanOrEqual(upper[k] as number);
    }
  });

  it("rejects bad input like interpolatePeriodic, under its own name", () => {
    expect(() => periodicNodeBounds(new Float64Array(CELLS), GRID, SAMPLE_OFFSETS.centre, new Float64Array(2), new Float64Array(1), 1)).toThrow(
      /periodicNodeBounds: py must have type Float64Array of the length of px = 2/,
    );
  });
});
