import * as tf from "@tensorflow/tfjs";
import { PgValidationError, backprop, clipByValue, physical, scheme, supervised, type Batch } from "@pg/core";
import type { ExperimentDefinition, MethodPlan, RunArguments } from "@pg/cli";
import { random, uniformSampler } from "@pg/data";
import { mlp } from "@pg/nets";
import { sinPhysics, sinTargets, type SinPhysics } from "@pg/physics-toys";
import { analyticInverse, inverseGradient, newton } from "@pg/solvers";

/** The methods of Fig. 3, in the paper's order. */
export const SIN_METHODS = ["adam", "supervised", "pg-inverse", "pg-newton", "pg-ig"] as const;

/** Adam with the paper's constants (SPEC §0): β1 0.9, β2 0.999, ε 1e-8. */
function adam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

/** The guess from which the supervised labels are computed (Fig. 9, "supervised learning with x₀ = 1"). */
const SUPERVISED_GUESS = 1;

/**
 * sin(a/x) = −1 (paper §3.1, App. B.2; SPEC §5): an MLP 1-10-20-10-1 maps a ~ U[0.1, 10.1) to x, batch 1000,
 * Adam 0.002, 20k iterations, loss ½(sin(a/x) + 1)² averaged over the batch.
 */
export function sinExperiment(learningRate = 0.002): ExperimentDefinition<SinPhysics> {
  const sampler = uniformSampler({ low: 0.1, high: 10.1 });
  return {
    name: "sin",
    defaults: { iterations: 20000, batch: 1000, seed: 0, methods: SIN_METHODS, out: "runs/sin" },
    knownMethods: SIN_METHODS,
    reduction: "mean",
    inputShape: [1],
    outputShape: [1],
    averageWindow: 1000,
    checkpoints: [1000, 2000, 5000, 10000, 20000],
    network: (seed) => mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, activation: "relu", seed }),
    batches(args: RunArguments) {
      // Re-seeded for every method: identical batches across methods (SPEC §0).
      const stream = random(args.seed);
      return (): Batch<SinPhysics> => {
        const a = sampler.sample(stream, args.batch);
        return { input: a, inputShape: [1], yTarget: sinTargets(args.batch), physics: sinPhysics({ a }) };
      };
    },
    method(name): MethodPlan<SinPhysics> {
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
              labels: batch.physics!.closestMinimum(new Float64Array(batch.yTarget.length).fill(SUPERVISED_GUESS)),
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
          throw new PgValidationError("sin", "method", `one of ${SIN_METHODS.join(", ")}`, name);
      }
    },
    xError(report) {
      // |x − x̃_closest|, batch mean (SPEC §5.6): the distance to the nearest exact solution.
      const closest = report.batch.physics!.closestMinimum(report.x);
      let sum = 0;
      for (let i = 0; i < closest.length; i++) sum += Math.abs((report.x[i] as number) - (closest[i] as number));
      return sum / closest.length;
    },
  };
}
