import * as tf from "@tensorflow/tfjs";
import { PgShapeError, requirePositive } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";
import { singleShape, singleTensor } from "./layer_inputs";

/** Arguments of {@link BatchStatisticsNormalization}: the tfjs layer arguments plus ε. */
export interface BatchStatisticsNormalizationArgs extends LayerArguments {
  /** Added to the variance before the square root. @defaultValue 1e-5 (PyTorch) */
  readonly epsilon?: number;
}

/**
 * Batch normalisation that always uses the statistics of the batch it is given, in training and in inference
 * (SPEC §0: the reference networks are never put in eval mode):
 *   y = γ · (x − μ_B) / √(σ²_B + ε) + β,
 * with μ_B and the biased variance σ²_B taken per channel (last axis) over the batch and every spatial position.
 * γ starts at 1 and β at 0; both are trainable. No running averages are kept, so there are no non-trainable weights.
 *
 * Note that `model.predict` splits its input into chunks of `batchSize` (default 32) and each chunk is normalised
 * with its own statistics; pass `batchSize` ≥ batch or use `model.apply` / `model.predictOnBatch`.
 * @example
 * import { tensor2d } from "@tensorflow/tfjs";
 * import { BatchStatisticsNormalization } from "@pg/nets";
 * const layer = new BatchStatisticsNormalization({ name: "normalization" });
 * const y = layer.apply(tensor2d([[1], [3]]));
 * // (x − μ)/√(σ² + ε) with μ = 2, σ² = 1, ε = 1e-5
 * console.log(Array.from(y.dataSync(), (v) => v.toFixed(6)).join(" ")); // -0.999995 0.999995
 * console.log(layer.getClassName(), layer.epsilon); // PgBatchStatisticsNormalization 0.00001
 */
export class BatchStatisticsNormalization extends tf.layers.Layer {
  /** Registered class name (tfjs serialization). */
  static readonly className = "PgBatchStatisticsNormalization";
  /** ε added to the variance. */
  readonly epsilon: number;
  /**
   * When set (data-parallel training), sums per-channel statistics across replicas so every replica normalises with
   * the statistics of the whole batch, exactly as one process would. Must be differentiable (its gradient is the
   * same cross-replica sum). Set through {@link setCrossReplicaSum}.
   */
  crossReplicaSum: ((values: tf.Tensor1D) => tf.Tensor1D) | undefined;
  private gamma: tf.LayerVariable | undefined;
  private beta: tf.LayerVariable | undefined;

  constructor(args: BatchStatisticsNormalizationArgs = {}) {
    super(args);
    this.epsilon = requirePositive("BatchStatisticsNormalization", "epsilon", args.epsilon ?? 1e-5);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(this.name, inputShape);
    const channels = shape[shape.length - 1];
    if (typeof channels !== "number" || shape.length < 2) {
      throw new PgShapeError(this.name, "input", "rank ≥ 2 and a known channel count (last axis)", shape);
    }
    this.gamma = this.addWeight("gamma", [channels], "float32", tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight("beta", [channels], "float32", tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(this.name, inputs);
      if (this.gamma === undefined || this.beta === undefined) {
        throw new PgShapeError(this.name, "layer", "been built before it is called", "an unbuilt layer");
      }
      const axes = Array.from({ length: x.rank - 1 }, (_, axis) => axis);
      if (this.crossReplicaSum === undefined) return normalizeWithBatchStatistics(x, this.gamma.read(), this.beta.read(), this.epsilon);
      const { mean, variance } = this.globalMoments(x, axes, this.crossReplicaSum);
      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normalized, this.gamma.read()), this.beta.read());
    });
  }

  /** Mean and biased variance over every replica's batch: two passes, each summed across replicas. */
  private globalMoments(
    x: tf.Tensor,
    axes: number[],
    sum: (values: tf.Tensor1D) => tf.Tensor1D,
  ): { mean: tf.Tensor; variance: tf.Tensor } {
    const channels = x.shape[x.rank - 1] as number;
    const localCount = x.size / channels;
    const totals = sum(tf.concat([tf.sum(x, axes) as tf.Tensor1D, tf.tensor1d([localCount])]));
    const count = tf.slice(totals, [channels], [1]);
    const mean = tf.div(tf.slice(totals, [0], [channels]), count);
    const squares = sum(tf.sum(tf.square(tf.sub(x, mean)), axes) as tf.Tensor1D);
    return { mean, variance: tf.div(squares, count) };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/**
 * Installs (or, with `undefined`, removes) a cross-replica sum in every {@link BatchStatisticsNormalization} layer of
 * a model, for data-parallel training; returns how many layers were changed.
 * @example
 * import { setCrossReplicaSum, unet } from "@pg/nets";
 * const model = unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 });
 * // With one replica the cross-replica sum is the identity.
 * console.log(setCrossReplicaSum(model, (values) => values)); // 6
 * console.log(setCrossReplicaSum(model, undefined)); // 6
 */
export function setCrossReplicaSum(model: tf.LayersModel, sum: ((values: tf.Tensor1D) => tf.Tensor1D) | undefined): number {
  let changed = 0;
  for (const layer of model.layers) {
    if (layer instanceof BatchStatisticsNormalization) {
      layer.crossReplicaSum = sum;
      changed++;
    }
  }
  return changed;
}

/**
 * y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε) over all axes but the last, with the closed-form gradient
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/√(σ² + ε) · (dy − dβ/N − x̂·dγ/N),
 * two reductions instead of the dozen kernels autodiff of the same expression launches (wasm spends ~10 % of a U-net
 * step in them otherwise).
 */
function normalizeWithBatchStatistics(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const op = tf.customGrad(((input: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor, save: tf.GradSaveFunc) => {
    const axes = Array.from({ length: input.rank - 1 }, (_, axis) => axis);
    const count = input.size / (input.shape[input.rank - 1] as number);
    const mean = tf.mean(input, axes, true);
    const centred = tf.sub(input, mean);
    const inverseDeviation = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axes, true), epsilon));
    const normalized = tf.mul(centred, inverseDeviation);
    save([normalized, inverseDeviation, scale]);
    return {
      value: tf.add(tf.mul(normalized, scale), shift),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, inverse, gammaSaved] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xHat), axes);
        const centredDy = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(xHat, tf.div(dGamma, count)));
        const dx = tf.mul(centredDy, tf.mul(inverse, gammaSaved));
        return [dx, dGamma, dBeta];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta) as tf.Tensor;
}
