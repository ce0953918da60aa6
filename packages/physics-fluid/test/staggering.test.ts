import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgShapeError, PgValidationError } from "@pg/core";
import { docExampleAnnotations, docExamplesOf, relativeDifference, runDocExample, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as fluidGrid from "../src/fluid_grid";
import { FLUID_GRID, type FluidGrid, type StaggeredVelocity } from "../src/fluid_grid";
import * as staggering from "../src/staggering";
import { centeredToStaggered, centeredToStaggeredAdjoint, staggeredToCentered, staggeredToCenteredAdjoint } from "../src/staggering";

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const staggeredDot = (a: StaggeredVelocity, b: StaggeredVelocity) => dot(a.x, b.x) + dot(a.y, b.y);
const staggeredNorm = (a: StaggeredVelocity) => Math.sqrt(staggeredDot(a, a));

const grids: readonly (readonly [FluidGrid, number])[] = [
  [FLUID_GRID, 2],
  [{ nx: 5, ny: 7, dx: 0.5 }, 3],
  [{ nx: 2, ny: 3, dx: 1 }, 1],
];

describe("centeredToStaggered / staggeredToCentered", () => {
  it("sample a hand-computed 3 × 2 example (periodic wrap on both axes)", () => {
    const grid = { nx: 3, ny: 2, dx: 1 };
    // v^x(i, j) = 10i + j, v^y(i, j) = 100 + 10i + j; cells (i, j) in row-major order
    const v = Float64Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? 0 : 100) + 10 * Math.floor(k / 4) + (Math.floor(k / 2) % 2));
    const u = centeredToStaggered(v, grid, 1);
    // x[i, j] = ½(v^x(i − 1, j) + v^x(i, j)): i = 0 wraps to row 2
    expect(Array.from(u.x)).toEqual([10, 11, 5, 6, 15, 16]);
    // y[i, j] = ½(v^y(i, j − 1) + v^y(i, j)): j = 0 wraps to column 1
    expect(Array.from(u.y)).toEqual([100.5, 100.5, 110.5, 110.5, 120.5, 120.5]);
    const faces = { x: Float64Array.of(1, 2, 3, 4, 5, 6), y: Float64Array.of(1, 2, 3, 4, 5, 6) };
    // c^x(i, j) = ½(x[i, j] + x[i + 1, j]); c^y(i, j) = ½(y[i, j] + y[i, j + 1])
    expect(Array.from(staggeredToCentered(faces, grid, 1))).toEqual([2, 1.5, 3, 1.5, 4, 3.5, 5, 3.5, 3, 5.5, 4, 5.5]);
  });

  it("map uniform fields to themselves", () => {
    for (const [grid, batch] of grids) {
      const cells = grid.nx * grid.ny;
      const v = Float64Array.from({ length: batch * cells * 2 }, (_, k) => (k % 2 === 0 ? 1.25 : -3) * (1 + Math.floor(k / (2 * cells))));
      const u = centeredToStaggered(v, grid, batch);
      expect(Array.from(u.x)).toEqual(Array.from({ length: batch * cells }, (_, k) => 1.25 * (1 + Math.floor(k / cells))));
      expect(Array.from(u.y)).toEqual(Array.from({ length: batch * cells }, (_, k) => -3 * (1 + Math.floor(k / cells))));
      expect(Array.from(staggeredToCentered(u, grid, batch))).toEqual(Array.from(v));
    }
  });

  it("damp the Fourier mode cos(2πk·i/N) by cos²(πk/N) when composed (centred → staggered → centred)", () => {
    for (const k of [1, 5, 16]) {
      const v = new Float64Array(4096 * 2);
      for (let i = 0; i < 64; i++) {
        for (let j = 0; j < 64; j++) {
          v[(i * 64 + j) * 2] = Math.cos((2 * Math.PI * k * i) / 64);
          v[(i * 64 + j) * 2 + 1] = Math.sin((2 * Math.PI * k * j) / 64);
        }
      }
      const round = staggeredToCentered(centeredToStaggered(v, FLUID_GRID, 1), FLUID_GRID, 1);
      expect(relativeDifference(round, v.map((x) => x * Math.cos((Math.PI * k) / 64) ** 2))).toBeLessThan(1e-14);
    }
  });

  it("treat every example of a batch separately", () => {
    const v = randomField(1, 3 * 4096 * 2);
    const u = centeredToStaggered(v, FLUID_GRID, 3);
    const one = centeredToStaggered(v.slice(2 * 8192), FLUID_GRID, 1);
    expect(u.x.subarray(2 * 4096)).toEqual(one.x);
    expect(u.y.subarray(2 * 4096)).toEqual(one.y);
    expect(staggeredToCentered(u, FLUID_GRID, 3).subarray(8192, 2 * 8192)).toEqual(
      staggeredToCentered({ x: u.x.slice(4096, 8192), y: u.y.slice(4096, 8192) }, FLUID_GRID, 1),
    );
  });
});

describe("adjoints", () => {
  it("⟨Av, w⟩ = ⟨v, Aᵀw⟩ to 1e-12 for centeredToStaggered", () => {
    grids.forEach(([grid, batch], index) => {
      const size = batch * grid.nx * grid.ny;
      const v = randomField(10 + index, 2 * size);
      const w = { x: randomField(20 + index, size), y: randomField(30 + index, size) };
      const av = centeredToStaggered(v, grid, batch);
      const atw = centeredToStaggeredAdjoint(w, grid, batch);
      expect(Math.abs(staggeredDot(av, w) - dot(v, atw)) / (staggeredNorm(av) * staggeredNorm(w))).toBeLessThan(1e-12);
    });
  });

  it("⟨Au, g⟩ = ⟨u, Aᵀg⟩ to 1e-12 for staggeredToCentered", () => {
    grids.forEach(([grid, batch], index) => {
      const size = batch * grid.nx * grid.ny;
      const u = { x: randomField(40 + index, size), y: randomField(50 + index, size) };
      const g = randomField(60 + index, 2 * size);
      const au = staggeredToCentered(u, grid, batch);
      const atg = staggeredToCenteredAdjoint(g, grid, batch);
      expect(Math.abs(dot(au, g) - staggeredDot(u, atg)) / (norm(au) * norm(g))).toBeLessThan(1e-12);
    });
  });

  it("are exact transposes entry by entry (a unit vector at every position of a small grid)", () => {
    const grid = { nx: 3, ny: 4, dx: 1 };
    const cells = 12;
    for (let k = 0; k < 2 * cells; k++) {
      const e = new Float64Array(2 * cells);
      e[k] = 1;
      const column = centeredToStaggered(e, grid, 1); // column k of A
      for (let f = 0; f < 2 * cells; f++) {
        const face = { x: new Float64Array(cells), y: new Float64Array(cells) };
        (f < cells ? face.x : face.y)[f % cells] = 1;
        const row = centeredToStaggeredAdjoint(face, grid, 1); // column f of Aᵀ = row f of A
        expect(row[k]).toBe((f < cells ? column.x : column.y)[f % cells]);
      }
    }
  });

  it("equal the other direction as matrices (C→S adjoint = S→C, S→C adjoint = C→S)", () => {
    const v = randomField(70, 2 * 4096 * 2);
    const u = { x: randomField(71, 2 * 4096), y: randomField(72, 2 * 4096) };
    expect(centeredToStaggeredAdjoint(u, FLUID_GRID, 2)).toEqual(staggeredToCentered(u, FLUID_GRID, 2));
    expect(staggeredToCenteredAdjoint(v, FLUID_GRID, 2)).toEqual(centeredToStaggered(v, FLUID_GRID, 2));
  });
});

describe("staggering exceptions", () => {
  it("names the parameter and the batch arithmetic", () => {
    const fail = (call: () => unknown, type: typeof PgValidationError | typeof PgShapeError, message: RegExp) => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    };
    fail(() => centeredToStaggered(new Float64Array(4096), FLUID_GRID, 1), PgShapeError, /centeredToStaggered: v must have length batch × 8192 \(64 × 64 × 2\) = 8192 \(batch = 1\); received Float64Array\(4096\)/);
    fail(() => staggeredToCentered({ x: new Float64Array(4096), y: new Float64Array(4095) }, FLUID_GRID, 1), PgShapeError, /staggeredToCentered: u\.y must have length batch × 4096 \(64 × 64\) = 4096/);
    fail(() => staggeredToCentered(new Float64Array(8192) as never, FLUID_GRID, 1), PgShapeError, /staggeredToCentered: u\.x must have type Float64Array/);
    fail(() => staggeredToCentered(null as never, FLUID_GRID, 1), PgValidationError, /staggeredToCentered: u must be a staggered velocity \{ x, y \}; received null\./);
    fail(() => centeredToStaggeredAdjoint({ x: new Float64Array(4096), y: new Float64Array(4096) }, FLUID_GRID, 2), PgShapeError, /centeredToStaggeredAdjoint: gradient\.x must have length/);
    fail(() => staggeredToCenteredAdjoint(new Float64Array(8192), FLUID_GRID, -1), PgValidationError, /staggeredToCenteredAdjoint: batch must be a positive integer; received -1\./);
    fail(() => centeredToStaggered(new Float64Array(8), { nx: 2, ny: 1, dx: 1 }, 1), PgValidationError, /centeredToStaggered: grid\.ny must be an integer ≥ 2; received 1\./);
  });
});
