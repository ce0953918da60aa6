import * as tf from "@tensorflow/tfjs";
import { PgValidationError, adam as adamOptimizer, backprop, batchMeanL1, closestName, physical, requireKnownKeys, requirePositive, requirePositiveInteger, scheme, type Batch, type OptionKeysCover } from "@pg/core";
import { poissonBatch } from "@pg/data";
import { unet } from "@pg/nets";
import { poissonInverse, poissonPhysics, type PoissonPhysics, type PoissonWarning } from "@pg/physics-poisson";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { batchField } from "./batch_field";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods of Fig. 4c, in the paper's order. */
export const POISSON_METHODS = ["adam", "sgd", "pg-inverse"] as const;

/** The environment variable that picks the grid (the run contract allows no extra flag). */
export const POISSON_GRID_VARIABLE = "POISSON_GRID";

/** A grid the experiment runs on, with the SGD learning rate that belongs to it. */
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
 * The grids. The paper and the authors' code disagree: 64 × 64 is the authors' released code (SGD 3e-12, whose
 * comment reads "1e-10 diverges"), 80 × 60 the paper (SGD 1e-9, App. B.3). 16 × 16 exists only so that tests can
 * train on the cpu backend in seconds; its SGD rate is the 64 × 64 one, not tuned.
 */
export const POISSON_GRIDS: Readonly<Record<string, PoissonGrid>> = {
  "64x64": { name: "64x64", shape: [64, 64], sgdLearningRate: 3e-12, source: "the authors' released code (tum-pbs/SIP, poisson)" },
  "80x60": { name: "80x60", shape: [80, 60], sgdLearningRate: 1e-9, source: "the paper, App. B.3 (ICLR 2022)" },
  "16x16": { name: "16x16", shape: [16, 16], sgdLearningRate: 3e-12, source: "test-only grid (SGD rate of 64x64)" },
};

/** The default grid: the authors' code. */
export const DEFAULT_POISSON_GRID = "64x64";

/**
 * Reads the grid from the value of `POISSON_GRID` (undefined or empty → 64x64).
 * @param value - the variable's value, e.g. `process.env.POISSON_GRID`.
 * @returns the {@link PoissonGrid} of that name.
 * @throws {@link PgValidationError} naming `POISSON_GRID`, the accepted values and the value received (with the
 * closest grid suggested when the value looks like a typo of one).
 * @example
 * import { poissonGrid } from "@pg/experiments";
 * console.log(poissonGrid(undefined).name, poissonGrid("80x60").sgdLearningRate); // 64x64 1e-9
 */
export function poissonGrid(value: string | undefined): PoissonGrid {
  const expected = 'one of "64x64" (the authors\' code, default), "80x60" (the ICLR paper) or "16x16" (test-only)';
  if (value !== undefined && typeof value !== "string") throw new PgValidationError("poisson", POISSON_GRID_VARIABLE, expected, value);
  const name = value === undefined || value.trim() === "" ? DEFAULT_POISSON_GRID : value.trim();
  const grid = Object.hasOwn(POISSON_GRIDS, name) ? POISSON_GRIDS[name] : undefined;
  if (grid === undefined) {
    const suggestion = closestName(name, Object.keys(POISSON_GRIDS));
    throw new PgValidationError("poisson", POISSON_GRID_VARIABLE, expected, value, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  return grid;
}

/** A Poisson batch: y* is the network input and the target; x* rides along for the x-space error and the figure. */
export interface PoissonTrainingBatch extends Batch<PoissonPhysics> {
  /** x*, batch × nx × ny. */
  readonly xTarget: Float64Array;
}

/** x* of a batch made by the Poisson batch source. */
function poissonTarget(batch: Batch<PoissonPhysics>): Float64Array {
  return batchField("poisson", batch, "xTarget", "the x* of a batch made by the Poisson batch source");
}

/** Options of {@link poissonExperiment}. */
export interface PoissonExperimentOptions {
  /** @defaultValue the 64 × 64 grid */
  readonly grid?: PoissonGrid;
  /** Receives CG non-convergence warnings of every solve (data, forward, adjoint, inverse). @defaultValue ignored */
  readonly onWarning?: (warning: PoissonWarning) => void;
}

const POISSON_OPTION_KEYS = ["grid", "onWarning"] as const satisfies readonly (keyof PoissonExperimentOptions)[];
true satisfies OptionKeysCover<PoissonExperimentOptions, typeof POISSON_OPTION_KEYS>;

/** A grid given as an option: a {@link PoissonGrid} with a name, two positive integer sizes and a finite SGD rate > 0. */
function requirePoissonGrid(where: string, grid: unknown): PoissonGrid {
  if (typeof grid !== "object" || grid === null) {
    throw new PgValidationError(where, "options.grid", "a PoissonGrid { name, shape, sgdLearningRate, source } (poissonGrid(\"16x16\") makes one)", grid);
  }
  const { name, shape, sgdLearningRate } = grid as Record<string, unknown>;
  if (typeof name !== "string" || name.trim() === "") throw new PgValidationError(where, "options.grid.name", "a non-empty string", name);
  if (!Array.isArray(shape) || shape.length !== 2) throw new PgValidationError(where, "options.grid.shape", "[nx, ny], two positive integers", shape);
  requirePositiveInteger(where, "options.grid.shape[0]", shape[0]);
  requirePositiveInteger(where, "options.grid.shape[1]", shape[1]);
  requirePositive(where, "options.grid.sgdLearningRate", sgdLearningRate);
  return grid as PoissonGrid;
}

/** The Poisson experiment: a run-contract definition with its physics and grid. */
export interface PoissonExperiment extends ExperimentDefinition<PoissonPhysics> {
  readonly physics: PoissonPhysics;
  readonly grid: PoissonGrid;
}

/** Adam with the paper's constants β1 0.9, β2 0.999, ε 1e-8 (tfjs's default ε differs). */
function adam(learningRate: number): tf.Optimizer {
  return adamOptimizer(learningRate, 0.9, 0.999, 1e-8);
}

const ADAM_LEARNING_RATE = 1e-3;
const SGD_MOMENTUM = 0.9;

/** One line for `pg list`; the registry shows it too. */
export const POISSON_DESCRIPTION =
  "Poisson's equation, a U-net infers the source x of ∇²y = x (paper Fig. 4): Adam, SGD, Adam + physical gradients";

/**
 * Poisson's equation (paper §3.2, App. B.3, Fig. 4): a 4-level U-net (37,697 parameters) maps y* = ∇⁻²x* to x,
 * batch 128, every loss summed over the batch. Methods: `adam` and `sgd` back-propagate ½‖P(x) − y*‖² through the
 * CG solve (adjoint = one more CG solve); `pg-inverse` trains on the proxy ½‖x − x̃‖² with x̃ = x − ∇²(P(x) − y*).
 * `loss` is the batch mean of ½‖P(x) − y*‖², `x_err` the batch mean of Σ_cells |x − x*| (the paper's "x MAE", a sum
 * over cells). CG: relative tolerance 1e-5, absolute 0, at most 1000 iterations.
 * @param options - {@link PoissonExperimentOptions}.
 * @returns a {@link PoissonExperiment} named `poisson-<grid>`, e.g. "poisson-64x64".
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested), a grid that is not a
 * {@link PoissonGrid} with positive integer sizes and a finite SGD rate > 0, or an `onWarning` that is not a function;
 * `batches` for an `args.batch` that is not a positive integer; `method` for an unknown method.
 * @example
 * import { random } from "@pg/data";
 * import { poissonExperiment, poissonGrid } from "@pg/experiments";
 * const poisson = poissonExperiment({ grid: poissonGrid("16x16") });
 * console.log(poisson.name, poisson.settings.solver.relativeTolerance); // poisson-16x16 0.00001
 * const args = { ...poisson.defaults, batch: 2, backend: undefined, replicas: undefined };
 * const batch = poisson.batches(args, random(0))(1);
 * console.log(batch.inputShape.join("×"), batch.input === batch.yTarget); // 16×16×1 true
 */
export function poissonExperiment(options: PoissonExperimentOptions = {}): PoissonExperiment {
  const where = "poissonExperiment";
  const checked = requireKnownKeys(where, "options", options, POISSON_OPTION_KEYS);
  const grid = checked.grid === undefined ? poissonGrid(undefined) : requirePoissonGrid(where, checked.grid);
  if (checked.onWarning !== undefined && typeof checked.onWarning !== "function") {
    throw new PgValidationError(where, "options.onWarning", "a function receiving each warning", checked.onWarning);
  }
  const [nx, ny] = grid.shape;
  const exampleShape = [nx, ny, 1] as const;
  const cells = nx * ny;
  const physics = poissonPhysics({
    shape: grid.shape,
    relativeTolerance: 1e-5,
    absoluteTolerance: 0,
    maxIterations: 1000,
    ...(checked.onWarning === undefined ? {} : { onWarning: checked.onWarning }),
  });
  const name = `poisson-${grid.name}`;

  return {
    name,
    description: POISSON_DESCRIPTION,
    settings: {
      grid,
      solver: {
        method: "conjugate gradient",
        relativeTolerance: physics.relativeTolerance,
        absoluteTolerance: physics.absoluteTolerance,
        maxIterations: physics.maxIterations,
      },
    },
    defaults: { iterations: 12000, batch: 128, seed: 0, methods: POISSON_METHODS, out: "runs/poisson" },
    knownMethods: POISSON_METHODS,
    physics,
    grid,
    reduction: "sum",
    inputShape: exampleShape,
    outputShape: exampleShape,
    averageWindow: 16,
    reportIterations: [10, 30, 60, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 12000],
    figures: {
      labels: { x_err: "x_err = Σ|x − x*| (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" },
      smoothing: 16,
      logY: true,
      // y* = ∇⁻²x* is orders of magnitude smoother and larger than x*: on x*'s colour range it would be one colour.
      fields: { shape: grid.shape, xTarget: poissonTarget, observationRange: "own" },
    },
    network: (seed) => unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed, height: nx, width: ny }),
    batches(args, stream) {
      const batch = requireBatchArgument(name, args);
      return (): PoissonTrainingBatch => {
        const { x: xTarget } = poissonBatch(stream, { batch, shape: grid.shape });
        const yTarget = physics.forward(xTarget, batch);
        return { input: yTarget, inputShape: exampleShape, yTarget, xTarget };
      };
    },
    method(method): MethodPlan<PoissonPhysics> {
      requireMethodName(name, method, POISSON_METHODS);
      switch (method) {
        case "adam":
          return { optimizer: adam(ADAM_LEARNING_RATE), scheme: scheme(backprop<PoissonPhysics>()) };
        case "sgd":
          return { optimizer: tf.train.momentum(grid.sgdLearningRate, SGD_MOMENTUM), scheme: scheme(backprop<PoissonPhysics>()) };
        case "pg-inverse":
          return { optimizer: adam(ADAM_LEARNING_RATE), scheme: scheme(physical({ solver: poissonInverse() })) };
        default:
          // requireMethodName has refused every other name.
          throw new PgValidationError(name, "method", `one of ${POISSON_METHODS.join(", ")}`, method);
      }
    },
    xError(report) {
      const { batch, x } = report;
      return batchMeanL1(x, poissonTarget(batch), x.length / cells);
    },
  };
}
