import { PgValidationError, requireKnownKeys, requireNonNegativeInteger, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { conjugateGradient, fft2, ifft2, laplacianOperator, type ConjugateGradientStopReason, type LinearOperator } from "@pg/numerics";
import { requireFluidGrid, type FluidGrid, type StaggeredVelocity } from "./fluid_grid";
import { requireFiniteStaggeredVelocity } from "./mac_cormack";
import { requireFiniteScalarField } from "./periodic_interpolation";

/** Options of {@link makeIncompressible}: the warm start and the CG stopping rule (PhiFlow's, as the authors use them). */
export interface MakeIncompressibleOptions {
  /**
   * Initial guess of the pressure (the previous step's pressure), batch × nx × ny, cell-centred; finite.
   * @defaultValue zeros
   */
  readonly pressureGuess?: Float64Array;
  /** rtol of the CG test ‖r‖ ≤ max(rtol·‖b‖, atol); a finite number ≥ 0. The fluid step uses 0, P's first projection 1e-5. */
  readonly relativeTolerance: number;
  /** atol of the CG test; a finite number ≥ 0. The fluid step uses 1e-4, P's first projection 1e-5. */
  readonly absoluteTolerance: number;
  /** CG iteration budget per example; a non-negative integer. @defaultValue 1000 */
  readonly maxIterations?: number;
  /**
   * How the pressure equation is solved: `'cg'` as the authors do (tolerances and warm start apply), or
   * `'spectral'` — the periodic 5-point Laplacian is diagonal in Fourier space, so one FFT pair solves it exactly
   * (to rounding; tolerances and the guess are then unused, `iterations` 0). @defaultValue 'cg'
   */
  readonly solver?: PressureSolver;
}

/** Pressure solvers of {@link makeIncompressible}. */
export const PRESSURE_SOLVERS = ["cg", "spectral"] as const;
export type PressureSolver = (typeof PRESSURE_SOLVERS)[number];

/** Every key of {@link MakeIncompressibleOptions}: anything else is refused as a misspelling. */
const MAKE_INCOMPRESSIBLE_OPTION_KEYS = [
  "pressureGuess",
  "relativeTolerance",
  "absoluteTolerance",
  "maxIterations",
  "solver",
] as const satisfies readonly (keyof MakeIncompressibleOptions)[];
// A compile error here means an option of MakeIncompressibleOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<MakeIncompressibleOptions, typeof MAKE_INCOMPRESSIBLE_OPTION_KEYS>;

/** Result of {@link makeIncompressible}; non-convergence is reported here per example, never thrown. */
export interface MakeIncompressibleResult {
  /** The projected velocity, a new {@link StaggeredVelocity}. */
  readonly velocity: StaggeredVelocity;
  /** The pressure p (∇²p = div − mean(div)), cell-centred, batch × nx × ny, zero mean per example. */
  readonly pressure: Float64Array;
  /** CG iterations per example. */
  readonly iterations: Int32Array;
  /** `converged[e]` is false when CG ran out of iterations or diverged for example e: then u is only partly projected. */
  readonly converged: readonly boolean[];
  /** Why CG stopped, per example. */
  readonly reasons: readonly ConjugateGradientStopReason[];
  /** Final ‖r‖₂ of CG's (recursive) residual per example, in units of the divergence. */
  readonly residualNorms: Float64Array;
}

/** Writes the staggered periodic divergence of example e into out[base …], unchecked. */
function divergenceInto(velocity: StaggeredVelocity, grid: FluidGrid, base: number, out: Float64Array, outBase: number): void {
  const { nx, ny, dx } = grid;
  const { x, y } = velocity;
  const inverseDx = 1 / dx;
  for (let i = 0; i < nx; i++) {
    const row = base + i * ny;
    const next = base + (i + 1 === nx ? 0 : i + 1) * ny;
    for (let j = 0; j < ny; j++) {
      const up = j + 1 === ny ? 0 : j + 1;
      out[outBase + i * ny + j] =
        ((x[next + j] as number) - (x[row + j] as number)) * inverseDx + ((y[row + up] as number) - (y[row + j] as number)) * inverseDx;
    }
  }
}

/**
 * The divergence of a batch of staggered periodic velocities (forward differences, as PhiFlow):
 * div_{ij} = (x_{i+1,j} − x_{ij})/dx + (y_{i,j+1} − y_{ij})/dx, with i + 1 and j + 1 wrapping around. It lives on
 * the cell centres; its sum over a periodic grid is 0 up to rounding.
 * @param velocity - a {@link StaggeredVelocity}, batch × nx × ny per component; finite; not modified.
 * @param grid - a {@link FluidGrid}.
 * @param batch - number of examples; a positive integer.
 * @returns a new Float64Array of length batch × nx × ny (cell-centred scalar layout).
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid or `velocity` is not an object.
 * @throws {@link PgShapeError} if `velocity.x` or `velocity.y` is not a Float64Array of batch × nx × ny.
 * @throws {@link PgNonFiniteError} if the velocity holds NaN or ±Infinity.
 * @example
 * import { staggeredDivergence } from "@pg/physics-fluid";
 * const grid = { nx: 2, ny: 2, dx: 2 };
 * const velocity = { x: Float64Array.of(0, 0, 4, 4), y: new Float64Array(4) }; // outflow at x = 2, inflow at x = 0
 * console.log(Array.from(staggeredDivergence(velocity, grid, 1)).join(" ")); // 2 2 -2 -2
 */
export function staggeredDivergence(velocity: StaggeredVelocity, grid: FluidGrid, batch: number): Float64Array {
  const where = "staggeredDivergence";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const v = requireFiniteStaggeredVelocity(where, "velocity", velocity, b, g);
  const cells = g.nx * g.ny;
  const out = new Float64Array(b * cells);
  for (let e = 0; e < b; e++) divergenceInto(v, g, e * cells, out, e * cells);
  return out;
}

function requireTolerance(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a finite number ≥ 0", value);
  }
  return value;
}

/** Resolved options of {@link makeIncompressibleUnchecked}. */
export interface ResolvedProjectionOptions {
  readonly pressureGuess: Float64Array | undefined;
  /** @defaultValue 'cg' */
  readonly solver?: PressureSolver;
  readonly relativeTolerance: number;
  readonly absoluteTolerance: number;
  readonly maxIterations: number;
}

/**
 * Validates the tolerances and budget of a projection, read from `options` (missing tolerances fall back to
 * `defaults`, when given); `pressureGuess` is validated by the caller.
 * @internal shared with the fluid step; not part of the public API.
 */
export function resolveProjectionTolerances(
  where: string,
  options: { readonly relativeTolerance?: unknown; readonly absoluteTolerance?: unknown; readonly maxIterations?: unknown },
  defaults?: { readonly relativeTolerance: number; readonly absoluteTolerance: number },
): { relativeTolerance: number; absoluteTolerance: number; maxIterations: number } {
  return {
    relativeTolerance: requireTolerance(where, "options.relativeTolerance", options.relativeTolerance ?? defaults?.relativeTolerance),
    absoluteTolerance: requireTolerance(where, "options.absoluteTolerance", options.absoluteTolerance ?? defaults?.absoluteTolerance),
    maxIterations: requireNonNegativeInteger(where, "options.maxIterations", options.maxIterations ?? 1000),
  };
}

/** −∇² with periodic ghost cells on one example: symmetric positive semi-definite (constants in its null space). */
function negativePeriodicLaplacian(grid: FluidGrid): LinearOperator {
  const laplace = laplacianOperator({ shape: [grid.nx, grid.ny], spacing: grid.dx, boundary: "periodic" });
  return (x, out, example) => {
    laplace(x, out, example);
    for (let k = 0; k < out.length; k++) out[k] = -(out[k] as number);
  };
}

/**
 * Solves −∇²p = rhs (periodic 5-point Laplacian, zero-mean rhs) exactly in Fourier space: the Laplacian's eigenvalue
 * for mode (kx, ky) is (2cos(2πkx/nx) − 2 + 2cos(2πky/ny) − 2)/dx², and the mean mode is set to 0.
 */
function spectralSolve(
  rhs: Float64Array,
  grid: FluidGrid,
  batch: number,
): { x: Float64Array; iterations: Int32Array; converged: boolean[]; reasons: ConjugateGradientStopReason[]; residualNorms: Float64Array } {
  const { nx, ny, dx } = grid;
  const cells = nx * ny;
  const spectrum = fft2(rhs, new Float64Array(rhs.length), { batch, shape: [nx, ny] });
  const inverseEigen = new Float64Array(cells);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      // −∇² has eigenvalue (4 − 2cos(2πi/nx) − 2cos(2πj/ny))/dx² ≥ 0, zero only for the mean mode.
      const eigen = (4 - 2 * Math.cos((2 * Math.PI * i) / nx) - 2 * Math.cos((2 * Math.PI * j) / ny)) / (dx * dx);
      inverseEigen[i * ny + j] = i === 0 && j === 0 ? 0 : 1 / eigen;
    }
  }
  for (let k = 0; k < rhs.length; k++) {
    const scale = inverseEigen[k % cells] as number;
    spectrum.real[k] = (spectrum.real[k] as number) * scale;
    spectrum.imaginary[k] = (spectrum.imaginary[k] as number) * scale;
  }
  const x = ifft2(spectrum.real, spectrum.imaginary, { batch, shape: [nx, ny] }).real;
  return {
    x,
    iterations: new Int32Array(batch),
    converged: new Array<boolean>(batch).fill(true),
    reasons: new Array<ConjugateGradientStopReason>(batch).fill("converged"),
    residualNorms: new Float64Array(batch),
  };
}

/**
 * @internal unchecked {@link makeIncompressible}; the inputs must already be validated.
 */
export function makeIncompressibleUnchecked(
  velocity: StaggeredVelocity,
  grid: FluidGrid,
  batch: number,
  options: ResolvedProjectionOptions,
): MakeIncompressibleResult {
  const { nx, ny, dx } = grid;
  const cells = nx * ny;
  // Right-hand side of the SPD system −∇²p = −(div − mean(div)), per example.
  const rhs = new Float64Array(batch * cells);
  for (let e = 0; e < batch; e++) {
    const base = e * cells;
    divergenceInto(velocity, grid, base, rhs, base);
    let sum = 0;
    for (let k = base; k < base + cells; k++) sum += rhs[k] as number;
    const mean = sum / cells;
    for (let k = base; k < base + cells; k++) rhs[k] = mean - (rhs[k] as number);
  }
  const solution =
    options.solver === "spectral"
      ? spectralSolve(rhs, grid, batch)
      : conjugateGradient({
          apply: negativePeriodicLaplacian(grid),
          b: rhs,
          size: cells,
          batch,
          relativeTolerance: options.relativeTolerance,
          absoluteTolerance: options.absoluteTolerance,
          maxIterations: options.maxIterations,
          ...(options.pressureGuess === undefined ? {} : { initialGuess: options.pressureGuess }),
        });
  const pressure = solution.x;
  const x = new Float64Array(velocity.x.length);
  const y = new Float64Array(velocity.y.length);
  const inverseDx = 1 / dx;
  for (let e = 0; e < batch; e++) {
    const base = e * cells;
    // p is defined up to a constant: keep it zero-mean (the gradient below does not change).
    let sum = 0;
    for (let k = base; k < base + cells; k++) sum += pressure[k] as number;
    const mean = sum / cells;
    for (let k = base; k < base + cells; k++) pressure[k] = (pressure[k] as number) - mean;
    // u^x_{ij} −= (p_{ij} − p_{i−1,j})/dx on the x-faces, u^y_{ij} −= (p_{ij} − p_{i,j−1})/dx on the y-faces.
    for (let i = 0; i < nx; i++) {
      const row = base + i * ny;
      const previous = base + (i === 0 ? nx - 1 : i - 1) * ny;
      for (let j = 0; j < ny; j++) {
        const p = pressure[row + j] as number;
        const left = j === 0 ? ny - 1 : j - 1;
        x[row + j] = (velocity.x[row + j] as number) - (p - (pressure[previous + j] as number)) * inverseDx;
        y[row + j] = (velocity.y[row + j] as number) - (p - (pressure[row + left] as number)) * inverseDx;
      }
    }
  }
  return {
    velocity: { x, y },
    pressure,
    iterations: solution.iterations,
    converged: solution.converged,
    reasons: solution.reasons,
    residualNorms: solution.residualNorms,
  };
}

/**
 * Pressure projection of a batch of staggered periodic velocities (PhiFlow's `make_incompressible`): with
 * div_{ij} = (x_{i+1,j} − x_{ij})/dx + (y_{i,j+1} − y_{ij})/dx, solves ∇²p = div − mean(div) (periodic 5-point
 * Laplacian, /dx²) per example by conjugate gradient on the symmetric positive semi-definite system
 * −∇²p = −(div − mean(div)), keeps p zero-mean, and returns x_{ij} − (p_{ij} − p_{i−1,j})/dx,
 * y_{ij} − (p_{ij} − p_{i,j−1})/dx. The divergence left is mean(div) (0 up to rounding) plus CG's residual, so
 * ‖div‖₂ ≲ max(rtol·‖div‖₂, atol). Non-convergence is reported in the result (`converged`, `reasons`), never thrown.
 * @param velocity - a {@link StaggeredVelocity}, batch × nx × ny per component; finite; not modified.
 * @param grid - a {@link FluidGrid}.
 * @param batch - number of examples; a positive integer.
 * @param options - {@link MakeIncompressibleOptions}: `relativeTolerance` and `absoluteTolerance` are required.
 * @returns a {@link MakeIncompressibleResult}.
 * @throws {@link PgValidationError} if `grid` or `batch` is invalid, `options` is not an object or has an unknown key
 *   (the closest known one is suggested), a tolerance is missing, negative or not finite, `maxIterations` is not a
 *   non-negative integer, or `solver` is not one of {@link PRESSURE_SOLVERS}.
 * @throws {@link PgShapeError} if `velocity.x`, `velocity.y` or `options.pressureGuess` is not batch × nx × ny.
 * @throws {@link PgNonFiniteError} if the velocity or the pressure guess holds NaN or ±Infinity.
 * @example
 * import { makeIncompressible, staggeredDivergence } from "@pg/physics-fluid";
 * const grid = { nx: 8, ny: 8, dx: 2 };
 * const velocity = { x: Float64Array.from({ length: 64 }, (_, k) => Math.sin(k)), y: new Float64Array(64) };
 * const result = makeIncompressible(velocity, grid, 1, { relativeTolerance: 0, absoluteTolerance: 1e-10 });
 * const divergence = staggeredDivergence(result.velocity, grid, 1);
 * console.log(result.converged[0], Math.max(...divergence.map(Math.abs)) < 1e-10); // true true
 */
export function makeIncompressible(
  velocity: StaggeredVelocity,
  grid: FluidGrid,
  batch: number,
  options: MakeIncompressibleOptions,
): MakeIncompressibleResult {
  const where = "makeIncompressible";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const v = requireFiniteStaggeredVelocity(where, "velocity", velocity, b, g);
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { pressureGuess?, relativeTolerance, absoluteTolerance, maxIterations? }", options);
  }
  requireKnownKeys(where, "options", options, MAKE_INCOMPRESSIBLE_OPTION_KEYS);
  const tolerances = resolveProjectionTolerances(where, options);
  const solver = requireOneOf(where, "options.solver", options.solver ?? "cg", PRESSURE_SOLVERS);
  const pressureGuess =
    options.pressureGuess === undefined ? undefined : requireFiniteScalarField(where, "options.pressureGuess", options.pressureGuess, b, g);
  return makeIncompressibleUnchecked(v, g, b, { ...tolerances, pressureGuess, solver });
}
