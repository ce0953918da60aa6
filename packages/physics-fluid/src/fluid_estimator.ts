import { PgValidationError, requireKnownKeys, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { centerOfMass } from "./center_of_mass";
import { FLUID_DT, FLUID_STEPS, requireFiniteVectorField, requireFluidGrid, type FluidGrid, type StaggeredVelocity } from "./fluid_grid";
import { fluidStep } from "./fluid_step";
import { frequencyLoss } from "./frequency_loss";
import { requireFiniteScalarField } from "./periodic_interpolation";
import { simulateFluid, type FluidTrajectory } from "./simulate_fluid";
import { PRESSURE_SOLVERS, type PressureSolver } from "./make_incompressible";
import { swirlField, swirlStrength, uniformVelocity } from "./swirl";

/** Total simulated time of the fluid experiment, TIME = FLUID_STEPS·FLUID_DT = 2 (paper App. B.5). */
export const FLUID_TIME = FLUID_STEPS * FLUID_DT;
/** Scale of the vortex correction: Δω = 1e-3 · mean of the nine δ samples (step 6 below; the authors' code's gain). */
export const FLUID_ESTIMATOR_GAIN = 1e-3;

/** Options of {@link fluidEstimator}. */
export interface FluidEstimatorOptions {
  /**
   * Where the reverse run's samples place the vortex after reverse step i: false (the default, the authors' code)
   * q_i = c₀ + (U/TIME)·(STEPS − 1 − i); true, the physically consistent c₀ + (U/TIME)·DT·(STEPS − 1 − i).
   * @defaultValue false
   */
  readonly consistentVortexPosition?: boolean;
  /**
   * The forward run of P from `v0Guess` with the experiment's steps, when the caller already has it (`fluidInverse`
   * takes it from the physics, which keeps its last run) — it is then not simulated again.
   * @defaultValue simulated here
   */
  readonly forward?: FluidTrajectory;
  /** Pressure solve of the forward and reverse runs. @defaultValue 'cg' */
  readonly pressureSolver?: PressureSolver;
}

/** Every key of {@link FluidEstimatorOptions}: anything else is refused as a misspelling. */
const FLUID_ESTIMATOR_OPTION_KEYS = ["consistentVortexPosition", "forward", "pressureSolver"] as const satisfies readonly (keyof FluidEstimatorOptions)[];
// A compile error here means an option of FluidEstimatorOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<FluidEstimatorOptions, typeof FLUID_ESTIMATOR_OPTION_KEYS>;

/** Result of {@link fluidEstimator}; every array is per example. */
export interface FluidEstimate {
  /** The estimate x̃ = u_unif + Swirl(ω̂ + Δω), cell-centred, batch × nx × ny × 2. */
  readonly x: Float64Array;
  /** ω̂, the swirl strength of the guess (angular-momentum projection, {@link swirlStrength}), length batch. */
  readonly strength: Float64Array;
  /** Δω = 1e-3 · mean(δ₀, …, δ₈), length batch. */
  readonly correction: Float64Array;
  /** L(v̂₀) = frequency loss of the forward run's m(t = 2) against m_t*, length batch. */
  readonly loss: Float64Array;
  /** Number of (projection, example) pairs, forward and reverse, whose CG did not converge; 0 in a healthy run. */
  readonly unconverged: number;
}

/**
 * The inverse-physics estimator x̃ = P⁻¹(m₀, m_t* | v̂₀) of the fluid experiment (the authors' code's `estimate_v0`), per
 * example, with c₀ the domain centre, U = c₀ − com(m₀) and TIME = 2:
 * 1. ω̂ = {@link swirlStrength}(v̂₀) (divisor 120.5);
 * 2. forward run P from (m₀, v̂₀) ({@link simulateFluid}), C_f[s] = com(m(s·DT)), s = 0…8, and the final velocity u(2);
 * 3. u_unif = U/TIME;
 * 4. δ₀ = cross(C_f[8] − C_r, C_r − (c₀ + U)) with C_r = com(m_t*), cross(a, b) = a_x b_y − a_y b_x;
 * 5. reverse run: 8 {@link fluidStep}s (same positive DT) from m_t*, −u(2), pressure 0; after reverse step i,
 *    δ_{i+1} = cross(C_f[7 − i] − C_r, C_r − q_i), C_r = com(marker), q_i = c₀ + (U/TIME)·(7 − i) (the
 *    `consistentVortexPosition` option multiplies by DT);
 * 6. Δω = 1e-3 · mean(δ₀, …, δ₈);
 * 7. x̃ = u_unif + Swirl(ω̂ + Δω), the vortex at c₀, fluctuations discarded.
 * @param m0 - the initial marker m₀, cell-centred, batch × nx × ny; finite, Σ m₀ ≠ 0 per example; not modified.
 * @param mT - the observed final marker m_t*, batch × nx × ny; finite, Σ m_t* ≠ 0 per example; not modified.
 * @param v0Guess - the current guess v̂₀, cell-centred, batch × nx × ny × 2 (x then y); finite; not modified.
 * @param grid - a {@link FluidGrid} (FLUID_GRID in the experiment; the constants TIME = 2 and 1e-3 assume it).
 * @param batch - number of examples; a positive integer.
 * @param options - {@link FluidEstimatorOptions}.
 * @returns the {@link FluidEstimate}.
 * @throws {@link PgValidationError} if `grid`, `batch` or `options` is invalid (an unknown key, the closest known one
 * suggested; `consistentVortexPosition` not a boolean; `pressureSolver` not one of {@link PRESSURE_SOLVERS}), or an
 * example of `m0`/`mT` has zero mass.
 * @throws {@link PgShapeError} / {@link PgNonFiniteError} for a field of the wrong length or with NaN/±∞.
 * @example
 * import { FLUID_GRID, fluidEstimator, simulateFluid, swirlField } from "@pg/physics-fluid";
 * const m0 = new Float64Array(4096);
 * for (let i = 28; i < 36; i++) for (let j = 28; j < 36; j++) m0[i * 64 + j] = 1; // a block at (64, 64): U = 0
 * const mT = simulateFluid(m0, swirlField(Float64Array.of(1), FLUID_GRID, 1), FLUID_GRID, 1).markers[8];
 * const est = fluidEstimator(m0, mT, swirlField(Float64Array.of(1), FLUID_GRID, 1), FLUID_GRID, 1);
 * console.log(est.strength[0].toFixed(6), est.x.length, est.unconverged); // 1.000155 8192 0
 */
export function fluidEstimator(
  m0: Float64Array,
  mT: Float64Array,
  v0Guess: Float64Array,
  grid: FluidGrid,
  batch: number,
  options: FluidEstimatorOptions = {},
): FluidEstimate {
  const where = "fluidEstimator";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { consistentVortexPosition?, forward?, pressureSolver? }", options);
  }
  requireKnownKeys(where, "options", options, FLUID_ESTIMATOR_OPTION_KEYS);
  const consistent = options.consistentVortexPosition ?? false;
  if (typeof consistent !== "boolean") {
    throw new PgValidationError(where, "options.consistentVortexPosition", "a boolean", consistent);
  }
  const pressureSolver = requireOneOf(where, "options.pressureSolver", options.pressureSolver ?? "cg", PRESSURE_SOLVERS);
  requireFiniteScalarField(where, "m0", m0, b, g);
  requireFiniteScalarField(where, "mT", mT, b, g);
  requireFiniteVectorField(where, "v0Guess", v0Guess, b, g);
  requireMass(where, "m0", m0, b, g);
  requireMass(where, "mT", mT, b, g);

  const x0 = (g.nx * g.dx) / 2;
  const y0 = (g.ny * g.dx) / 2;
  // 1. strength of the current guess
  const strength = swirlStrength(v0Guess, g, b);
  // 2. forward run
  const given: unknown = options.forward;
  if (given !== undefined) {
    const { markers, velocities } = typeof given === "object" && given !== null ? (given as Partial<FluidTrajectory>) : {};
    if (!Array.isArray(markers) || !Array.isArray(velocities) || markers.length !== FLUID_STEPS + 1 || velocities.length !== FLUID_STEPS + 1) {
      const frames = Array.isArray(markers) ? markers.length : given;
      throw new PgValidationError(where, "options.forward", `a run of ${FLUID_STEPS} steps (${FLUID_STEPS + 1} frames, from simulateFluid)`, frames);
    }
  }
  const forward = options.forward ?? simulateFluid(m0, v0Guess, g, b, { pressureSolver });
  const centres = forward.markers.map((m) => centerOfMass(m, g, b));
  const loss = frequencyLoss({ grid: g }).value(forward.markers[FLUID_STEPS] as Float64Array, mT, b);
  // 3. U = c₀ − com(m₀), u_unif = U/TIME
  const com0 = centres[0] as Float64Array;
  const shift = new Float64Array(2 * b);
  const uniform = new Float64Array(2 * b);
  for (let e = 0; e < b; e++) {
    shift[2 * e] = x0 - (com0[2 * e] as number);
    shift[2 * e + 1] = y0 - (com0[2 * e + 1] as number);
    uniform[2 * e] = (shift[2 * e] as number) / FLUID_TIME;
    uniform[2 * e + 1] = (shift[2 * e + 1] as number) / FLUID_TIME;
  }
  const sums = new Float64Array(b);
  /** δ = cross(C_f − C_r, C_r − q) per example, accumulated into sums; q = c₀ + factor·U. */
  const accumulate = (forwardCentre: Float64Array, reverseCentre: Float64Array, factor: number): void => {
    for (let e = 0; e < b; e++) {
      const rx = reverseCentre[2 * e] as number;
      const ry = reverseCentre[2 * e + 1] as number;
      const ax = (forwardCentre[2 * e] as number) - rx;
      const ay = (forwardCentre[2 * e + 1] as number) - ry;
      const bx = rx - (x0 + factor * (shift[2 * e] as number));
      const by = ry - (y0 + factor * (shift[2 * e + 1] as number));
      sums[e] = (sums[e] as number) + ax * by - ay * bx;
    }
  };
  // 4. final-time sample, vortex at c₀ + U
  accumulate(centres[FLUID_STEPS] as Float64Array, centerOfMass(mT, g, b), 1);
  // 5. reverse run from (m_t*, −u(2), p = 0)
  const last = forward.velocities[FLUID_STEPS];
  if (last === undefined) throw new Error("fluidEstimator: internal error, missing final velocity");
  let state: { marker: Float64Array; velocity: StaggeredVelocity; pressureGuess: Float64Array | undefined } = {
    marker: mT,
    velocity: { x: last.x.map((v) => -v), y: last.y.map((v) => -v) },
    pressureGuess: undefined,
  };
  let unconverged = forward.unconverged;
  for (let i = 0; i < FLUID_STEPS; i++) {
    const next = fluidStep(
      state.pressureGuess === undefined
        ? { marker: state.marker, velocity: state.velocity }
        : { marker: state.marker, velocity: state.velocity, pressureGuess: state.pressureGuess },
      g,
      b,
      { dt: FLUID_DT, pressureSolver },
    );
    unconverged += next.converged.filter((ok) => !ok).length;
    state = { marker: next.marker, velocity: next.velocity, pressureGuess: next.pressure };
    const factor = ((consistent ? FLUID_DT : 1) * (FLUID_STEPS - 1 - i)) / FLUID_TIME;
    accumulate(centres[FLUID_STEPS - 1 - i] as Float64Array, centerOfMass(next.marker, g, b), factor);
  }
  // 6. Δω, 7. x̃ = u_unif + Swirl(ω̂ + Δω)
  const correction = new Float64Array(b);
  const total = new Float64Array(b);
  for (let e = 0; e < b; e++) {
    correction[e] = (FLUID_ESTIMATOR_GAIN * (sums[e] as number)) / (FLUID_STEPS + 1);
    total[e] = (strength[e] as number) + (correction[e] as number);
  }
  const x = swirlField(total, g, b);
  const base = uniformVelocity(uniform, g, b);
  for (let k = 0; k < x.length; k++) x[k] = (x[k] as number) + (base[k] as number);
  return { x, strength, correction, loss, unconverged };
}

/** Throws unless every example of the marker has non-zero total mass (the centre of mass divides by it) (internal). */
function requireMass(where: string, parameter: string, marker: Float64Array, batch: number, grid: FluidGrid): void {
  const cells = grid.nx * grid.ny;
  for (let e = 0; e < batch; e++) {
    let mass = 0;
    for (let k = e * cells; k < (e + 1) * cells; k++) mass += marker[k] as number;
    if (mass === 0) {
      throw new PgValidationError(where, `${parameter} (example ${e})`, "a field with non-zero total mass", mass);
    }
  }
}
