import { PgValidationError, requirePositiveInteger } from "@pg/core";
import { requireFiniteScalarField } from "./periodic_interpolation";
import { requireFluidGrid, type FluidGrid } from "./fluid_grid";

/**
 * The centre of mass of every example of a cell-centred scalar field (the authors' estimator's): com(m) = Σ_cells m·c / Σ_cells m,
 * with the cell-centre positions c = ((i + ½)·dx, (j + ½)·dx), in physical units. It is **not** periodic-aware: a blob
 * that wraps around the boundary is averaged across the whole domain, as in the authors' code.
 * @param marker - batch × nx × ny, index (b·nx + i)·ny + j; not modified. Every example needs Σ m ≠ 0.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @returns a new Float64Array of batch × 2: (x, y) of example b at indices 2b, 2b + 1.
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid, or if an example's total mass Σ m is 0 (the
 * message names the example).
 * @throws {@link PgShapeError} if `marker` is not a Float64Array of length batch × nx × ny.
 * @throws {@link PgNonFiniteError} naming `marker` if it holds NaN or ±Infinity (a centre of NaN would pass unnoticed).
 * @example
 * import { centerOfMass, FLUID_GRID } from "@pg/physics-fluid";
 * const marker = new Float64Array(2 * 4096);
 * marker[10 * 64 + 20] = 1;                                     // example 0: the one cell (10, 20)
 * marker[4096 + 0] = 1;                                         // example 1: cells (0, 0) and (1, 0), masses 1 and 3
 * marker[4096 + 64] = 3;
 * console.log(Array.from(centerOfMass(marker, FLUID_GRID, 2)).join(" ")); // 21 41 2.5 1
 */
export function centerOfMass(marker: Float64Array, grid: FluidGrid, batch: number): Float64Array {
  const where = "centerOfMass";
  const { nx, ny, dx } = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  requireFiniteScalarField(where, "marker", marker, batch, { nx, ny, dx });
  const out = new Float64Array(2 * batch);
  for (let b = 0; b < batch; b++) {
    let mass = 0;
    let momentX = 0;
    let momentY = 0;
    for (let i = 0; i < nx; i++) {
      const cx = (i + 0.5) * dx;
      const row = (b * nx + i) * ny;
      for (let j = 0; j < ny; j++) {
        const m = marker[row + j] as number;
        mass += m;
        momentX += m * cx;
        momentY += m * (j + 0.5) * dx;
      }
    }
    if (mass === 0) {
      throw new PgValidationError(where, `the total mass Σ marker of example ${b}`, "non-zero (the centre of mass divides by it)", mass);
    }
    out[2 * b] = momentX / mass;
    out[2 * b + 1] = momentY / mass;
  }
  return out;
}
