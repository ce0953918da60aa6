import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { FLUID_DT, SAMPLE_OFFSETS, type FluidGrid, type SampleOffset, type StaggeredVelocity } from "../src/fluid_grid";
import { advectStaggered, macCormack } from "../src/mac_cormack";
import { interpolatePeriodic, periodicNodeBounds, samplePositions } from "../src/periodic_interpolation";

// Non-square, so a swapped axis shows up; dx and dt as in the experiment.
const GRID: FluidGrid = { nx: 16, ny: 12, dx: 2 };
const CELLS = GRID.nx * GRID.ny;
const OFFSETS: [string, SampleOffset][] = Object.entries(SAMPLE_OFFSETS);

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

/** A smooth periodic field on the samples of `offset`: a few random Fourier modes, |value| ≤ amplitude. */
function smoothField(seed: number, offset: SampleOffset, batch: number, amplitude = 1): Float64Array {
  const random = testRandom(seed);
  const { nx, ny } = GRID;
  const out = new Float64Array(batch * CELLS);
  for (let b = 0; b < batch; b++) {
    const modes = Array.from({ length: 5 }, () => ({ kx: Math.floor(7 * random()) - 3, ky: Math.floor(7 * random()) - 3, a: random(), phase: 2 * Math.PI * random() }));
    const total = modes.reduce((s, m) => s + m.a, 0);
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        let v = 0;
        for (const m of modes) v += m.a * Math.cos(2 * Math.PI * ((m.kx * (i + offset.x)) / nx + (m.ky * (j + offset.y)) / ny) + m.phase);
        out[(b * nx + i) * ny + j] = (amplitude * v) / total;
      }
    }
  }
  return out;
}

function smoothVelocity(seed: number, batch: number, amplitude = 1): StaggeredVelocity {
  return { x: smoothField(seed, SAMPLE_OFFSETS.xFaces, batch, amplitude), y: smoothField(seed + 1, SAMPLE_OFFSETS.yFaces, batch, amplitude) };
}

function uniformVelocity(vx: number, vy: number, batch: number): StaggeredVelocity {
  return { x: new Float64Array(batch * CELLS).fill(vx), y: new Float64Array(batch * CELLS).fill(vy) };
}

/** field rolled by (di, dj) cells: out[i, j] = field[i − di, j − dj], periodic. */
function roll(field: Float64Array, di: number, dj: number, batch: number): Float64Array {
  const { nx, ny } = GRID;
  const out = new Float64Array(field.length);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        out[(b * nx + i) * ny + j] = field[(b * nx + (((i - di) % nx) + nx) % nx) * ny + ((((j - dj) % ny) + ny) % ny)] as number;
      }
    }
  }
  return out;
}

/**
 * PhiFlow's MacCormack (as the authors' code calls it) written out in physical coordinates with the public
 * interpolation functions: an independent reference for the index-space implementation. Also returns the unclamped value and the clamp limits.
 */
function referenceMacCormack(field: Float64Array, offset: SampleOffset, velocity: StaggeredVelocity, dt: number, batch: number) {
  const { px, py } = samplePositions(GRID, offset, batch);
  const vx = interpolatePeriodic(velocity.x, GRID, SAMPLE_OFFSETS.xFaces, px, py, batch);
  const vy = interpolatePeriodic(velocity.y, GRID, SAMPLE_OFFSETS.yFaces, px, py, batch);
  const bx = px.map((p, k) => p - dt * (vx[k] as number));
  const by = py.map((p, k) => p - dt * (vy[k] as number));
  const fx = px.map((p, k) => p + dt * (vx[k] as number));
  const fy = py.map((p, k) => p + dt * (vy[k] as number));
  const hat = interpolatePeriodic(field, GRID, offset, bx, by, batch);
  const tilde = interpolatePeriodic(hat, GRID, offset, fx, fy, batch);
  const raw = hat.map((h, k) => h + 0.5 * ((field[k] as number) - (tilde[k] as number)));
  const { lower, upper } = periodicNodeBounds(field, GRID, offset, bx, by, batch);
  const clamped = raw.map((r, k) => Math.min(Math.max(r, lower[k] as number), upper[k] as number));
  return { raw, lower, upper, clamped };
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] as number) - (b[k] as number)));
  return m;
}

describe("macCormack", () => {
  it.each(OFFSETS)("keeps a constant field exactly constant under a random velocity (%s)", (_, offset) => {
    const field = new Float64Array(2 * CELLS).fill(0.3712);
    const result = macCormack(field, offset, smoothVelocity(1, 2, 5), FLUID_DT, GRID, 2);
    expect(result.every((v) => v === 0.3712)).toBe(true);
  });

  // dt·v = 0.25 · 8 = 2 = dx: exactly one cell per step; B, F and the weights are exact in floating point.
  it.each(OFFSETS)("shifts any field by exactly one cell (a periodic roll) when dt·v = dx, in every direction (%s)", (_, offset) => {
    const field = randomField(2, 3 * CELLS);
    const speed = GRID.dx / FLUID_DT;
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1]] as const) {
      const result = macCormack(field, offset, uniformVelocity(di * speed, dj * speed, 3), FLUID_DT, GRID, 3);
      expect(result).toEqual(roll(field, di, dj, 3));
    }
  });

  it.each(OFFSETS)("matches MacCormack written out in physical coordinates, for a random velocity (%s)", (_, offset) => {
    const field = smoothField(3, offset, 2);
    const velocity = smoothVelocity(4, 2, 6); // up to 6 · 0.25 / 2 = 0.75 cells per step
    const result = macCormack(field, offset, velocity, FLUID_DT, GRID, 2);
    expect(maxAbsDifference(result, referenceMacCormack(field, offset, velocity, FLUID_DT, 2).clamped)).toBeLessThan(1e-12);
    expect(maxAbsDifference(result, field)).toBeGreaterThan(0.05); // it did move
  });

  it("clamps: a sharp step advected by a non-integer shift gets no new extrema, and stays within the 2 × 2 nodes around B", () => {
    // A 0/1 rectangle, moved 0.37 cells in x and 0.21 cells in y.
    const field = new Float64Array(CELLS);
    for (let i = 4; i < 10; i++) for (let j = 3; j < 7; j++) field[i * GRID.ny + j] = 1;
    const velocity = uniformVelocity((0.37 * GRID.dx) / FLUID_DT, (0.21 * GRID.dx) / FLUID_DT, 1);
    const result = macCormack(field, SAMPLE_OFFSETS.centre, velocity, FLUID_DT, GRID, 1);
    const reference = referenceMacCormack(field, SAMPLE_OFFSETS.centre, velocity, FLUID_DT, 1);
    // Without the clamp the correction over- and undershoots at the edges, so the test below is not vacuous.
    expect(Math.min(...reference.raw)).toBeLessThan(-0.01);
    expect(Math.max(...reference.raw)).toBeGreaterThan(1.01);
    expect(Math.min(...result)).toBe(0);
    expect(Math.max(...result)).toBe(1);
    for (let k = 0; k < CELLS; k++) {
      expect(result[k]).toBeGreaterThanOrEqual(reference.lower[k] as number);
      expect(result[k]).toBeLessThanOrEqual(reference.upper[k] as number);
    }
    expect(maxAbsDifference(result, reference.clamped)).toBeLessThan(1e-14);
    // Some values are strictly between 0 and 1: it is not merely a nearest-node copy.
    expect(result.some((v) => v > 0.1 && v < 0.9)).toBe(true);
  });

  it("advects each example by its own velocity", () => {
    const field = randomField(5, 2 * CELLS);
    const speed = GRID.dx / FLUID_DT;
    const velocity = { x: new Float64Array(2 * CELLS).fill(speed, 0, CELLS), y: new Float64Array(2 * CELLS).fill(-speed, CELLS) };
    const result = macCormack(field, SAMPLE_OFFSETS.centre, velocity, FLUID_DT, GRID, 2);
    expect(result.subarray(0, CELLS)).toEqual(roll(field.subarray(0, CELLS), 1, 0, 1));
    expect(result.subarray(CELLS)).toEqual(roll(field.subarray(CELLS), 0, -1, 1));
  });

  it("rejects bad input with errors naming the parameter", () => {
    const field = new Float64Array(2 * CELLS);
    const velocity = uniformVelocity(1, 1, 2);
    expect(() => macCormack(new Float64Array(CELLS), SAMPLE_OFFSETS.centre, velocity, FLUID_DT, GRID, 2)).toThrow(PgShapeError);
    expect(() => macCormack(new Float64Array(CELLS), SAMPLE_OFFSETS.centre, velocity, FLUID_DT, GRID, 2)).toThrow(
      /macCormack: field must have length batch × 192 \(16 × 12\) = 384 \(batch = 2\); received Float64Array\(192\)/,
    );
    const badX = { x: Float64Array.from(velocity.x), y: velocity.y };
    badX.x[7] = Number.NaN;
    expect(() => macCormack(field, SAMPLE_OFFSETS.centre, badX, FLUID_DT, GRID, 2)).toThrow(PgNonFiniteError);
    expect(() => macCormack(field, SAMPLE_OFFSETS.centre, badX, FLUID_DT, GRID, 2)).toThrow(/first non-finite entry at index 7\); parameter velocity\.x must be finite/);
    expect(() => macCormack(field, SAMPLE_OFFSETS.centre, { x: velocity.x } as never, FLUID_DT, GRID, 2)).toThrow(/macCormack: velocity\.y must have type Float64Array/);
    expect(() => macCormack(field, SAMPLE_OFFSETS.centre, velocity, Number.NaN, GRID, 2)).toThrow(PgValidationError);
    expect(() => macCormack(field, SAMPLE_OFFSETS.centre, velocity, Number.NaN, GRID, 2)).toThrow(/macCormack: dt must be a finite number; received NaN\./);
    expect(() => macCormack(field, "centre" as never, velocity, FLUID_DT, GRID, 2)).toThrow(/macCormack: offset must be an object \{ x, y \}/);
    expect(() => macCormack(field, SAMPLE_OFFSETS.centre, velocity, FLUID_DT, { nx: 16, ny: 1, dx: 2 }, 2)).toThrow(/macCormack: grid\.ny must be an integer ≥ 2; received 1\./);
  });
});

describe("advectStaggered", () => {
  it("advects x on the x-faces and y on the y-faces, both by the unchanged advecting velocity", () => {
    const velocity = smoothVelocity(6, 2, 4);
    const by = smoothVelocity(8, 2, 6);
    const result = advectStaggered(velocity, by, FLUID_DT, GRID, 2);
    expect(result.x).toEqual(macCormack(velocity.x, SAMPLE_OFFSETS.xFaces, by, FLUID_DT, GRID, 2));
    expect(result.y).toEqual(macCormack(velocity.y, SAMPLE_OFFSETS.yFaces, by, FLUID_DT, GRID, 2));
    const self = advectStaggered(velocity, velocity, FLUID_DT, GRID, 2);
    expect(self.x).toEqual(macCormack(velocity.x, SAMPLE_OFFSETS.xFaces, velocity, FLUID_DT, GRID, 2));
    expect(self.y).toEqual(macCormack(velocity.y, SAMPLE_OFFSETS.yFaces, velocity, FLUID_DT, GRID, 2));
  });

  it("rolls both components by one cell when dt·v = dx", () => {
    const velocity = { x: randomField(9, CELLS), y: randomField(10, CELLS) };
    const result = advectStaggered(velocity, uniformVelocity(0, -GRID.dx / FLUID_DT, 1), FLUID_DT, GRID, 1);
    expect(result.x).toEqual(roll(velocity.x, 0, -1, 1));
    expect(result.y).toEqual(roll(velocity.y, 0, -1, 1));
  });

  it("names the parameter in its errors", () => {
    const ok = uniformVelocity(1, 1, 1);
    expect(() => advectStaggered(ok, { x: ok.x, y: new Float64Array(3) }, FLUID_DT, GRID, 1)).toThrow(/advectStaggered: velocityToAdvectBy\.y must have length batch × 192/);
    const bad = { x: ok.x, y: Float64Array.from(ok.y).fill(Infinity, 5, 6) };
    expect(() => advectStaggered(bad, ok, FLUID_DT, GRID, 1)).toThrow(/advectStaggered: input is Infinity \(first non-finite entry at index 5\); parameter velocity\.y must be finite/);
  });
});
