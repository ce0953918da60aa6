/**
 * Native float32 kernels for Node: the forward pass (bias and ReLU fused), the input gradient and the filter
 * gradient of a stride-1 NHWC convolution, the max-pooling gradient and strided row copies, computed in place on
 * typed arrays — views of a WebAssembly memory included, which is how `@pg/backend` runs them on the wasm backend's
 * tensors without a copy.
 *
 * The addon is compiled for linux-x64 when the package is built (one binary; the widest of AVX-512, AVX2 or SSE2 the
 * CPU has is chosen when it loads). Elsewhere, or when it cannot load, {@link loadNativeKernels} says why and
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

/**
 * Sizes of one max pooling, in this order: batch, in height, in width, channels, out height, out width, filter
 * height, filter width, stride height, stride width, pad top, pad left (pads in [0, filter size)).
 */
export type PoolDims = Int32Array;

/**
 * The kernels. Each checks its arrays against the sizes it is given and throws a RangeError (a TypeError for an
 * array of the wrong type) before touching memory.
 */
export interface NativeKernels {
  /** y = conv(x, filter) + bias, then max(·, 0) if `relu`. `outChannels` must be a multiple of 16. */
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, dims: ConvolutionDims, relu: boolean): void;
  /** dx = the input gradient for dy. `inChannels` must be a multiple of 16. */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: ConvolutionDims): void;
  /** dFilter = the filter gradient for x and dy. `outChannels` must be a multiple of 16. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, dims: ConvolutionDims): void;
  /**
   * dx = the max-pooling gradient: zero, then dy added at each window's first maximum in row-major order (windows
   * whose maximum is −∞ pass nothing; padding receives nothing).
   */
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: PoolDims): void;
  /**
   * heap[dstOffset + r·dstStride + k] = heap[srcOffset + r·srcStride + k] for r < rows, k < run: element offsets into
   * one Float32Array or Int32Array (e.g. the wasm heap).
   */
  copyRows(heap: Float32Array | Int32Array, dstOffset: number, dstStride: number, srcOffset: number, srcStride: number, rows: number, run: number): void;
  /** The instruction set the kernels run with here: "avx512", "avx2" or "generic". */
  readonly instructionSet: string;
}

/** What {@link loadNativeKernels} found: the kernels, or the reason there are none. */
export type NativeKernelsStatus =
  | { readonly available: true; readonly kernels: NativeKernels; readonly path: string }
  | { readonly available: false; readonly reason: string };

/**
 * Where the prebuilt addon for this platform lives, whether or not it was built.
 * @returns an absolute path ending in `prebuilds/<platform>-<arch>/pg_native.node`.
 * @example
 * import { nativeAddonPath } from "@pg/backend-native";
 * console.log(nativeAddonPath().endsWith(`prebuilds/${process.platform}-${process.arch}/pg_native.node`)); // true
 */
export function nativeAddonPath(): string {
  return fileURLToPath(new URL(`../prebuilds/${process.platform}-${process.arch}/pg_native.node`, import.meta.url));
}

const KERNEL_NAMES = ["conv2d", "conv2dBackpropInput", "conv2dBackpropFilter", "maxPoolGrad", "copyRows"] as const;

function isNativeKernels(value: unknown): value is NativeKernels {
  return (
    typeof value === "object" &&
    value !== null &&
    KERNEL_NAMES.every((name) => typeof Reflect.get(value, name) === "function") &&
    typeof Reflect.get(value, "instructionSet") === "string"
  );
}

let cached: NativeKernelsStatus | undefined;

/**
 * Loads the native kernels once per process. `PG_NATIVE=0` in the environment turns them off (to compare against
 * the wasm kernels, or to rule them out).
 * @returns the kernels with the addon's path, or `available: false` with the reason (not built for this platform,
 *   turned off, or the load error's first line).
 * @example
 * import { loadNativeKernels } from "@pg/backend-native";
 * const status = loadNativeKernels();
 * // where the addon loads, a 1×1 convolution of one pixel, 1 input and 16 output channels: y[k] = 2·0.5 + 1
 * const y = new Float32Array(16);
 * const dims = Int32Array.of(1, 1, 1, 1, 1, 1, 16, 1, 1, 0, 0);
 * if (status.available) status.kernels.conv2d(Float32Array.of(2), new Float32Array(16).fill(0.5), new Float32Array(16).fill(1), y, dims, false);
 * console.log(status.available ? y[15] === 2 : status.reason.length > 0); // true
 */
export function loadNativeKernels(): NativeKernelsStatus {
  if (cached !== undefined) return cached;
  cached = load();
  return cached;
}

function load(): NativeKernelsStatus {
  if (process.env.PG_NATIVE === "0") return { available: false, reason: "turned off by PG_NATIVE=0" };
  const path = nativeAddonPath();
  if (!existsSync(path)) {
    return { available: false, reason: `not built for ${process.platform}-${process.arch}` };
  }
  try {
    const kernels: unknown = createRequire(import.meta.url)(path);
    if (!isNativeKernels(kernels)) return { available: false, reason: "the addon does not export the kernels" };
    return { available: true, kernels, path };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, reason: `the addon did not load: ${message.split("\n")[0] ?? message}` };
  }
}
