import { PgValidationError, requireBatchArray, requireFinite, requireKnownKeys, requirePositive, requirePositiveInteger, type OptionKeysCover } from "@pg/core";

/**
 * A periodic 2-D grid of nx × ny square cells of size dx (PhiFlow's cell-centred convention). Cell (i, j) is centred at
 * ((i + ½)·dx, (j + ½)·dx); axis 0 is x. Layouts used throughout this package:
 * - scalar cell-centred field (marker, pressure): batch × nx × ny, index (b·nx + i)·ny + j;
 * - cell-centred vector field (the network's v₀, channels x then y last, like the U-net's NHWC output):
 *   batch × nx × ny × 2, index ((b·nx + i)·ny + j)·2 + c;
 * - staggered velocity ({@link StaggeredVelocity}): two scalar-layout arrays; x[i, j] lives on the face
 *   (i·dx, (j + ½)·dx) between cells i − 1 and i, y[i, j] on the face ((i + ½)·dx, j·dx).
 */
export interface FluidGrid {
  readonly nx: number;
  readonly ny: number;
  /** Cell size, the same on both axes. */
  readonly dx: number;
}

/** A staggered (face-centred) velocity field, see {@link FluidGrid}. */
export interface StaggeredVelocity {
  /** x-components on the faces (i·dx, (j + ½)·dx), batch × nx × ny. */
  readonly x: Float64Array;
  /** y-components on the faces ((i + ½)·dx, j·dx), batch × nx × ny. */
  readonly y: Float64Array;
}

/** The fluid experiment's grid (paper App. B.5, the authors' code): 64 × 64 cells on a 128 × 128 domain, dx = 2. */
export const FLUID_GRID: FluidGrid = Object.freeze({ nx: 64, ny: 64, dx: 2 });
/** Time step of one fluid step (the authors' code). */
export const FLUID_DT = 0.25;
/** Steps of the forward operator P: TIME / DT = 2 / 0.25 (the authors' code). */
export const FLUID_STEPS = 8;

/** Where a field's samples sit inside a cell, in cells: value (i, j) is at ((i + x)·dx, (j + y)·dx). */
export interface SampleOffset {
  readonly x: number;
  readonly y: number;
}

/** Offsets of the three sample grids: cell centres and the two face grids of a staggered velocity. */
export const SAMPLE_OFFSETS = Object.freeze({
  centre: Object.freeze({ x: 0.5, y: 0.5 }),
  xFaces: Object.freeze({ x: 0, y: 0.5 }),
  yFaces: Object.freeze({ x: 0.5, y: 0 }),
} satisfies Record<string, SampleOffset>);

/** Every key of {@link FluidGrid}: anything else (`dy`, `size`) is refused as a misspelling. */
const FLUID_GRID_KEYS = ["nx", "ny", "dx"] as const satisfies readonly (keyof FluidGrid)[];
// A compile error here means a field of FluidGrid is missing from the list (and would be refused).
true satisfies OptionKeysCover<FluidGrid, typeof FLUID_GRID_KEYS>;

/**
 * Validates a grid and returns it.
 * @throws {@link PgValidationError} unless `grid` is an object { nx, ny, dx } with no other key, nx, ny integers ≥ 2
 * and dx a finite number > 0.
 */
export function requireFluidGrid(where: string, grid: unknown): FluidGrid {
  if (typeof grid !== "object" || grid === null || Array.isArray(grid)) {
    throw new PgValidationError(where, "grid", "an object { nx, ny, dx }", grid);
  }
  requireKnownKeys(where, "grid", grid, FLUID_GRID_KEYS);
  const { nx, ny, dx } = grid as Record<string, unknown>;
  for (const [name, value] of [["grid.nx", nx], ["grid.ny", ny]] as const) {
    if (requirePositiveInteger(where, name, value) < 2) throw new PgValidationError(where, name, "an integer ≥ 2", value);
  }
  requirePositive(where, "grid.dx", dx);
  return { nx: nx as number, ny: ny as number, dx: dx as number };
}

/** Throws unless `field` is a Float64Array of batch × nx × ny (a scalar or one staggered component). */
export function requireScalarField(where: string, parameter: string, field: unknown, batch: number, grid: FluidGrid): Float64Array {
  return requireBatchArray(where, parameter, field, batch, [grid.nx, grid.ny]);
}

/** Throws unless `field` is a Float64Array of batch × nx × ny × 2 (a cell-centred vector field). */
export function requireVectorField(where: string, parameter: string, field: unknown, batch: number, grid: FluidGrid): Float64Array {
  return requireBatchArray(where, parameter, field, batch, [grid.nx, grid.ny, 2]);
}

/** {@link requireVectorField}, and a PgNonFiniteError naming the parameter for a NaN or ±Infinity entry. */
export function requireFiniteVectorField(where: string, parameter: string, field: unknown, batch: number, grid: FluidGrid): Float64Array {
  const array = requireVectorField(where, parameter, field, batch, grid);
  requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
  return array;
}

/** Throws unless `velocity` is a {@link StaggeredVelocity} of batch × nx × ny per component. */
export function requireStaggeredVelocity(where: string, parameter: string, velocity: unknown, batch: number, grid: FluidGrid): StaggeredVelocity {
  if (typeof velocity !== "object" || velocity === null) {
    throw new PgValidationError(where, parameter, "a staggered velocity { x, y }", velocity);
  }
  const { x, y } = velocity as Record<string, unknown>;
  return {
    x: requireScalarField(where, `${parameter}.x`, x, batch, grid),
    y: requireScalarField(where, `${parameter}.y`, y, batch, grid),
  };
}
