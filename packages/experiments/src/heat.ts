import * as tf from "@tensorflow/tfjs";
import { PgValidationError, adam as adamOptimizer, backprop, batchMeanL1, physical, requireKnownKeys, scheme, type Batch, type OptionKeysCover } from "@pg/core";
import { heatRectangles } from "@pg/data";
import { unet } from "@pg/nets";
import { heatInverse, heatPhysics, meanFix, type HeatPhysics } from "@pg/physics-heat";
import { lbfgsb } from "@pg/solvers";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { batchField } from "./batch_field";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods of Fig. 5c, in the paper's order. */
export const HEAT_METHODS = ["adam", "pg-inverse", "pg-lbfgsb"] as const;

/** The grid of the paper: 64 × 64 unit cells, periodic (App. B.4). */
export const HEAT_SHAPE: readonly [number, number] = [64, 64];

/** Adam with the paper's constants β1 0.9, β2 0.999, ε 1e-8 and its heat learning rate 1e-3, for every heat method. */
function adam(): tf.Optimizer {
  return adamOptimizer(1e-3, 0.9, 0.999, 1e-8);
}

/**
 * L-BFGS-B iterations per training step of "Adam + PG (L-BFGS-B)" (the paper, Fig. 5c; the number is the paper's,
 * the authors' released code has no L-BFGS-B variant).
 */
const LBFGSB_ITERATIONS = 32;
/** scipy's default history (maxcor); the tolerances are scipy's defaults too (gtol 1e-5, ftol 2.2e-9). */
const LBFGSB_HISTORY = 10;

/** A heat batch: y* is the network input and the target; x* rides along for the x-space error and the figure. */
export interface HeatTrainingBatch extends Batch<HeatPhysics> {
  /** x*, batch × nx × ny. */
  readonly xTarget: Float64Array;
}

/** x* of a batch made by the heat batch source. */
function heatTarget(batch: Batch<HeatPhysics>): Float64Array {
  return batchField("heat", batch, "xTarget", "the x* of a batch made by the heat batch source");
}

/** Options of {@link heatExperiment}. */
export interface HeatExperimentOptions {
  /**
   * Grid [nx, ny] (dx = 1). Only the paper's 64 × 64 reproduces Fig. 5; smaller grids (≥ 8 × 8, for the U-net's three
   * poolings) exist so that tests can train on the slow cpu backend in seconds. @defaultValue [64, 64]
   */
  readonly shape?: readonly [number, number];
}

const HEAT_OPTION_KEYS = ["shape"] as const satisfies readonly (keyof HeatExperimentOptions)[];
true satisfies OptionKeysCover<HeatExperimentOptions, typeof HEAT_OPTION_KEYS>;
/** The U-net's three poolings halve the grid three times. */
const SMALLEST_HEAT_SIZE = 8;

/** [nx, ny], integers ≥ 8. */
function requireHeatShape(where: string, shape: unknown): readonly [number, number] {
  const ok = Array.isArray(shape) && shape.length === 2 && shape.every((size) => typeof size === "number" && Number.isInteger(size) && size >= SMALLEST_HEAT_SIZE);
  if (!ok) throw new PgValidationError(where, "options.shape", `[nx, ny], two integers ≥ ${SMALLEST_HEAT_SIZE} (the U-net pools three times)`, shape);
  return shape as unknown as readonly [number, number];
}

/** The heat experiment: a run-contract definition with its physics and grid. */
export interface HeatExperiment extends ExperimentDefinition<HeatPhysics> {
  readonly physics: HeatPhysics;
  /** [nx, ny]. */
  readonly shape: readonly [number, number];
}

/** One line for `pg list`; the registry shows it too. */
export const HEAT_DESCRIPTION =
  "the heat equation, a U-net infers the initial heat from its diffused state (paper Fig. 5): Adam, Adam + physical gradients from the inverse and from L-BFGS-B";

/**
 * The heat equation (paper §3.3, App. B.4, Fig. 5): a 4-level U-net (37,697 parameters) maps the diffused field
 * y* = P(x*) (ν·t = 8, 64 × 64 periodic, Float64 physics) to the initial heat x, batch 128, Adam 1e-3, every loss
 * summed over the batch, and the mean fix x ← x + mean(y*) − mean(x) applied to every network output of every method
 * (the experiment's `outputTransform`, differentiated through). Methods: `adam` back-propagates ½‖P(x) − y*‖² (the
 * adjoint of P is P); `pg-inverse` trains on ½‖x − x̃‖² with x̃ = x + InvDiffuse(y* − P(x), 8, 1e-6·|y* − P(x)|);
 * `pg-lbfgsb` with x̃ = 32 iterations of per-example L-BFGS-B on ½‖P(x) − y*‖² started at x. `loss` is the batch
 * mean of ½‖P(x) − y*‖², `x_err` the batch mean of Σ_cells |x − x*|, both on the mean-fixed x.
 * @param options - {@link HeatExperimentOptions}.
 * @returns a {@link HeatExperiment}, named "heat" on the paper's grid and `heat-<nx>x<ny>` on any other.
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested, e.g. `shap` → `shape`) or
 * a shape that is not two integers ≥ 8; `batches` for an `args.batch` that is not a positive integer; `method` for an
 * unknown method.
 * @example
 * import { random } from "@pg/data";
 * import { heatExperiment } from "@pg/experiments";
 * const heat = heatExperiment({ shape: [16, 16] });
 * console.log(heat.name, heat.reduction, heat.settings.shape.join("x")); // heat-16x16 sum 16x16
 * const args = { ...heat.defaults, batch: 2, backend: undefined, replicas: undefined };
 * const batch = heat.batches(args, random(0))(1);
 * console.log(batch.input.length, batch.xTarget.every((v) => v >= 0)); // 512 true
 */
export function heatExperiment(options: HeatExperimentOptions = {}): HeatExperiment {
  const checked = requireKnownKeys("heatExperiment", "options", options, HEAT_OPTION_KEYS);
  const shape = checked.shape === undefined ? HEAT_SHAPE : requireHeatShape("heatExperiment", checked.shape);
  const physics = heatPhysics({ shape, diffusivityTime: 8 });
  const exampleShape: readonly number[] = [shape[0], shape[1], 1];
  const cells = shape[0] * shape[1];
  const name = shape[0] === HEAT_SHAPE[0] && shape[1] === HEAT_SHAPE[1] ? "heat" : `heat-${shape[0]}x${shape[1]}`;

  return {
    name,
    description: HEAT_DESCRIPTION,
    settings: { shape },
    defaults: { iterations: 10000, batch: 128, seed: 0, methods: HEAT_METHODS, out: "runs/heat" },
    knownMethods: HEAT_METHODS,
    physics,
    shape,
    reduction: "sum",
    // The paper's mean fix: every method, every forward pass, metrics included.
    outputTransform: meanFix,
    inputShape: exampleShape,
    outputShape: exampleShape,
    averageWindow: 16,
    reportIterations: [10, 30, 35, 40, 100, 200, 300, 500, 1000],
    figures: {
      labels: { x_err: "x_err = Σ|x − x*| (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" },
      smoothing: 16,
      logY: true,
      // On x*'s colour range y* shows how much the diffusion flattened it.
      fields: { shape, xTarget: heatTarget, observationRange: "solution" },
    },
    network: (seed) => unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed, height: shape[0], width: shape[1] }),
    batches(args, stream) {
      const batch = requireBatchArgument(name, args);
      return (): HeatTrainingBatch => {
        const xTarget = heatRectangles(stream, { batch, shape });
        const yTarget = physics.forward(xTarget, batch);
        return { input: yTarget, inputShape: exampleShape, yTarget, xTarget };
      };
    },
    method(method): MethodPlan<HeatPhysics> {
      requireMethodName(name, method, HEAT_METHODS);
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
          // requireMethodName has refused every other name.
          throw new PgValidationError(name, "method", `one of ${HEAT_METHODS.join(", ")}`, method);
      }
    },
    xError(report) {
      const { batch, x } = report;
      return batchMeanL1(x, heatTarget(batch), x.length / cells);
    },
  };
}
