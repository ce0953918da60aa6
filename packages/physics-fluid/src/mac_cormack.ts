import { requireFinite, requireFiniteNumber, requirePositiveInteger } from "@pg/core";
import { requireFluidGrid, requireStaggeredVelocity, SAMPLE_OFFSETS, type FluidGrid, type SampleOffset, type StaggeredVelocity } from "./fluid_grid";
import { requireFiniteScalarField, requireSampleOffset, sampleIndex, sampleIndexWithBounds } from "./periodic_interpolation";

/**
 * Throws unless `velocity` is a {@link StaggeredVelocity} of batch × nx × ny per component with only finite entries.
 * @internal shared by the validators of this package; not part of the public API.
 */
export function requireFiniteStaggeredVelocity(where: string, parameter: string, velocity: unknown, batch: number, grid: FluidGrid): StaggeredVelocity {
  const v = requireStaggeredVelocity(where, parameter, velocity, batch, grid);
  requireFinite(where, "input", v.x, undefined, `parameter ${parameter}.x must be finite`);
  requireFinite(where, "input", v.y, undefined, `parameter ${parameter}.y must be finite`);
  return v;
}

/** @internal per-example scratch of {@link macCormackInto}, nx × ny each; allocated once per call, reused across examples. */
export interface MacCormackScratch {
  readonly semiLagrangian: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly forwardX: Float64Array;
  readonly forwardY: Float64Array;
}

/** @internal allocates the scratch of {@link macCormackInto} for one example of `cells` samples. */
export function macCormackScratch(cells: number): MacCormackScratch {
  return {
    semiLagrangian: new Float64Array(cells),
    lower: new Float64Array(cells),
    upper: new Float64Array(cells),
    forwardX: new Float64Array(cells),
    forwardY: new Float64Array(cells),
  };
}

/**
 * Unchecked MacCormack step for a batch of scalar fields with sample offset (ox, oy); writes into `out`
 * (distinct from `field`). All index arithmetic is in the field's index space: the point X of sample (i, j) has the
 * index coordinate (i, j), B = (i, j) − dt·v/dx and F = (i, j) + dt·v/dx.
 * @internal used by {@link macCormack}, {@link advectStaggered} and the fluid step; not part of the public API.
 */
export function macCormackInto(
  field: Float64Array,
  ox: number,
  oy: number,
  velocity: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
  out: Float64Array,
  scratch: MacCormackScratch,
): void {
  const { nx, ny, dx } = grid;
  const cells = nx * ny;
  const shift = dt / dx;
  const { semiLagrangian, lower, upper, forwardX, forwardY } = scratch;
  const vx = velocity.x;
  const vy = velocity.y;
  // Index coordinates of the field's sample (i, j) on the two face grids: i + ox − offset.x, j + oy − offset.y.
  const xOnX = ox - SAMPLE_OFFSETS.xFaces.x;
  const yOnX = oy - SAMPLE_OFFSETS.xFaces.y;
  const xOnY = ox - SAMPLE_OFFSETS.yFaces.x;
  const yOnY = oy - SAMPLE_OFFSETS.yFaces.y;
  for (let e = 0; e < batch; e++) {
    const base = e * cells;
    // Pass 1: velocity at X, semi-Lagrangian value φ̂ = φ(B) with the 2 × 2 node range around B, and F.
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        const sx = shift * sampleIndex(vx, base, nx, ny, i + xOnX, j + yOnX);
        const sy = shift * sampleIndex(vy, base, nx, ny, i + xOnY, j + yOnY);
        sampleIndexWithBounds(field, base, nx, ny, i - sx, j - sy, semiLagrangian, lower, upper, k);
        forwardX[k] = i + sx;
        forwardY[k] = j + sy;
      }
    }
    // Pass 2: φ̃ = φ̂(F), φ_new = φ̂ + ½(φ − φ̃), clamped to the node range around B.
    for (let k = 0; k < cells; k++) {
      const back = sampleIndex(semiLagrangian, 0, nx, ny, forwardX[k] as number, forwardY[k] as number);
      const hat = semiLagrangian[k] as number;
      const corrected = hat + 0.5 * ((field[base + k] as number) - back);
      const lo = lower[k] as number;
      const hi = upper[k] as number;
      out[base + k] = corrected < lo ? lo : corrected > hi ? hi : corrected;
    }
  }
}

/**
 * MacCormack advection of a batch of periodic scalar fields by a staggered velocity, exactly as PhiFlow's
 * `advect.mac_cormack`, which the authors' code calls (correction strength 1, Euler integrator). For every sample
 * point X of `field`:
 * v = velocity interpolated at X (each component bilinearly from its own face grid); B = X − dt·v, F = X + dt·v;
 * φ̂ = φ(B); φ̃ = φ̂(F), with φ̂ treated as a field on the same sample points; φ_new = φ̂ + ½(φ − φ̃), clamped to the
 * [min, max] of the 2 × 2 nodes of φ around B. Interpolation is bilinear with periodic wrap, in index space.
 * @param field - Float64Array of length batch × nx × ny, index (b·nx + i)·ny + j; finite; not modified.
 * @param offset - the sample offset of `field`: `SAMPLE_OFFSETS.centre` for the marker, `.xFaces`/`.yFaces` for a
 *   velocity component (see {@link advectStaggered}).
 * @param velocity - the advecting {@link StaggeredVelocity}, batch × nx × ny per component; finite; not modified.
 * @param dt - time step; a finite number (FLUID_DT = 0.25 in the experiment).
 * @param grid - a {@link FluidGrid}.
 * @param batch - number of examples; a positive integer.
 * @returns a new Float64Array in the layout of `field`.
 * @throws {@link PgValidationError} if `grid`, `batch`, `offset` or `dt` is invalid.
 * @throws {@link PgShapeError} if `field`, `velocity.x` or `velocity.y` is not a Float64Array of batch × nx × ny.
 * @throws {@link PgNonFiniteError} if `field` or the velocity holds NaN or ±Infinity.
 * @example
 * import { macCormack, SAMPLE_OFFSETS } from "@pg/physics-fluid";
 * const grid = { nx: 4, ny: 2, dx: 2 };
 * const marker = Float64Array.of(0, 0, 1, 1, 0, 0, 0, 0); // cells (1, 0) and (1, 1) marked
 * const velocity = { x: new Float64Array(8).fill(8), y: new Float64Array(8) }; // dt·v = 2 = dx: one cell
 * const moved = macCormack(marker, SAMPLE_OFFSETS.centre, velocity, 0.25, grid, 1);
 * console.log(Array.from(moved).join(" ")); // 0 0 0 0 1 1 0 0
 * const half = macCormack(marker, SAMPLE_OFFSETS.centre, velocity, 0.125, grid, 1); // half a cell
 * console.log(Array.from(half).join(" ")); // 0 0 0.75 0.75 0.375 0.375 0 0
 */
export function macCormack(
  field: Float64Array,
  offset: SampleOffset,
  velocity: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
): Float64Array {
  const where = "macCormack";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const f = requireFiniteScalarField(where, "field", field, b, g);
  const o = requireSampleOffset(where, "offset", offset);
  const v = requireFiniteStaggeredVelocity(where, "velocity", velocity, b, g);
  const step = requireFiniteNumber(where, "dt", dt);
  const out = new Float64Array(f.length);
  macCormackInto(f, o.x, o.y, v, step, g, b, out, macCormackScratch(g.nx * g.ny));
  return out;
}

/**
 * @internal unchecked {@link advectStaggered}: both components advected by `by`, each from its own face grid.
 */
export function advectStaggeredUnchecked(velocity: StaggeredVelocity, by: StaggeredVelocity, dt: number, grid: FluidGrid, batch: number): StaggeredVelocity {
  const scratch = macCormackScratch(grid.nx * grid.ny);
  const x = new Float64Array(velocity.x.length);
  const y = new Float64Array(velocity.y.length);
  macCormackInto(velocity.x, SAMPLE_OFFSETS.xFaces.x, SAMPLE_OFFSETS.xFaces.y, by, dt, grid, batch, x, scratch);
  macCormackInto(velocity.y, SAMPLE_OFFSETS.yFaces.x, SAMPLE_OFFSETS.yFaces.y, by, dt, grid, batch, y, scratch);
  return { x, y };
}

/**
 * MacCormack advection of a staggered velocity, component by component (the step's self-advection): `velocity.x` is advected
 * as a field on the x-faces (`SAMPLE_OFFSETS.xFaces`), `velocity.y` on the y-faces, both by the unchanged
 * `velocityToAdvectBy`. Self-advection is `advectStaggered(u, u, dt, grid, batch)`.
 * @param velocity - the {@link StaggeredVelocity} to move, batch × nx × ny per component; finite; not modified.
 * @param velocityToAdvectBy - the advecting {@link StaggeredVelocity}; finite; not modified.
 * @param dt - time step; a finite number.
 * @param grid - a {@link FluidGrid}.
 * @param batch - number of examples; a positive integer.
 * @returns a new {@link StaggeredVelocity}.
 * @throws as {@link macCormack}, naming `velocity.x`, `velocity.y`, `velocityToAdvectBy.x` or `velocityToAdvectBy.y`.
 * @example
 * import { advectStaggered } from "@pg/physics-fluid";
 * const grid = { nx: 3, ny: 2, dx: 1 };
 * const by = { x: new Float64Array(6).fill(1), y: new Float64Array(6) }; // one cell per unit time along x
 * const velocity = { x: Float64Array.of(1, 1, 2, 2, 3, 3), y: Float64Array.of(4, 4, 5, 5, 6, 6) };
 * const moved = advectStaggered(velocity, by, 1, grid, 1);
 * console.log(Array.from(moved.x).join(" "), "|", Array.from(moved.y).join(" ")); // 3 3 1 1 2 2 | 6 6 4 4 5 5
 */
export function advectStaggered(
  velocity: StaggeredVelocity,
  velocityToAdvectBy: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
): StaggeredVelocity {
  const where = "advectStaggered";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const u = requireFiniteStaggeredVelocity(where, "velocity", velocity, b, g);
  const by = requireFiniteStaggeredVelocity(where, "velocityToAdvectBy", velocityToAdvectBy, b, g);
  const step = requireFiniteNumber(where, "dt", dt);
  return advectStaggeredUnchecked(u, by, step, g, b);
}
