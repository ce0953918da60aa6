/**
 * Slice, SplitV and Concat for the wasm backend, moving data inside the wasm heap. The stock Slice reads the whole
 * input out of the heap (`readSync` copies it) for every slice, and SplitV and the skip connection's Concat go
 * through it or through one JavaScript `set` per pixel: ~60 ms of a U-net batch-32 step. Strings (and complex
 * numbers) run the stock kernels.
 */
import {
  backend_util,
  Concat,
  slice_util,
  Slice,
  SplitV,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";

import { readAxes, readIntegerList, requireInput } from "./kernel_attributes";
import { copyBlock } from "./strided_copy";
import { WASM_BACKEND, withWasmKernelCalls, type WasmKernelCalls } from "./wasm_kernel_calls";

/** The dtypes whose elements live in the wasm heap as plain numbers. */
function isHeapDtype(tensor: TensorInfo): boolean {
  return tensor.dtype === "float32" || tensor.dtype === "int32" || tensor.dtype === "bool";
}

/** A new tensor holding x[begin : begin + size]. */
function sliceOf(calls: WasmKernelCalls, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const output = calls.output([...size], x.dtype);
  if (util.sizeFromShape([...size]) === 0) return output;
  const view = calls.heapView(x);
  copyBlock(view.heap, view.offset(x), x.shape, begin, view.offset(output), size, size.map(() => 0), size);
  return output;
}

const SLICE = "Slice (wasm training kernel)";

// The kernels' bodies are module-level functions handed their arguments, not closures made per call: V8 optimised
// each new closure again, and Concat's body costs tens of milliseconds of compiler time each time.
const slice: KernelFunc = ({ inputs, backend, attrs = {} }) => withWasmKernelCalls(SLICE, backend, sliceBody, requireInput(SLICE, inputs, "x"), attrs);

function sliceBody(calls: WasmKernelCalls, x: TensorInfo, attrs: NamedAttrMap): TensorInfo {
  if (!isHeapDtype(x)) return calls.runStock(Slice, { x }, attrs);
  const rank = x.shape.length;
  const [begin = [], size = []] = slice_util.parseSliceParams(x, readIntegerList(SLICE, attrs, "begin", rank), readSliceSize(attrs, rank));
  slice_util.assertParamsValid(x, begin, size);
  return sliceOf(calls, x, begin, size);
}

/** `size` may hold −1 for "to the end" (tfjs's convention), so it is read separately from `begin`. */
function readSliceSize(attrs: Record<string, unknown>, rank: number): number[] {
  const value = attrs["size"];
  if (Array.isArray(value) && value.length === rank && value.every((v) => Number.isInteger(v) && (v as number) >= -1)) {
    return value as number[];
  }
  throw new PgValidationError(SLICE, "attrs.size", `a list of ${rank} integers ≥ −1`, value);
}

const SPLIT = "SplitV (wasm training kernel)";

const splitV: KernelFunc = ({ inputs, backend, attrs = {} }) => withWasmKernelCalls(SPLIT, backend, splitBody, requireInput(SPLIT, inputs, "x"), attrs);

function splitBody(calls: WasmKernelCalls, x: TensorInfo, attrs: NamedAttrMap): TensorInfo[] {
  const [axis = 0] = readAxes(SPLIT, attrs, "axis", x.shape.length);
  if (!isHeapDtype(x)) return calls.runStockMany(SplitV, { x }, attrs);
  const sizes = backend_util.prepareSplitSize(x, readSplitSizes(attrs), axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((length) => {
    const size = [...x.shape];
    size[axis] = length;
    const part = sliceOf(calls, x, begin, size);
    begin[axis] = (begin[axis] ?? 0) + length;
    return part;
  });
}

/** `numOrSizeSplits`: a number of equal parts, or the part sizes (one may be −1 for "the rest"). */
function readSplitSizes(attrs: Record<string, unknown>): number | number[] {
  const value = attrs["numOrSizeSplits"];
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (Array.isArray(value) && value.every((v) => Number.isInteger(v) && (v as number) >= -1)) return value as number[];
  throw new PgValidationError(SPLIT, "attrs.numOrSizeSplits", "a positive integer or a list of integers ≥ −1", value);
}

const CONCAT = "Concat (wasm training kernel)";

const concat: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const parts = Object.values(inputs).filter((t): t is TensorInfo => t !== undefined);
  const first = parts[0];
  if (first === undefined) throw new PgValidationError(CONCAT, "inputs", "at least one tensor", parts);
  return withWasmKernelCalls(CONCAT, backend, concatBody, parts, first, inputs, attrs);
};

function concatBody(calls: WasmKernelCalls, parts: TensorInfo[], first: TensorInfo, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const [axis = 0] = readAxes(CONCAT, attrs, "axis", first.shape.length);
  if (!parts.every(isHeapDtype) || parts.some((t) => t.dtype !== first.dtype)) {
    // The stock kernel takes the list itself as its inputs.
    return calls.runStock(Concat, inputs, attrs);
  }
  backend_util.assertParamsConsistent(parts.map((t) => t.shape), axis);
  const outShape = backend_util.computeOutShape(parts.map((t) => t.shape), axis);
  const output = calls.output(outShape, first.dtype);
  const view = calls.heapView(output);
  const dstBegin = outShape.map(() => 0);
  for (const part of parts) {
    if (util.sizeFromShape(part.shape) > 0) {
      copyBlock(view.heap, view.offset(part), part.shape, part.shape.map(() => 0), view.offset(output), outShape, dstBegin, part.shape);
    }
    dstBegin[axis] = (dstBegin[axis] ?? 0) + (part.shape[axis] ?? 0);
  }
  return output;
}

/** Slice on wasm inside the heap. Registered by `registerTrainingKernels`. */
export const sliceConfig: KernelConfig = { kernelName: Slice, backendName: WASM_BACKEND, kernelFunc: slice };

/** SplitV on wasm inside the heap. Registered by `registerTrainingKernels`. */
export const splitVConfig: KernelConfig = { kernelName: SplitV, backendName: WASM_BACKEND, kernelFunc: splitV };

/** Concat on wasm inside the heap. Registered by `registerTrainingKernels`. */
export const concatConfig: KernelConfig = { kernelName: Concat, backendName: WASM_BACKEND, kernelFunc: concat };
