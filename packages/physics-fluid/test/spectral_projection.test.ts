import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { FLUID_GRID, fluidStep, makeIncompressible, simulateFluid, staggeredDivergence, swirlField, uniformVelocity, type FluidGrid } from "../src/index";

const grid: FluidGrid = { nx: 16, ny: 12, dx: 2 };
const cells = grid.nx * grid.ny;

function randomVelocity(batch: number, seed: number) {
  const random = testRandom(seed);
  const field = () => Float64Array.from({ length: batch * cells }, () => 2 * random() - 1);
  return { x: field(), y: field() };
}

describe("the spectral pressure solve", () => {
  it("projects exactly: divergence at rounding level, the same field as CG run to 1e-12", () => {
    const velocity = randomVelocity(3, 1);
    const spectral = makeIncompressible(velocity, grid, 3, { relativeTolerance: 0, absoluteTolerance: 0, solver: "spectral" });
    const cg = makeIncompressible(velocity, grid, 3, { relativeTolerance: 0, absoluteTolerance: 1e-12 });
    expect(Math.max(...staggeredDivergence(spectral.velocity, grid, 3).map(Math.abs))).toBeLessThan(1e-12);
    const difference = Math.max(...spectral.velocity.x.map((v, k) => Math.abs(v - (cg.velocity.x[k] as number))));
    expect(difference).toBeLessThan(1e-10);
    expect(Array.from(spectral.iterations)).toEqual([0, 0, 0]);
    expect(spectral.converged).toEqual([true, true, true]);
    const again = makeIncompressible(spectral.velocity, grid, 3, { relativeTolerance: 0, absoluteTolerance: 0, solver: "spectral" });
    expect(Math.max(...again.velocity.y.map((v, k) => Math.abs(v - (spectral.velocity.y[k] as number))))).toBeLessThan(1e-12);
  });

  it("gives the experiment's m(2) within the CG tolerance's reach (64 × 64)", () => {
    const batch = 2;
    const marker = new Float64Array(batch * 4096);
    for (let e = 0; e < batch; e++) for (let i = 20; i < 30; i++) for (let j = 30 + 4 * e; j < 40 + 4 * e; j++) marker[e * 4096 + i * 64 + j] = 1;
    const drift = uniformVelocity(Float64Array.of(6, -2, -3, 4), FLUID_GRID, batch);
    const v0 = swirlField(Float64Array.of(1.2, -0.8), FLUID_GRID, batch).map((v, k) => v + (drift[k] as number));
    const cg = simulateFluid(marker, v0, FLUID_GRID, batch).markers[8]!;
    const spectral = simulateFluid(marker, v0, FLUID_GRID, batch, { pressureSolver: "spectral" }).markers[8]!;
    const difference = Math.max(...cg.map((v, k) => Math.abs(v - (spectral[k] as number))));
    expect(difference).toBeLessThan(1e-3);
  });

  it("is refused under an unknown name", () => {
    const velocity = randomVelocity(1, 2);
    expect(() => makeIncompressible(velocity, grid, 1, { relativeTolerance: 0, absoluteTolerance: 0, solver: "multigrid" as "cg" })).toThrow(
      'makeIncompressible: options.solver must be one of "cg", "spectral"; received "multigrid".',
    );
    expect(() => fluidStep({ marker: new Float64Array(cells), velocity }, grid, 1, { pressureSolver: "fft" as "cg" })).toThrow(
      'fluidStep: options.pressureSolver must be one of "cg", "spectral"; received "fft".',
    );
  });
});
