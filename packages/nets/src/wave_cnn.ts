import * as tf from "@tensorflow/tfjs";
import { PgValidationError, requireKnownKeys, requireOneOf, type OptionKeysCover } from "@pg/core";
import { attachNetworkConfig } from "./network_config";
import { requireSeed } from "./option_checks";
import { glorotInitializers } from "./glorot_initialization";
import { pytorchInitializers } from "./pytorch_initialization";

/** Weight initialisation schemes of {@link waveCnn}. */
export const WAVE_CNN_INITIALIZATIONS = ["pytorch", "glorot"] as const;
/** `'pytorch'`: U(±1/√fanIn) weights and biases (PyTorch's default); `'glorot'`: Glorot-uniform weights, zero biases. */
export type WaveCnnInitialization = (typeof WAVE_CNN_INITIALIZATIONS)[number];

/** Options of {@link waveCnn}. */
export interface WaveCnnOptions {
  /** Non-negative integer; the same seed gives bit-identical initial weights. */
  readonly seed: number;
  /**
   * How Dense and convolution weights start. With `'pytorch'` the untrained network's output hardly depends on its
   * input (see {@link glorotInitializers}); `'glorot'` is what a TensorFlow/Keras build of this network starts from.
   * @defaultValue 'pytorch'
   */
  readonly initialization?: WaveCnnInitialization;
}

/** Every key of {@link WaveCnnOptions}; anything else is refused as a misspelling. */
const WAVE_CNN_OPTION_KEYS = ["seed", "initialization"] as const satisfies readonly (keyof WaveCnnOptions)[];
true satisfies OptionKeysCover<WaveCnnOptions, typeof WAVE_CNN_OPTION_KEYS>;

/** Samples of the wave-packet signal the network reads (paper App. B.1: 256 entries). */
const SIGNAL_LENGTH = 256;
/** Channels of every convolution. */
const FILTERS = 16;
/** Pool-then-convolve blocks; the length goes 256 → 8. */
const BLOCKS = 5;

/**
 * The wave-packet 1-D CNN of the paper's App. B.1 as we reconstruct it (the paper leaves details open and the network
 * is not in the authors' code; docs/reproduction.md, "Wave packet", gives our reading), 17,522 parameters:
 * input [256, 1]; 5 × [MaxPool1d(2) → Conv1d(k = 3, 16, 'same') → ReLU → Conv1d(k = 3, 16, 'same') → ReLU];
 * flatten (8 × 16 = 128) → Dense 64 + ReLU → Dense 32 + ReLU → Dense 2.
 *
 * The two outputs are raw: the example maps them to ξ₀ = 25.6 + 204.8·sigmoid(o₁) and A = 2 + o₂. Flattening is
 * length-major (NWC), unlike PyTorch's channel-major order; for freshly initialised networks this is immaterial.
 * Layer names: `block_b_pooling`, `block_b_convolution_k`, `flatten`, `dense_0`, `dense_1`, `dense_2`.
 * @param options - {@link WaveCnnOptions}; validated once, here.
 * @returns a LayersModel from [batch, 256, 1] to [batch, 2] (float32).
 * @throws {@link PgValidationError} for an unknown option, a `seed` that is not a non-negative safe integer or an
 *   unknown `initialization`.
 * @example
 * import { zeros } from "@tensorflow/tfjs";
 * import { countParameters, waveCnn, WAVE_CNN_INITIALIZATIONS } from "@pg/nets";
 * const model = waveCnn({ seed: 0, initialization: "glorot" });
 * console.log(countParameters(model)); // 17522
 * console.log(model.predict(zeros([3, 256, 1])).shape.join(" ")); // 3 2
 * console.log(WAVE_CNN_INITIALIZATIONS.join(" ")); // pytorch glorot
 */
export function waveCnn(options: WaveCnnOptions): tf.LayersModel {
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError("waveCnn", "options", "an object", options);
  }
  requireKnownKeys("waveCnn", "options", options, WAVE_CNN_OPTION_KEYS);
  const seed = requireSeed("waveCnn", "seed", options.seed);
  const initialization = requireOneOf("waveCnn", "initialization", options.initialization ?? "pytorch", WAVE_CNN_INITIALIZATIONS);
  const initializers = (fanIn: number, layerIndex: number) =>
    initialization === "pytorch" ? pytorchInitializers(fanIn, seed, layerIndex) : glorotInitializers(seed, layerIndex);
  const input = tf.input({ shape: [SIGNAL_LENGTH, 1], name: "input" });
  let layerIndex = 0;
  let channels = 1;
  let x: tf.SymbolicTensor = input;
  for (let block = 0; block < BLOCKS; block++) {
    x = tf.layers.maxPooling1d({ poolSize: 2, strides: 2, padding: "valid", name: `block_${block}_pooling` }).apply(
      x,
    ) as tf.SymbolicTensor;
    for (const index of [0, 1]) {
      x = tf.layers
        .conv1d({
          filters: FILTERS,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
          useBias: true,
          name: `block_${block}_convolution_${index}`,
          ...initializers(channels * 3, layerIndex++),
        })
        .apply(x) as tf.SymbolicTensor;
      channels = FILTERS;
    }
  }
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as tf.SymbolicTensor;
  let fanIn = (SIGNAL_LENGTH / 2 ** BLOCKS) * FILTERS;
  const widths = [64, 32, 2];
  widths.forEach((units, index) => {
    x = tf.layers
      .dense({
        units,
        activation: index === widths.length - 1 ? "linear" : "relu",
        useBias: true,
        name: `dense_${index}`,
        ...initializers(fanIn, layerIndex++),
      })
      .apply(x) as tf.SymbolicTensor;
    fanIn = units;
  });
  const model = tf.model({ inputs: input, outputs: x, name: "wave_cnn" });
  attachNetworkConfig(model, { builder: "waveCnn", options: { seed, initialization } });
  return model;
}
