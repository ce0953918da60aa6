import * as tf from "@tensorflow/tfjs";
import { requireNonNegativeInteger } from "@pg/core";
import { requireSeed } from "./option_checks";
import { deriveSeed, type WeightInitializer } from "./pytorch_initialization";

/** The kernel and bias initialisers of one Dense or convolution layer under {@link glorotInitializers}. */
export interface GlorotInitializers {
  /** U(−√(6/(fanIn + fanOut)), +√(6/(fanIn + fanOut))), fans taken from the kernel shape; seeded. */
  readonly kernelInitializer: WeightInitializer;
  /** Zeros. */
  readonly biasInitializer: WeightInitializer;
}

/**
 * Glorot-uniform kernels and zero biases — the TensorFlow/Keras (and tfjs) layer defaults — with the kernel seeded
 * like {@link pytorchInitializers} so that the same seed gives bit-identical weights in any process.
 *
 * Why a second scheme: PyTorch's default draws weights with variance 1/(3·fanIn), so through a plain ReLU stack the
 * input-dependent part of the activations loses about 6× in variance per layer; after the wave-packet CNN's twelve
 * layers the output is the biases' constant and the first ~100 Adam steps go into escaping it. Glorot's variance
 * 2/(fanIn + fanOut) is 1/fanIn for square layers, and zero biases keep the output input-dependent from the start.
 * @param seed - the network seed; see {@link deriveSeed}.
 * @param layerIndex - index of the layer among the initialised layers of the network.
 * @returns seeded tfjs initialisers.
 * @throws {@link PgValidationError} unless `seed` is a non-negative safe integer and `layerIndex` a non-negative integer.
 * @example
 * import { layers, ones } from "@tensorflow/tfjs";
 * import { glorotInitializers } from "@pg/nets";
 * const dense = layers.dense({ units: 10, inputShape: [4], ...glorotInitializers(0, 0) });
 * dense.apply(ones([1, 4]));
 * const [kernel, bias] = dense.getWeights();
 * // kernel ~ U(±√(6/14)), bias 0
 * console.log(kernel.abs().max().dataSync()[0] <= Math.sqrt(6 / 14)); // true
 * console.log(bias.abs().max().dataSync()[0]); // 0
 */
export function glorotInitializers(seed: number, layerIndex: number): GlorotInitializers {
  requireSeed("glorotInitializers", "seed", seed);
  requireNonNegativeInteger("glorotInitializers", "layerIndex", layerIndex);
  return {
    kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, layerIndex, "kernel") }),
    biasInitializer: tf.initializers.zeros(),
  };
}
