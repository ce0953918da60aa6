/**
 * The hook through which the Node start-up hands the native kernels (`@pg/backend-native`) to the wasm training
 * kernels, and the rules for when they apply. Convolutions: float32 NHWC, stride 1, dilation 1, pads inside the
 * filter, and a multiple of 16 channels on the vectorised side. Max-pooling gradient: float32 NHWC, pads inside the
 * window. Row copies: 4-byte elements. Everything else (and every browser) keeps the wasm path. Internal to
 * `@pg/backend`; never re-exported.
 */
import type { backend_util, TensorInfo } from "@tensorflow/tfjs";

import type { WasmKernelCalls } from "./wasm_kernel_calls";

/** What `@pg/backend-native` exports; repeated here so the browser build never imports that package. */
export interface NativeKernels {
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, dims: Int32Array, relu: boolean): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, dims: Int32Array): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, dims: Int32Array): void;
  copyRows(heap: Float32Array | Int32Array, dstOffset: number, dstStride: number, srcOffset: number, srcStride: number, rows: number, run: number): void;
  readonly instructionSet: string;
}

let installed: NativeKernels | undefined;

/** Routes the eligible kernels to `kernels` from now on; `undefined` goes back to the wasm kernels. */
export function useNativeKernels(kernels: NativeKernels | undefined): void {
  installed = kernels;
}

/** The native kernels when installed, for callers with their own eligibility rule (row copies). */
export function nativeKernels(): NativeKernels | undefined {
  return installed;
}

/** Which side of the convolution the native kernel vectorises over 16 channels at a time. */
type VectorisedSide = "outChannels" | "inChannels";

/** The native kernels and the sizes to call them with, when they apply to `info`; otherwise undefined. */
function eligible(info: backend_util.Conv2DInfo, side: VectorisedSide): { kernels: NativeKernels; dims: Int32Array } | undefined {
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

/** dx of max pooling natively for x, dy and the pooling geometry, or undefined when the native kernel does not apply. */
export function nativeMaxPoolGrad(calls: WasmKernelCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  const kernels = installed;
  if (kernels === undefined || info.dataFormat !== "channelsLast") return undefined;
  const { top, left } = info.padInfo;
  if (top < 0 || left < 0 || top >= info.filterHeight || left >= info.filterWidth) return undefined;
  const dims = Int32Array.of(
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    top,
    left,
  );
  const dx = calls.output([...info.inShape]);
  kernels.maxPoolGrad(float32(calls, x), float32(calls, dy), float32(calls, dx), dims);
  return dx;
}
