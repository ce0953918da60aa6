import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { laplacian } from "@pg/numerics";
import { describe, expect, it } from "vitest";
import { FLUID_GRID, type FluidGrid, type StaggeredVelocity } from "../src/fluid_grid";
import { makeIncompressible, staggeredDivergence } from "../src/make_incompressible";

const GRID: FluidGrid = FLUID_GRID; // 64 × 64, dx = 2
const CELLS = GRID.nx * GRID.ny;
const STEP_TOLERANCES = { relativeTolerance: 0, absoluteTolerance: 1e-4 }; // the fluid step's projections (the authors' code)
const TIGHT = { relativeTolerance: 0, absoluteTolerance: 1e-10 };

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

function randomVelocity(seed: number, batch: number): StaggeredVelocity {
  return { x: randomField(seed, batch * CELLS), y: randomField(seed + 1, batch * CELLS) };
}

/**
 * The discrete curl of a stream function ψ on the cell corners (i·dx, j·dx): x_{ij} = (ψ_{i,j+1} − ψ_{ij})/dx,
 * y_{ij} = −(ψ_{i+1,j} − ψ_{ij})/dx. Its staggered divergence telescopes to exactly 0 (up to rounding).
 */
function curlOf(psi: Float64Array, batch: number): StaggeredVelocity {
  const { nx, ny, dx } = GRID;
  const x = new Float64Array(batch * CELLS);
  const y = new Float64Array(batch * CELLS);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const at = (a: number, c: number): number => psi[(b * nx + (a % nx)) * ny + (c % ny)] as number;
        x[(b * nx + i) * ny + j] = (at(i, j + 1) - at(i, j)) / dx;
        y[(b * nx + i) * ny + j] = -(at(i + 1, j) - at(i, j)) / dx;
      }
    }
  }
  return { x, y };
}

function maxAbs(values: Float64Array, from = 0, to = values.length): number {
  let m = 0;
  for (let k = from; k < to; k++) m = Math.max(m, Math.abs(values[k] as number));
  return m;
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] as number) - (b[k] as number)));
  return m;
}

describe("staggeredDivergence", () => {
  it("is (x_{i+1,j} − x_ij)/dx + (y_{i,j+1} − y_ij)/dx with periodic wrap", () => {
    const velocity = randomVelocity(1, 1);
    const divergence = staggeredDivergence(velocity, GRID, 1);
    const { nx, ny, dx } = GRID;
    for (const [i, j] of [[0, 0], [63, 0], [0, 63], [63, 63], [17, 40]] as const) {
      const expected =
        ((velocity.x[((i + 1) % nx) * ny + j] as number) - (velocity.x[i * ny + j] as number)) / dx +
        ((velocity.y[i * ny + ((j + 1) % ny)] as number) - (velocity.y[i * ny + j] as number)) / dx;
      expect(divergence[i * ny + j]).toBe(expected);
    }
  });
});

describe("makeIncompressible", () => {
  it("leaves max |div| ≤ 1e-4 for a random velocity at the step tolerances (atol 1e-4); measured ≈ 5e-6, ‖div‖₂ ≈ 9e-5", () => {
    const velocity = randomVelocity(2, 3); // white noise in [−1, 1): the hardest case for CG
    const result = makeIncompressible(velocity, GRID, 3, STEP_TOLERANCES);
    expect(result.converged).toEqual([true, true, true]);
    expect(result.reasons).toEqual(["converged", "converged", "converged"]);
    const divergence = staggeredDivergence(result.velocity, GRID, 3);
    for (let b = 0; b < 3; b++) {
      expect(result.iterations[b]).toBeGreaterThan(10);
      expect(maxAbs(divergence, b * CELLS, (b + 1) * CELLS)).toBeLessThan(1e-4);
      // ‖div‖₂ is CG's true residual: within the atol up to the recursive/true residual gap.
      let sum = 0;
      for (let k = b * CELLS; k < (b + 1) * CELLS; k++) sum += (divergence[k] as number) ** 2;
      expect(Math.sqrt(sum)).toBeLessThan(1.01e-4);
    }
  });

  it("subtracts exactly the gradient of a zero-mean pressure solving ∇²p = div − mean(div)", () => {
    const velocity = randomVelocity(3, 2);
    const result = makeIncompressible(velocity, GRID, 2, TIGHT);
    const { nx, ny, dx } = GRID;
    const divergence = staggeredDivergence(velocity, GRID, 2);
    const laplace = laplacian(result.pressure, { batch: 2, shape: [nx, ny], spacing: dx, boundary: "periodic" });
    for (let b = 0; b < 2; b++) {
      let pressureSum = 0;
      let divergenceSum = 0;
      for (let k = b * CELLS; k < (b + 1) * CELLS; k++) {
        pressureSum += result.pressure[k] as number;
        divergenceSum += divergence[k] as number;
      }
      expect(Math.abs(pressureSum / CELLS)).toBeLessThan(1e-13);
      const mean = divergenceSum / CELLS;
      expect(Math.abs(mean)).toBeLessThan(1e-15); // a periodic staggered divergence sums to 0
      let residual = 0;
      for (let k = b * CELLS; k < (b + 1) * CELLS; k++) residual = Math.max(residual, Math.abs((laplace[k] as number) - ((divergence[k] as number) - mean)));
      expect(residual).toBeLessThan(1e-10);
    }
    // x_{ij} − new x_{ij} = (p_{ij} − p_{i−1,j})/dx at the x-face between cells i − 1 and i; likewise y.
    const at = (i: number, j: number): number => result.pressure[(((i % nx) + nx) % nx) * ny + (((j % ny) + ny) % ny)] as number;
    for (const [i, j] of [[0, 0], [0, 5], [31, 63], [63, 63]] as const) {
      const k = i * ny + j;
      expect(Math.abs((velocity.x[k] as number) - (result.velocity.x[k] as number) - (at(i, j) - at(i - 1, j)) / dx)).toBeLessThan(1e-15);
      expect(Math.abs((velocity.y[k] as number) - (result.velocity.y[k] as number) - (at(i, j) - at(i, j - 1)) / dx)).toBeLessThan(1e-15);
    }
  });

  it("leaves a divergence-free velocity (the discrete curl of a random stream function) unchanged to 1e-8", () => {
    const velocity = curlOf(randomField(4, 2 * CELLS), 2);
    expect(maxAbs(staggeredDivergence(velocity, GRID, 2))).toBeLessThan(1e-14);
    for (const tolerances of [STEP_TOLERANCES, TIGHT]) {
      const result = makeIncompressible(velocity, GRID, 2, tolerances);
      expect(maxAbsDifference(result.velocity.x, velocity.x)).toBeLessThan(1e-8);
      expect(maxAbsDifference(result.velocity.y, velocity.y)).toBeLessThan(1e-8);
      expect(result.converged).toEqual([true, true]);
    }
  });

  it("is idempotent: projecting a projected velocity again changes it by less than 1e-8", () => {
    const once = makeIncompressible(randomVelocity(5, 2), GRID, 2, TIGHT);
    const twice = makeIncompressible(once.velocity, GRID, 2, TIGHT);
    expect(maxAbsDifference(twice.velocity.x, once.velocity.x)).toBeLessThan(1e-8);
    expect(maxAbsDifference(twice.velocity.y, once.velocity.y)).toBeLessThan(1e-8);
    // At the step tolerance the second solve has nothing left to do (‖div‖₂ is already ≤ atol).
    const stepOnce = makeIncompressible(randomVelocity(5, 2), GRID, 2, STEP_TOLERANCES);
    const stepTwice = makeIncompressible(stepOnce.velocity, GRID, 2, STEP_TOLERANCES);
    expect(Array.from(stepTwice.iterations)).toEqual([0, 0]);
    expect(stepTwice.velocity).toEqual(stepOnce.velocity);
  });

  it("warm-starts from pressureGuess: the converged pressure needs no iteration and gives the same velocity", () => {
    const velocity = randomVelocity(6, 2);
    const cold = makeIncompressible(velocity, GRID, 2, STEP_TOLERANCES);
    const warm = makeIncompressible(velocity, GRID, 2, { ...STEP_TOLERANCES, pressureGuess: cold.pressure });
    expect(Array.from(warm.iterations)).toEqual([0, 0]);
    expect(maxAbsDifference(warm.velocity.x, cold.velocity.x)).toBeLessThan(1e-15);
    // A guess off by a constant is as good: the constant is in the null space and removed.
    const shifted = makeIncompressible(velocity, GRID, 2, { ...STEP_TOLERANCES, pressureGuess: cold.pressure.map((p) => p + 3) });
    expect(Array.from(shifted.iterations)).toEqual([0, 0]);
    expect(maxAbsDifference(shifted.pressure, cold.pressure)).toBeLessThan(1e-14);
  });

  it("reports non-convergence per example instead of hiding it", () => {
    const velocity = randomVelocity(7, 2);
    velocity.x.fill(0, CELLS); // example 1 is u = 0: nothing to solve
    velocity.y.fill(0, CELLS);
    const result = makeIncompressible(velocity, GRID, 2, { relativeTolerance: 0, absoluteTolerance: 1e-12, maxIterations: 3 });
    expect(result.converged).toEqual([false, true]);
    expect(result.reasons).toEqual(["maxIterations", "converged"]);
    expect(Array.from(result.iterations)).toEqual([3, 0]);
    expect(result.residualNorms[0]).toBeGreaterThan(1e-12);
  });

  it("rejects bad input with errors naming the parameter", () => {
    const velocity = randomVelocity(8, 1);
    expect(() => makeIncompressible({ x: velocity.x, y: new Float64Array(10) }, GRID, 1, STEP_TOLERANCES)).toThrow(PgShapeError);
    expect(() => makeIncompressible({ x: velocity.x, y: new Float64Array(10) }, GRID, 1, STEP_TOLERANCES)).toThrow(
      /makeIncompressible: velocity\.y must have length batch × 4096 \(64 × 64\) = 4096 \(batch = 1\); received Float64Array\(10\)/,
    );
    const bad = { x: Float64Array.from(velocity.x), y: velocity.y };
    bad.x[100] = Number.NEGATIVE_INFINITY;
    expect(() => makeIncompressible(bad, GRID, 1, STEP_TOLERANCES)).toThrow(PgNonFiniteError);
    expect(() => makeIncompressible(bad, GRID, 1, STEP_TOLERANCES)).toThrow(/index 100\); parameter velocity\.x must be finite/);
    expect(() => makeIncompressible(velocity, GRID, 1, { relativeTolerance: 0 } as never)).toThrow(PgValidationError);
    expect(() => makeIncompressible(velocity, GRID, 1, { relativeTolerance: 0 } as never)).toThrow(
      /makeIncompressible: options\.absoluteTolerance must be a finite number ≥ 0; received undefined\./,
    );
    expect(() => makeIncompressible(velocity, GRID, 1, { ...STEP_TOLERANCES, maxIterations: 2.5 })).toThrow(/options\.maxIterations must be a non-negative integer; received 2\.5\./);
    expect(() => makeIncompressible(velocity, GRID, 1, { ...STEP_TOLERANCES, pressureGuess: new Float64Array(8192) })).toThrow(
      /makeIncompressible: options\.pressureGuess must have length batch × 4096/,
    );
    expect(() => makeIncompressible(velocity, GRID, 1, undefined as never)).toThrow(/makeIncompressible: options must be an object/);
    expect(() => makeIncompressible(velocity, GRID, 2, STEP_TOLERANCES)).toThrow(/velocity\.x must have length batch × 4096 \(64 × 64\) = 8192 \(batch = 2\)/);
  });
});
