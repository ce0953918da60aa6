import { PgNonFiniteError, PgShapeError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { FLUID_GRID, simulateFluid, staggeredDivergence, swirlField, uniformVelocity, type FluidGrid } from "../src/index";

const grid: FluidGrid = { nx: 16, ny: 12, dx: 2 };
const cells = grid.nx * grid.ny;

function randomMarker(batch: number, seed: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length: batch * cells }, () => (random() < 0.3 ? 1 : 0));
}

/** m rolled by (di, dj) cells, periodic, per example. */
function roll(m: Float64Array, batch: number, di: number, dj: number): Float64Array {
  const out = new Float64Array(m.length);
  for (let e = 0; e < batch; e++) {
    for (let i = 0; i < grid.nx; i++) {
      for (let j = 0; j < grid.ny; j++) {
        const ti = (((i + di) % grid.nx) + grid.nx) % grid.nx;
        const tj = (((j + dj) % grid.ny) + grid.ny) % grid.ny;
        out[e * cells + ti * grid.ny + tj] = m[e * cells + i * grid.ny + j] as number;
      }
    }
  }
  return out;
}

function meanSquare(values: Float64Array, from: number, count: number): number {
  let sum = 0;
  for (let k = from; k < from + count; k++) sum += (values[k] as number) ** 2;
  return sum / count;
}

describe("simulateFluid", () => {
  it("records steps + 1 frames and leaves the marker alone at rest", () => {
    const marker = randomMarker(2, 1);
    const run = simulateFluid(marker, new Float64Array(2 * cells * 2), grid, 2, { steps: 3 });
    expect(run.markers).toHaveLength(4);
    expect(run.velocities).toHaveLength(4);
    expect(run.iterations).toHaveLength(4);
    expect(run.unconverged).toBe(0);
    for (const frame of run.markers) expect(Array.from(frame)).toEqual(Array.from(marker));
  });

  it("moves the marker by exactly one cell per step when dt·v = dx, in either direction and axis", () => {
    const marker = randomMarker(2, 2);
    // Example 0 moves +x, example 1 moves −y: 8 × 0.25 = 2 = dx.
    const velocity = uniformVelocity(Float64Array.of(8, 0, 0, -8), grid, 2);
    const run = simulateFluid(marker, velocity, grid, 2, { steps: 5 });
    run.markers.forEach((frame, k) => {
      const expected = roll(marker, 2, k, 0).subarray(0, cells);
      expect(Array.from(frame.subarray(0, cells))).toEqual(Array.from(expected));
      const expectedY = roll(marker, 2, 0, -k).subarray(cells);
      expect(Array.from(frame.subarray(cells))).toEqual(Array.from(expectedY));
    });
  });

  it("projects the initial velocity and keeps each component's energy through every step", () => {
    const random = testRandom(3);
    const batch = 2;
    const swirl = swirlField(Float64Array.of(1.5, -0.7), FLUID_GRID, batch);
    const velocity = swirl.map((v) => v + 0.2 * (random() - 0.5));
    const marker = new Float64Array(batch * 64 * 64).map(() => (random() < 0.2 ? 1 : 0));
    const run = simulateFluid(marker, velocity, FLUID_GRID, batch, { steps: 4 });
    expect(run.unconverged).toBe(0);
    const divergence = staggeredDivergence(run.velocities[0]!, FLUID_GRID, batch);
    expect(Math.max(...divergence.map(Math.abs))).toBeLessThan(1e-4);
    const n = 64 * 64;
    for (let e = 0; e < batch; e++) {
      const ex = meanSquare(run.velocities[0]!.x, e * n, n);
      const ey = meanSquare(run.velocities[0]!.y, e * n, n);
      for (const u of run.velocities.slice(1)) {
        expect(Math.abs(meanSquare(u.x, e * n, n) / ex - 1)).toBeLessThan(1e-12);
        expect(Math.abs(meanSquare(u.y, e * n, n) / ey - 1)).toBeLessThan(1e-12);
      }
    }
    for (const frame of run.markers) expect(frame.every((m) => m >= 0 && m <= 1)).toBe(true);
  });

  it("names the bad input", () => {
    const marker = randomMarker(1, 4);
    expect(() => simulateFluid(marker, new Float64Array(cells), grid, 1)).toThrow(PgShapeError);
    expect(() => simulateFluid(marker, new Float64Array(cells), grid, 1)).toThrow(/^simulateFluid: velocity must have length batch × 384 \(16 × 12 × 2\) = 384/);
    const velocity = new Float64Array(cells * 2);
    velocity[5] = Number.NaN;
    expect(() => simulateFluid(marker, velocity, grid, 1)).toThrow(PgNonFiniteError);
    expect(() => simulateFluid(marker, velocity, grid, 1)).toThrow(/simulateFluid.*index 5/);
    expect(() => simulateFluid(marker, new Float64Array(cells * 2), grid, 1, { steps: 0 })).toThrow(
      "simulateFluid: options.steps must be a positive integer; received 0.",
    );
  });
});
