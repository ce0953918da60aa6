import { PgValidationError, requireBatchArray, requireFinite, requireKnownKeys, requirePositive, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { requireFiniteVectorField, requireFluidGrid, type FluidGrid } from "./fluid_grid";

/** Radius (standard deviation of the Gaussian envelope, physical units) of the fluid experiment's vortex (the authors'). */
export const SWIRL_RADIUS = 20;
/**
 * The constant 120.5 that the authors' estimator divides by (its first step). It rounds the grid mean of
 * |d|²·e^{−|d|²/800} on the fluid grid, 120.5187 (see {@link swirlProjectionConstant}).
 */
export const SWIRL_NORMALISATION = 120.5;

/** Options of {@link swirlField} and {@link swirlProjectionConstant}. */
export interface SwirlOptions {
  /** The vortex centre c₀ in physical units. @defaultValue the domain centre (nx·dx/2, ny·dx/2), (64, 64) on FLUID_GRID */
  readonly centre?: readonly [number, number];
  /** The radius R of the envelope exp(−½|d|²/R²), physical units; finite and > 0. @defaultValue 20 */
  readonly radius?: number;
}

/** Options of {@link swirlStrength}. */
export interface SwirlStrengthOptions {
  /** The centre c₀ of the angular-momentum projection. @defaultValue the domain centre, (64, 64) on FLUID_GRID */
  readonly centre?: readonly [number, number];
  /** The divisor of the projection; finite and ≠ 0. @defaultValue 120.5 ({@link SWIRL_NORMALISATION}) */
  readonly normalisation?: number;
}

/** Every key of {@link SwirlOptions} and of {@link SwirlStrengthOptions}: anything else is refused as a misspelling. */
const SWIRL_OPTION_KEYS = ["centre", "radius"] as const satisfies readonly (keyof SwirlOptions)[];
const SWIRL_STRENGTH_OPTION_KEYS = ["centre", "normalisation"] as const satisfies readonly (keyof SwirlStrengthOptions)[];
// A compile error here means a key of SwirlOptions or SwirlStrengthOptions is missing from its list (and would be refused).
true satisfies OptionKeysCover<SwirlOptions, typeof SWIRL_OPTION_KEYS>;
true satisfies OptionKeysCover<SwirlStrengthOptions, typeof SWIRL_STRENGTH_OPTION_KEYS>;

/**
 * The vortex of the fluid experiment (in the data, and in the estimator's correction) as a cell-centred vector
 * field: at every cell centre c, with d = c − c₀ (not periodic),
 * v = ω·exp(−½|d|²/R²)·(−d_y, d_x), counter-clockwise for ω > 0.
 * @param strength - ω per example, a Float64Array of length batch; not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @param options - {@link SwirlOptions}: centre c₀ (default the domain centre) and radius R (default 20).
 * @returns a new Float64Array of batch × nx × ny × 2, index ((b·nx + i)·ny + j)·2 + c (channel x, then y).
 * @throws {@link PgValidationError} if `grid`, `batch`, `options` (an unknown key, the closest known one suggested),
 * `centre` or `radius` is invalid.
 * @throws {@link PgShapeError} if `strength` is not a Float64Array of length batch; {@link PgNonFiniteError} naming
 * `strength` if it holds NaN or ±Infinity.
 * @example
 * import { swirlField, FLUID_GRID } from "@pg/physics-fluid";
 * const v = swirlField(Float64Array.of(2), FLUID_GRID, 1);
 * const at = (i, j) => (i * 64 + j) * 2; // cell (i, j), x-channel; the centre (64, 64) is a cell corner
 * // cell (32, 32) is at (65, 65): d = (1, 1); cell (42, 31) is at (85, 63): d = (21, −1)
 * console.log(v[at(32, 32)].toFixed(6), v[at(32, 32) + 1].toFixed(6)); // -1.995006 1.995006
 * console.log(v[at(42, 31)].toFixed(6), v[at(42, 31) + 1].toFixed(6)); // 1.151018 24.171388
 */
export function swirlField(strength: Float64Array, grid: FluidGrid, batch: number, options?: SwirlOptions): Float64Array {
  const where = "swirlField";
  const { nx, ny, dx } = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  requireBatchArray(where, "strength", strength, batch, []);
  requireFinite(where, "input", strength, undefined, "parameter strength must be finite");
  const resolved = requireOptions(where, options, "{ centre?, radius? }", SWIRL_OPTION_KEYS);
  const [x0, y0] = resolveCentre(where, resolved.centre, nx, ny, dx);
  const radius = requirePositive(where, "radius", resolved.radius ?? SWIRL_RADIUS);
  const out = new Float64Array(batch * nx * ny * 2);
  const cells = nx * ny;
  for (let i = 0; i < nx; i++) {
    const dX = (i + 0.5) * dx - x0;
    for (let j = 0; j < ny; j++) {
      const dY = (j + 0.5) * dx - y0;
      const envelope = Math.exp((-0.5 * (dX * dX + dY * dY)) / (radius * radius));
      for (let b = 0; b < batch; b++) {
        const omega = strength[b] as number;
        const at = (b * cells + i * ny + j) * 2;
        out[at] = -omega * envelope * dY;
        out[at + 1] = omega * envelope * dX;
      }
    }
  }
  return out;
}

/**
 * The estimator's "strength of the current guess" (its first step), an angular-momentum projection about
 * c₀ per example: ω̂ = (1/(nx·ny))·Σ_cells [v_y·(c_x − c₀,x) − v_x·(c_y − c₀,y)] / 120.5. For v = {@link swirlField}(ω)
 * this is ω·120.5187/120.5 on the fluid grid (ω to 1.6e-4 relative); a uniform field gives 0.
 * @param v0 - cell-centred vector field, batch × nx × ny × 2; not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @param options - {@link SwirlStrengthOptions}: centre (default the domain centre) and normalisation (default 120.5).
 * @returns a new Float64Array of length batch.
 * @throws {@link PgValidationError} if `grid`, `batch`, `options` (an unknown key, the closest known one suggested),
 * `centre` or `normalisation` is invalid.
 * @throws {@link PgShapeError} if `v0` is not a Float64Array of length batch × nx × ny × 2; {@link PgNonFiniteError}
 * naming `v0` if it holds NaN or ±Infinity.
 * @example
 * import { swirlField, swirlStrength, uniformVelocity, FLUID_GRID } from "@pg/physics-fluid";
 * const omega = swirlStrength(swirlField(Float64Array.of(1.5, -0.5), FLUID_GRID, 2), FLUID_GRID, 2);
 * console.log(Array.from(omega, (w) => w.toFixed(6)).join(" ")); // 1.500233 -0.500078
 * const uniform = uniformVelocity(Float64Array.of(3, -1), FLUID_GRID, 1);
 * console.log(Math.abs(swirlStrength(uniform, FLUID_GRID, 1)[0]) < 1e-15); // true
 */
export function swirlStrength(v0: Float64Array, grid: FluidGrid, batch: number, options?: SwirlStrengthOptions): Float64Array {
  const where = "swirlStrength";
  const { nx, ny, dx } = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  requireFiniteVectorField(where, "v0", v0, batch, { nx, ny, dx });
  const resolved = requireOptions(where, options, "{ centre?, normalisation? }", SWIRL_STRENGTH_OPTION_KEYS);
  const [x0, y0] = resolveCentre(where, resolved.centre, nx, ny, dx);
  const normalisation = resolved.normalisation ?? SWIRL_NORMALISATION;
  if (typeof normalisation !== "number" || !Number.isFinite(normalisation) || normalisation === 0) {
    throw new PgValidationError(where, "normalisation", "a finite non-zero number", normalisation);
  }
  const cells = nx * ny;
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    let sum = 0;
    for (let i = 0; i < nx; i++) {
      const dX = (i + 0.5) * dx - x0;
      for (let j = 0; j < ny; j++) {
        const dY = (j + 0.5) * dx - y0;
        const at = (b * cells + i * ny + j) * 2;
        sum += (v0[at + 1] as number) * dX - (v0[at] as number) * dY;
      }
    }
    out[b] = sum / cells / normalisation;
  }
  return out;
}

/**
 * The grid mean of |d|²·exp(−½|d|²/R²) over the cell centres, d = c − c₀: what {@link swirlStrength} would have to
 * divide by to return exactly ω for a pure {@link swirlField}(ω). On the fluid grid (R = 20) it is 120.5187; the
 * authors' code uses the rounded {@link SWIRL_NORMALISATION} = 120.5.
 * @param grid - the grid ({@link FluidGrid}).
 * @param options - {@link SwirlOptions}: centre (default the domain centre) and radius (default 20).
 * @returns the mean, in (physical units)².
 * @throws {@link PgValidationError} if `grid`, `options` (an unknown key, the closest known one suggested), `centre`
 * or `radius` is invalid.
 * @example
 * import { swirlProjectionConstant, FLUID_GRID } from "@pg/physics-fluid";
 * console.log(swirlProjectionConstant(FLUID_GRID).toFixed(4)); // 120.5187
 */
export function swirlProjectionConstant(grid: FluidGrid, options?: SwirlOptions): number {
  const where = "swirlProjectionConstant";
  const { nx, ny, dx } = requireFluidGrid(where, grid);
  const resolved = requireOptions(where, options, "{ centre?, radius? }", SWIRL_OPTION_KEYS);
  const [x0, y0] = resolveCentre(where, resolved.centre, nx, ny, dx);
  const radius = requirePositive(where, "radius", resolved.radius ?? SWIRL_RADIUS);
  let sum = 0;
  for (let i = 0; i < nx; i++) {
    const dX = (i + 0.5) * dx - x0;
    for (let j = 0; j < ny; j++) {
      const dY = (j + 0.5) * dx - y0;
      const d2 = dX * dX + dY * dY;
      sum += d2 * Math.exp((-0.5 * d2) / (radius * radius));
    }
  }
  return sum / (nx * ny);
}

/**
 * A velocity that is constant over the domain, per example, as a cell-centred vector field (the uniform
 * part u_unif = (c₀ − com(m₀))/TIME of the data generation and of the estimator's correction).
 * @param u - (u_x, u_y) per example, a Float64Array of batch × 2 (example b at 2b, 2b + 1); not modified.
 * @param grid - the grid ({@link FluidGrid}).
 * @param batch - number of examples; a positive integer.
 * @returns a new Float64Array of batch × nx × ny × 2 holding u of example b in every cell of example b.
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid.
 * @throws {@link PgShapeError} if `u` is not a Float64Array of length batch × 2; {@link PgNonFiniteError} naming `u`
 * if it holds NaN or ±Infinity.
 * @example
 * import { uniformVelocity } from "@pg/physics-fluid";
 * const v = uniformVelocity(Float64Array.of(1, -2, 0.5, 0), { nx: 2, ny: 2, dx: 1 }, 2);
 * console.log(Array.from(v).join(" ")); // 1 -2 1 -2 1 -2 1 -2 0.5 0 0.5 0 0.5 0 0.5 0
 */
export function uniformVelocity(u: Float64Array, grid: FluidGrid, batch: number): Float64Array {
  const where = "uniformVelocity";
  const { nx, ny } = requireFluidGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  requireBatchArray(where, "u", u, batch, [2]);
  requireFinite(where, "input", u, undefined, "parameter u must be finite");
  const cells = nx * ny;
  const out = new Float64Array(batch * cells * 2);
  for (let b = 0; b < batch; b++) {
    const ux = u[2 * b] as number;
    const uy = u[2 * b + 1] as number;
    for (let k = b * cells; k < (b + 1) * cells; k++) {
      out[2 * k] = ux;
      out[2 * k + 1] = uy;
    }
  }
  return out;
}

/** Throws unless `options` is undefined (then `{}`) or an object with only `known` keys (internal). */
function requireOptions<T extends object>(where: string, options: T | undefined, fields: string, known: readonly (keyof T & string)[]): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", `an object ${fields}`, options);
  }
  return requireKnownKeys(where, "options", options, known);
}

/** Resolves `centre` (default the domain centre) to a pair of finite numbers (internal). */
function resolveCentre(where: string, centre: unknown, nx: number, ny: number, dx: number): readonly [number, number] {
  if (centre === undefined) return [(nx * dx) / 2, (ny * dx) / 2];
  if (!Array.isArray(centre) || centre.length !== 2 || !centre.every((c) => typeof c === "number" && Number.isFinite(c))) {
    throw new PgValidationError(where, "centre", "a pair [x, y] of finite numbers (physical units)", centre);
  }
  return [centre[0] as number, centre[1] as number];
}
