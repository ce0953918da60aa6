/**
 * Copies a rectangular block between two row-major tensors inside one view of the wasm heap: the data movement of
 * Slice, SplitV and Concat, natively where `@pg/backend-native` is installed. Internal to `@pg/backend`.
 */

import { nativeKernels } from "./native_kernels";

/** Runs shorter than this are copied element by element (a `copyWithin` call costs more than a few moves). */
const SHORT_RUN = 16;

/**
 * dst[dstBegin + k] = src[srcBegin + k] for every index k of a block of shape `size`, where the tensors have shapes
 * `srcShape` and `dstShape` (same rank) and start at heap offsets `srcOffset`, `dstOffset`. Trailing axes the block
 * spans completely in both tensors are merged into one contiguous run per outer index.
 */
export function copyBlock(
  heap: Float32Array | Int32Array | Uint8Array,
  srcOffset: number,
  srcShape: readonly number[],
  srcBegin: readonly number[],
  dstOffset: number,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (size.some((length) => length === 0)) return;
  const srcStrides = stridesOf(srcShape);
  const dstStrides = stridesOf(dstShape);
  let src = srcOffset;
  let dst = dstOffset;
  for (let axis = 0; axis < rank; axis++) {
    src += (srcBegin[axis] ?? 0) * (srcStrides[axis] ?? 0);
    dst += (dstBegin[axis] ?? 0) * (dstStrides[axis] ?? 0);
  }
  // The run: the innermost axes both tensors hold contiguously, plus the first axis where that stops.
  let runAxis = rank - 1;
  let run = size[runAxis] ?? 1;
  while (runAxis > 0 && size[runAxis] === srcShape[runAxis] && size[runAxis] === dstShape[runAxis]) {
    runAxis--;
    run *= size[runAxis] ?? 1;
  }
  if (rank === 0) run = 1;
  const outerRank = Math.max(0, runAxis);
  // Native row copies take the innermost outer axis, and every axis above it whose stride continues it in both
  // tensors, in one call; the JavaScript path copies one run per step.
  const native = heap instanceof Uint8Array ? undefined : nativeKernels();
  let rowAxis = outerRank;
  let rows = 1;
  const srcRowStride = srcStrides[outerRank - 1] ?? 0;
  const dstRowStride = dstStrides[outerRank - 1] ?? 0;
  if (native !== undefined && outerRank > 0) {
    rowAxis = outerRank - 1;
    rows = size[rowAxis] ?? 1;
    while (rowAxis > 0 && srcStrides[rowAxis - 1] === rows * srcRowStride && dstStrides[rowAxis - 1] === rows * dstRowStride) {
      rowAxis--;
      rows *= size[rowAxis] ?? 1;
    }
  }
  const index = new Array<number>(rowAxis).fill(0);
  for (;;) {
    if (native !== undefined && !(heap instanceof Uint8Array)) {
      native.copyRows(heap, dst, dstRowStride, src, srcRowStride, rows, run);
    } else if (run >= SHORT_RUN) {
      heap.copyWithin(dst, src, src + run);
    } else {
      for (let k = 0; k < run; k++) heap[dst + k] = heap[src + k] as number;
    }
    // Odometer over the outer axes 0 … rowAxis − 1.
    let axis = rowAxis - 1;
    for (; axis >= 0; axis--) {
      const next = (index[axis] ?? 0) + 1;
      src += srcStrides[axis] ?? 0;
      dst += dstStrides[axis] ?? 0;
      if (next < (size[axis] ?? 1)) {
        index[axis] = next;
        break;
      }
      index[axis] = 0;
      src -= (size[axis] ?? 1) * (srcStrides[axis] ?? 0);
      dst -= (size[axis] ?? 1) * (dstStrides[axis] ?? 0);
    }
    if (axis < 0) return;
  }
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = (strides[axis + 1] ?? 1) * (shape[axis + 1] ?? 1);
  return strides;
}
