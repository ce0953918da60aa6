import * as tf from "@tensorflow/tfjs";
import { PgValidationError, requireKnownKeys, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { BatchStatisticsNormalization } from "./batch_statistics_normalization";
import { BilinearUpsampling2D } from "./bilinear_upsampling";
import { CircularPadding2D } from "./circular_padding";
import { attachNetworkConfig } from "./network_config";
import { requireSeed } from "./option_checks";
import { pytorchInitializers } from "./pytorch_initialization";
import { registerNetworkLayers } from "./register_network_layers";
import { SkipConcatenation } from "./skip_concatenation";
import { SpatialSizeGuard } from "./spatial_size_guard";

/** Boundary handling of the U-net's 3×3 convolutions. */
export type UNetPadding = "zero" | "circular";

/** The accepted values of {@link UNetOptions.padding}. */
export const UNET_PADDINGS: readonly UNetPadding[] = ["zero", "circular"];

/** Options of {@link unet}. */
export interface UNetOptions {
  /** Resolution levels, including the full-resolution one (4 for Poisson and heat, 5 for the fluid). */
  readonly levels: number;
  /** Channels of every feature map. @defaultValue 16 */
  readonly filters?: number;
  /** Channels of the input (C_in). */
  readonly inputChannels: number;
  /** Channels of the output (C_out). */
  readonly outputChannels: number;
  /** Non-negative integer; the same seed gives bit-identical initial weights. */
  readonly seed: number;
  /**
   * 'zero' (PhiFlow 2.1, our default; Dirichlet problems) or 'circular' (PhiFlow ≥ 2.2; periodic problems).
   * @defaultValue 'zero'
   */
  readonly padding?: UNetPadding;
  /** Fixed input height; omitted (with `width`) for a model that accepts any poolable size. */
  readonly height?: number;
  /** Fixed input width; omitted (with `height`) for a model that accepts any poolable size. */
  readonly width?: number;
}

/** Every key of {@link UNetOptions}; anything else is refused as a misspelling. */
const UNET_OPTION_KEYS = [
  "levels",
  "filters",
  "inputChannels",
  "outputChannels",
  "seed",
  "padding",
  "height",
  "width",
] as const satisfies readonly (keyof UNetOptions)[];
true satisfies OptionKeysCover<UNetOptions, typeof UNET_OPTION_KEYS>;

/** The most resolution levels {@link unet} builds. */
const MAX_LEVELS = 16;

/** The options with every default filled in (height and width stay optional). */
type ResolvedUNetOptions = Required<Omit<UNetOptions, "height" | "width">> & Pick<UNetOptions, "height" | "width">;

/** Validates `options` once and fills in the defaults. */
function resolveUNetOptions(options: UNetOptions): ResolvedUNetOptions {
  const where = "unet";
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object", options);
  }
  requireKnownKeys(where, "options", options, UNET_OPTION_KEYS);
  const levels = requirePositiveInteger(where, "levels", options.levels);
  // 2^(levels − 1) cells per axis at least: beyond 2^15 no input fits in memory, and the layers would only waste time.
  if (levels > MAX_LEVELS) {
    throw new PgValidationError(where, "levels", `a positive integer ≤ ${MAX_LEVELS} (inputs need ≥ 2^(levels − 1) cells per axis)`, levels);
  }
  const filters = requirePositiveInteger(where, "filters", options.filters ?? 16);
  const inputChannels = requirePositiveInteger(where, "inputChannels", options.inputChannels);
  const outputChannels = requirePositiveInteger(where, "outputChannels", options.outputChannels);
  const seed = requireSeed(where, "seed", options.seed);
  const padding = requireOneOf(where, "padding", options.padding ?? "zero", UNET_PADDINGS);
  const resolved: ResolvedUNetOptions = { levels, filters, inputChannels, outputChannels, seed, padding };
  if ((options.height === undefined) !== (options.width === undefined)) {
    const missing = options.height === undefined ? "height" : "width";
    throw new PgValidationError(where, missing, "given when the other spatial size is given", undefined);
  }
  if (options.height === undefined || options.width === undefined) return resolved;
  const minimum = 2 ** (levels - 1);
  const expected = `an integer ≥ 2^(levels − 1) = ${minimum} so that ${levels - 1} max-poolings leave a cell (levels = ${levels})`;
  for (const [parameter, size] of [
    ["height", options.height],
    ["width", options.width],
  ] as const) {
    if (typeof size !== "number" || !Number.isInteger(size) || size < minimum) {
      throw new PgValidationError(where, parameter, expected, size);
    }
  }
  return { ...resolved, height: options.height, width: options.width };
}

/** Numbers the convolutions in construction order, so each gets its own derived seed. */
interface ConvolutionCounter {
  next: number;
}

/** A 3×3 convolution (bias, zero or circular padding of 1) with PyTorch default initialisation. */
function convolution3x3(
  x: tf.SymbolicTensor,
  inputChannels: number,
  outputChannels: number,
  name: string,
  resolved: ResolvedUNetOptions,
  counter: ConvolutionCounter,
): tf.SymbolicTensor {
  const isCircular = resolved.padding === "circular";
  const padded = isCircular ? (new CircularPadding2D({ name: `${name}_padding` }).apply(x) as tf.SymbolicTensor) : x;
  const layer = tf.layers.conv2d({
    filters: outputChannels,
    kernelSize: 3,
    strides: 1,
    padding: isCircular ? "valid" : "same",
    useBias: true,
    name,
    ...pytorchInitializers(inputChannels * 9, resolved.seed, counter.next++),
  });
  return layer.apply(padded) as tf.SymbolicTensor;
}

/** DC(a→b), PhiFlow's double convolution block: Conv3×3(a→b) → BN → ReLU → Conv3×3(b→b) → BN → ReLU. */
function doubleConvolution(
  x: tf.SymbolicTensor,
  inputChannels: number,
  outputChannels: number,
  prefix: string,
  resolved: ResolvedUNetOptions,
  counter: ConvolutionCounter,
): tf.SymbolicTensor {
  let y = x;
  let channels = inputChannels;
  for (const index of [0, 1]) {
    y = convolution3x3(y, channels, outputChannels, `${prefix}_convolution_${index}`, resolved, counter);
    y = new BatchStatisticsNormalization({ name: `${prefix}_normalization_${index}` }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: "relu", name: `${prefix}_activation_${index}` }).apply(y) as tf.SymbolicTensor;
    channels = outputChannels;
  }
  return y;
}

/**
 * The U-net of the paper's App. B.3 (PhiFlow's PyTorch `u_net(in, out, levels, filters, batch_norm=True)`), in NHWC float32.
 *
 * - DC(a→b) = Conv3×3(bias, padding 1) → BN → ReLU → Conv3×3 → BN → ReLU, BN always on batch statistics.
 * - Encoder: e₀ = DC(C_in→f)(input); e_ℓ = DC(f→f)(MaxPool2×2(e_{ℓ−1})), ℓ = 1 … levels − 1.
 * - Decoder: d = e_{levels−1}; for ℓ = levels − 2 … 0: d = DC(2f→f)(concat[e_ℓ, Up2(d)]), skip first. Up2 is bilinear
 *   with half-pixel centres; after an odd size was floored by pooling, Up2(d) is zero-padded at the high end (PhiFlow
 *   2.0's behaviour, needed on the paper's 80 × 60 Poisson grid).
 * - Output: Conv1×1(f→C_out, bias), no activation.
 *
 * Parameters (f = 16): 37,697 for levels 4, 1→1 and 49,570 for levels 5, 2→2. Convolution weights and biases are
 * U(−1/√fanIn, 1/√fanIn) with fanIn = channels × kernel area; γ = 1, β = 0. Layer names are fixed
 * (`encoder_ℓ_convolution_k`, `encoder_ℓ_normalization_k`, `encoder_ℓ_pooling`, `decoder_ℓ_upsampling`,
 * `decoder_ℓ_concatenation`, `decoder_ℓ_convolution_k`, …, `output_convolution`).
 * @param options - {@link UNetOptions}; validated once, here.
 * @returns a LayersModel from [batch, height, width, C_in] to [batch, height, width, C_out]; height and width are
 *   `null` (any size ≥ 2^(levels − 1), checked at call time) unless given.
 * @throws {@link PgValidationError} for an unknown option, if `levels` (at most 16), `filters` or a channel count is
 *   not a positive integer, `seed` is not a non-negative safe integer, `padding` is unknown, or a given height/width is
 *   below 2^(levels − 1).
 * @example
 * import { zeros } from "@tensorflow/tfjs";
 * import { countParameters, unet, UNET_PADDINGS } from "@pg/nets";
 * const model = unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0 });
 * console.log(countParameters(model)); // 37697
 * console.log(model.predict(zeros([2, 16, 12, 1])).shape.join(" ")); // 2 16 12 1
 * console.log(UNET_PADDINGS.join(" ")); // zero circular
 */
export function unet(options: UNetOptions): tf.LayersModel {
  const resolved = resolveUNetOptions(options);
  registerNetworkLayers();
  const { levels, filters, inputChannels, outputChannels } = resolved;
  const input = tf.input({
    shape: [resolved.height ?? null, resolved.width ?? null, inputChannels],
    name: "input",
  });
  const counter: ConvolutionCounter = { next: 0 };
  const guarded = new SpatialSizeGuard({ levels, name: "input_size_guard" }).apply(input) as tf.SymbolicTensor;
  const skips: tf.SymbolicTensor[] = [doubleConvolution(guarded, inputChannels, filters, "encoder_0", resolved, counter)];
  for (let level = 1; level < levels; level++) {
    const previous = skips[level - 1] as tf.SymbolicTensor;
    const pooled = tf.layers
      .maxPooling2d({ poolSize: 2, strides: 2, padding: "valid", name: `encoder_${level}_pooling` })
      .apply(previous) as tf.SymbolicTensor;
    skips.push(doubleConvolution(pooled, filters, filters, `encoder_${level}`, resolved, counter));
  }
  let decoded = skips[levels - 1] as tf.SymbolicTensor;
  for (let level = levels - 2; level >= 0; level--) {
    const upsampled = new BilinearUpsampling2D({ name: `decoder_${level}_upsampling` }).apply(
      decoded,
    ) as tf.SymbolicTensor;
    const joined = new SkipConcatenation({ name: `decoder_${level}_concatenation` }).apply([
      skips[level] as tf.SymbolicTensor,
      upsampled,
    ]) as tf.SymbolicTensor;
    decoded = doubleConvolution(joined, 2 * filters, filters, `decoder_${level}`, resolved, counter);
  }
  const output = tf.layers
    .conv2d({
      filters: outputChannels,
      kernelSize: 1,
      padding: "valid",
      useBias: true,
      name: "output_convolution",
      ...pytorchInitializers(filters, resolved.seed, counter.next++),
    })
    .apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: "unet" });
  attachNetworkConfig(model, { builder: "unet", options: resolved });
  return model;
}
