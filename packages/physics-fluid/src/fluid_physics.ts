import {
  PgValidationError,
  requireBatchArray,
  requireFinite,
  requireKnownKeys,
  requireOneOf,
  requirePositiveInteger,
  type InverseSolver,
  type Physics,
  type StopReason,
  type OptionKeysCover,
} from "@pg/core";
import { FLUID_GRID, SAMPLE_OFFSETS, requireFluidGrid, requireVectorField, type FluidGrid, type StaggeredVelocity } from "./fluid_grid";
import { fluidEstimator, type FluidEstimatorOptions } from "./fluid_estimator";
import { frequencyLoss, type FrequencyLoss } from "./frequency_loss";
import { rescaleEnergyAdjoint } from "./energy_rescale";
import { advectStaggeredAdjoint, macCormackAdjoint } from "./mac_cormack_adjoint";
import { PRESSURE_SOLVERS, makeIncompressibleUnchecked, type PressureSolver } from "./make_incompressible";
import { requireFiniteScalarField } from "./periodic_interpolation";
import {
  SIMULATE_FLUID_OPTION_KEYS,
  resolveSimulateFluidOptions,
  runFluid,
  type FluidTrajectory,
  type RecordedFluidTrajectory,
  type SimulateFluidOptions,
} from "./simulate_fluid";
import { facesToCentres } from "./staggering";

/** Options of {@link fluidPhysics}. */
export interface FluidPhysicsOptions extends SimulateFluidOptions {
  /** @defaultValue FLUID_GRID (64 × 64, dx = 2) */
  readonly grid?: FluidGrid;
}

/** Every key of {@link FluidPhysicsOptions}: anything else is refused as a misspelling. */
const FLUID_PHYSICS_OPTION_KEYS = ["grid", ...SIMULATE_FLUID_OPTION_KEYS] as const satisfies readonly (keyof FluidPhysicsOptions)[];
// A compile error here means an option of FluidPhysicsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<FluidPhysicsOptions, typeof FLUID_PHYSICS_OPTION_KEYS>;

/** Options of {@link fluidInverse}: those of {@link fluidEstimator} but `forward`, which the solver takes from the physics. */
export type FluidInverseOptions = Omit<FluidEstimatorOptions, "forward">;

/** Every key of {@link FluidInverseOptions}: anything else is refused as a misspelling. */
const FLUID_INVERSE_OPTION_KEYS = ["consistentVortexPosition", "pressureSolver"] as const satisfies readonly (keyof FluidInverseOptions)[];
// A compile error here means an option of FluidInverseOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<FluidInverseOptions, typeof FLUID_INVERSE_OPTION_KEYS>;

/** The fluid experiment's P for one batch: the initial markers m₀ are part of the physics, x = v₀, y = m(t = 2). */
export interface FluidPhysics extends Physics {
  readonly grid: FluidGrid;
  /** m₀, batch × nx × ny. */
  readonly marker0: Float64Array;
  readonly batch: number;
  readonly objective: FrequencyLoss;
  /** The pressure solve of the forward runs (`options.pressureSolver`). */
  readonly pressureSolver: PressureSolver;
  /** Unconverged projections of the most recent forward run (0 when healthy). */
  readonly lastUnconverged: number;
  /** The whole forward run from x (all frames), shared with `forward`/`adjoint` at the same x. */
  trajectory(x: Float64Array, batch: number): FluidTrajectory;
}

/**
 * The fluid experiment's forward operator (paper App. B.5) as a {@link Physics} for one batch of initial markers m₀:
 * x = v₀ (cell-centred velocity, [nx, ny, 2]), P(x) = m(t = 2) ([nx, ny]) after staggering, projecting and 8 fluid
 * steps; the objective is the frequency loss (no ½, an L1 of weighted amplitudes). `adjoint` back-propagates through
 * the whole run — MacCormack with its clamps, every projection (the projector is symmetric, so its transpose is one
 * more projection, solved exactly in Fourier space), the energy rescales and the staggering; the most recent forward run is kept, so an adjoint at the
 * same x does not simulate again.
 * @param marker0 - m₀ per example, batch × nx × ny; finite.
 * @param batch - number of examples; a positive integer.
 * @param options - {@link FluidPhysicsOptions}; validated once, here (a bad `pressureSolver` is refused now, not at the
 *   first forward).
 * @returns a {@link FluidPhysics}; its `forward`/`adjoint`/`trajectory` accept exactly `batch` examples and throw
 *   {@link PgShapeError} for arrays of the wrong length and {@link PgNonFiniteError} naming `x` or `dy` for NaN/±∞.
 * @throws {@link PgValidationError} for an invalid `grid` or `batch`, an unknown option (the closest known one is
 *   suggested) or an option out of range, as for {@link simulateFluid}.
 * @throws {@link PgShapeError} / {@link PgNonFiniteError} if `marker0` is not a finite batch × nx × ny array.
 * @example
 * import { FLUID_GRID, fluidPhysics, swirlField } from "@pg/physics-fluid";
 * const cells = FLUID_GRID.nx * FLUID_GRID.ny;
 * const marker0 = new Float64Array(cells);
 * for (let i = 24; i < 32; i++) for (let j = 30; j < 38; j++) marker0[i * FLUID_GRID.ny + j] = 1;
 * const physics = fluidPhysics(marker0, 1);
 * const v0 = swirlField(Float64Array.of(1), FLUID_GRID, 1);
 * const mT = physics.forward(v0, 1);
 * const gradient = physics.adjoint(v0, physics.objective.gradient(mT, marker0, 1), 1);
 * console.log(physics.xShape.join("×"), physics.yShape.join("×"), gradient.length, gradient.some((g) => g !== 0)); // 64×64×2 64×64 8192 true
 */
export function fluidPhysics(marker0: Float64Array, batch: number, options: FluidPhysicsOptions = {}): FluidPhysics {
  const where = "fluidPhysics";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an object", options);
  requireKnownKeys(where, "options", options, FLUID_PHYSICS_OPTION_KEYS);
  const grid = requireFluidGrid(where, options.grid ?? FLUID_GRID);
  const b = requirePositiveInteger(where, "batch", batch);
  const m0 = Float64Array.from(requireFiniteScalarField(where, "marker0", marker0, b, grid));
  const resolved = resolveSimulateFluidOptions(where, options);
  const { pressureSolver } = resolved;
  const objective = frequencyLoss({ grid });
  let last: { x: Float64Array; run: RecordedFluidTrajectory } | undefined;

  const record = (at: string, x: Float64Array, n: number): RecordedFluidTrajectory => {
    if (n !== b) throw new PgValidationError(at, "batch", `${b} (the batch of m₀ this physics was made for)`, n);
    requireVectorField(at, "x", x, b, grid);
    requireFinite(at, "input", x, undefined, "parameter x must be finite");
    if (last !== undefined && sameValues(last.x, x)) return last.run;
    const run = runFluid(m0, x, grid, b, resolved, true);
    last = { x: Float64Array.from(x), run };
    return run;
  };
  // The transposed projections are solved exactly: the adjoint of the ideal projector, whatever the forward's tolerance.
  const project = (gradient: StaggeredVelocity): StaggeredVelocity =>
    makeIncompressibleUnchecked(gradient, grid, b, {
      pressureGuess: undefined,
      relativeTolerance: 0,
      absoluteTolerance: 0,
      maxIterations: 0,
      solver: "spectral",
    }).velocity;

  const physics: FluidPhysics = {
    name: `fluid(${grid.nx}×${grid.ny}, dx ${grid.dx})`,
    xShape: [grid.nx, grid.ny, 2],
    yShape: [grid.nx, grid.ny],
    grid,
    marker0: m0,
    batch: b,
    objective,
    pressureSolver,
    get lastUnconverged() {
      return last?.run.unconverged ?? 0;
    },
    trajectory(x, n) {
      return record("fluidPhysics.trajectory", x, n);
    },
    forward(x, n) {
      const run = record("fluidPhysics.forward", x, n);
      return Float64Array.from(run.markers[run.markers.length - 1] as Float64Array);
    },
    adjoint(x, dy, n) {
      const run = record("fluidPhysics.adjoint", x, n);
      requireBatchArray("fluidPhysics.adjoint", "dy", dy, b, [grid.nx, grid.ny]);
      requireFinite("fluidPhysics.adjoint", "input", dy, undefined, "parameter dy must be finite");
      const cells = grid.nx * grid.ny;
      const steps = run.projected.length;
      let markerGradient: Float64Array = Float64Array.from(dy);
      let velocityGradient: StaggeredVelocity = { x: new Float64Array(b * cells), y: new Float64Array(b * cells) };
      for (let s = steps - 1; s >= 0; s--) {
        const before = run.velocities[s] as StaggeredVelocity;
        const after = run.velocities[s + 1] as StaggeredVelocity;
        const projected = run.projected[s] as StaggeredVelocity;
        // m_{s+1} = MacCormack(m_s, u_{s+1})
        const marker = macCormackAdjoint(run.markers[s] as Float64Array, SAMPLE_OFFSETS.centre, after, run.dt, grid, b, markerGradient);
        markerGradient = marker.field;
        addInto(velocityGradient, marker.velocity);
        // u_{s+1} = rescale(projected; u_s), per component
        const rx = rescaleEnergyAdjoint(velocityGradient.x, projected.x, before.x, cells, b);
        const ry = rescaleEnergyAdjoint(velocityGradient.y, projected.y, before.y, cells, b);
        // projected = Π(advect(u_s, u_s)); Π is symmetric
        const advectedGradient = project({ x: rx.projected, y: ry.projected });
        const advection = advectStaggeredAdjoint(before, before, run.dt, grid, b, advectedGradient);
        velocityGradient = { x: rx.original, y: ry.original };
        addInto(velocityGradient, advection.velocity);
        addInto(velocityGradient, advection.velocityToAdvectBy);
      }
      // u_0 = Π(stagger(v₀)); the transpose of the staggering is the cell mean of the faces.
      return facesToCentres(project(velocityGradient), grid, b);
    },
  };
  return physics;
}

/** target += gradient, component-wise. */
function addInto(target: StaggeredVelocity, gradient: StaggeredVelocity): void {
  for (let k = 0; k < target.x.length; k++) {
    target.x[k] = (target.x[k] as number) + (gradient.x[k] as number);
    target.y[k] = (target.y[k] as number) + (gradient.y[k] as number);
  }
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/**
 * The authors' inverse-physics estimator ({@link fluidEstimator}) as an {@link InverseSolver} for
 * {@link fluidPhysics}: y* is m_t*, m₀ comes from the physics, and the forward run from x is the physics' own (kept for
 * its `forward` at the same x). One call is one estimate ("exact" per example); the loss L(x) at the starting point is
 * returned as `objective`.
 *
 * Non-finite input is a stop reason here, not an error: like every solver, an example whose `x` or `yTarget` holds
 * NaN or ±Infinity is reported `nonFinite`, with an all-NaN x̃ and objective, and the other examples are estimated as
 * usual. The physics' `forward` and {@link fluidEstimator} themselves throw instead.
 * @param options - {@link FluidInverseOptions}; validated once, here.
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested),
 *   `consistentVortexPosition` is not a boolean or `pressureSolver` is not one of {@link PRESSURE_SOLVERS}; its
 *   `solve` throws {@link PgValidationError} when the problem's physics is not a {@link FluidPhysics} or `batch` is not
 *   the physics' batch, {@link PgShapeError} for arrays of the wrong length, and the errors of {@link fluidEstimator}
 *   (e.g. a target with zero mass).
 * @example
 * import { FLUID_GRID, fluidInverse, fluidPhysics, swirlField } from "@pg/physics-fluid";
 * const cells = FLUID_GRID.nx * FLUID_GRID.ny;
 * const marker0 = new Float64Array(cells);
 * for (let i = 24; i < 32; i++) for (let j = 30; j < 38; j++) marker0[i * FLUID_GRID.ny + j] = 1;
 * const physics = fluidPhysics(marker0, 1);
 * const yTarget = physics.forward(swirlField(Float64Array.of(1), FLUID_GRID, 1), 1);
 * const result = fluidInverse().solve({ physics, x: new Float64Array(2 * cells), yTarget, batch: 1 });
 * console.log(result.x.length, result.reasons[0], result.objective[0] > 12.95); // 8192 exact true
 */
export function fluidInverse(options: FluidInverseOptions = {}): InverseSolver<FluidPhysics> {
  const where = "fluidInverse";
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { consistentVortexPosition?, pressureSolver? }", options);
  }
  requireKnownKeys(where, "options", options, FLUID_INVERSE_OPTION_KEYS);
  if (options.consistentVortexPosition !== undefined && typeof options.consistentVortexPosition !== "boolean") {
    throw new PgValidationError(where, "options.consistentVortexPosition", "a boolean", options.consistentVortexPosition);
  }
  if (options.pressureSolver !== undefined) requireOneOf(where, "options.pressureSolver", options.pressureSolver, PRESSURE_SOLVERS);
  return {
    name: "fluidInverse",
    solve(problem) {
      const at = "fluidInverse.solve";
      if (typeof problem !== "object" || problem === null) {
        throw new PgValidationError(at, "problem", "an object { physics, x, yTarget, batch }", problem);
      }
      const { physics } = problem;
      if (!isFluidPhysics(physics)) {
        throw new PgValidationError(at, "physics", "a FluidPhysics made by fluidPhysics() (it carries marker0 and grid)", physics);
      }
      const batch = requirePositiveInteger(at, "batch", problem.batch);
      if (batch !== physics.batch) {
        throw new PgValidationError(at, "batch", `${physics.batch} (the batch of m₀ the physics was made for)`, batch);
      }
      const x = requireBatchArray(at, "x", problem.x, batch, physics.xShape);
      const yTarget = requireBatchArray(at, "yTarget", problem.yTarget, batch, physics.yShape);
      // An example holding NaN/±Infinity is estimated from x = 0 and y* = m₀ (finite, with mass) and reported below.
      const xSize = x.length / batch;
      const ySize = yTarget.length / batch;
      const bad: number[] = [];
      let [xs, ys] = [x, yTarget];
      for (let e = 0; e < batch; e++) {
        if (isFiniteRange(x, e * xSize, (e + 1) * xSize) && isFiniteRange(yTarget, e * ySize, (e + 1) * ySize)) continue;
        if (bad.length === 0) [xs, ys] = [Float64Array.from(x), Float64Array.from(yTarget)];
        bad.push(e);
        xs.fill(0, e * xSize, (e + 1) * xSize);
        ys.set(physics.marker0.subarray(e * ySize, (e + 1) * ySize), e * ySize);
      }
      // The physics keeps this run, so the loss the training step logs at x costs no further simulation.
      const forward = physics.trajectory(xs, batch);
      const estimate = fluidEstimator(physics.marker0, ys, xs, physics.grid, batch, { pressureSolver: physics.pressureSolver, ...options, forward });
      const reasons: StopReason[] = new Array<StopReason>(batch).fill("exact");
      for (const e of bad) {
        estimate.x.fill(Number.NaN, e * xSize, (e + 1) * xSize);
        estimate.loss[e] = Number.NaN;
        reasons[e] = "nonFinite";
      }
      return { x: estimate.x, reasons, iterations: new Int32Array(batch).fill(1), objective: estimate.loss };
    },
  };
}

function isFluidPhysics(physics: unknown): physics is FluidPhysics {
  if (typeof physics !== "object" || physics === null) return false;
  const candidate = physics as Partial<FluidPhysics>;
  return (
    typeof candidate.trajectory === "function" &&
    candidate.marker0 instanceof Float64Array &&
    typeof candidate.batch === "number" &&
    typeof candidate.grid === "object" &&
    Array.isArray(candidate.xShape) &&
    Array.isArray(candidate.yShape)
  );
}

function isFiniteRange(array: Float64Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (!Number.isFinite(array[k] as number)) return false;
  return true;
}
