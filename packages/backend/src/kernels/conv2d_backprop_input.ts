/**
 * Conv2DBackpropInput for the wasm backend: the input gradient of a 2-D convolution as one XNNPACK forward
 * convolution (the stock kernel is a scalar loop, about 11× slower than the forward convolution).
 */
import { backend_util, Conv2DBackpropInput, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";

import {
  readDataFormat,
  readPadding,
  readPositivePair,
  readRoundingMode,
  readShape4,
  requireFloat32,
  requireInput,
  requireShape,
  shape4,
  type Shape4,
} from "./kernel_attributes";
import { nativeConv2dBackpropInput } from "./native_kernels";
import { WASM_BACKEND, withWasmKernelCalls, type WasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "Conv2DBackpropInput (wasm training kernel)";

/**
 * dx[b, h, w, ci] = Σ_{oh, ow, kh, kw, co} dy[b, oh, ow, co] · W[kh, kw, ci, co] over h = oh·sh + kh·dh − top,
 * w = ow·sw + kw·dw − left.
 *
 * Stride 1 (the fast path): a forward convolution of dy with the filter flipped in space and transposed to
 * [KH, KW, Co, Ci], dilation (dh, dw), padding [(KH−1)·dh − top, H − OH + top] × [(KW−1)·dw − left, W − OW + left]
 * (a negative amount crops dy). Stride > 1: dy is first spread on the stride grid by inserting sh − 1 zero rows
 * after every row and sw − 1 zero columns after every column, then the same convolution runs with stride 1.
 */
function inputGradient(calls: WasmKernelCalls, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;

  const native = nativeConv2dBackpropInput(calls, dy, filter, info);
  if (native !== undefined) return native;
  const flipped = filterHeight * filterWidth === 1 ? filter : calls.reverse(filter, [0, 1]);
  const flippedTransposed = calls.transpose(flipped, [0, 1, 3, 2]);
  calls.free(flipped);

  let spread = dy;
  if (strideHeight > 1 || strideWidth > 1) {
    const expanded = calls.reshape(dy, [batchSize, outHeight, 1, outWidth, 1, outChannels]);
    const padded = calls.pad(
      expanded,
      [
        [0, 0],
        [0, 0],
        [0, strideHeight - 1],
        [0, 0],
        [0, strideWidth - 1],
        [0, 0],
      ],
      0,
    );
    calls.free(expanded);
    spread = calls.reshape(padded, [batchSize, outHeight * strideHeight, outWidth * strideWidth, outChannels]);
    calls.free(padded);
  }
  const spreadHeight = outHeight * strideHeight;
  const spreadWidth = outWidth * strideWidth;
  const padTop = (filterHeight - 1) * dilationHeight - top;
  const padLeft = (filterWidth - 1) * dilationWidth - left;
  return calls.conv2dFramed(
    spread,
    flippedTransposed,
    [1, 1],
    [dilationHeight, dilationWidth],
    [
      [padTop, inHeight - spreadHeight + top],
      [padLeft, inWidth - spreadWidth + left],
    ],
  );
}

const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const dy = requireInput(WHERE, inputs, "dy");
  const filter = requireInput(WHERE, inputs, "filter");
  requireFloat32(WHERE, "dy", dy);
  requireFloat32(WHERE, "filter", filter);
  const strides = readPositivePair(WHERE, attrs, "strides");
  // tfjs-core never passes dilations to this kernel (its conv2d gradient requires dilation 1); accepted for callers
  // that run the kernel directly.
  const dilations = readPositivePair(WHERE, attrs, "dilations", 1);
  const pad = readPadding(WHERE, attrs);
  const dataFormat = readDataFormat(WHERE, attrs);
  const roundingMode = readRoundingMode(WHERE, attrs);
  const inputShape = readShape4(WHERE, attrs, "inputShape");
  const filterShape = shape4(WHERE, "filter", filter);
  shape4(WHERE, "dy", dy);

  const channelsFirst = dataFormat === "NCHW";
  const [batch, first, second, third] = inputShape;
  const inputShapeNhwc: Shape4 = channelsFirst ? [batch, second, third, first] : inputShape;
  if (filterShape[2] !== inputShapeNhwc[3]) {
    throw new PgValidationError(WHERE, "filter.shape[2]", `the input channel count ${inputShapeNhwc[3]}`, filterShape[2]);
  }
  const info = backend_util.computeConv2DInfo(inputShapeNhwc, filterShape, strides, dilations, pad, roundingMode, false, "channelsLast");

  return withWasmKernelCalls(WHERE, backend, (calls) => {
    const dyNhwc = channelsFirst ? calls.transpose(dy, [0, 2, 3, 1]) : dy;
    requireShape(WHERE, "dy", dyNhwc.shape, info.outShape);
    const dx = inputGradient(calls, dyNhwc, filter, info);
    requireShape(WHERE, "flip-convolution output", dx.shape, inputShapeNhwc);
    return channelsFirst ? calls.transpose(dx, [0, 3, 1, 2]) : dx;
  });
};

/** Input gradient of `Conv2D` on wasm; see {@link inputGradient} for the method. Registered by `registerTrainingKernels`. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: WASM_BACKEND,
  kernelFunc: conv2DBackpropInput,
};
