import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, adam as adamOptimizer, backprop, physical, requireKnownKeys, requirePositive, scheme, supervised, type Batch, type OptionKeysCover } from "@pg/core";
import { uniformSampler } from "@pg/data";
import { mlp } from "@pg/nets";
import { expPhysics, type ExpPhysics } from "@pg/physics-toys";
import { newton } from "@pg/solvers";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { batchField } from "./batch_field";
import { signTransform } from "./sign_transform";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods, in the order of the published figure's legend first: backprop with SGD and Adam, then the others. */
export const EXP_METHODS = ["adjoint", "adjoint-adam", "ground-truth", "newton", "newton-clipped", "rescaled"] as const;

/** x* is drawn from (−12, 0]: x* = −12·u with u ~ U[0, 1). */
export const EXP_TARGET_RANGE = 12;

/** Largest |Δ| of the `newton-clipped` method. */
const NEWTON_CLIP = 0.1;

/** Options of {@link expExperiment}. */
export interface ExpExperimentOptions {
  /** SGD's learning rate, for every method but `adjoint-adam`. @defaultValue 0.01 */
  readonly sgdLearningRate?: number;
  /** Adam's learning rate, for `adjoint-adam`. @defaultValue 0.001 */
  readonly adamLearningRate?: number;
}

const EXP_OPTION_KEYS = ["sgdLearningRate", "adamLearningRate"] as const satisfies readonly (keyof ExpExperimentOptions)[];
true satisfies OptionKeysCover<ExpExperimentOptions, typeof EXP_OPTION_KEYS>;

/** An exponential batch: y* is the network input and the target; x* rides along for the labels and the metrics. */
export interface ExpTrainingBatch extends Batch<ExpPhysics> {
  /** x* = ln y*, one per example. */
  readonly xTarget: Float64Array;
}

/** The exponential experiment: a run-contract definition with its physics. */
export interface ExpExperiment extends ExperimentDefinition<ExpPhysics> {
  readonly physics: ExpPhysics;
}

/** x* of a batch made by the exponential batch source. */
function expTarget(batch: Batch<ExpPhysics>): Float64Array {
  return batchField("exp", batch, "xTarget", "the x* of a batch made by the exp batch source");
}

/** The logged metrics of one step (batch means), as the published experiment logs them. */
export interface ExpMetrics {
  /** ½(eˣ − y*)². */
  readonly y_l2: number;
  /** |eˣ − y*|. */
  readonly y_l1: number;
  /** ½(x − x*)². */
  readonly x_l2: number;
  /** |x − x*|. */
  readonly x_l1: number;
}

/**
 * The exponential experiment's metrics for predictions x of targets x* (y* = e^{x*}), each the batch mean of a
 * per-example value: y_l2 = ½(eˣ − y*)², y_l1 = |eˣ − y*|, x_l2 = ½(x − x*)², x_l1 = |x − x*|.
 * @param x - predictions, one per example.
 * @param xTarget - x*, the same length.
 * @returns the four batch means.
 * @throws {@link PgShapeError} if `x` is not a non-empty Float64Array or `xTarget` does not have its length.
 * @example
 * import { expMetrics } from "@pg/experiments";
 * const metrics = expMetrics(Float64Array.of(0, -1), Float64Array.of(0, -3));
 * console.log(metrics.x_l1, metrics.x_l2); // 1 1
 * console.log(metrics.y_l1.toFixed(4), metrics.y_l2.toFixed(4)); // 0.1590 0.0253
 */
export function expMetrics(x: Float64Array, xTarget: Float64Array): ExpMetrics {
  if (!(x instanceof Float64Array) || x.length === 0) throw new PgShapeError("expMetrics", "x", "a non-empty Float64Array (one prediction per example)", x);
  if (!(xTarget instanceof Float64Array) || xTarget.length !== x.length) {
    throw new PgShapeError("expMetrics", "xTarget", `a Float64Array of the length of x, ${x.length}`, xTarget);
  }
  let yL2 = 0;
  let yL1 = 0;
  let xL2 = 0;
  let xL1 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const target = xTarget[i] as number;
    const dy = Math.exp(xi) - Math.exp(target);
    const dx = xi - target;
    yL2 += 0.5 * dy * dy;
    yL1 += Math.abs(dy);
    xL2 += 0.5 * dx * dx;
    xL1 += Math.abs(dx);
  }
  const n = x.length;
  return { y_l2: yL2 / n, y_l1: yL1 / n, x_l2: xL2 / n, x_l1: xL1 / n };
}

/** One line for `pg list`; the registry shows it too. */
export const EXP_DESCRIPTION =
  "inverting y = eˣ for x* ∈ (−12, 0], an MLP maps y* to x (published version, Fig. 2): backprop with SGD and Adam, ground truth, Newton, clipped Newton and the rescaled update";

/**
 * Inverting the exponential (published version, Fig. 2): an MLP 1-16-64-16-1 with sigmoid hidden layers (2,177
 * parameters) maps y* = e^{x*}, x* ~ (−12, 0] (x* = −12·u, u ~ U[0, 1)), to x; batch 100, fresh every step; every loss
 * summed over the batch; SGD lr 0.01 without momentum for every method except `adjoint-adam` (Adam 0.001). Methods:
 * `adjoint` and `adjoint-adam` back-propagate ½(eˣ − y*)²; `ground-truth` trains on ½(x − x*)²; `newton` on
 * ½(x − x̃)², x̃ = x + Δ with Δ = |g/h|·sign(−g), g = (eˣ − y*)eˣ, h = 2e²ˣ − y*eˣ, and Δ = 0 where h = 0 (`newton()` of
 * `@pg/solvers` on the physics' Newton derivatives); `newton-clipped` with |Δ| ≤ 0.1; `rescaled` with
 * x̃ = x + sign(x* − x). `x_err` is the batch mean of |x − x*|; the CSVs add y_l2, y_l1, x_l2 and x_l1
 * ({@link expMetrics}).
 * @param options - {@link ExpExperimentOptions}.
 * @returns an {@link ExpExperiment}, named "exp".
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested) or a learning rate that is
 * not a finite number > 0; `batches` for an `args.batch` that is not a positive integer; `method` for an unknown
 * method.
 * @example
 * import { random } from "@pg/data";
 * import { expExperiment } from "@pg/experiments";
 * const exp = expExperiment();
 * console.log(exp.name, exp.reduction, exp.knownMethods.join(",")); // exp sum adjoint,adjoint-adam,ground-truth,newton,newton-clipped,rescaled
 * const args = { ...exp.defaults, batch: 3, backend: undefined, replicas: undefined };
 * const batch = exp.batches(args, random(0))(1);
 * console.log(batch.xTarget.every((x, i) => x > -12 && x <= 0 && batch.input[i] === Math.exp(x))); // true
 * console.log(exp.method("rescaled", args).scheme.description); // supervised → sign
 */
export function expExperiment(options: ExpExperimentOptions = {}): ExpExperiment {
  const where = "expExperiment";
  const checked = requireKnownKeys(where, "options", options, EXP_OPTION_KEYS);
  const sgdLearningRate = requirePositive(where, "options.sgdLearningRate", checked.sgdLearningRate ?? 0.01);
  const adamLearningRate = requirePositive(where, "options.adamLearningRate", checked.adamLearningRate ?? 0.001);
  const physics = expPhysics();
  const unit = uniformSampler({ low: 0, high: 1 });
  const withLabels = (batch: Batch<ExpPhysics>): Batch<ExpPhysics> => ({ ...batch, labels: expTarget(batch) });
  return {
    name: "exp",
    description: EXP_DESCRIPTION,
    settings: { xTargetRange: [-EXP_TARGET_RANGE, 0], sgdLearningRate, adamLearningRate },
    defaults: { iterations: 10000, batch: 100, seed: 0, methods: EXP_METHODS, out: "runs/exp" },
    knownMethods: EXP_METHODS,
    physics,
    reduction: "sum",
    inputShape: [1],
    outputShape: [1],
    averageWindow: 100,
    reportIterations: [100, 1000, 2000, 5000, 10000],
    figures: {
      labels: { x_err: "x_err = |x − x*| (batch mean)", loss: "loss = ½(eˣ − y*)² (batch mean)" },
      smoothing: 100,
      logY: true,
    },
    network: (seed) => mlp({ inputSize: 1, hiddenSizes: [16, 64, 16], outputSize: 1, activation: "sigmoid", seed }),
    batches(args, stream) {
      const batch = requireBatchArgument("exp", args);
      return (): ExpTrainingBatch => {
        const xTarget = unit.sample(stream, batch).map((u) => -EXP_TARGET_RANGE * u);
        const yTarget = physics.forward(xTarget, batch);
        return { input: yTarget, inputShape: [1], yTarget, xTarget };
      };
    },
    method(name): MethodPlan<ExpPhysics> {
      requireMethodName("exp", name, EXP_METHODS);
      const sgd = (): tf.Optimizer => tf.train.sgd(sgdLearningRate);
      switch (name) {
        case "adjoint":
          return { optimizer: sgd(), scheme: scheme(backprop<ExpPhysics>()) };
        case "adjoint-adam":
          // The published constants β1 0.9, β2 0.999, ε 1e-8 (tfjs's default ε differs).
          return { optimizer: adamOptimizer(adamLearningRate, 0.9, 0.999, 1e-8), scheme: scheme(backprop<ExpPhysics>()) };
        case "ground-truth":
          return { optimizer: sgd(), scheme: scheme(supervised<ExpPhysics>()), prepareBatch: withLabels };
        case "newton":
          return { optimizer: sgd(), scheme: scheme(physical({ solver: newton<ExpPhysics>() })) };
        case "newton-clipped":
          return { optimizer: sgd(), scheme: scheme(physical({ solver: newton<ExpPhysics>({ clipStep: NEWTON_CLIP }) })) };
        case "rescaled":
          // x − label = x − x*, whose sign is x − x̃ for x̃ = x + sign(x* − x).
          return { optimizer: sgd(), scheme: scheme(supervised<ExpPhysics>(), signTransform()), prepareBatch: withLabels };
        default:
          // requireMethodName has refused every other name.
          throw new PgValidationError("exp", "method", `one of ${EXP_METHODS.join(", ")}`, name);
      }
    },
    xError(report) {
      return expMetrics(report.x, expTarget(report.batch)).x_l1;
    },
    extraMetrics: {
      columns: ["y_l2", "y_l1", "x_l2", "x_l1"],
      values: (report) => ({ ...expMetrics(report.x, expTarget(report.batch)) }),
    },
  };
}
