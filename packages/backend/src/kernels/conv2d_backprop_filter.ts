/**
 * Conv2DBackpropFilter for the wasm backend, which has none (tensorflow/tfjs#8474): the filter gradient of a 2-D
 * convolution: at stride 1 one XNNPACK matrix product of shifted planes, otherwise the XNNPACK forward convolution
 * ("conv trick").
 */
import { backend_util, Conv2DBackpropFilter, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
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
} from "./kernel_attributes";
import { nativeConv2dBackpropFilter } from "./native_kernels";
import { writeShiftedPlanes } from "./shifted_planes";
import { WASM_BACKEND, withWasmKernelCalls, type WasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "Conv2DBackpropFilter (wasm training kernel)";

/** Largest shifted-plane buffer (float32 elements, 64 MiB) one product reads; bigger batches go in chunks. */
const MAX_PLANE_ELEMENTS = 1 << 24;

/**
 * Stride 1, dilation 1: the filter gradient as one matrix product per batch chunk, at the forward convolution's
 * rate. With the input channel-major, each filter tap (kh, kw) is a shifted copy of it:
 *   dW[kh, kw, ci, co] = Σ_{b,oh,ow} x[b, oh + kh − top, ow + kw − left, ci] · dy[b, oh, ow, co],
 * i.e. P · dy with P[(kh, kw, ci), (b, oh, ow)] the shifted input planes (0 outside x) and dy as [B·OH·OW, Co].
 * Substituting ih = oh + kh − top gives the same sum with dy shifted instead,
 *   dW[kh, kw, ·, ·]ᵀ = D · x with D[(kh, kw, co), (b, ih, iw)] = dy[b, ih − kh + top, iw − kw + left, co],
 * whose result [KH, KW, Co, Ci] is transposed (a few thousand elements). The side with fewer channels is shifted:
 * the planes cost KH·KW·channels·B·H·W element moves and set the product's row count.
 */
function stride1FilterGradient(calls: WasmKernelCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [batch, height, width, inChannels] = shape4(WHERE, "x", x);
  const { outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const shiftInput = inChannels <= outChannels;
  const shifted = shiftInput ? x : dy;
  const other = shiftInput ? dy : x;
  const channels = shiftInput ? inChannels : outChannels;
  const otherChannels = shiftInput ? outChannels : inChannels;
  const geometry = shiftInput
    ? { channels, batch, sourceHeight: height, sourceWidth: width, height: outHeight, width: outWidth }
    : { channels, batch, sourceHeight: outHeight, sourceWidth: outWidth, height, width };
  const shifts: [number, number][] = [];
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      shifts.push(shiftInput ? [kh - top, kw - left] : [top - kh, left - kw]);
    }
  }
  const rows = shifts.length * channels;
  const grid = geometry.height * geometry.width;
  const chunk = Math.max(1, Math.min(batch, Math.floor(MAX_PLANE_ELEMENTS / (rows * grid))));

  const channelMajor = calls.transpose(shifted, [3, 0, 1, 2]);
  const otherRows = calls.reshape(other, [batch, grid * otherChannels]);
  let sum: TensorInfo | undefined;
  for (let begin = 0; begin < batch; begin += chunk) {
    const end = Math.min(batch, begin + chunk);
    const planes = calls.output([1, rows, (end - begin) * grid]);
    const view = calls.heapView(planes);
    writeShiftedPlanes(view.heap as Float32Array, view.offset(channelMajor), view.offset(planes), geometry, shifts, begin, end);
    const part = end - begin === batch ? otherRows : calls.slice(otherRows, [begin, 0], [end - begin, grid * otherChannels]);
    const product = calls.matMul(planes, calls.reshape(part, [1, (end - begin) * grid, otherChannels]));
    calls.free(planes);
    if (part !== otherRows) calls.free(part);
    sum = calls.accumulate(sum, product);
  }
  calls.free(channelMajor);
  if (sum === undefined) return calls.fill([filterHeight, filterWidth, inChannels, outChannels], 0, "float32");
  if (shiftInput) return calls.reshape(sum, [filterHeight, filterWidth, inChannels, outChannels]);
  return calls.transpose(calls.reshape(sum, [filterHeight, filterWidth, outChannels, inChannels]), [0, 1, 3, 2]);
}

/**
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + kh·dh − top, ow·sw + kw·dw − left, ci] · dy[b, oh, ow, co].
 *
 * Read with ci as the batch axis and b as the channel axis, this is one forward convolution
 * `Conv2D(xᵀ [Ci, H, W, B], dyᵀ [OH, OW, B, Co])` with stride (dh, dw), dilation (sh, sw) and the forward padding,
 * whose output [Ci, KH, KW, Co] is transposed to [KH, KW, Ci, Co]. Every stride, dilation and padding tfjs can
 * produce takes this one path (stride 1 is the common fast case); a 1×1 filter without stride or padding is the
 * single matrix product xᵀ·dy over the B·H·W pixels (BatchMatMul).
 */
function filterGradient(calls: WasmKernelCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [batch, height, width, inChannels] = shape4(WHERE, "x", x);
  const { outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;

  const native = nativeConv2dBackpropFilter(calls, x, dy, info);
  if (native !== undefined) return native;
  if (
    filterHeight === 1 &&
    filterWidth === 1 &&
    strideHeight === 1 &&
    strideWidth === 1 &&
    top === 0 &&
    left === 0 &&
    outHeight === height &&
    outWidth === width
  ) {
    // An explicit transpose then a plain product is about twice as fast as BatchMatMul's transposeA on wasm.
    const pixels = batch * height * width;
    const xTransposed = calls.transpose(calls.reshape(x, [pixels, inChannels]), [1, 0]);
    const product = calls.matMul(
      calls.reshape(xTransposed, [1, inChannels, pixels]),
      calls.reshape(dy, [1, pixels, outChannels]),
    );
    calls.free(xTransposed);
    return calls.reshape(product, [1, 1, inChannels, outChannels]);
  }

  if (strideHeight === 1 && strideWidth === 1 && dilationHeight === 1 && dilationWidth === 1 && batch > 0) {
    return stride1FilterGradient(calls, x, dy, info);
  }

  // Rows of the padded input the last output position reads; anything below is cropped, anything missing padded.
  const rowsRead = (filterHeight - 1) * dilationHeight + (outHeight - 1) * strideHeight + 1;
  const columnsRead = (filterWidth - 1) * dilationWidth + (outWidth - 1) * strideWidth + 1;
  if (rowsRead <= top || columnsRead <= left) {
    // Every window lies inside the padding: the gradient is zero.
    return calls.fill([filterHeight, filterWidth, inChannels, outChannels], 0, "float32");
  }
  const xTransposed = calls.transpose(x, [3, 1, 2, 0]);
  const dyTransposed = calls.transpose(dy, [1, 2, 0, 3]);
  const gradient = calls.conv2dFramed(
    xTransposed,
    dyTransposed,
    [dilationHeight, dilationWidth],
    [strideHeight, strideWidth],
    [
      [top, rowsRead - top - height],
      [left, columnsRead - left - width],
    ],
  );
  calls.free(xTransposed);
  calls.free(dyTransposed);
  requireShape(WHERE, "conv-trick output", gradient.shape, [inChannels, filterHeight, filterWidth, outChannels]);
  return calls.transpose(gradient, [1, 2, 0, 3]);
}

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const x = requireInput(WHERE, inputs, "x");
  const dy = requireInput(WHERE, inputs, "dy");
  requireFloat32(WHERE, "x", x);
  requireFloat32(WHERE, "dy", dy);
  const strides = readPositivePair(WHERE, attrs, "strides");
  // tfjs-core never passes dilations to this kernel (its conv2d gradient requires dilation 1); accepted for callers
  // that run the kernel directly.
  const dilations = readPositivePair(WHERE, attrs, "dilations", 1);
  const pad = readPadding(WHERE, attrs);
  const dataFormat = readDataFormat(WHERE, attrs);
  const roundingMode = readRoundingMode(WHERE, attrs);
  const filterShape = readShape4(WHERE, attrs, "filterShape");
  shape4(WHERE, "x", x);
  shape4(WHERE, "dy", dy);

  return withWasmKernelCalls(WHERE, backend, (calls) => {
    const channelsFirst = dataFormat === "NCHW";
    const xNhwc = channelsFirst ? calls.transpose(x, [0, 2, 3, 1]) : x;
    const dyNhwc = channelsFirst ? calls.transpose(dy, [0, 2, 3, 1]) : dy;
    const xShape = shape4(WHERE, "x", xNhwc);
    if (filterShape[2] !== xShape[3]) {
      throw new PgValidationError(WHERE, "attrs.filterShape[2]", `the input channel count ${xShape[3]}`, filterShape[2]);
    }
    const info = backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, roundingMode, false, "channelsLast");
    requireShape(WHERE, "dy", dyNhwc.shape, info.outShape);
    return filterGradient(calls, xNhwc, dyNhwc, info);
  });
};

/** Filter gradient of `Conv2D` on wasm; see {@link filterGradient} for the method. Registered by `registerTrainingKernels`. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM_BACKEND,
  kernelFunc: conv2DBackpropFilter,
};
