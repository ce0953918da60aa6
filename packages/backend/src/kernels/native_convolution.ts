/**
 * The hook through which the Node start-up hands the native convolution kernels (`@pg/backend-native`) to the wasm
 * training kernels, and the one rule for when they apply: float32 NHWC, stride 1, dilation 1, pads inside the
 * filter, and a multiple of 16 channels on the vectorised side. Everything else (and every browser) keeps the wasm
 * path. Internal to `@pg/backend`; never re-exported.
 */
import type { backend_util, TensorInfo } from "@tensorflow/tfjs";

import type { WasmKernelCalls } from "./wasm_kernel_calls";

/** What `@pg/backend-native` exports; repeated here so the browser build never imports that package. */
export interface NativeConvolutionKernels {
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, dims: Int32Array, relu: boolean): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, dims: Int32Array): void;
  readonly instructionSet: string;
}

let installed: NativeConvolutionKernels | undefined;

/** Routes the eligible convolutions to `kernels` from now on; `undefined` goes back to the wasm kernels. */
export function useNativeConvolution(kernels: NativeConvolutionKernels | undefined): void {
  installed = kernels;
}

/** The instruction set of the installed native kernels, or undefined when the wasm kernels run every convolution. */
export function nativeConvolutionInstructionSet(): string | undefined {
  return installed?.instructionSet;
}

/** Which side of the convolution the native kernel vectorises over 16 channels at a time. */
type VectorisedSide = "outChannels" | "inChannels";

/** The native kernels and the sizes to call them with, when they apply to `info`; otherwise undefined. */
function eligible(info: backend_util.Conv2DInfo, side: VectorisedSide): { kernels: NativeConvolutionKernels; dims: Int32Array } | undefined {
  const kernels = installed;
  if (kernels === undefined) return undefined;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  if (info.dataFormat !== "channelsLast" || info.strideHeight !== 1 || info.strideWidth !== 1) return undefined;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  if (top < 0 || left < 0 || top >= filterHeight || left >= filterWidth) return undefined;
  if ((side === "outChannels" ? outChannels : inChannels) % 16 !== 0) return undefined;
  const dims = Int32Array.of(batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, top, left);
  return { kernels, dims };
}

function float32(calls: WasmKernelCalls, tensor: TensorInfo): Float32Array {
  const view = calls.elements(tensor);
  if (!(view instanceof Float32Array)) throw new TypeError(`${calls.where}: expected a float32 tensor, got ${tensor.dtype}`);
  return view;
}

/**
 * y = conv(x, filter) (+ bias, then ReLU if asked) natively, or undefined when the native kernels do not apply.
 * `bias` must hold exactly `outChannels` values.
 */
export function nativeConv2d(
  calls: WasmKernelCalls,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  relu: boolean,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const native = eligible(info, "outChannels");
  if (native === undefined) return undefined;
  const y = calls.output([...info.outShape]);
  // Views are taken after the output exists: allocating may grow the heap and detach earlier views.
  const biasView = bias === undefined ? null : float32(calls, bias);
  native.kernels.conv2d(float32(calls, x), float32(calls, filter), biasView, float32(calls, y), native.dims, relu);
  return y;
}

/** dx natively for dy [B, OH, OW, Co] and filter [KH, KW, Ci, Co], or undefined when the native kernels do not apply. */
export function nativeConv2dBackpropInput(
  calls: WasmKernelCalls,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const native = eligible(info, "inChannels");
  if (native === undefined) return undefined;
  const dx = calls.output([...info.inShape]);
  native.kernels.conv2dBackpropInput(float32(calls, dy), float32(calls, filter), float32(calls, dx), native.dims);
  return dx;
}

/** dFilter natively for x and dy, or undefined when the native kernels do not apply. */
export function nativeConv2dBackpropFilter(
  calls: WasmKernelCalls,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const native = eligible(info, "outChannels");
  if (native === undefined) return undefined;
  const dFilter = calls.output([info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  native.kernels.conv2dBackpropFilter(float32(calls, x), float32(calls, dy), float32(calls, dFilter), native.dims);
  return dFilter;
}
