/**
 * MaxPoolGrad for the wasm backend. The stock wasm kernel (built on its pool3d code, tensorflow/tfjs#7672) loses
 * the gradient of every window whose maximum is below FLT_MIN ≈ 1.2e-38, i.e. windows of negative, zero or
 * denormal values (it starts its running maximum at FLT_MIN, not at −∞): such a window's gradient vanishes or lands
 * on element 0. With zero-mean data more channels mean more such windows, which is why it first looked like a
 * "C > 1" bug. This kernel is exact for any values and channel count.
 *
 * Ties follow TensorFlow and the tfjs cpu backend: the whole gradient of a window goes to its first maximum in
 * row-major window order; padding never receives gradient, nor does a window whose maximum is −∞ (as on cpu).
 * Exact for finite inputs and for ±∞. NaN inputs (on which the wasm forward MaxPool already disagrees with cpu)
 * give unspecified gradients in their windows.
 */

/** dy where the window maximum y is above −∞ (or NaN), 0 elsewhere: such windows pass no gradient, as on cpu. */
function upstreamOfFiniteMaxima(calls: WasmKernelCalls, dy: TensorInfo, y: TensorInfo): TensorInfo {
  const isAboveMinusInfinity = calls.greater(y, calls.scalar(Number.NEGATIVE_INFINITY));
  const mask = calls.cast(isAboveMinusInfinity, "float32");
  calls.free(isAboveMinusInfinity);
  const routed = calls.multiply(dy, mask);
  calls.free(mask);
  return routed;
}
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";

import {
  readPadding,
  readPositivePair,
  readRoundingMode,
  requireFloat32,
  requireInput,
  requireShape,
  shape4,
} from "./kernel_attributes";
import { nativeMaxPoolGrad } from "./native_kernels";
import { WASM_BACKEND, withWasmKernelCalls, type WasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "MaxPoolGrad (wasm training kernel)";

/** Scores fh·fw, fh·fw − 1, …, 1 for the window positions in row-major order: the first position scores highest. */
function positionScores(filterHeight: number, filterWidth: number): Float32Array {
  const size = filterHeight * filterWidth;
  return Float32Array.from({ length: size }, (_, position) => size - position);
}

/** A depthwise filter [fh, fw, C, 1] that is 1 at window position (i, j) for every channel and 0 elsewhere. */
function oneHotFilter(filterHeight: number, filterWidth: number, channels: number, i: number, j: number): Float32Array {
  const filter = new Float32Array(filterHeight * filterWidth * channels);
  filter.fill(1, (i * filterWidth + j) * channels, (i * filterWidth + j + 1) * channels);
  return filter;
}

/**
 * Fast path for non-overlapping windows (filter == stride, any padding), in whole-tensor XNNPACK kernels only.
 * The input, padded with −∞ to whole windows and clipped to ±FLT_MAX (so ∞ − ∞ never occurs), is viewed as
 * [B·OH, fh, OW, fw, C] with y broadcast as [B·OH, 1, OW, 1, C]:
 * `notMax = step(y − x)` is 0 exactly at the window maxima;
 * `score = positionScores − (fh·fw + 1)·notMax` ranks the maxima by position (fh·fw for the first, down to 1) above
 * every other value (≤ −1); its window maximum `best` (a MaxPool) is the score of the first maximum;
 * `first = step(score − (best − ½))` is 1 there and 0 elsewhere (the scores are integers);
 * dx = first · dy broadcast back over the window (dy zeroed where y = −∞).
 */
function nonOverlappingGradient(
  calls: WasmKernelCalls,
  dy: TensorInfo,
  x: TensorInfo,
  y: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, channels] = shape4(WHERE, "input", x);
  const { outHeight, outWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const frameHeight = outHeight * filterHeight;
  const frameWidth = outWidth * filterWidth;
  const frame: [number, number][] = [
    [0, 0],
    [top, frameHeight - top - height],
    [left, frameWidth - left - width],
    [0, 0],
  ];
  const windowShape = [batch * outHeight, filterHeight, outWidth, filterWidth, channels];
  const perWindowShape = [batch * outHeight, 1, outWidth, 1, channels];

  const framed = calls.padOrCrop(x, frame, Number.NEGATIVE_INFINITY);
  const clipped = calls.clipToFinite(framed);
  calls.free(framed);
  const windows = calls.reshape(clipped, windowShape);
  calls.free(clipped);
  const maxima = calls.clipToFinite(calls.reshape(y, perWindowShape));
  const gap = calls.sub(maxima, windows);
  calls.free(windows);
  const notMax = calls.step(gap);
  calls.free(gap);
  const penalty = calls.multiply(notMax, calls.scalar(filterHeight * filterWidth + 1));
  calls.free(notMax);
  const scores = calls.constant(positionScores(filterHeight, filterWidth), [1, filterHeight, 1, filterWidth, 1]);
  const score = calls.sub(scores, penalty);
  calls.free(penalty);

  const scoreImage = calls.reshape(score, [batch, frameHeight, frameWidth, channels]);
  const best = calls.maxPool(scoreImage, [filterHeight, filterWidth], [filterHeight, filterWidth], "valid");
  calls.free(scoreImage);
  const threshold = calls.reshape(calls.sub(best, calls.scalar(0.5)), perWindowShape);
  const margin = calls.sub(score, threshold);
  calls.free(score);
  const first = calls.step(margin);
  calls.free(margin);

  const routed = upstreamOfFiniteMaxima(calls, dy, y);
  const dxWindows = calls.multiply(first, calls.reshape(routed, perWindowShape));
  calls.free(first);
  const dxFramed = calls.reshape(dxWindows, [batch, frameHeight, frameWidth, channels]);
  calls.free(dxWindows);
  const unframe = frame.map(([before, after]): [number, number] => [-before, -after]);
  return calls.padOrCrop(dxFramed, unframe, 0);
}

/**
 * General path (overlapping windows, gaps between windows, any padding). The input is padded with −∞ to the rows
 * and columns the windows read and clipped to ±FLT_MAX. For each window position t = (i, j) in row-major order,
 * `candidates` holds the value position t of every window reads (a depthwise convolution with a one-hot fh×fw
 * filter and the pool's stride: exact, as every other tap multiplies a finite value by 0, and much faster than
 * StridedSlice on wasm) and `notMax_t = step(y − candidates)`;
 * with `unclaimed_0 = 1` and `unclaimed_{t+1} = unclaimed_t · notMax_t`, position t is chosen in the windows where
 * `unclaimed_t − unclaimed_{t+1}` is 1, i.e. where it is the first maximum. `chosen · dy` is spread on the stride
 * grid by zero insertion, shifted to (i, j) in one 6-D pad and summed (dy zeroed where y = −∞).
 */
function generalGradient(
  calls: WasmKernelCalls,
  dy: TensorInfo,
  x: TensorInfo,
  y: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, channels] = shape4(WHERE, "input", x);
  const { outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const readHeight = (outHeight - 1) * strideHeight + filterHeight;
  const readWidth = (outWidth - 1) * strideWidth + filterWidth;
  const framed = calls.padOrCrop(
    x,
    [
      [0, 0],
      [top, readHeight - top - height],
      [left, readWidth - left - width],
      [0, 0],
    ],
    Number.NEGATIVE_INFINITY,
  );
  const clipped = calls.clipToFinite(framed);
  calls.free(framed);
  const maxima = calls.clipToFinite(y);
  // Window offsets i = a·sh + r are placed at block a, phase r of a [OH + extraRows, sh] grid of rows.
  const extraRows = Math.ceil(filterHeight / strideHeight) - 1;
  const extraColumns = Math.ceil(filterWidth / strideWidth) - 1;

  const routed = upstreamOfFiniteMaxima(calls, dy, y);
  let unclaimed: TensorInfo = calls.scalar(1);
  let accumulated: TensorInfo | undefined;
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      const selector = calls.constant(oneHotFilter(filterHeight, filterWidth, channels, i, j), [
        filterHeight,
        filterWidth,
        channels,
        1,
      ]);
      const candidates = calls.depthwiseConv2d(clipped, selector, [strideHeight, strideWidth], "valid");
      calls.free(selector);
      const gap = calls.sub(maxima, candidates);
      calls.free(candidates);
      const notMax = calls.step(gap);
      calls.free(gap);
      const stillUnclaimed = calls.multiply(unclaimed, notMax);
      calls.free(notMax);
      const chosen = calls.sub(unclaimed, stillUnclaimed);
      calls.free(unclaimed);
      unclaimed = stillUnclaimed;
      const contribution = calls.multiply(chosen, routed);
      calls.free(chosen);
      const expanded = calls.reshape(contribution, [batch, outHeight, 1, outWidth, 1, channels]);
      calls.free(contribution);
      const rowBlock = Math.floor(i / strideHeight);
      const rowPhase = i % strideHeight;
      const columnBlock = Math.floor(j / strideWidth);
      const columnPhase = j % strideWidth;
      const placed = calls.pad(
        expanded,
        [
          [0, 0],
          [rowBlock, extraRows - rowBlock],
          [rowPhase, strideHeight - 1 - rowPhase],
          [columnBlock, extraColumns - columnBlock],
          [columnPhase, strideWidth - 1 - columnPhase],
          [0, 0],
        ],
        0,
      );
      calls.free(expanded);
      accumulated = calls.accumulate(accumulated, placed);
    }
  }
  if (accumulated === undefined) return calls.fill(x.shape, 0, "float32"); // unreachable: filters are at least 1×1
  const accumulatedHeight = (outHeight + extraRows) * strideHeight;
  const accumulatedWidth = (outWidth + extraColumns) * strideWidth;
  const dxFramed = calls.reshape(accumulated, [batch, accumulatedHeight, accumulatedWidth, channels]);
  calls.free(accumulated);
  return calls.padOrCrop(
    dxFramed,
    [
      [0, 0],
      [-top, top + height - accumulatedHeight],
      [-left, left + width - accumulatedWidth],
      [0, 0],
    ],
    0,
  );
}

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const dy = requireInput(WHERE, inputs, "dy");
  const x = requireInput(WHERE, inputs, "input");
  const y = requireInput(WHERE, inputs, "output");
  requireFloat32(WHERE, "dy", dy);
  requireFloat32(WHERE, "input", x);
  requireFloat32(WHERE, "output", y);
  const filterSize = readPositivePair(WHERE, attrs, "filterSize");
  const strides = readPositivePair(WHERE, attrs, "strides");
  const pad = readPadding(WHERE, attrs);
  const roundingMode = readRoundingMode(WHERE, attrs);
  const info = backend_util.computePool2DInfo(shape4(WHERE, "input", x), filterSize, strides, 1, pad, roundingMode);
  requireShape(WHERE, "dy", dy.shape, info.outShape);
  requireShape(WHERE, "output", y.shape, info.outShape);

  return withWasmKernelCalls(WHERE, backend, (calls) => {
    const nonOverlapping = info.filterHeight === info.strideHeight && info.filterWidth === info.strideWidth;
    const dx =
      nativeMaxPoolGrad(calls, x, dy, info) ??
      (nonOverlapping ? nonOverlappingGradient(calls, dy, x, y, info) : generalGradient(calls, dy, x, y, info));
    requireShape(WHERE, "dx", dx.shape, x.shape);
    return dx;
  });
};

/** Max-pool gradient on wasm, exact for any channel count. Registered by `registerTrainingKernels`. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: WASM_BACKEND,
  kernelFunc: maxPoolGrad,
};
