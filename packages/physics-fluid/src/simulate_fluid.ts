import { PgValidationError, requireKnownKeys, requireOneOf, requirePositive, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { FLUID_DT, FLUID_STEPS, requireFiniteVectorField, requireFluidGrid, type FluidGrid, type StaggeredVelocity } from "./fluid_grid";
import { fluidStepUnchecked } from "./fluid_step";
import { PRESSURE_SOLVERS, makeIncompressibleUnchecked, type PressureSolver } from "./make_incompressible";
import { requireFiniteScalarField } from "./periodic_interpolation";
import { centresToFaces } from "./staggering";

/** Options of {@link simulateFluid}; the defaults are the experiment's (the authors' code). */
export interface SimulateFluidOptions {
  /** Number of fluid steps; a positive integer. @defaultValue FLUID_STEPS = 8 */
  readonly steps?: number;
  /** Time step of every step. @defaultValue FLUID_DT = 0.25 */
  readonly dt?: number;
  /** rtol = atol of the first projection of the network's velocity (PhiFlow's default solve). @defaultValue 1e-5 */
  readonly initialTolerance?: number;
  /** atol of every step's projection (rtol 0). @defaultValue 1e-4 */
  readonly stepTolerance?: number;
  /** The pressure solve of every projection: `'cg'` (as the authors) or `'spectral'` (exact, faster). @defaultValue 'cg' */
  readonly pressureSolver?: PressureSolver;
}

/** Every key of {@link SimulateFluidOptions}: anything else is refused as a misspelling. */
export const SIMULATE_FLUID_OPTION_KEYS = [
  "steps",
  "dt",
  "initialTolerance",
  "stepTolerance",
  "pressureSolver",
] as const satisfies readonly (keyof SimulateFluidOptions)[];
// A compile error here means an option of SimulateFluidOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<SimulateFluidOptions, typeof SIMULATE_FLUID_OPTION_KEYS>;

/** {@link SimulateFluidOptions} with the defaults filled in and every value checked. @internal */
export interface ResolvedSimulateFluidOptions {
  readonly steps: number;
  readonly dt: number;
  readonly initialTolerance: number;
  readonly stepTolerance: number;
  readonly pressureSolver: PressureSolver;
}

/**
 * Checks the values of {@link SimulateFluidOptions} once, where they enter (`simulateFluid`, `fluidPhysics`), naming
 * `options.<key>`; the caller has checked that `options` is an object with known keys.
 * @internal shared with the fluid physics; not part of the public API.
 */
export function resolveSimulateFluidOptions(where: string, options: SimulateFluidOptions): ResolvedSimulateFluidOptions {
  return {
    steps: requirePositiveInteger(where, "options.steps", options.steps ?? FLUID_STEPS),
    dt: requirePositive(where, "options.dt", options.dt ?? FLUID_DT),
    initialTolerance: requireTolerance(where, "options.initialTolerance", options.initialTolerance ?? 1e-5),
    stepTolerance: requireTolerance(where, "options.stepTolerance", options.stepTolerance ?? 1e-4),
    pressureSolver: requireOneOf(where, "options.pressureSolver", options.pressureSolver ?? "cg", PRESSURE_SOLVERS),
  };
}

function requireTolerance(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a finite number ≥ 0", value);
  }
  return value;
}

/** The recorded run of {@link simulateFluid}. */
export interface FluidTrajectory {
  /** steps + 1 marker frames m(0), m(dt), …, each batch × nx × ny; the last is P's output m(t = steps·dt). */
  readonly markers: readonly Float64Array[];
  /** steps + 1 staggered velocities; velocities[0] is the projected initial velocity. */
  readonly velocities: readonly StaggeredVelocity[];
  /** CG iterations per example of every projection: the initial one, then one per step (steps + 1 arrays). */
  readonly iterations: readonly Int32Array[];
  /** Number of (projection, example) pairs whose CG did not converge; 0 in a healthy run. */
  readonly unconverged: number;
}

/** A {@link FluidTrajectory} that also keeps, per step, the projected velocity before the energy rescale. */
export interface RecordedFluidTrajectory extends FluidTrajectory {
  readonly projected: readonly StaggeredVelocity[];
  readonly dt: number;
}

/**
 * The forward run of the fluid experiment's operator P (paper App. B.5): the cell-centred velocity v₀ (batch × nx × ny × 2,
 * the network's output) is staggered and projected (tolerance 1e-5), then the marker m₀ and the velocity are advanced
 * by `steps` fluid steps ({@link fluidStep}), each warm-starting its pressure solve from the previous pressure. All frames are
 * kept; P(v₀) = `markers[steps]`.
 * @param marker - m₀, cell-centred, batch × nx × ny; finite; not modified.
 * @param velocity - v₀, cell-centred, batch × nx × ny × 2 (x then y); finite; not modified.
 * @param grid - a {@link FluidGrid} (FLUID_GRID in the experiment).
 * @param batch - number of examples; a positive integer.
 * @param options - {@link SimulateFluidOptions}.
 * @returns the {@link FluidTrajectory}.
 * @throws {@link PgValidationError} for an invalid `grid` or `batch`, an unknown option (the closest known one is
 * suggested) or an option out of range (`steps` a positive integer, `dt` finite > 0, tolerances finite ≥ 0,
 * `pressureSolver` one of {@link PRESSURE_SOLVERS}).
 * @throws {@link PgShapeError} / {@link PgNonFiniteError} for a field of the wrong length or with NaN/±∞.
 * @example
 * import { FLUID_GRID, centerOfMass, simulateFluid, uniformVelocity } from "@pg/physics-fluid";
 * const cells = FLUID_GRID.nx * FLUID_GRID.ny;
 * const marker = new Float64Array(cells);
 * for (let i = 28; i < 36; i++) for (let j = 28; j < 36; j++) marker[i * FLUID_GRID.ny + j] = 1;  // a block at (64, 64)
 * // 8 × 0.25 = 2 = dx: one cell per step, eight cells in all
 * const run = simulateFluid(marker, uniformVelocity(Float64Array.of(8, 0), FLUID_GRID, 1), FLUID_GRID, 1);
 * console.log(run.markers.length, Array.from(centerOfMass(run.markers[8], FLUID_GRID, 1)).map((c) => c.toFixed(2)).join(" ")); // 9 80.00 64.00
 */
export function simulateFluid(
  marker: Float64Array,
  velocity: Float64Array,
  grid: FluidGrid,
  batch: number,
  options: SimulateFluidOptions = {},
): FluidTrajectory {
  const where = "simulateFluid";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const marker0 = requireFiniteScalarField(where, "marker", marker, b, g);
  const v0 = requireFiniteVectorField(where, "velocity", velocity, b, g);
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { steps?, dt?, initialTolerance?, stepTolerance?, pressureSolver? }", options);
  }
  requireKnownKeys(where, "options", options, SIMULATE_FLUID_OPTION_KEYS);
  const { projected: _, dt: __, ...trajectory } = runFluid(marker0, v0, g, b, resolveSimulateFluidOptions(where, options), false);
  return trajectory;
}

/**
 * {@link simulateFluid} on validated fields and resolved options; with `keepProjected` every step's projected velocity
 * (before the energy rescale) is kept for back-propagation.
 * @internal shared with the fluid physics; not part of the public API.
 */
export function runFluid(
  marker: Float64Array,
  v0: Float64Array,
  g: FluidGrid,
  b: number,
  options: ResolvedSimulateFluidOptions,
  keepProjected: boolean,
): RecordedFluidTrajectory {
  const { steps, dt, initialTolerance, pressureSolver: solver } = options;
  const stepTolerances = { relativeTolerance: 0, absoluteTolerance: options.stepTolerance, maxIterations: 1000, solver };
  const initial = makeIncompressibleUnchecked(centresToFaces(v0, g, b), g, b, {
    pressureGuess: undefined,
    relativeTolerance: initialTolerance,
    absoluteTolerance: initialTolerance,
    maxIterations: 1000,
    solver,
  });
  let m = marker;
  let u = initial.velocity;
  let pressure: Float64Array | undefined;
  const markers = [m];
  const velocities = [u];
  const projected: StaggeredVelocity[] = [];
  const iterations = [initial.iterations];
  let unconverged = initial.converged.filter((ok) => !ok).length;
  for (let step = 0; step < steps; step++) {
    const next = fluidStepUnchecked(m, u, pressure, g, b, dt, stepTolerances, keepProjected);
    m = next.marker;
    u = next.velocity;
    pressure = next.pressure;
    markers.push(m);
    velocities.push(u);
    if (next.projected !== undefined) projected.push(next.projected);
    iterations.push(next.iterations);
    unconverged += next.converged.filter((ok) => !ok).length;
  }
  return { markers, velocities, iterations, unconverged, projected, dt };
}
