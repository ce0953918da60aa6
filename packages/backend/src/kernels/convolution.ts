/**
 * Conv2D and FusedConv2D for the wasm backend: the native kernels when the Node start-up installed them and they
 * apply (see native_convolution.ts), otherwise the stock XNNPACK kernel with the same inputs and attributes.
 */
import { backend_util, Conv2D, FusedConv2D, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs";

import { readDataFormat, readPadding, readPositivePair, readRoundingMode, requireInput, shape4 } from "./kernel_attributes";
import { nativeConv2d } from "./native_kernels";
import { WASM_BACKEND, withWasmKernelCalls } from "./wasm_kernel_calls";

/** The native path's convolution geometry, or undefined for layouts it never takes (channels first). */
function nhwcInfo(where: string, x: TensorInfo, filter: TensorInfo, attrs: NamedAttrMap): backend_util.Conv2DInfo | undefined {
  if (readDataFormat(where, attrs) !== "NHWC" || x.dtype !== "float32" || filter.dtype !== "float32") return undefined;
  return backend_util.computeConv2DInfo(
    shape4(where, "x", x),
    shape4(where, "filter", filter),
    readPositivePair(where, attrs, "strides"),
    readPositivePair(where, attrs, "dilations", 1),
    readPadding(where, attrs),
    readRoundingMode(where, attrs),
    false,
    "channelsLast",
  );
}

const CONV2D_WHERE = "Conv2D (wasm training kernel)";

const conv2d: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const x = requireInput(CONV2D_WHERE, inputs, "x");
  const filter = requireInput(CONV2D_WHERE, inputs, "filter");
  return withWasmKernelCalls(CONV2D_WHERE, backend, (calls) => {
    const info = nhwcInfo(CONV2D_WHERE, x, filter, attrs);
    const native = info === undefined ? undefined : nativeConv2d(calls, x, filter, undefined, false, info);
    return native ?? calls.runStock(Conv2D, inputs, attrs);
  });
};

const FUSED_WHERE = "FusedConv2D (wasm training kernel)";

const fusedConv2d: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const x = requireInput(FUSED_WHERE, inputs, "x");
  const filter = requireInput(FUSED_WHERE, inputs, "filter");
  const { bias, preluActivationWeights } = inputs;
  const activation = attrs.activation ?? "linear";
  return withWasmKernelCalls(FUSED_WHERE, backend, (calls) => {
    // Only a rank-1 float32 bias of the output channel count, and linear or ReLU activation, go native.
    const simple =
      preluActivationWeights === undefined &&
      (activation === "linear" || activation === "relu") &&
      (bias === undefined || (bias.shape.length === 1 && bias.dtype === "float32"));
    const info = simple ? nhwcInfo(FUSED_WHERE, x, filter, attrs) : undefined;
    const biasFits = bias === undefined || bias.shape[0] === info?.outChannels;
    const native = info === undefined || !biasFits ? undefined : nativeConv2d(calls, x, filter, bias, activation === "relu", info);
    return native ?? calls.runStock(FusedConv2D, inputs, attrs);
  });
};

/** Conv2D on wasm, native where it applies. Registered by `registerTrainingKernels`. */
export const conv2dConfig: KernelConfig = { kernelName: Conv2D, backendName: WASM_BACKEND, kernelFunc: conv2d };

/** FusedConv2D on wasm, native where it applies. Registered by `registerTrainingKernels`. */
export const fusedConv2dConfig: KernelConfig = { kernelName: FusedConv2D, backendName: WASM_BACKEND, kernelFunc: fusedConv2d };
