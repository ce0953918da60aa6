import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, adam as adamOptimizer, backprop, closestName, physical, requireKnownKeys, requirePositiveInteger, scheme, type Batch, type OptionKeysCover } from "@pg/core";
import { unet } from "@pg/nets";
import {
  FLUID_GRID,
  centeredToStaggered,
  fluidInverse,
  fluidPhysics,
  makeIncompressible,
  PRESSURE_SOLVERS,
  staggeredToCentered,
  type FluidGrid,
  type FluidPhysics,
  type PressureSolver,
} from "@pg/physics-fluid";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { fluidBatch, requireGrid } from "./fluid_batch";
import { batchField } from "./batch_field";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods of Fig. 6c: Adam through the simulation and the physical gradient from the domain-specific estimator. */
export const FLUID_METHODS = ["adam", "pg-inverse"] as const;

/** Adam with the paper's constants β1 0.9, β2 0.999, ε 1e-8 and its fluid learning rate 0.005 (App. B.5). */
function adam(): tf.Optimizer {
  return adamOptimizer(0.005, 0.9, 0.999, 1e-8);
}

/** A fluid batch: the physics carries m₀; v₀* rides along for the x-space error. */
export interface FluidTrainingBatch extends Batch<FluidPhysics> {
  readonly physics: FluidPhysics;
  /** v₀*, cell-centred, batch × nx × ny × 2. */
  readonly velocityTarget: Float64Array;
}

/** v₀* of a batch made by the fluid batch source. */
function velocityTarget(batch: Batch<FluidPhysics>): Float64Array {
  return batchField("fluid", batch, "velocityTarget", "the v₀* of a batch made by the fluid batch source");
}

/**
 * The fluid experiment's x-space error, per cell (the paper plots the velocity error per cell; the authors' code logs
 * its sum over cells): the predicted v₀ staggered and projected as P's first step does (exactly, by the spectral
 * solve), minus v₀* interpolated onto the same faces, averaged back to cell centres; the mean over cells of the vector
 * length, then the mean over the batch.
 * @param prediction - v₀, cell-centred, batch × nx × ny × 2.
 * @param truth - v₀*, the same layout.
 * @param grid - the periodic grid of both fields.
 * @param batch - number of examples.
 * @returns the batch mean of the per-cell velocity error.
 * @throws {@link PgValidationError} for a grid that is not { nx, ny, dx } (integers ≥ 2, finite dx > 0) or a batch that
 * is not a positive integer; {@link PgShapeError} unless both fields are Float64Arrays of length batch × nx × ny × 2.
 * @example
 * import { velocityError } from "@pg/experiments";
 * import { uniformVelocity } from "@pg/physics-fluid";
 * const grid = { nx: 16, ny: 16, dx: 2 };
 * const truth = uniformVelocity(Float64Array.of(1, 2), grid, 1);
 * const shifted = truth.map((v, k) => v + (k % 2 === 0 ? 3 : 4));
 * console.log(velocityError(truth, truth, grid, 1), velocityError(shifted, truth, grid, 1).toFixed(6)); // 0 5.000000
 */
export function velocityError(prediction: Float64Array, truth: Float64Array, grid: FluidGrid, batch: number): number {
  const where = "velocityError";
  requireGrid(where, grid);
  requirePositiveInteger(where, "batch", batch);
  const length = batch * grid.nx * grid.ny * 2;
  for (const [parameter, field] of [["prediction", prediction], ["truth", truth]] as const) {
    if (!(field instanceof Float64Array) || field.length !== length) {
      throw new PgShapeError(where, parameter, `length batch × ${grid.nx} × ${grid.ny} × 2 = ${length} (batch = ${batch})`, field);
    }
  }
  const projected = makeIncompressible(centeredToStaggered(prediction, grid, batch), grid, batch, {
    relativeTolerance: 0,
    absoluteTolerance: 0,
    solver: "spectral",
  }).velocity;
  const faces = centeredToStaggered(truth, grid, batch);
  const difference = staggeredToCentered({ x: projected.x.map((v, k) => v - (faces.x[k] as number)), y: projected.y.map((v, k) => v - (faces.y[k] as number)) }, grid, batch);
  let sum = 0;
  for (let k = 0; k < difference.length; k += 2) sum += Math.hypot(difference[k] as number, difference[k + 1] as number);
  return sum / (batch * grid.nx * grid.ny);
}

/** The environment variable that picks the pressure solve (the run contract allows no extra flag). */
export const FLUID_PRESSURE_SOLVER_VARIABLE = "FLUID_PRESSURE_SOLVER";

/**
 * Reads the pressure solve from the value of `FLUID_PRESSURE_SOLVER` (undefined or empty → "spectral").
 * @param value - the variable's value, e.g. `process.env.FLUID_PRESSURE_SOLVER`.
 * @returns "spectral" or "cg".
 * @throws {@link PgValidationError} naming `FLUID_PRESSURE_SOLVER`, the accepted values and the value received.
 * @example
 * import { fluidPressureSolver } from "@pg/experiments";
 * console.log(fluidPressureSolver(undefined), fluidPressureSolver(" cg ")); // spectral cg
 */
export function fluidPressureSolver(value: string | undefined): PressureSolver {
  const expected = `one of ${PRESSURE_SOLVERS.join(", ")}`;
  if (value !== undefined && typeof value !== "string") throw new PgValidationError("fluid", FLUID_PRESSURE_SOLVER_VARIABLE, expected, value);
  const solver = value?.trim() || "spectral";
  const known: readonly string[] = PRESSURE_SOLVERS;
  if (!known.includes(solver)) {
    const suggestion = closestName(solver, known);
    throw new PgValidationError("fluid", FLUID_PRESSURE_SOLVER_VARIABLE, expected, solver, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  return solver as PressureSolver;
}

/** Options of {@link fluidExperiment}. */
export interface FluidExperimentOptions {
  /**
   * The grid. Only FLUID_GRID (64 × 64, dx = 2) reproduces Fig. 6; a smaller one (≥ 16 × 16 for the U-net's four
   * poolings) lets tests train on the cpu backend in seconds. @defaultValue FLUID_GRID
   */
  readonly grid?: FluidGrid;
  /**
   * The pressure solve of every projection. `'spectral'` solves the periodic Poisson equation exactly by FFT; the
   * authors' `'cg'` (atol 1e-4) gives m(2) within 3.5e-6 of it on the experiment's data but costs ~5× more.
   * @defaultValue 'spectral'
   */
  readonly pressureSolver?: PressureSolver;
}

const FLUID_OPTION_KEYS = ["grid", "pressureSolver"] as const satisfies readonly (keyof FluidExperimentOptions)[];
true satisfies OptionKeysCover<FluidExperimentOptions, typeof FLUID_OPTION_KEYS>;
/** The U-net's four poolings halve the grid four times. */
const SMALLEST_FLUID_SIZE = 16;

/** The fluid experiment's run-contract definition, with its grid and pressure solve. */
export interface FluidExperiment extends ExperimentDefinition<FluidPhysics> {
  readonly grid: FluidGrid;
  readonly pressureSolver: PressureSolver;
}

/** One line for `pg list`; the registry shows it too. */
export const FLUID_DESCRIPTION =
  "incompressible fluid, a U-net infers the initial velocity that moves a marker (paper Fig. 6): Adam through the simulation vs Adam + physical gradients";

/**
 * Incompressible fluid (paper §3.4, App. B.5, Fig. 6): a 5-level U-net (2 → 2 channels, 49,570 parameters, circular
 * padding) maps the observed markers [m₀, m_t*] to the initial velocity v₀, batch 64, Adam 0.005, every loss averaged
 * over the batch. P stages v₀, projects it and runs 8 fluid steps; the objective is the frequency loss of
 * m(2) − m_t*. `adam` back-propagates the objective through the whole simulation; `pg-inverse` trains on
 * ½‖v₀ − x̃‖² with x̃ from the domain-specific estimator (swirl strength, forward and reverse runs). Data: fresh every
 * step from {@link fluidBatch} (m₀ from thresholded noise in a box, v₀* = drift to the centre + swirl +
 * fluctuations), and m_t* = P(v₀*). `loss` is the batch mean of the objective, `x_err` the per-cell velocity error
 * ({@link velocityError}). Every batch carries its own physics (P depends on m₀), so the definition has none.
 * @param options - {@link FluidExperimentOptions}.
 * @returns a {@link FluidExperiment}, named "fluid" on FLUID_GRID and `fluid-<nx>x<ny>` on any other grid.
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested), a grid that is not
 * { nx, ny, dx } with integers nx, ny ≥ 16 and a finite dx > 0, or an unknown pressure solve (checked here, not at the
 * first forward); `batches` for an `args.batch` that is not a positive integer; `method` for an unknown method.
 * @example
 * import { random } from "@pg/data";
 * import { fluidExperiment } from "@pg/experiments";
 * const fluid = fluidExperiment({ grid: { nx: 16, ny: 16, dx: 2 }, pressureSolver: "cg" });
 * console.log(fluid.name, fluid.settings.pressureSolver, fluid.knownMethods.join(",")); // fluid-16x16 cg adam,pg-inverse
 * const args = { ...fluid.defaults, batch: 1, backend: undefined, replicas: undefined };
 * const batch = fluid.batches(args, random(0))(1);
 * console.log(batch.inputShape.join("×"), batch.velocityTarget.length); // 16×16×2 512
 */
export function fluidExperiment(options: FluidExperimentOptions = {}): FluidExperiment {
  const where = "fluidExperiment";
  const checked = requireKnownKeys(where, "options", options, FLUID_OPTION_KEYS);
  const grid = checked.grid === undefined ? FLUID_GRID : requireGrid(where, checked.grid, "options.grid");
  for (const axis of ["nx", "ny"] as const) {
    if (grid[axis] < SMALLEST_FLUID_SIZE) {
      throw new PgValidationError(where, `options.grid.${axis}`, `an integer ≥ ${SMALLEST_FLUID_SIZE} (the U-net pools four times)`, grid[axis]);
    }
  }
  const pressureSolver = checked.pressureSolver ?? "spectral";
  if (!(PRESSURE_SOLVERS as readonly unknown[]).includes(pressureSolver)) {
    const suggestion = typeof pressureSolver === "string" ? closestName(pressureSolver, PRESSURE_SOLVERS) : undefined;
    throw new PgValidationError(where, "options.pressureSolver", `one of ${PRESSURE_SOLVERS.map((name) => JSON.stringify(name)).join(", ")}`, pressureSolver, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  const cells = grid.nx * grid.ny;
  const name = grid.nx === FLUID_GRID.nx && grid.ny === FLUID_GRID.ny && grid.dx === FLUID_GRID.dx ? "fluid" : `fluid-${grid.nx}x${grid.ny}`;
  const exampleShape: readonly number[] = [grid.nx, grid.ny, 2];
  return {
    name,
    description: FLUID_DESCRIPTION,
    settings: { pressureSolver },
    grid,
    pressureSolver,
    defaults: { iterations: 20000, batch: 64, seed: 0, methods: FLUID_METHODS, out: "runs/fluid" },
    knownMethods: FLUID_METHODS,
    reduction: "mean",
    inputShape: exampleShape,
    outputShape: exampleShape,
    averageWindow: 64,
    reportIterations: [10, 50, 100, 200, 350, 500, 1000, 5000, 20000],
    figures: {
      labels: { x_err: "x_err = velocity MAE per cell (batch mean)", loss: "loss = frequency loss of m(2) − m_t* (batch mean)" },
      smoothing: 64,
      logY: true,
    },
    network: (seed) => unet({ levels: 5, inputChannels: 2, outputChannels: 2, seed, padding: "circular", height: grid.nx, width: grid.ny }),
    batches(args, stream) {
      const batch = requireBatchArgument(name, args);
      return (): FluidTrainingBatch => {
        const data = fluidBatch(stream, { batch, grid });
        const physics = fluidPhysics(data.marker, batch, { grid, pressureSolver });
        const markerTarget = physics.forward(data.velocity, batch);
        // The network sees [m₀, m_t*] as two channels per cell.
        const input = new Float64Array(batch * cells * 2);
        for (let k = 0; k < batch * cells; k++) {
          input[2 * k] = data.marker[k] as number;
          input[2 * k + 1] = markerTarget[k] as number;
        }
        return { input, inputShape: exampleShape, yTarget: markerTarget, physics, velocityTarget: data.velocity };
      };
    },
    method(method): MethodPlan<FluidPhysics> {
      requireMethodName(name, method, FLUID_METHODS);
      switch (method) {
        case "adam":
          return { optimizer: adam(), scheme: scheme(backprop<FluidPhysics>()) };
        case "pg-inverse":
          return { optimizer: adam(), scheme: scheme(physical({ solver: fluidInverse() })) };
        default:
          // requireMethodName has refused every other name.
          throw new PgValidationError(name, "method", `one of ${FLUID_METHODS.join(", ")}`, method);
      }
    },
    xError(report) {
      const { batch, x } = report;
      return velocityError(x, velocityTarget(batch), grid, x.length / (cells * 2));
    },
  };
}
