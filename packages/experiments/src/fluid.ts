import * as tf from "@tensorflow/tfjs";
import { PgValidationError, backprop, physical, scheme, type Batch } from "@pg/core";
import { type ExperimentDefinition, type MethodPlan, type RunArguments } from "@pg/cli";
import { fluidBatch, random } from "@pg/data";
import { unet } from "@pg/nets";
import {
  FLUID_GRID,
  centeredToStaggered,
  fluidInverse,
  fluidPhysics,
  makeIncompressible,
  staggeredToCentered,
  type FluidGrid,
  type FluidPhysics,
  type PressureSolver,
} from "@pg/physics-fluid";

/** The methods of Fig. 6c: Adam through the simulation and the physical gradient from the domain-specific estimator. */
export const FLUID_METHODS = ["adam", "pg-inverse"] as const;

/** Adam with the paper's constants (SPEC §0) and the fluid learning rate 0.005 (SPEC §7.3). */
function adam(): tf.Optimizer {
  return tf.train.adam(0.005, 0.9, 0.999, 1e-8);
}

/** A fluid batch: the physics carries m₀; v₀* rides along for the x-space error. */
export interface FluidTrainingBatch extends Batch<FluidPhysics> {
  readonly physics: FluidPhysics;
  /** v₀*, cell-centred, batch × nx × ny × 2. */
  readonly velocityTarget: Float64Array;
}

function isFluidTrainingBatch(batch: Batch<FluidPhysics>): batch is FluidTrainingBatch {
  return (batch as Partial<FluidTrainingBatch>).velocityTarget instanceof Float64Array;
}

/**
 * The x-space error of SPEC §7.3 ("gt_v0_l1", DEFAULT per cell): the predicted v₀ staggered and projected as P's first
 * step does (exactly, by the spectral solve), minus v₀* interpolated onto the same faces, averaged back to cell centres; the mean over
 * cells of the vector length, then the mean over the batch.
 */
export function velocityError(prediction: Float64Array, truth: Float64Array, grid: FluidGrid, batch: number): number {
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

/** The fluid experiment's run-contract definition. */
export interface FluidExperiment extends ExperimentDefinition<FluidPhysics> {
  readonly grid: FluidGrid;
  readonly pressureSolver: PressureSolver;
}

/**
 * Incompressible fluid (paper §3.4, App. B.5, Fig. 6; SPEC §7.3): a 5-level U-net (2 → 2 channels, 49,570 parameters,
 * circular padding) maps the observed markers [m₀, m_t*] to the initial velocity v₀, batch 64, Adam 0.005, every loss
 * averaged over the batch. P stages v₀, projects it and runs 8 fluid steps; the objective is the frequency loss of
 * m(2) − m_t*. `adam` back-propagates the objective through the whole simulation; `pg-inverse` trains on
 * ½‖v₀ − x̃‖² with x̃ from the domain-specific estimator (swirl strength, forward and reverse runs). Data: fresh every
 * step from `fluidBatch` (m₀ from thresholded noise in a box, v₀* = drift to the centre + swirl + fluctuations), and
 * m_t* = P(v₀*). `loss` is the batch mean of the objective, `x_err` the per-cell velocity error ({@link velocityError}).
 */
export function fluidExperiment(options: FluidExperimentOptions = {}): FluidExperiment {
  const grid = options.grid ?? FLUID_GRID;
  const pressureSolver = options.pressureSolver ?? "spectral";
  const cells = grid.nx * grid.ny;
  const name = grid.nx === FLUID_GRID.nx && grid.ny === FLUID_GRID.ny && grid.dx === FLUID_GRID.dx ? "fluid" : `fluid-${grid.nx}x${grid.ny}`;
  const exampleShape: readonly number[] = [grid.nx, grid.ny, 2];
  return {
    name,
    grid,
    pressureSolver,
    defaults: { iterations: 20000, batch: 64, seed: 0, methods: FLUID_METHODS, out: "runs/fluid" },
    knownMethods: FLUID_METHODS,
    reduction: "mean",
    inputShape: exampleShape,
    outputShape: exampleShape,
    averageWindow: 64,
    checkpoints: [10, 50, 100, 200, 350, 500, 1000, 5000, 20000],
    network: (seed) => unet({ levels: 5, inputChannels: 2, outputChannels: 2, seed, padding: "circular", height: grid.nx, width: grid.ny }),
    batches(args: RunArguments) {
      // Re-seeded for every method: identical batches across methods (SPEC §0).
      const stream = random(args.seed);
      return (): FluidTrainingBatch => {
        const data = fluidBatch(stream, { batch: args.batch, grid });
        const physics = fluidPhysics(data.marker, args.batch, { grid, pressureSolver });
        const markerTarget = physics.forward(data.velocity, args.batch);
        // The network sees [m₀, m_t*] as two channels per cell.
        const input = new Float64Array(args.batch * cells * 2);
        for (let k = 0; k < args.batch * cells; k++) {
          input[2 * k] = data.marker[k] as number;
          input[2 * k + 1] = markerTarget[k] as number;
        }
        return { input, inputShape: exampleShape, yTarget: markerTarget, physics, velocityTarget: data.velocity };
      };
    },
    method(method): MethodPlan<FluidPhysics> {
      switch (method) {
        case "adam":
          return { optimizer: adam(), scheme: scheme(backprop<FluidPhysics>()) };
        case "pg-inverse":
          return { optimizer: adam(), scheme: scheme(physical({ solver: fluidInverse() })) };
        default:
          throw new PgValidationError(name, "method", `one of ${FLUID_METHODS.join(", ")}`, method);
      }
    },
    xError(report) {
      const { batch, x } = report;
      if (!isFluidTrainingBatch(batch)) {
        throw new PgValidationError("fluid.xError", "report.batch", "a batch made by the fluid batch source (with velocityTarget)", batch);
      }
      return velocityError(x, batch.velocityTarget, grid, x.length / (cells * 2));
    },
  };
}
