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
import { heatRectangles, random } from "@pg/data";
import { unet } from "@pg/nets";
import { heatInverse, heatPhysics, meanFix, type HeatPhysics } from "@pg/physics-heat";
import { lbfgsb } from "@pg/solvers";

/** The methods of Fig. 5c, in the paper's order. */
export const HEAT_METHODS = ["adam", "pg-inverse", "pg-lbfgsb"] as const;

/** The grid of the paper: 64 × 64 unit cells, periodic (SPEC §7.2). */
export const HEAT_SHAPE: readonly [number, number] = [64, 64];

/** Adam with the paper's constants (SPEC §0): β1 0.9, β2 0.999, ε 1e-8; lr 1e-3 for every heat method (SPEC §7.2). */
function adam(): tf.Optimizer {
  return tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
}

/** L-BFGS-B iterations per training step of "Adam + PG (L-BFGS-B)" ([P] Fig. 5c; SPEC §7.2, §10.9). */
const LBFGSB_ITERATIONS = 32;
/** scipy's default history (maxcor); the tolerances are scipy's defaults too (gtol 1e-5, ftol 2.2e-9). */
const LBFGSB_HISTORY = 10;

/** A heat batch: y* is the network input and the target; x* rides along for the x-space error and the figure. */
export interface HeatTrainingBatch extends Batch<HeatPhysics> {
  /** x*, batch × nx × ny. */
  readonly xTarget: Float64Array;
}

function isHeatTrainingBatch(batch: Batch<HeatPhysics>): batch is HeatTrainingBatch {
  return (batch as Partial<HeatTrainingBatch>).xTarget instanceof Float64Array;
}

/** The first examples of the most recent step, per method: what examples.png shows (Fig. 5a). */
export type HeatExamples = KeptExamples;

/** Options of {@link heatExperiment}. */
export interface HeatExperimentOptions {
  /**
   * Grid [nx, ny] (dx = 1). Only the paper's 64 × 64 reproduces Fig. 5; smaller grids (≥ 8 × 8, for the U-net's three
   * poolings) exist so that tests can train on the slow cpu backend in seconds. @defaultValue [64, 64]
   */
  readonly shape?: readonly [number, number];
  /** How many examples of the last step to keep for the figure. @defaultValue 3 */
  readonly keptExamples?: number;
}

/** The heat experiment: a run-contract definition plus what the figures need afterwards. */
export interface HeatExperiment extends ExperimentDefinition<HeatPhysics> {
  readonly physics: HeatPhysics;
  /** [nx, ny]. */
  readonly shape: readonly [number, number];
  /** The last step's first examples of every method that ran, or undefined before any step. */
  lastExamples(): HeatExamples | undefined;
}

/**
 * The heat equation (paper §3.3, App. B.4, Fig. 5; SPEC §7.2): a 4-level U-net (37,697 parameters) maps the diffused
 * field y* = P(x*) (ν·t = 8, 64 × 64 periodic, Float64 physics) to the initial heat x, batch 128, Adam 1e-3, every loss
 * summed over the batch, and the mean fix x ← x + mean(y*) − mean(x) applied to every network output of every method
 * (the experiment's `outputTransform`, differentiated through). Methods: `adam` back-propagates ½‖P(x) − y*‖² (the
 * adjoint of P is P); `pg-inverse` trains on ½‖x − x̃‖² with x̃ = x + InvDiffuse(y* − P(x), 8, 1e-6·|y* − P(x)|);
 * `pg-lbfgsb` with x̃ = 32 iterations of per-example L-BFGS-B on ½‖P(x) − y*‖² started at x. `loss` is the batch
 * mean of ½‖P(x) − y*‖² (y_l2), `x_err` the batch mean of Σ_cells |x − x*| (x_l1), both on the mean-fixed x.
 */
export function heatExperiment(options: HeatExperimentOptions = {}): HeatExperiment {
  const keptExamples = options.keptExamples ?? 3;
  const shape = options.shape ?? HEAT_SHAPE;
  const physics = heatPhysics({ shape, diffusivityTime: 8 });
  const exampleShape: readonly number[] = [shape[0], shape[1], 1];
  const cells = shape[0] * shape[1];
  const name = shape[0] === HEAT_SHAPE[0] && shape[1] === HEAT_SHAPE[1] ? "heat" : `heat-${shape[0]}x${shape[1]}`;
  // Filled by xError, which sees every step's prediction and batch; overwritten each step, so it ends at the last one.
  const kept = new LastExamples(keptExamples, cells);

  return {
    name,
    defaults: { iterations: 10000, batch: 128, seed: 0, methods: HEAT_METHODS, out: "runs/heat" },
    knownMethods: HEAT_METHODS,
    physics,
    shape,
    reduction: "sum",
    // The mean fix of SPEC §7.2 / §13.4: every method, every forward pass, metrics included.
    outputTransform: meanFix,
    inputShape: exampleShape,
    outputShape: exampleShape,
    averageWindow: 16,
    checkpoints: [10, 30, 35, 40, 100, 200, 300, 500, 1000],
    network: (seed) => unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed, height: shape[0], width: shape[1] }),
    batches(args: RunArguments) {
      // Re-seeded for every method: identical batches across methods (SPEC §0).
      const stream = random(args.seed);
      return (): HeatTrainingBatch => {
        const xTarget = heatRectangles(stream, { batch: args.batch, shape });
        const yTarget = physics.forward(xTarget, args.batch);
        return { input: yTarget, inputShape: exampleShape, yTarget, xTarget };
      };
    },
    method(method): MethodPlan<HeatPhysics> {
      switch (method) {
        case "adam":
          return { optimizer: adam(), scheme: scheme(backprop<HeatPhysics>()) };
        case "pg-inverse":
          return { optimizer: adam(), scheme: scheme(physical({ solver: heatInverse() })) };
        case "pg-lbfgsb":
          return {
            optimizer: adam(),
            scheme: scheme(physical({ solver: lbfgsb<HeatPhysics>({ maxIterations: LBFGSB_ITERATIONS, historySize: LBFGSB_HISTORY }) })),
          };
        default:
          throw new PgValidationError(name, "method", `one of ${HEAT_METHODS.join(", ")}`, method);
      }
    },
    xError(report, method) {
      const { batch, x } = report;
      if (!isHeatTrainingBatch(batch)) {
        throw new PgValidationError("heat.xError", "report.batch", "a batch made by the heat batch source (with xTarget)", batch);
      }
      kept.keep(method, report.metrics.step, x, batch.yTarget, batch.xTarget);
      return batchMeanL1(x, batch.xTarget, x.length / cells);
    },
    lastExamples: () => kept.get(),
  };
}

/** What {@link writeHeatFigures} wrote. */
export interface HeatFigures {
  readonly files: readonly string[];
}

/**
 * Writes the figures of a finished run into its `--out` directory: `x_err.svg` and `loss.svg` (learning curves,
 * running average over 16 iterations, log y, Fig. 5c) and `examples.png` (Fig. 5a: one row per example, columns y*,
 * each method's mean-fixed prediction at its last step, x*) with `examples.json` describing the panels (the PNG has
 * no text). All panels of a row share the colour range of that row's x*, so y* shows how much diffusion flattened it.
 * @returns the files written (none when no method completed a step).
 */
export async function writeHeatFigures(experiment: HeatExperiment, summary: ExperimentSummary): Promise<HeatFigures> {
  return writeExperimentFigures({
    summary,
    examples: experiment.lastExamples(),
    shape: experiment.shape,
    smoothing: 16,
    labels: { x_err: "x_err = Σ|x − x*| (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" },
    observationRange: "solution",
  });
}
