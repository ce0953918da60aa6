/**
 * Native float32 convolution kernels for Node: the forward pass (bias and ReLU fused), the input gradient and the
 * filter gradient of a stride-1 NHWC convolution, computed in place on `Float32Array`s — views of a WebAssembly
 * memory included, which is how `@pg/backend` runs them on the wasm backend's tensors without a copy.
 *
 * The addon is compiled for linux-x64 when the package is built (one binary; the widest of AVX-512, AVX2 or SSE2 the
 * CPU has is chosen when it loads). Elsewhere, or when it cannot load, {@link loadNativeConvolution} says why and
 * `@pg/backend` keeps its portable wasm kernels.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Sizes of one stride-1, dilation-1 NHWC convolution, in this order: batch, in height, in width, in channels, out
 * height, out width, out channels, filter height, filter width, pad top, pad left (pads in [0, filter size)).
 */
export type ConvolutionDims = Int32Array;

/** The kernels. Each checks its arrays against `dims` and throws a RangeError before touching memory. */
export interface NativeConvolution {
  /** y = conv(x, filter) + bias, then max(·, 0) if `relu`. `outChannels` must be a multiple of 16. */
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, dims: ConvolutionDims, relu: boolean): void;
  /** dx = the input gradient for dy. `inChannels` must be a multiple of 16. */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: ConvolutionDims): void;
  /** dFilter = the filter gradient for x and dy. `outChannels` must be a multiple of 16. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, dims: ConvolutionDims): void;
  /** The instruction set the kernels run with here: "avx512", "avx2" or "generic". */
  readonly instructionSet: string;
}

/** What {@link loadNativeConvolution} found: the kernels, or the reason there are none. */
export type NativeConvolutionStatus =
  | { readonly available: true; readonly kernels: NativeConvolution; readonly path: string }
  | { readonly available: false; readonly reason: string };

/** Where the prebuilt addon for this platform lives, whether or not it was built. */
export function nativeAddonPath(): string {
  return fileURLToPath(new URL(`../prebuilds/${process.platform}-${process.arch}/pg_native.node`, import.meta.url));
}

function isNativeConvolution(value: unknown): value is NativeConvolution {
  return (
    typeof value === "object" &&
    value !== null &&
    ["conv2d", "conv2dBackpropInput", "conv2dBackpropFilter"].every((name) => typeof Reflect.get(value, name) === "function") &&
    typeof Reflect.get(value, "instructionSet") === "string"
  );
}

let cached: NativeConvolutionStatus | undefined;

/**
 * Loads the native kernels once per process. `PG_NATIVE=0` in the environment turns them off (to compare against
 * the wasm kernels, or to rule them out).
 * @returns the kernels with the addon's path, or `available: false` with the reason (not built for this platform,
 *   turned off, or the load error's first line).
 * @example
 * import { loadNativeConvolution } from "@pg/backend-native";
 * const status = loadNativeConvolution();
 * if (status.available) {
 *   // a 1×1 convolution of one pixel with 1 input and 16 output channels: y[k] = 2·filter[k] + bias[k]
 *   const y = new Float32Array(16);
 *   const dims = Int32Array.of(1, 1, 1, 1, 1, 1, 16, 1, 1, 0, 0);
 *   status.kernels.conv2d(Float32Array.of(2), new Float32Array(16).fill(0.5), new Float32Array(16).fill(1), y, dims, false);
 *   console.log(y[15]); // 2
 * } else {
 *   console.log(status.reason.length > 0); // true
 * }
 */
export function loadNativeConvolution(): NativeConvolutionStatus {
  if (cached !== undefined) return cached;
  cached = load();
  return cached;
}

function load(): NativeConvolutionStatus {
  if (process.env.PG_NATIVE === "0") return { available: false, reason: "turned off by PG_NATIVE=0" };
  const path = nativeAddonPath();
  if (!existsSync(path)) {
    return { available: false, reason: `not built for ${process.platform}-${process.arch}` };
  }
  try {
    const kernels: unknown = createRequire(import.meta.url)(path);
    if (!isNativeConvolution(kernels)) return { available: false, reason: "the addon does not export the kernels" };
    return { available: true, kernels, path };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, reason: `the addon did not load: ${message.split("\n")[0] ?? message}` };
  }
}
