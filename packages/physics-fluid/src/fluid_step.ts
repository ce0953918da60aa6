import { PgValidationError, requireFinite, requireKnownKeys, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import type { ConjugateGradientStopReason } from "@pg/numerics";
import { FLUID_DT, requireFluidGrid, SAMPLE_OFFSETS, type FluidGrid, type StaggeredVelocity } from "./fluid_grid";
import { advectStaggeredUnchecked, macCormackInto, macCormackScratch, requireFiniteStaggeredVelocity } from "./mac_cormack";
import { PRESSURE_SOLVERS, makeIncompressibleUnchecked, resolveProjectionTolerances, type PressureSolver } from "./make_incompressible";
import { requireFiniteScalarField } from "./periodic_interpolation";
import { meanSquares, rescaleEnergy } from "./energy_rescale";

/** The state one {@link fluidStep} advances. */
export interface FluidState {
  /** Cell-centred marker m, batch × nx × ny; finite. */
  readonly marker: Float64Array;
  /** Staggered velocity u, batch × nx × ny per component; finite. */
  readonly velocity: StaggeredVelocity;
  /** Warm start of the projection: the previous step's pressure, batch × nx × ny; finite. @defaultValue zeros (first step) */
  readonly pressureGuess?: Float64Array;
}

/** Options of {@link fluidStep}; the defaults are the experiment's (the authors' code). */
export interface FluidStepOptions {
  /** Time step; a finite number. @defaultValue FLUID_DT = 0.25 */
  readonly dt?: number;
  /** rtol of the projection's CG; a finite number ≥ 0. @defaultValue 0 */
  readonly relativeTolerance?: number;
  /** atol of the projection's CG; a finite number ≥ 0. @defaultValue 1e-4 */
  readonly absoluteTolerance?: number;
  /** CG iteration budget per example; a non-negative integer. @defaultValue 1000 */
  readonly maxIterations?: number;
  /** The projection's pressure solve ({@link makeIncompressible}). @defaultValue 'cg' */
  readonly pressureSolver?: PressureSolver;
}

/** Every key of {@link FluidState} and of {@link FluidStepOptions}: anything else is refused as a misspelling. */
const FLUID_STATE_KEYS = ["marker", "velocity", "pressureGuess"] as const satisfies readonly (keyof FluidState)[];
const FLUID_STEP_OPTION_KEYS = [
  "dt",
  "relativeTolerance",
  "absoluteTolerance",
  "maxIterations",
  "pressureSolver",
] as const satisfies readonly (keyof FluidStepOptions)[];
// A compile error here means a key of FluidState or FluidStepOptions is missing from its list (and would be refused).
true satisfies OptionKeysCover<FluidState, typeof FLUID_STATE_KEYS>;
true satisfies OptionKeysCover<FluidStepOptions, typeof FLUID_STEP_OPTION_KEYS>;

/** Result of {@link fluidStep}. */
export interface FluidStepResult {
  /** m' = MacCormack(m, u'), batch × nx × ny. */
  readonly marker: Float64Array;
  /** u' after advection, projection and the per-component energy rescale. */
  readonly velocity: StaggeredVelocity;
  /** The projection's pressure (zero mean per example): pass it as the next step's `pressureGuess`. */
  readonly pressure: Float64Array;
  /** CG iterations of the projection, per example. */
  readonly iterations: Int32Array;
  /** Whether the projection's CG converged, per example; false means u' is only partly divergence-free. */
  readonly converged: readonly boolean[];
  /** Why the projection's CG stopped, per example. */
  readonly reasons: readonly ConjugateGradientStopReason[];
}

/**
 * One step of the incompressible inviscid fluid of the authors' code (`physics_step`), per example:
 * 1. E₀,c = mean(u_c²) per velocity component c;
 * 2. self-advection u ← MacCormack(u, u, dt), component-wise on the faces;
 * 3. projection (u, p') ← MakeIncompressible(u) by CG (rtol 0, atol 1e-4, max 1000), warm-started from `pressureGuess`;
 * 4. u_c ← u_c · sqrt(E₀,c / E₁,c) with E₁,c = mean(u_c²) after step 3 (factor 0 if E₁,c = 0);
 * 5. m' = MacCormack(m, u', dt) with the new velocity, m cell-centred.
 * Per-component energy is therefore kept to rounding; u' is divergence-free only up to the rescale
 * (the two components are scaled by different factors; test divergence after the projection, not after the step).
 * Non-convergence of CG is reported in `converged`/`reasons`, never thrown.
 * @param state - {@link FluidState}: `marker`, `velocity` and optionally `pressureGuess`; not modified.
 * @param grid - a {@link FluidGrid} (FLUID_GRID in the experiment).
 * @param batch - number of examples; a positive integer.
 * @param options - {@link FluidStepOptions}. @defaultValue the experiment's
 * @returns a {@link FluidStepResult}.
 * @throws {@link PgValidationError} if `grid`, `batch`, `state` or an option is invalid, or `state` or `options` has an
 * unknown key (a misspelt `pressureGuess` would otherwise start cold without a word; the closest key is suggested).
 * @throws {@link PgShapeError} if `state.marker`, `state.velocity.x`/`.y` or `state.pressureGuess` is not batch × nx × ny.
 * @throws {@link PgNonFiniteError} if any of them holds NaN or ±Infinity.
 * @example
 * import { fluidStep } from "@pg/physics-fluid";
 * const grid = { nx: 8, ny: 8, dx: 2 };
 * const marker = Float64Array.from({ length: 64 }, (_, k) => (k === 27 ? 1 : 0));
 * const velocity = { x: new Float64Array(64).fill(4), y: new Float64Array(64).fill(-8) }; // (½, −1) cells per step
 * const next = fluidStep({ marker, velocity }, grid, 1);
 * console.log(next.velocity.x[0], next.velocity.y[0], next.iterations[0]); // 4 -8 0
 * console.log(next.marker.indexOf(Math.max(...next.marker)), Math.max(...next.marker)); // 26 0.5
 */
export function fluidStep(state: FluidState, grid: FluidGrid, batch: number, options: FluidStepOptions = {}): FluidStepResult {
  const where = "fluidStep";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  if (typeof state !== "object" || state === null) {
    throw new PgValidationError(where, "state", "an object { marker, velocity, pressureGuess? }", state);
  }
  requireKnownKeys(where, "state", state, FLUID_STATE_KEYS);
  const marker = requireFiniteScalarField(where, "state.marker", state.marker, b, g);
  const velocity = requireFiniteStaggeredVelocity(where, "state.velocity", state.velocity, b, g);
  const pressureGuess =
    state.pressureGuess === undefined ? undefined : requireFiniteScalarField(where, "state.pressureGuess", state.pressureGuess, b, g);
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { dt?, relativeTolerance?, absoluteTolerance?, maxIterations?, pressureSolver? }", options);
  }
  requireKnownKeys(where, "options", options, FLUID_STEP_OPTION_KEYS);
  const dt = options.dt ?? FLUID_DT;
  if (typeof dt !== "number" || !Number.isFinite(dt)) throw new PgValidationError(where, "options.dt", "a finite number", dt);
  const tolerances = resolveProjectionTolerances(where, options, { relativeTolerance: 0, absoluteTolerance: 1e-4 });
  const solver = requireOneOf(where, "options.pressureSolver", options.pressureSolver ?? "cg", PRESSURE_SOLVERS);

  const { projected: _, ...result } = fluidStepUnchecked(marker, velocity, pressureGuess, g, b, dt, { ...tolerances, solver }, false);
  return result;
}

/** What {@link fluidStepUnchecked} adds for back-propagation: the projected velocity before the energy rescale. */
export interface RecordedFluidStep extends FluidStepResult {
  readonly projected: StaggeredVelocity | undefined;
}

/**
 * {@link fluidStep} on validated arguments; with `keepProjected` it also returns a copy of the projected velocity
 * before the rescale (the gradient of the rescale needs it).
 * @internal shared with the recorded run behind the fluid physics' adjoint; not part of the public API.
 */
export function fluidStepUnchecked(
  marker: Float64Array,
  velocity: StaggeredVelocity,
  pressureGuess: Float64Array | undefined,
  g: FluidGrid,
  b: number,
  dt: number,
  tolerances: { relativeTolerance: number; absoluteTolerance: number; maxIterations: number; solver: PressureSolver },
  keepProjected: boolean,
): RecordedFluidStep {
  const where = "fluidStep";
  const cells = g.nx * g.ny;
  const energyX = new Float64Array(b);
  const energyY = new Float64Array(b);
  meanSquares(velocity.x, cells, b, energyX);
  meanSquares(velocity.y, cells, b, energyY);
  const advected = advectStaggeredUnchecked(velocity, velocity, dt, g, b);
  const projection = makeIncompressibleUnchecked(advected, g, b, { ...tolerances, pressureGuess });
  const next = projection.velocity; // fresh arrays, rescaled in place
  const projected = keepProjected ? { x: Float64Array.from(next.x), y: Float64Array.from(next.y) } : undefined;
  rescaleEnergy(next.x, cells, b, energyX);
  rescaleEnergy(next.y, cells, b, energyY);
  requireFinite(where, "physics output", next.x, undefined, "the rescaled velocity x must be finite");
  requireFinite(where, "physics output", next.y, undefined, "the rescaled velocity y must be finite");
  const nextMarker = new Float64Array(marker.length);
  macCormackInto(marker, SAMPLE_OFFSETS.centre.x, SAMPLE_OFFSETS.centre.y, next, dt, g, b, nextMarker, macCormackScratch(cells));
  return {
    marker: nextMarker,
    velocity: next,
    pressure: projection.pressure,
    iterations: projection.iterations,
    converged: projection.converged,
    reasons: projection.reasons,
    projected,
  };
}
