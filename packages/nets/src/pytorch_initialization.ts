import * as tf from "@tensorflow/tfjs";
import { requireNonNegativeInteger, requireOneOf, requirePositiveInteger } from "@pg/core";
import { requireSeed } from "./option_checks";

/** Which tensor of a layer an initialiser fills; the two get independent random streams. */
export type InitializedTensor = "kernel" | "bias";

/** Avalanche step of MurmurHash3's 32-bit finaliser: every input bit changes about half the output bits. */
function mixBits(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Derives the seed of one tensor from the network seed, the layer index and the tensor kind, by hashing all three.
 * Hashing (rather than adding) keeps seed s, layer l + 1 from repeating seed s + 1, layer l.
 * @param seed - the network seed, a non-negative safe integer.
 * @param layerIndex - index of the layer among the layers that own initialised weights (0, 1, …).
 * @param tensor - `'kernel'` or `'bias'`.
 * @returns an unsigned 32-bit integer, the seed handed to `tf.initializers.randomUniform`.
 * @throws {@link PgValidationError} unless `seed` is a non-negative safe integer, `layerIndex` a non-negative integer
 *   and `tensor` `'kernel'` or `'bias'`.
 * @example
 * import { deriveSeed } from "@pg/nets";
 * console.log(deriveSeed(0, 0, "kernel") === deriveSeed(0, 0, "bias")); // false
 * // hashing, not adding: seed 0, layer 1 differs from seed 1, layer 0
 * console.log(deriveSeed(0, 1, "kernel") === deriveSeed(1, 0, "kernel")); // false
 * console.log(deriveSeed(0, 0, "kernel")); // 1894748479
 */
export function deriveSeed(seed: number, layerIndex: number, tensor: InitializedTensor): number {
  requireSeed("deriveSeed", "seed", seed);
  requireNonNegativeInteger("deriveSeed", "layerIndex", layerIndex);
  requireOneOf("deriveSeed", "tensor", tensor, ["kernel", "bias"] as const);
  const low = seed % 0x100000000;
  const high = Math.floor(seed / 0x100000000);
  let hash = mixBits(low ^ 0x9e3779b9);
  hash = mixBits(hash ^ high);
  hash = mixBits(hash ^ Math.imul(layerIndex + 1, 0x27d4eb2f));
  return mixBits(hash ^ (tensor === "kernel" ? 0x165667b1 : 0xd3a2646c));
}

/** A tfjs weight initialiser (the class itself is not exported by `@tensorflow/tfjs`). */
export type WeightInitializer = ReturnType<typeof tf.initializers.randomUniform>;

/** The kernel and bias initialisers of one Dense or convolution layer. */
export interface PytorchInitializers {
  /** U(−1/√fanIn, 1/√fanIn), seeded. */
  readonly kernelInitializer: WeightInitializer;
  /** U(−1/√fanIn, 1/√fanIn), seeded independently of the kernel. */
  readonly biasInitializer: WeightInitializer;
}

/**
 * PyTorch's default initialisation of `Linear` and `Conv` layers, which the authors' networks start from: weights and biases ~ U(−1/√fanIn, 1/√fanIn).
 * For weights this is `kaiming_uniform_(a = √5)`, whose bound gain·√(3/fanIn) with gain = √(2/(1 + 5)) is 1/√fanIn.
 * @param fanIn - inputs feeding one output unit: `inputSize` for Dense, `inputChannels × kernel area` for convolutions.
 * @param seed - the network seed; see {@link deriveSeed}.
 * @param layerIndex - index of the layer among the initialised layers of the network.
 * @returns seeded tfjs initialisers; the same arguments always give bit-identical tensors.
 * @throws {@link PgValidationError} unless `fanIn` is a positive integer, `seed` a non-negative safe integer and
 *   `layerIndex` a non-negative integer.
 * @example
 * import { layers, ones } from "@tensorflow/tfjs";
 * import { pytorchInitializers } from "@pg/nets";
 * const dense = layers.dense({ units: 10, inputShape: [4], ...pytorchInitializers(4, 0, 0) });
 * dense.apply(ones([1, 4]));
 * const [kernel, bias] = dense.getWeights();
 * // kernel and bias ~ U(−½, ½): 1/√fanIn with fanIn = 4
 * console.log(kernel.abs().max().dataSync()[0] <= 0.5, bias.abs().max().dataSync()[0] <= 0.5); // true true
 * console.log(kernel.dataSync()[0].toFixed(4), bias.dataSync()[0].toFixed(4)); // 0.0784 -0.0027
 */
export function pytorchInitializers(fanIn: number, seed: number, layerIndex: number): PytorchInitializers {
  requirePositiveInteger("pytorchInitializers", "fanIn", fanIn);
  requireSeed("pytorchInitializers", "seed", seed);
  requireNonNegativeInteger("pytorchInitializers", "layerIndex", layerIndex);
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: deriveSeed(seed, layerIndex, "kernel"),
    }),
    biasInitializer: tf.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: deriveSeed(seed, layerIndex, "bias"),
    }),
  };
}
