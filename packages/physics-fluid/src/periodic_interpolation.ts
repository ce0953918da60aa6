import { PgShapeError, PgValidationError, requireFinite, requireKnownKeys, requirePositiveInteger } from "@pg/core";
import { requireFluidGrid, requireScalarField, type FluidGrid, type SampleOffset } from "./fluid_grid";

/** Query points of {@link interpolatePeriodic}: physical coordinates, batch × count each, example-major. */
export interface SamplePositions {
  /** x-coordinates; example b's points are px[b·count … (b + 1)·count). */
  readonly px: Float64Array;
  /** y-coordinates, same layout as `px`. */
  readonly py: Float64Array;
}

/** Result of {@link periodicNodeBounds}: per query point, the extremes of the 2 × 2 nodes around it. */
export interface PeriodicNodeBounds {
  /** min of the four surrounding node values, batch × count. */
  readonly lower: Float64Array;
  /** max of the four surrounding node values, batch × count. */
  readonly upper: Float64Array;
}

/**
 * Throws unless `offset` is a {@link SampleOffset}: an object { x, y } of finite numbers (in cells), with no other key.
 * @internal shared by the validators of this package; not part of the public API.
 */
export function requireSampleOffset(where: string, parameter: string, offset: unknown): SampleOffset {
  if (typeof offset === "object" && offset !== null && !Array.isArray(offset)) requireKnownKeys(where, parameter, offset, ["x", "y"]);
  const { x, y } = typeof offset === "object" && offset !== null ? (offset as Record<string, unknown>) : { x: undefined, y: undefined };
  const ok = typeof x === "number" && Number.isFinite(x) && typeof y === "number" && Number.isFinite(y);
  if (!ok) {
    throw new PgValidationError(where, parameter, "an object { x, y } of finite numbers in cells (e.g. SAMPLE_OFFSETS.centre)", offset);
  }
  return { x: x as number, y: y as number };
}

/**
 * Throws unless `field` is a batch × nx × ny Float64Array with only finite entries; a NaN or ±Infinity raises a
 * PgNonFiniteError naming the parameter and the first bad index.
 * @internal shared by the validators of this package; not part of the public API.
 */
export function requireFiniteScalarField(where: string, parameter: string, field: unknown, batch: number, grid: FluidGrid): Float64Array {
  const array = requireScalarField(where, parameter, field, batch, grid);
  requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
  return array;
}

/**
 * Bilinear value of one example of a periodic field at the index coordinate (sx, sy): the example occupies
 * field[base … base + nx·ny), node (i, j) at base + i·ny + j, and indices wrap around. Unchecked hot-loop kernel.
 * The cell lookup (floor, wrap, four nodes) is written out here, in {@link sampleIndexWithBounds} and in MacCormack's
 * adjoint on purpose: sharing it through a helper that fills a cell object cost 15–20 % on P's forward run and 45 % on
 * its adjoint (measured at batch 64).
 * @internal used by {@link interpolatePeriodic} and MacCormack; not part of the public API.
 */
export function sampleIndex(field: Float64Array, base: number, nx: number, ny: number, sx: number, sy: number): number {
  const fx = Math.floor(sx);
  const fy = Math.floor(sy);
  const tx = sx - fx;
  const ty = sy - fy;
  let i0 = fx % nx;
  if (i0 < 0) i0 += nx;
  let j0 = fy % ny;
  if (j0 < 0) j0 += ny;
  const i1 = i0 + 1 === nx ? 0 : i0 + 1;
  const j1 = j0 + 1 === ny ? 0 : j0 + 1;
  const r0 = base + i0 * ny;
  const r1 = base + i1 * ny;
  const f00 = field[r0 + j0] as number;
  const f01 = field[r0 + j1] as number;
  const f10 = field[r1 + j0] as number;
  const f11 = field[r1 + j1] as number;
  // Lerp form a + t(b − a): exact at nodes (t = 0) and for equal neighbours.
  const a = f00 + ty * (f01 - f00);
  const b = f10 + ty * (f11 - f10);
  return a + tx * (b - a);
}

/**
 * {@link sampleIndex} that also writes the min and max of the four surrounding nodes into lower[k] and upper[k], and
 * the interpolated value into value[k]. Unchecked hot-loop kernel.
 * @internal used by MacCormack's clamp and {@link periodicNodeBounds}; not part of the public API.
 */
export function sampleIndexWithBounds(
  field: Float64Array,
  base: number,
  nx: number,
  ny: number,
  sx: number,
  sy: number,
  value: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  k: number,
): void {
  const fx = Math.floor(sx);
  const fy = Math.floor(sy);
  const tx = sx - fx;
  const ty = sy - fy;
  let i0 = fx % nx;
  if (i0 < 0) i0 += nx;
  let j0 = fy % ny;
  if (j0 < 0) j0 += ny;
  const i1 = i0 + 1 === nx ? 0 : i0 + 1;
  const j1 = j0 + 1 === ny ? 0 : j0 + 1;
  const r0 = base + i0 * ny;
  const r1 = base + i1 * ny;
  const f00 = field[r0 + j0] as number;
  const f01 = field[r0 + j1] as number;
  const f10 = field[r1 + j0] as number;
  const f11 = field[r1 + j1] as number;
  const a = f00 + ty * (f01 - f00);
  const b = f10 + ty * (f11 - f10);
  value[k] = a + tx * (b - a);
  lower[k] = Math.min(f00, f01, f10, f11);
  upper[k] = Math.max(f00, f01, f10, f11);
}

/** Validates the shared arguments of the public query functions and returns the points per example. */
function requireQuery(
  where: string,
  field: unknown,
  grid: unknown,
  offset: unknown,
  px: unknown,
  py: unknown,
  batch: unknown,
): { field: Float64Array; grid: FluidGrid; offset: SampleOffset; px: Float64Array; py: Float64Array; batch: number; count: number } {
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const f = requireFiniteScalarField(where, "field", field, b, g);
  const o = requireSampleOffset(where, "offset", offset);
  if (!(px instanceof Float64Array) || px.length === 0 || px.length % b !== 0) {
    throw new PgShapeError(where, "px", `type Float64Array with a positive multiple of batch = ${b} entries (batch × points per example)`, px);
  }
  if (!(py instanceof Float64Array) || py.length !== px.length) {
    throw new PgShapeError(where, "py", `type Float64Array of the length of px = ${px.length}`, py);
  }
  requireFinite(where, "input", px, undefined, "parameter px must be finite");
  requireFinite(where, "input", py, undefined, "parameter py must be finite");
  return { field: f, grid: g, offset: o, px, py, batch: b, count: px.length / b };
}

/**
 * The physical positions of the samples of a field on `grid` with the given offset (as in PhiFlow): value (i, j) sits at
 * ((i + offset.x)·dx, (j + offset.y)·dx). Repeated for every example, so the result can be passed straight to
 * {@link interpolatePeriodic} as "one query point per sample point of another field".
 * @param grid - a {@link FluidGrid}.
 * @param offset - where the samples sit inside a cell, e.g. `SAMPLE_OFFSETS.centre` or `.xFaces`.
 * @param batch - number of examples; a positive integer. @defaultValue 1
 * @returns `{ px, py }`, each a new Float64Array of length batch × nx × ny in the scalar layout (b·nx + i)·ny + j.
 * @throws {@link PgValidationError} if `grid`, `offset` or `batch` is invalid.
 * @example
 * import { samplePositions, SAMPLE_OFFSETS } from "@pg/physics-fluid";
 * const { px, py } = samplePositions({ nx: 2, ny: 2, dx: 2 }, SAMPLE_OFFSETS.xFaces);
 * console.log(Array.from(px).join(" "), "|", Array.from(py).join(" ")); // 0 0 2 2 | 1 3 1 3
 */
export function samplePositions(grid: FluidGrid, offset: SampleOffset, batch = 1): SamplePositions {
  const where = "samplePositions";
  const { nx, ny, dx } = requireFluidGrid(where, grid);
  const o = requireSampleOffset(where, "offset", offset);
  const b = requirePositiveInteger(where, "batch", batch);
  const cells = nx * ny;
  const px = new Float64Array(b * cells);
  const py = new Float64Array(b * cells);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      px[i * ny + j] = (i + o.x) * dx;
      py[i * ny + j] = (j + o.y) * dx;
    }
  }
  for (let e = 1; e < b; e++) {
    px.copyWithin(e * cells, 0, cells);
    py.copyWithin(e * cells, 0, cells);
  }
  return { px, py };
}

/**
 * Bilinear interpolation of a batch of periodic scalar fields at physical points (as in PhiFlow): the samples of `field`
 * sit at ((i + offset.x)·dx, (j + offset.y)·dx), so a point p has the index coordinate p/dx − offset (p/dx − ½ for a
 * cell-centred field, `SAMPLE_OFFSETS.centre`); out-of-range indices wrap around (periodic). Exact at the nodes.
 * @param field - Float64Array of length batch × nx × ny, index (b·nx + i)·ny + j; finite; not modified.
 * @param grid - a {@link FluidGrid}.
 * @param offset - the sample offset of `field` in cells, e.g. `SAMPLE_OFFSETS.centre`, `.xFaces`, `.yFaces`.
 * @param px - x-coordinates of the query points, Float64Array of length batch × count (count ≥ 1 points per
 *   example, example-major: example b's points are px[b·count … (b + 1)·count)); finite. {@link samplePositions}
 *   gives count = nx × ny, one point per sample of a field.
 * @param py - y-coordinates, same length and layout as `px`; finite.
 * @param batch - number of examples; a positive integer.
 * @returns a new Float64Array of length batch × count: example b's field at its own points.
 * @throws {@link PgValidationError} if `grid`, `offset` or `batch` is invalid.
 * @throws {@link PgShapeError} if `field` is not batch × nx × ny, `px` is not a positive multiple of batch long, or
 *   `py` is not as long as `px`.
 * @throws {@link PgNonFiniteError} if `field`, `px` or `py` holds NaN or ±Infinity.
 * @example
 * import { interpolatePeriodic, SAMPLE_OFFSETS } from "@pg/physics-fluid";
 * const grid = { nx: 4, ny: 2, dx: 2 };
 * const field = Float64Array.of(0, 0, 10, 10, 20, 20, 30, 30); // value 10·i in cell column i
 * const px = Float64Array.of(1, 2, 4, 7.5, 9); // cell centres are at x = 1, 3, 5, 7
 * const values = interpolatePeriodic(field, grid, SAMPLE_OFFSETS.centre, px, new Float64Array(5).fill(1), 1);
 * console.log(Array.from(values).join(" ")); // 0 5 15 22.5 0
 */
export function interpolatePeriodic(
  field: Float64Array,
  grid: FluidGrid,
  offset: SampleOffset,
  px: Float64Array,
  py: Float64Array,
  batch: number,
): Float64Array {
  const q = requireQuery("interpolatePeriodic", field, grid, offset, px, py, batch);
  const { nx, ny, dx } = q.grid;
  const cells = nx * ny;
  const out = new Float64Array(q.batch * q.count);
  for (let e = 0; e < q.batch; e++) {
    const base = e * cells;
    for (let k = e * q.count; k < (e + 1) * q.count; k++) {
      out[k] = sampleIndex(q.field, base, nx, ny, (q.px[k] as number) / dx - q.offset.x, (q.py[k] as number) / dx - q.offset.y);
    }
  }
  return out;
}

/**
 * For every query point, the min and max of the 2 × 2 nodes of `field` that surround it (periodic wrap): the limits
 * of MacCormack's clamp. Same arguments and layout as {@link interpolatePeriodic}; a point exactly on a
 * node uses that node and the next ones in +x and +y.
 * @returns `{ lower, upper }`, each a new Float64Array of length batch × count.
 * @throws as {@link interpolatePeriodic}.
 * @example
 * import { periodicNodeBounds, SAMPLE_OFFSETS } from "@pg/physics-fluid";
 * const grid = { nx: 2, ny: 2, dx: 1 };
 * const field = Float64Array.of(1, 2, 3, 4); // nodes at (0.5, 0.5), (0.5, 1.5), (1.5, 0.5), (1.5, 1.5)
 * const { lower, upper } = periodicNodeBounds(field, grid, SAMPLE_OFFSETS.centre, Float64Array.of(1), Float64Array.of(1), 1);
 * console.log(lower[0], upper[0]); // 1 4
 */
export function periodicNodeBounds(
  field: Float64Array,
  grid: FluidGrid,
  offset: SampleOffset,
  px: Float64Array,
  py: Float64Array,
  batch: number,
): PeriodicNodeBounds {
  const q = requireQuery("periodicNodeBounds", field, grid, offset, px, py, batch);
  const { nx, ny, dx } = q.grid;
  const cells = nx * ny;
  const value = new Float64Array(q.batch * q.count);
  const lower = new Float64Array(value.length);
  const upper = new Float64Array(value.length);
  for (let e = 0; e < q.batch; e++) {
    const base = e * cells;
    for (let k = e * q.count; k < (e + 1) * q.count; k++) {
      const sx = (q.px[k] as number) / dx - q.offset.x;
      const sy = (q.py[k] as number) / dx - q.offset.y;
      sampleIndexWithBounds(q.field, base, nx, ny, sx, sy, value, lower, upper, k);
    }
  }
  return { lower, upper };
}
