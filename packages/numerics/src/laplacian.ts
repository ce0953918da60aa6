import { requireOneOf } from "@pg/core";
import type { LinearOperator } from "./conjugate_gradient";
import { requireBatch, requireFiniteField, requireOptionsObject, requireShape, resolveSpacing } from "./grid_validation";

/** Ghost-cell rule of the Laplacian: zero ghost cells (`'dirichlet'`, Poisson) or wrap-around (`'periodic'`, fluid). */
export type LaplacianBoundary = "dirichlet" | "periodic";

const BOUNDARIES: readonly LaplacianBoundary[] = ["dirichlet", "periodic"];

/** Options of {@link laplacianOperator}: one example's grid. */
export interface LaplacianOperatorOptions {
  /** Grid size [nx, ny]; positive integers. */
  readonly shape: readonly [number, number];
  /** Cell size dx (the same on both axes); a finite number > 0. @defaultValue 1 */
  readonly spacing?: number;
  /** Ghost-cell rule; no default, because it changes every boundary value. */
  readonly boundary: LaplacianBoundary;
}

/** Options of {@link laplacian}: a batch of grids. */
export interface LaplacianOptions extends LaplacianOperatorOptions {
  /** Number of fields in the batch; a positive integer. */
  readonly batch: number;
}

/** Every key of {@link LaplacianOperatorOptions}: anything else is refused as a misspelling. */
const LAPLACIAN_OPERATOR_OPTION_KEYS = ["shape", "spacing", "boundary"] as const satisfies readonly (keyof LaplacianOperatorOptions)[];
// A compile error here means an option of LaplacianOperatorOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof LaplacianOperatorOptions, (typeof LAPLACIAN_OPERATOR_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** Every key of {@link LaplacianOptions}: anything else is refused as a misspelling. */
const LAPLACIAN_OPTION_KEYS = ["batch", "shape", "spacing", "boundary"] as const satisfies readonly (keyof LaplacianOptions)[];
// A compile error here means an option of LaplacianOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof LaplacianOptions, (typeof LAPLACIAN_OPTION_KEYS)[number]>] extends [never] ? true : false;

interface ResolvedLaplacian {
  readonly nx: number;
  readonly ny: number;
  readonly inverseSpacingSquared: number;
  readonly isPeriodic: boolean;
}

function resolveLaplacian(where: string, options: LaplacianOperatorOptions, fields: string, known: readonly string[]): ResolvedLaplacian {
  requireOptionsObject(where, options, fields, known);
  const [nx, ny] = requireShape(where, options.shape);
  const spacing = resolveSpacing(where, options.spacing);
  const boundary = requireOneOf(where, "boundary", options.boundary, BOUNDARIES);
  return { nx, ny, inverseSpacingSquared: 1 / (spacing * spacing), isPeriodic: boundary === "periodic" };
}

/**
 * The 5-point Laplacian of a batch of cell-centred scalar fields (PhiFlow's `laplace`):
 * (∇²u)_{i,j} = (u_{i+1,j} + u_{i−1,j} + u_{i,j+1} + u_{i,j−1} − 4u_{i,j}) / dx², with ghost cells 0 (`'dirichlet'`)
 * or wrapped around (`'periodic'`). The Dirichlet operator is symmetric negative definite; the periodic one is
 * symmetric negative semi-definite with the constants as its null space.
 * @param field - Float64Array of length batch × nx × ny, row-major (index (b·nx + i)·ny + j); not modified.
 * @param options - {@link LaplacianOptions}.
 * @returns a new Float64Array with the same layout, in units of field / length².
 * @throws {@link PgValidationError} if `options` is not an object or has an unknown key (the closest known one is
 * suggested), or if `batch`, `shape`, `spacing` or `boundary` is invalid.
 * @throws {@link PgShapeError} if `field` is not a Float64Array of length batch × nx × ny.
 * @throws {@link PgNonFiniteError} if `field` contains NaN or ±Infinity.
 * @example
 * import { laplacian } from "@pg/numerics";
 * const field = Float64Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0); // a unit spike at the centre of a 3 × 3 grid
 * const result = laplacian(field, { batch: 1, shape: [3, 3], boundary: "dirichlet" });
 * console.log(Array.from(result).join(" ")); // 0 1 0 1 -4 1 0 1 0
 */
export function laplacian(field: Float64Array, options: LaplacianOptions): Float64Array {
  const resolved = resolveLaplacian("laplacian", options, "{ batch, shape, spacing?, boundary }", LAPLACIAN_OPTION_KEYS);
  const batch = requireBatch("laplacian", options.batch);
  requireFiniteField("laplacian", "field", field, batch, [resolved.nx, resolved.ny]);
  const out = new Float64Array(field.length);
  const size = resolved.nx * resolved.ny;
  for (let b = 0; b < batch; b++) applyLaplacian(field, out, b * size, resolved);
  return out;
}

/**
 * The same 5-point Laplacian as {@link laplacian}, as an allocation-free {@link LinearOperator} on one example of
 * nx × ny cells, for {@link conjugateGradient}. Options are validated once, here; the returned operator does not
 * validate its arguments, because it is the inner kernel that conjugate gradient calls every iteration on arrays it
 * has checked and allocated itself (validating there would cost a pass over the grid per iteration).
 * @param options - {@link LaplacianOperatorOptions}.
 * @returns `(x, out) => void` writing ∇²x into `out`; both Float64Arrays of length nx × ny, distinct.
 * @throws {@link PgValidationError} if `options` is not an object or has an unknown key (`batch` included: the
 * operator acts on one example), or if `shape`, `spacing` or `boundary` is invalid.
 * @example
 * import { laplacianOperator } from "@pg/numerics";
 * const apply = laplacianOperator({ shape: [1, 4], spacing: 0.5, boundary: "periodic" });
 * const out = new Float64Array(4);
 * apply(Float64Array.of(1, 0, 0, 0), out, 0);
 * console.log(Array.from(out).join(" ")); // -8 4 0 4
 */
export function laplacianOperator(options: LaplacianOperatorOptions): LinearOperator {
  const resolved = resolveLaplacian("laplacianOperator", options, "{ shape, spacing?, boundary }", LAPLACIAN_OPERATOR_OPTION_KEYS);
  return (x: Float64Array, out: Float64Array): void => applyLaplacian(x, out, 0, resolved);
}

/** Writes the Laplacian of the example starting at `base` of `u` into the same cells of `out`. */
function applyLaplacian(u: Float64Array, out: Float64Array, base: number, grid: ResolvedLaplacian): void {
  const { nx, ny, inverseSpacingSquared, isPeriodic } = grid;
  const last = base + (nx - 1) * ny;
  for (let i = 0; i < nx; i++) {
    const row = base + i * ny;
    // Row offsets of the neighbours i − 1 and i + 1, or −1 for a zero ghost row.
    const previous = i > 0 ? row - ny : isPeriodic ? last : -1;
    const next = i < nx - 1 ? row + ny : isPeriodic ? base : -1;
    for (let j = 0; j < ny; j++) {
      const up = previous >= 0 ? (u[previous + j] as number) : 0;
      const down = next >= 0 ? (u[next + j] as number) : 0;
      const left = j > 0 ? (u[row + j - 1] as number) : isPeriodic ? (u[row + ny - 1] as number) : 0;
      const right = j < ny - 1 ? (u[row + j + 1] as number) : isPeriodic ? (u[row] as number) : 0;
      out[row + j] = (down + up + right + left - 4 * (u[row + j] as number)) * inverseSpacingSquared;
    }
  }
}
