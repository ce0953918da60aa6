import * as tf from "@tensorflow/tfjs";
import { PgValidationError, requireKnownKeys, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { attachNetworkConfig } from "./network_config";
import { requireSeed } from "./option_checks";
import { pytorchInitializers } from "./pytorch_initialization";

/** Activation functions an {@link mlp} can apply after each hidden layer. */
export type MlpActivation = "relu" | "sigmoid" | "tanh";

/** The accepted values of {@link MlpOptions.activation}. */
export const MLP_ACTIVATIONS: readonly MlpActivation[] = ["relu", "sigmoid", "tanh"];

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Number of input features. */
  readonly inputSize: number;
  /** Width of each hidden layer, input side first; `[]` gives a single linear layer. */
  readonly hiddenSizes: readonly number[];
  /** Number of outputs. */
  readonly outputSize: number;
  /** Activation after every hidden layer; the output layer is linear. @defaultValue 'relu' */
  readonly activation?: MlpActivation;
  /** Non-negative integer; the same seed gives bit-identical initial weights. */
  readonly seed: number;
}

/** Every key of {@link MlpOptions}; anything else is refused as a misspelling. */
const MLP_OPTION_KEYS = ["inputSize", "hiddenSizes", "outputSize", "activation", "seed"] as const satisfies readonly (keyof MlpOptions)[];
true satisfies OptionKeysCover<MlpOptions, typeof MLP_OPTION_KEYS>;

/** Validates `options` once and fills in the defaults. */
function resolveMlpOptions(options: MlpOptions): Required<MlpOptions> {
  const where = "mlp";
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object", options);
  }
  requireKnownKeys(where, "options", options, MLP_OPTION_KEYS);
  const inputSize = requirePositiveInteger(where, "inputSize", options.inputSize);
  if (!Array.isArray(options.hiddenSizes)) {
    throw new PgValidationError(where, "hiddenSizes", "an array of positive integers", options.hiddenSizes);
  }
  const hiddenSizes = options.hiddenSizes.map((size: unknown, index: number) =>
    requirePositiveInteger(where, `hiddenSizes[${index}]`, size),
  );
  const outputSize = requirePositiveInteger(where, "outputSize", options.outputSize);
  const activation = requireOneOf(where, "activation", options.activation ?? "relu", MLP_ACTIVATIONS);
  const seed = requireSeed(where, "seed", options.seed);
  return { inputSize, hiddenSizes: Object.freeze(hiddenSizes), outputSize, activation, seed };
}

/**
 * A fully connected network (PhiFlow `dense_net`): Dense layers with bias, `activation` after every hidden
 * layer, linear output. Weights and biases start from PyTorch's default U(−1/√fanIn, 1/√fanIn), seeded per layer.
 *
 * Layers are named `dense_0 … dense_H` (the last one is the output), so weight names are `dense_i/kernel` and
 * `dense_i/bias` whatever else has been built in the process.
 * @param options - {@link MlpOptions}; validated once, here.
 * @returns a tfjs LayersModel mapping `[batch, inputSize]` to `[batch, outputSize]` (float32); its configuration is
 *   available through `networkConfigOf`.
 * @throws {@link PgValidationError} for an unknown option, a size that is not a positive integer, an unknown
 *   `activation` or a `seed` that is not a non-negative safe integer.
 * @example
 * import { ones } from "@tensorflow/tfjs";
 * import { countParameters, mlp, MLP_ACTIVATIONS } from "@pg/nets";
 * const model = mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 });
 * console.log(countParameters(model)); // 461
 * console.log(model.predict(ones([3, 1])).shape.join(" ")); // 3 1
 * console.log(MLP_ACTIVATIONS.join(" ")); // relu sigmoid tanh
 */
export function mlp(options: MlpOptions): tf.LayersModel {
  const resolved = resolveMlpOptions(options);
  const input = tf.input({ shape: [resolved.inputSize], name: "input" });
  const widths = [...resolved.hiddenSizes, resolved.outputSize];
  let fanIn = resolved.inputSize;
  let output: tf.SymbolicTensor = input;
  widths.forEach((units, layerIndex) => {
    const isOutput = layerIndex === widths.length - 1;
    const layer = tf.layers.dense({
      units,
      useBias: true,
      activation: isOutput ? "linear" : resolved.activation,
      name: `dense_${layerIndex}`,
      ...pytorchInitializers(fanIn, resolved.seed, layerIndex),
    });
    output = layer.apply(output) as tf.SymbolicTensor;
    fanIn = units;
  });
  const model = tf.model({ inputs: input, outputs: output, name: "mlp" });
  attachNetworkConfig(model, { builder: "mlp", options: resolved });
  return model;
}
