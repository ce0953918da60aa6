/**
 * MaxPoolGrad for the wasm backend. The stock wasm kernel (built on its pool3d code, tensorflow/tfjs#7672) loses
 * the gradient of every window whose maximum is below FLT_MIN ≈ 1.2e-38, i.e. windows of negative, zero or
 * denormal values (it starts its running maximum at FLT_MIN, not at −∞): such a window's gradient vanishes or lands
 * on element 0. With zero-mean data more channels mean more such windows, which is why it first looked like a
 * "C > 1" bug. This kernel is exact for any values and channel count: one pass over the windows in the wasm heap.
 *
 * Ties follow TensorFlow and the tfjs cpu backend: the whole gradient of a window goes to its first maximum in
 * row-major window order; padding never receives gradient, nor does a window whose maximum is −∞ (as on cpu).
 * Exact for finite inputs and for ±∞. NaN inputs (on which the wasm forward MaxPool already disagrees with cpu)
 * give unspecified gradients in their windows.
 */
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
import { WASM_BACKEND, withWasmKernelCalls, type WasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "MaxPoolGrad (wasm training kernel)";

/**
 * dx[b, r, s, c] = Σ over the windows whose first maximum (row-major window order) is x[b, r, s, c] of their dy, read
 * and written in the wasm heap in one pass over the windows. A window whose maximum y is −∞ (or NaN) passes nothing,
 * and positions in the padding are never read, as on cpu.
 */
function windowGradient(
  calls: WasmKernelCalls,
  dy: TensorInfo,
  x: TensorInfo,
  y: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, channels] = shape4(WHERE, "input", x);
  const { outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const dx = calls.output([batch, height, width, channels]);
  const view = calls.heapView(dx);
  const heap = view.heap as Float32Array;
  const xAt = view.offset(x);
  const yAt = view.offset(y);
  const dyAt = view.offset(dy);
  const dxAt = view.offset(dx);
  heap.fill(0, dxAt, dxAt + batch * height * width * channels);
  const claimed = new Uint8Array(channels);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowBegin = Math.max(0, oh * strideHeight - top);
      const rowEnd = Math.min(height, oh * strideHeight - top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const columnBegin = Math.max(0, ow * strideWidth - left);
        const columnEnd = Math.min(width, ow * strideWidth - left + filterWidth);
        const out = ((b * outHeight + oh) * outWidth + ow) * channels;
        let open = 0;
        for (let c = 0; c < channels; c++) {
          const isRouted = (heap[yAt + out + c] as number) > Number.NEGATIVE_INFINITY;
          claimed[c] = isRouted ? 0 : 1;
          if (isRouted) open++;
        }
        for (let r = rowBegin; r < rowEnd && open > 0; r++) {
          for (let s = columnBegin; s < columnEnd && open > 0; s++) {
            const pixel = ((b * height + r) * width + s) * channels;
            for (let c = 0; c < channels; c++) {
              if (claimed[c] === 0 && heap[xAt + pixel + c] === heap[yAt + out + c]) {
                heap[dxAt + pixel + c] = (heap[dxAt + pixel + c] as number) + (heap[dyAt + out + c] as number);
                claimed[c] = 1;
                open--;
              }
            }
          }
        }
      }
    }
  }
  return dx;
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
    return windowGradient(calls, dy, x, y, info);
  });
};

/** Max-pool gradient on wasm, exact for any channel count. Registered by `registerTrainingKernels`. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: WASM_BACKEND,
  kernelFunc: maxPoolGrad,
};
