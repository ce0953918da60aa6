import * as tf from "@tensorflow/tfjs";
import { PgValidationError, adam as adamOptimizer, backprop, clipByValue, physical, requireKnownKeys, requirePositive, scheme, supervised, type Batch, type OptionKeysCover } from "@pg/core";
import { uniformSampler } from "@pg/data";
import { mlp } from "@pg/nets";
import { sinPhysics, sinTargets, type SinPhysics } from "@pg/physics-toys";
import { analyticInverse, inverseGradient, newton } from "@pg/solvers";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods of Fig. 3, in the paper's order. */
export const SIN_METHODS = ["adam", "supervised", "pg-inverse", "pg-newton", "pg-ig"] as const;

/** Adam with the paper's constants β1 0.9, β2 0.999, ε 1e-8 (tfjs's default ε differs). */
function adam(learningRate: number): tf.Optimizer {
  return adamOptimizer(learningRate, 0.9, 0.999, 1e-8);
}

/** The guess from which the supervised labels are computed (Fig. 9, "supervised learning with x₀ = 1"). */
const SUPERVISED_GUESS = 1;

/** Options of {@link sinExperiment}. */
export interface SinExperimentOptions {
  /** Adam's learning rate for every method. @defaultValue 0.002 (the paper, App. B.2) */
  readonly learningRate?: number;
}

const SIN_OPTION_KEYS = ["learningRate"] as const satisfies readonly (keyof SinExperimentOptions)[];
true satisfies OptionKeysCover<SinExperimentOptions, typeof SIN_OPTION_KEYS>;

/** The closest exact solution of sin(a/x) = −1 to each prediction; every sin batch carries its physics. */
function closestMinimum(batch: Batch<SinPhysics>, x: Float64Array): Float64Array {
  if (batch.physics === undefined) {
    throw new PgValidationError("sin", "batch.physics", "the per-example sin physics of a batch made by the sin batch source", batch.physics);
  }
  return batch.physics.closestMinimum(x);
}

/** One line for `pg list`; the registry shows it too. */
export const SIN_DESCRIPTION =
  "sin(a/x) = −1, an MLP maps a to x (paper Fig. 3): Adam, supervised, and physical gradients from the analytic inverse, Newton and the inverse gradient";

/**
 * sin(a/x) = −1 (paper §3.1, App. B.2, Fig. 3): an MLP 1-10-20-10-1 (461 parameters) maps a ~ U[0.1, 10.1) to x,
 * batch 1000, Adam 0.002, 20k iterations, loss ½(sin(a/x) + 1)² averaged over the batch. `x_err` is the batch mean of
 * |x − x̃|, x̃ the exact solution closest to x.
 * @param options - {@link SinExperimentOptions}.
 * @returns the experiment's {@link ExperimentDefinition}, named "sin".
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested) or a learning rate that
 * is not a finite number > 0; `batches` for an `args.batch` that is not a positive integer; `method` for an unknown
 * method.
 * @example
 * import { random } from "@pg/data";
 * import { sinExperiment } from "@pg/experiments";
 * const sin = sinExperiment();
 * console.log(sin.name, sin.knownMethods.join(",")); // sin adam,supervised,pg-inverse,pg-newton,pg-ig
 * const args = { ...sin.defaults, batch: 4, backend: undefined, replicas: undefined };
 * const batch = sin.batches(args, random(0))(1);
 * console.log(batch.input.length, batch.yTarget.every((y) => y === -1)); // 4 true
 */
export function sinExperiment(options: SinExperimentOptions = {}): ExperimentDefinition<SinPhysics> {
  const checked = requireKnownKeys("sinExperiment", "options", options, SIN_OPTION_KEYS);
  const learningRate = requirePositive("sinExperiment", "options.learningRate", checked.learningRate ?? 0.002);
  const sampler = uniformSampler({ low: 0.1, high: 10.1 });
  return {
    name: "sin",
    description: SIN_DESCRIPTION,
    defaults: { iterations: 20000, batch: 1000, seed: 0, methods: SIN_METHODS, out: "runs/sin" },
    knownMethods: SIN_METHODS,
    reduction: "mean",
    inputShape: [1],
    outputShape: [1],
    averageWindow: 1000,
    reportIterations: [1000, 2000, 5000, 10000, 20000],
    figures: {
      labels: { x_err: "x_err = |x − x̃_closest| (batch mean)", loss: "loss = ½(sin(a/x) + 1)² (batch mean)" },
      // The paper's curves of Fig. 3 average over 1000 batches.
      smoothing: 1000,
      logY: true,
    },
    network: (seed) => mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, activation: "relu", seed }),
    batches(args, stream) {
      const batch = requireBatchArgument("sin", args);
      return (): Batch<SinPhysics> => {
        const a = sampler.sample(stream, batch);
        return { input: a, inputShape: [1], yTarget: sinTargets(batch), physics: sinPhysics({ a }) };
      };
    },
    method(name): MethodPlan<SinPhysics> {
      requireMethodName("sin", name, SIN_METHODS);
      const optimizer = adam(learningRate);
      const clip = clipByValue({ limit: 1 });
      switch (name) {
        case "adam":
          // ∂L/∂x oscillates without bound as x → 0; the paper clips it to [−1, 1].
          return { optimizer, scheme: scheme(backprop<SinPhysics>(), clip) };
        case "supervised":
          return {
            optimizer,
            scheme: scheme(supervised<SinPhysics>()),
            prepareBatch: (batch) => ({
              ...batch,
              labels: closestMinimum(batch, new Float64Array(batch.yTarget.length).fill(SUPERVISED_GUESS)),
            }),
          };
        case "pg-inverse":
          return {
            optimizer,
            scheme: scheme(physical({ solver: analyticInverse<SinPhysics>({ name: "closestMinimum", invert: ({ physics, x }) => physics.closestMinimum(x) }) })),
          };
        case "pg-newton":
          return { optimizer, scheme: scheme(physical({ solver: newton<SinPhysics>() }), clip) };
        case "pg-ig":
          return { optimizer, scheme: scheme(physical({ solver: inverseGradient<SinPhysics>() }), clip) };
        default:
          // requireMethodName has refused every other name.
          throw new PgValidationError("sin", "method", `one of ${SIN_METHODS.join(", ")}`, name);
      }
    },
    xError(report) {
      // The distance to the nearest exact solution, batch mean.
      const closest = closestMinimum(report.batch, report.x);
      let sum = 0;
      for (let i = 0; i < closest.length; i++) sum += Math.abs((report.x[i] as number) - (closest[i] as number));
      return sum / closest.length;
    },
  };
}
