import * as tf from "@tensorflow/tfjs";
import { PgValidationError, backprop, batchMeanL1, physical, scheme, type Batch } from "@pg/core";
import {
  LastExamples,
  writeExperimentFigures,
  type ExperimentDefinition,
  type ExperimentSummary,
  type KeptExamples,
  type MethodPlan,
  type RunArguments,
} from "@pg/cli";
import { poissonBatch, random } from "@pg/data";
import { unet } from "@pg/nets";
import { poissonInverse, poissonPhysics, type PoissonPhysics, type PoissonWarning } from "@pg/physics-poisson";

/** The methods of Fig. 4c, in the paper's order. */
export const POISSON_METHODS = ["adam", "sgd", "pg-inverse"] as const;

/** The environment variable that picks the grid (the run contract allows no extra flag). */
export const POISSON_GRID_VARIABLE = "POISSON_GRID";

/** A grid the example runs on, with the SGD learning rate that belongs to it (SPEC §7.1, §10.2). */
export interface PoissonGrid {
  /** The `POISSON_GRID` value, e.g. "64x64". */
  readonly name: string;
  /** [nx, ny]: axis 0 = x = network height, axis 1 = y = network width. */
  readonly shape: readonly [number, number];
  /** SGD (momentum 0.9) learning rate for losses summed over the batch. */
  readonly sgdLearningRate: number;
  /** Where the grid and its SGD rate come from. */
  readonly source: string;
}

/**
 * The grids: 64 × 64 is the authors' code [C] (SGD 3e-12, whose comment reads "1e-10 diverges"), 80 × 60 the ICLR
 * paper [P] (SGD 1e-9, App. B.3). 16 × 16 exists only so that tests can train on the cpu backend in seconds; its SGD
 * rate is the 64 × 64 one, not tuned.
 */
export const POISSON_GRIDS: Readonly<Record<string, PoissonGrid>> = {
  "64x64": { name: "64x64", shape: [64, 64], sgdLearningRate: 3e-12, source: "[C] tum-pbs/SIP poisson (NeurIPS code)" },
  "80x60": { name: "80x60", shape: [80, 60], sgdLearningRate: 1e-9, source: "[P] ICLR 2022 App. B.3" },
  "16x16": { name: "16x16", shape: [16, 16], sgdLearningRate: 3e-12, source: "test-only grid (SGD rate of 64x64)" },
};

/** The default grid: the authors' code. */
export const DEFAULT_POISSON_GRID = "64x64";

/**
 * Reads the grid from the value of `POISSON_GRID` (undefined or empty → 64x64).
 * @throws {@link PgValidationError} naming `POISSON_GRID`, the accepted values and the value received.
 */
export function poissonGrid(value: string | undefined): PoissonGrid {
  const name = value === undefined || value.trim() === "" ? DEFAULT_POISSON_GRID : value.trim();
  const grid = POISSON_GRIDS[name];
  if (grid === undefined) {
    throw new PgValidationError(
      "poisson",
      POISSON_GRID_VARIABLE,
      'one of "64x64" (the authors\' code, default), "80x60" (the ICLR paper) or "16x16" (test-only)',
      value,
    );
  }
  return grid;
}

/** A Poisson batch: y* is the network input and the target; x* rides along for the x-space error. */
export interface PoissonTrainingBatch extends Batch<PoissonPhysics> {
  /** x*, batch × nx × ny. */
  readonly xTarget: Float64Array;
}

function isPoissonTrainingBatch(batch: Batch<PoissonPhysics>): batch is PoissonTrainingBatch {
  return (batch as Partial<PoissonTrainingBatch>).xTarget instanceof Float64Array;
}

/** The first examples of the most recent step, per method: what examples.png shows. */
export type PoissonExamples = KeptExamples;

/** Options of {@link poissonExperiment}. */
export interface PoissonExperimentOptions {
  /** @defaultValue the 64 × 64 grid */
  readonly grid?: PoissonGrid;
  /** Receives CG non-convergence warnings of every solve (data, forward, adjoint, inverse). @defaultValue ignored */
  readonly onWarning?: (warning: PoissonWarning) => void;
  /** How many examples of the last step to keep for the figure. @defaultValue 3 */
  readonly keptExamples?: number;
}

/** The Poisson experiment: a run-contract definition plus what the figures need afterwards. */
export interface PoissonExperiment extends ExperimentDefinition<PoissonPhysics> {
  readonly physics: PoissonPhysics;
  readonly grid: PoissonGrid;
  /** The last step's first examples of every method that ran, or undefined before any step. */
  lastExamples(): PoissonExamples | undefined;
}

/** Adam with the paper's constants (SPEC §0): β1 0.9, β2 0.999, ε 1e-8. */
function adam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

const ADAM_LEARNING_RATE = 1e-3;
const SGD_MOMENTUM = 0.9;

/**
 * Poisson's equation (paper §3.2, App. B.3, Fig. 4; SPEC §7.1): a 4-level U-net (37,697 parameters) maps y* = ∇⁻²x*
 * to x, batch 128, every loss summed over the batch. Methods: `adam` and `sgd` back-propagate ½‖P(x) − y*‖² through
 * the CG solve (adjoint = one more CG solve); `pg-inverse` trains on the proxy ½‖x − x̃‖² with x̃ = x − ∇²(P(x) − y*).
 * `loss` is the batch mean of ½‖P(x) − y*‖², `x_err` the batch mean of Σ_cells |x − x*| (x_l1 of SPEC §7.1).
 */
export function poissonExperiment(options: PoissonExperimentOptions = {}): PoissonExperiment {
  const grid = options.grid ?? poissonGrid(undefined);
  const [nx, ny] = grid.shape;
  const exampleShape = [nx, ny, 1] as const;
  const cells = nx * ny;
  const keptExamples = options.keptExamples ?? 3;
  const physics = poissonPhysics({
    shape: grid.shape,
    relativeTolerance: 1e-5,
    absoluteTolerance: 0,
    maxIterations: 1000,
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  // Filled by xError, which sees every step's prediction and batch; overwritten each step, so it ends at the last one.
  const kept = new LastExamples(keptExamples, cells);


  return {
    name: `poisson-${grid.name}`,
    defaults: { iterations: 12000, batch: 128, seed: 0, methods: POISSON_METHODS, out: "runs/poisson" },
    knownMethods: POISSON_METHODS,
    physics,
    grid,
    reduction: "sum",
    inputShape: exampleShape,
    outputShape: exampleShape,
    averageWindow: 16,
    checkpoints: [10, 30, 60, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 12000],
    network: (seed) => unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed, height: nx, width: ny }),
    batches(args: RunArguments) {
      // Re-seeded for every method: identical batches across methods (SPEC §0).
      const stream = random(args.seed);
      return (): PoissonTrainingBatch => {
        const { x: xTarget } = poissonBatch(stream, { batch: args.batch, shape: grid.shape });
        const yTarget = physics.forward(xTarget, args.batch);
        return { input: yTarget, inputShape: exampleShape, yTarget, xTarget };
      };
    },
    method(name): MethodPlan<PoissonPhysics> {
      switch (name) {
        case "adam":
          return { optimizer: adam(ADAM_LEARNING_RATE), scheme: scheme(backprop<PoissonPhysics>()) };
        case "sgd":
          return { optimizer: tf.train.momentum(grid.sgdLearningRate, SGD_MOMENTUM), scheme: scheme(backprop<PoissonPhysics>()) };
        case "pg-inverse":
          return { optimizer: adam(ADAM_LEARNING_RATE), scheme: scheme(physical({ solver: poissonInverse() })) };
        default:
          throw new PgValidationError(`poisson-${grid.name}`, "method", `one of ${POISSON_METHODS.join(", ")}`, name);
      }
    },
    xError(report, method) {
      const { batch, x } = report;
      if (!isPoissonTrainingBatch(batch)) {
        throw new PgValidationError("poisson.xError", "report.batch", "a batch made by the Poisson batch source (with xTarget)", batch);
      }
      kept.keep(method, report.metrics.step, x, batch.yTarget, batch.xTarget);
      return batchMeanL1(x, batch.xTarget, x.length / cells);
    },
    lastExamples: () => kept.get(),
  };
}

/** What {@link writePoissonFigures} wrote. */
export interface PoissonFigures {
  readonly files: readonly string[];
}

/**
 * Writes the figures of a finished run into its `--out` directory: `x_err.svg` and `loss.svg` (learning curves,
 * running average over 16 iterations, log y, Fig. 4c) and `examples.png` (Fig. 4a: one row per example, columns y*,
 * each method's prediction at its last step, x*) with `examples.json` describing the panels (the PNG has no text).
 * All x-space panels of a row share the colour range of that row's x*; y* has its own.
 * @returns the files written.
 */
export async function writePoissonFigures(experiment: PoissonExperiment, summary: ExperimentSummary): Promise<PoissonFigures> {
  return writeExperimentFigures({
    summary,
    examples: experiment.lastExamples(),
    shape: experiment.grid.shape,
    smoothing: 16,
    labels: { x_err: "x_err = Σ|x − x*| (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" },
    observationRange: "own",
  });
}
