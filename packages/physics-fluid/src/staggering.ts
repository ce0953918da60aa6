import { requirePositiveInteger } from "@pg/core";
import { requireFiniteVectorField, requireFluidGrid, type FluidGrid, type StaggeredVelocity } from "./fluid_grid";
import { requireFiniteStaggeredVelocity } from "./mac_cormack";

/**
 * Samples a cell-centred vector field on the faces of the periodic staggered grid (as PhiFlow resamples it):
 * each face takes the mean of the two cells it separates,
 * x[i, j] = ½(v^x_{i−1, j} + v^x_{i, j}) and y[i, j] = ½(v^y_{i, j−1} + v^y_{i, j}), indices wrapping periodically.
 * Linear; its transpose is {@link centeredToStaggeredAdjoint}.
 * @param v - cell-centred vector field, batch × nx × ny × 2, index ((b·nx + i)·ny + j)·2 + c; not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @returns a new {@link StaggeredVelocity} (x and y each batch × nx × ny).
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid.
 * @throws {@link PgShapeError} if `v` is not a Float64Array of length batch × nx × ny × 2.
 * @throws {@link PgNonFiniteError} naming `v` if it holds NaN or ±Infinity.
 * @example
 * import { centeredToStaggered } from "@pg/physics-fluid";
 * // a 2 × 2 grid: v^x = 1, 2 in row i = 0 and 3, 4 in row i = 1; v^y = 10 × v^x
 * const v = Float64Array.of(1, 10, 2, 20, 3, 30, 4, 40);
 * const u = centeredToStaggered(v, { nx: 2, ny: 2, dx: 1 }, 1);
 * console.log(Array.from(u.x).join(" ")); // 2 3 2 3
 * console.log(Array.from(u.y).join(" ")); // 15 15 35 35
 */
export function centeredToStaggered(v: Float64Array, grid: FluidGrid, batch: number): StaggeredVelocity {
  const where = "centeredToStaggered";
  const checked = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  requireFiniteVectorField(where, "v", v, batch, checked);
  return centresToFaces(v, checked, batch);
}

/**
 * Averages a staggered velocity to cell centres (as PhiFlow resamples it): each component is the mean of the
 * cell's two faces of that component, c^x[i, j] = ½(u^x_{i, j} + u^x_{i+1, j}) and c^y[i, j] = ½(u^y_{i, j} + u^y_{i, j+1}),
 * indices wrapping periodically. Linear; its transpose is {@link staggeredToCenteredAdjoint}.
 * @param u - the staggered velocity ({@link StaggeredVelocity}, x and y each batch × nx × ny); not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @returns a new cell-centred vector field, batch × nx × ny × 2, index ((b·nx + i)·ny + j)·2 + c.
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid, or `u` is not an object { x, y }.
 * @throws {@link PgShapeError} if `u.x` or `u.y` is not a Float64Array of length batch × nx × ny.
 * @throws {@link PgNonFiniteError} naming `u.x` or `u.y` if it holds NaN or ±Infinity.
 * @example
 * import { staggeredToCentered } from "@pg/physics-fluid";
 * const u = { x: Float64Array.of(1, 2, 3, 4), y: Float64Array.of(10, 20, 30, 40) }; // 2 × 2 faces
 * const v = staggeredToCentered(u, { nx: 2, ny: 2, dx: 1 }, 1);
 * console.log(Array.from(v).join(" ")); // 2 15 3 15 2 35 3 35
 */
export function staggeredToCentered(u: StaggeredVelocity, grid: FluidGrid, batch: number): Float64Array {
  const where = "staggeredToCentered";
  const checked = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  return facesToCentres(requireFiniteStaggeredVelocity(where, "u", u, batch, checked), checked, batch);
}

/**
 * The exact transpose of {@link centeredToStaggered}, for back-propagation: given ∂L/∂u on the faces, returns ∂L/∂v
 * on the cell centres, g^x[i, j] = ½(w^x_{i, j} + w^x_{i+1, j}) and g^y[i, j] = ½(w^y_{i, j} + w^y_{i, j+1}) (periodic),
 * so that ⟨centeredToStaggered(v), w⟩ = ⟨v, centeredToStaggeredAdjoint(w)⟩. As a matrix it equals
 * {@link staggeredToCentered}.
 * @param gradient - the face cotangent w ({@link StaggeredVelocity}, x and y each batch × nx × ny); not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @returns a new cell-centred vector field, batch × nx × ny × 2.
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid, or `gradient` is not an object { x, y }.
 * @throws {@link PgShapeError} if `gradient.x` or `gradient.y` is not a Float64Array of length batch × nx × ny.
 * @throws {@link PgNonFiniteError} naming `gradient.x` or `gradient.y` if it holds NaN or ±Infinity.
 * @example
 * import { centeredToStaggeredAdjoint } from "@pg/physics-fluid";
 * // the cotangent of the single face x[1, 0] flows back, halved, to the cells (0, 0) and (1, 0)
 * const w = { x: Float64Array.of(0, 0, 1, 0), y: new Float64Array(4) };
 * const g = centeredToStaggeredAdjoint(w, { nx: 2, ny: 2, dx: 1 }, 1);
 * console.log(Array.from(g).join(" ")); // 0.5 0 0 0 0.5 0 0 0
 */
export function centeredToStaggeredAdjoint(gradient: StaggeredVelocity, grid: FluidGrid, batch: number): Float64Array {
  const where = "centeredToStaggeredAdjoint";
  const checked = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  return facesToCentres(requireFiniteStaggeredVelocity(where, "gradient", gradient, batch, checked), checked, batch);
}

/**
 * The exact transpose of {@link staggeredToCentered}, for back-propagation: given ∂L/∂c on the cell centres, returns
 * ∂L/∂u on the faces, w^x[i, j] = ½(g^x_{i−1, j} + g^x_{i, j}) and w^y[i, j] = ½(g^y_{i, j−1} + g^y_{i, j}) (periodic),
 * so that ⟨staggeredToCentered(u), g⟩ = ⟨u, staggeredToCenteredAdjoint(g)⟩. As a matrix it equals
 * {@link centeredToStaggered}.
 * @param gradient - the cell-centred cotangent g, batch × nx × ny × 2; not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @returns a new {@link StaggeredVelocity}.
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid.
 * @throws {@link PgShapeError} if `gradient` is not a Float64Array of length batch × nx × ny × 2.
 * @throws {@link PgNonFiniteError} naming `gradient` if it holds NaN or ±Infinity.
 * @example
 * import { staggeredToCenteredAdjoint } from "@pg/physics-fluid";
 * // the y-cotangent of cell (0, 1) flows back, halved, to its faces y[0, 1] and y[0, 0] (periodic wrap)
 * const g = Float64Array.of(0, 0, 0, 1, 0, 0, 0, 0);
 * const w = staggeredToCenteredAdjoint(g, { nx: 2, ny: 2, dx: 1 }, 1);
 * console.log(Array.from(w.x).join(" "), "|", Array.from(w.y).join(" ")); // 0 0 0 0 | 0.5 0.5 0 0
 */
export function staggeredToCenteredAdjoint(gradient: Float64Array, grid: FluidGrid, batch: number): StaggeredVelocity {
  const where = "staggeredToCenteredAdjoint";
  const checked = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  requireFiniteVectorField(where, "gradient", gradient, batch, checked);
  return centresToFaces(gradient, checked, batch);
}

/**
 * Face means of a cell-centred vector field, unchecked: {@link centeredToStaggered} once its arguments are validated.
 * @internal shared with the forward run and the fluid physics' adjoint; not part of the public API.
 */
export function centresToFaces(v: Float64Array, grid: FluidGrid, batch: number): StaggeredVelocity {
  const { nx, ny } = grid;
  const x = new Float64Array(batch * nx * ny);
  const y = new Float64Array(batch * nx * ny);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nx; i++) {
      const row = (b * nx + i) * ny;
      const previousRow = (b * nx + ((i + nx - 1) % nx)) * ny;
      for (let j = 0; j < ny; j++) {
        const previousJ = (j + ny - 1) % ny;
        x[row + j] = 0.5 * ((v[2 * (previousRow + j)] as number) + (v[2 * (row + j)] as number));
        y[row + j] = 0.5 * ((v[2 * (row + previousJ) + 1] as number) + (v[2 * (row + j) + 1] as number));
      }
    }
  }
  return { x, y };
}

/**
 * Cell means of a staggered velocity, unchecked: {@link staggeredToCentered} (and, as the same matrix,
 * {@link centeredToStaggeredAdjoint}) once the arguments are validated.
 * @internal shared with the fluid physics' adjoint; not part of the public API.
 */
export function facesToCentres(u: StaggeredVelocity, grid: FluidGrid, batch: number): Float64Array {
  const { nx, ny } = grid;
  const out = new Float64Array(batch * nx * ny * 2);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < nx; i++) {
      const row = (b * nx + i) * ny;
      const nextRow = (b * nx + ((i + 1) % nx)) * ny;
      for (let j = 0; j < ny; j++) {
        const nextJ = (j + 1) % ny;
        out[2 * (row + j)] = 0.5 * ((u.x[row + j] as number) + (u.x[nextRow + j] as number));
        out[2 * (row + j) + 1] = 0.5 * ((u.y[row + j] as number) + (u.y[row + nextJ] as number));
      }
    }
  }
  return out;
}
