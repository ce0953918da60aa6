/**
 * Calls registered wasm kernel functions on `TensorInfo`s from inside another kernel and frees every temporary it
 * made. The training kernels are compositions of these calls, plus data movement on views of the wasm heap.
 * Internal to `@pg/backend`; never re-exported.
 */
import {
  getKernel,
  type DataId,
  type DataType,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { PgBackendError } from "@pg/core";

import type { ConvolutionPadding } from "./kernel_attributes";

/** The backend the training kernels target. */
export const WASM_BACKEND = "wasm";

/**
 * Name under which the replaced stock kernel `kernelName` stays registered, so a training kernel can fall back to
 * it and its `setupFunc` still runs if the wasm backend is initialised again.
 */
export function stockKernelName(kernelName: string): string {
  return `PgStock${kernelName}`;
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The part of tfjs's wasm `KernelBackend` the training kernels use: buffer reference counts, plain writes, new
 * outputs and views of a tensor's bytes in the wasm heap (no copy, unlike `readSync`).
 */
export interface TrainingKernelBackend {
  incRef(dataId: DataId): void;
  disposeData(dataId: DataId, force?: boolean): boolean;
  write(values: Float32Array | Int32Array | Uint8Array | null, shape: number[], dtype: DataType): DataId;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(tensor: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function isTrainingKernelBackend(value: object): value is TrainingKernelBackend {
  return ["incRef", "disposeData", "write", "makeOutput", "typedArrayFromHeap"].every(
    (method) => typeof Reflect.get(value, method) === "function",
  );
}

/**
 * Element offsets of tensors in one typed view of the whole wasm heap, so a kernel can move data with
 * `copyWithin`/`fill` between tensors. Valid until the next allocation (a heap growth detaches the buffer): take it
 * after every output is allocated.
 */
export interface HeapView<T extends Float32Array | Int32Array | Uint8Array> {
  readonly heap: T;
  offset(tensor: TensorInfo): number;
}

/**
 * A scope of kernel calls inside one training kernel. Every output it creates is a temporary until
 * {@link WasmKernelCalls.release} returns the result, which frees all the others.
 */
export class WasmKernelCalls {
  /** The backend as tfjs passed it to the kernel; handed on unchanged to the kernels called. */
  readonly backend: object;
  private readonly buffers: TrainingKernelBackend;
  private readonly temporaries = new Set<TensorInfo>();

  constructor(
    readonly where: string,
    backend: object,
  ) {
    if (!isTrainingKernelBackend(backend)) {
      throw new PgBackendError(where, [
        { name: WASM_BACKEND, reason: "the kernel was called with an object that is not a tfjs KernelBackend" },
      ]);
    }
    this.backend = backend;
    this.buffers = backend;
  }

  /** Runs the registered wasm kernel `kernelName`; its output is a temporary of this scope. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    return this.track(this.call(kernelName, inputs, attrs));
  }

  /**
   * Runs the stock kernel that `registerTrainingKernels` replaced, for inputs our kernel has no fast path for.
   * @throws {@link PgBackendError} if the stock kernel was not kept (the kernel was registered by hand).
   */
  runStock(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const alias = stockKernelName(kernelName);
    if (getKernel(alias, WASM_BACKEND) === undefined) {
      throw new PgBackendError(this.where, [
        {
          name: WASM_BACKEND,
          reason: `the stock ${kernelName} kernel needed for these attributes was not kept; register the training kernels with registerTrainingKernels()`,
        },
      ]);
    }
    return this.track(this.call(alias, inputs, attrs));
  }

  /** {@link runStock} for a kernel with several outputs (SplitV); each output is a temporary of this scope. */
  runStockMany(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo[] {
    const alias = stockKernelName(kernelName);
    const kernel = getKernel(alias, WASM_BACKEND);
    if (kernel === undefined) return [this.runStock(kernelName, inputs, attrs)];
    const output = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    return (Array.isArray(output) ? output : [output]).map((tensor) => this.track(tensor));
  }

  /** A temporary that shares `x`'s buffer (reference counted), e.g. to return an input unchanged. */
  share(x: TensorInfo): TensorInfo {
    this.buffers.incRef(x.dataId);
    return this.track({ dataId: x.dataId, shape: [...x.shape], dtype: x.dtype });
  }

  /** A float32 temporary holding `values`. */
  constant(values: Float32Array, shape: number[]): TensorInfo {
    const dataId = this.buffers.write(values, shape, "float32");
    return this.track({ dataId, shape, dtype: "float32" });
  }

  /** An uninitialised temporary of `shape` (the kernel writes every element through {@link heapView}). */
  output(shape: number[], dtype: DataType = "float32"): TensorInfo {
    return this.track(this.buffers.makeOutput(shape, dtype));
  }

  /** The tensor's elements in the wasm heap (a view, no copy); valid until the next allocation. */
  elements(tensor: TensorInfo): Float32Array | Int32Array | Uint8Array {
    return this.buffers.typedArrayFromHeap(tensor);
  }

  /**
   * One view of the whole heap typed like `like` (float32, int32 or bool), with each tensor's element offset;
   * valid until the next allocation.
   */
  heapView(like: TensorInfo): HeapView<Float32Array | Int32Array | Uint8Array> {
    const anchor = this.buffers.typedArrayFromHeap(like);
    // The heap's buffer is shared (SharedArrayBuffer) in the threaded build; views over it work alike.
    const buffer: ArrayBufferLike = anchor.buffer;
    const heap =
      anchor instanceof Float32Array
        ? new Float32Array(buffer)
        : anchor instanceof Int32Array
          ? new Int32Array(buffer)
          : new Uint8Array(buffer);
    const buffers = this.buffers;
    return {
      heap,
      offset: (tensor) => buffers.typedArrayFromHeap(tensor).byteOffset / anchor.BYTES_PER_ELEMENT,
    };
  }

  /** A float32 scalar temporary. */
  scalar(value: number): TensorInfo {
    return this.constant(Float32Array.of(value), []);
  }

  /** Frees a temporary now (to bound peak memory in loops); does nothing to tensors this scope did not create. */
  free(tensor: TensorInfo): void {
    if (this.temporaries.delete(tensor)) this.buffers.disposeData(tensor.dataId);
  }

  /** Frees every temporary except `result` and returns `result`, which the caller (tfjs) now owns. */
  release<R extends TensorInfo | TensorInfo[]>(result: R): R {
    for (const tensor of Array.isArray(result) ? result : [result]) {
      if (!this.temporaries.delete(tensor)) {
        // An input returned unchanged must carry its own reference, or tfjs would free the caller's buffer.
        this.buffers.incRef(tensor.dataId);
      }
    }
    this.disposeAll();
    return result;
  }

  /** Frees every temporary (the error path). */
  disposeAll(): void {
    for (const tensor of this.temporaries) this.buffers.disposeData(tensor.dataId);
    this.temporaries.clear();
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run("Reverse", { x }, { dims });
  }

  cast(x: TensorInfo, dtype: DataType): TensorInfo {
    return this.run("Cast", { x }, { dtype });
  }

  fill(shape: number[], value: number, dtype: DataType): TensorInfo {
    return this.run("Fill", {}, { shape, value, dtype });
  }

  pad(x: TensorInfo, paddings: [number, number][], constantValue: number): TensorInfo {
    return this.run("PadV2", { x }, { paddings, constantValue });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }

  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("Add", { a, b });
  }

  sub(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("Sub", { a, b });
  }

  /** `total + part` with both freed, or `part` itself when there is no total yet: a running sum in a loop. */
  accumulate(total: TensorInfo | undefined, part: TensorInfo): TensorInfo {
    if (total === undefined) return part;
    const sum = this.add(total, part);
    this.free(total);
    this.free(part);
    return sum;
  }

  multiply(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("Multiply", { a, b });
  }

  /** 1 where x > 0, else 0 (NaN stays NaN). */
  step(x: TensorInfo): TensorInfo {
    return this.run("Step", { x }, { alpha: 0 });
  }

  /** Clamps to [−FLT_MAX, FLT_MAX]: ±∞ become the largest finite floats, finite values are unchanged. */
  clipToFinite(x: TensorInfo): TensorInfo {
    return this.run("ClipByValue", { x }, { clipValueMin: -FLOAT32_MAX, clipValueMax: FLOAT32_MAX });
  }

  greater(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("Greater", { a, b });
  }

  /** Batched matrix product a·b ([n, i, k] · [n, k, j] → [n, i, j]), neither operand transposed. */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
  }

  /** NHWC convolution with any stride, dilation and (non-negative) padding; XNNPACK under the hood. */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    dilations: [number, number],
    pad: ConvolutionPadding,
  ): TensorInfo {
    return this.run("Conv2D", { x, filter }, { strides, dilations, pad, dataFormat: "NHWC" });
  }

  /**
   * NHWC convolution with `[[top, bottom], [left, right]]` padding where a negative amount crops the input instead
   * (rows or columns no output position reads).
   */
  conv2dFramed(
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    dilations: [number, number],
    padding: readonly [readonly [number, number], readonly [number, number]],
  ): TensorInfo {
    const [[top, bottom], [left, right]] = padding;
    const cropped = this.padOrCrop(
      x,
      [
        [0, 0],
        [Math.min(0, top), Math.min(0, bottom)],
        [Math.min(0, left), Math.min(0, right)],
        [0, 0],
      ],
      0,
    );
    const pad: ConvolutionPadding = [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ];
    const output = this.conv2d(cropped, filter, strides, dilations, pad);
    this.free(cropped);
    return output;
  }

  /** NHWC depthwise convolution (filter [KH, KW, C, multiplier]), dilation 1. */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], pad: ConvolutionPadding): TensorInfo {
    return this.run("DepthwiseConv2dNative", { x, filter }, { strides, pad, dilations: [1, 1], dataFormat: "NHWC" });
  }

  /** NHWC max pool, 'valid' or 'same'. */
  maxPool(x: TensorInfo, filterSize: [number, number], strides: [number, number], pad: "same" | "valid"): TensorInfo {
    return this.run("MaxPool", { x }, { filterSize, strides, pad });
  }

  /**
   * Grows (positive amounts, filled with `value`) or shrinks (negative amounts, cropped) each axis at both ends.
   * Returns a temporary sharing `x` when nothing changes.
   */
  padOrCrop(x: TensorInfo, amounts: readonly (readonly [number, number])[], value: number): TensorInfo {
    let current = x;
    if (amounts.some(([before, after]) => before < 0 || after < 0)) {
      const begin = amounts.map(([before]) => Math.max(0, -before));
      const size = x.shape.map((length, axis) => {
        const [before = 0, after = 0] = amounts[axis] ?? [];
        return length + Math.min(0, before) + Math.min(0, after);
      });
      current = this.slice(current, begin, size);
    }
    if (amounts.some(([before, after]) => before > 0 || after > 0)) {
      const paddings = amounts.map(([before, after]): [number, number] => [Math.max(0, before), Math.max(0, after)]);
      current = this.pad(current, paddings, value);
    }
    return current === x ? this.share(x) : current;
  }

  private call(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const kernel = getKernel(kernelName, WASM_BACKEND);
    if (kernel === undefined) {
      throw new PgBackendError(this.where, [
        { name: WASM_BACKEND, reason: `kernel ${kernelName} is not registered; import '@tensorflow/tfjs-backend-wasm'` },
      ]);
    }
    const output = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(output)) {
      for (const extra of output) this.buffers.disposeData(extra.dataId);
      throw new PgBackendError(this.where, [
        { name: WASM_BACKEND, reason: `kernel ${kernelName} returned ${output.length} outputs where one was expected` },
      ]);
    }
    return output;
  }

  private track(tensor: TensorInfo): TensorInfo {
    this.temporaries.add(tensor);
    return tensor;
  }
}

/**
 * Runs `body(calls, ...args)` in a fresh {@link WasmKernelCalls} scope: the tensor (or tensors) it returns are kept,
 * every other temporary is freed, also when `body` throws. A hot kernel passes a module-level `body` and its `args`
 * rather than a closure made per call, which V8 would optimise again for every new closure.
 */
export function withWasmKernelCalls<R extends TensorInfo | TensorInfo[], A extends unknown[]>(
  where: string,
  backend: object,
  body: (calls: WasmKernelCalls, ...args: A) => R,
  ...args: A
): R {
  const calls = new WasmKernelCalls(where, backend);
  try {
    return calls.release(body(calls, ...args));
  } catch (error) {
    calls.disposeAll();
    throw error;
  }
}
