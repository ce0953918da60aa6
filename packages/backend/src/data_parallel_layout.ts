import { SharedAllReduce } from "./shared_all_reduce";
import { waitForCounter } from "./wait_for_counter";

/** Indices of the control words shared by the replicas of a data-parallel engine. */
export const CONTROL = {
  /** Step generation; the main thread increments it to start a step and sets {@link STOP_GENERATION} to stop. */
  step: 0,
  /** Workers that have written their prediction rows this step. */
  predictionsWritten: 1,
  /** Step generation whose x-space gradient has been written. */
  gradientWritten: 2,
  /** Workers that have written their parameter gradients this step. */
  gradientsWritten: 3,
  /** Rows in the current batch. */
  batch: 4,
  /** Non-zero when a worker failed; its message is in the error bytes. */
  failed: 5,
  /** Workers ready after initialisation. */
  ready: 6,
} as const;

/** The step generation that tells workers to stop. */
export const STOP_GENERATION = 0x40000000;

const CONTROL_WORDS = 8;
const ERROR_BYTES = 4096;
/** Values one cross-replica batch-norm sum may carry: channels + 1 (the count). */
export const ALL_REDUCE_CAPACITY = 1024;

/** Sizes that fix the shared memory of a data-parallel engine. */
export interface LayoutSizes {
  readonly replicas: number;
  readonly maxBatch: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly parameters: number;
}

/** Typed views on the shared memory of a data-parallel engine, the same on every replica. */
export interface SharedLayout {
  readonly control: Int32Array;
  readonly errorBytes: Uint8Array;
  readonly input: Float64Array;
  readonly prediction: Float64Array;
  readonly gradient: Float64Array;
  readonly weights: Float32Array;
  /** Parameter gradients of workers 1 … R−1, one block of `parameters` each. */
  readonly parameterGradients: Float64Array;
  readonly allReduceBuffer: SharedArrayBuffer;
}

/** The SharedArrayBuffers a data-parallel engine allocates, to pass to its workers. */
export interface SharedBuffers {
  readonly main: SharedArrayBuffer;
  readonly allReduce: SharedArrayBuffer;
}

function offsets(sizes: LayoutSizes) {
  const control = 0;
  const errorBytes = control + CONTROL_WORDS * 4;
  const input = errorBytes + ERROR_BYTES;
  const prediction = input + sizes.maxBatch * sizes.inputSize * 8;
  const gradient = prediction + sizes.maxBatch * sizes.outputSize * 8;
  const parameterGradients = gradient + sizes.maxBatch * sizes.outputSize * 8;
  const weights = parameterGradients + Math.max(sizes.replicas - 1, 0) * sizes.parameters * 8;
  const end = weights + sizes.parameters * 4;
  return { control, errorBytes, input, prediction, gradient, parameterGradients, weights, end };
}

/** Allocates the shared memory for `sizes`. */
export function allocateShared(sizes: LayoutSizes): SharedBuffers {
  return {
    main: new SharedArrayBuffer(offsets(sizes).end),
    allReduce: new SharedArrayBuffer(SharedAllReduce.byteLength(sizes.replicas, ALL_REDUCE_CAPACITY)),
  };
}

/** Typed views on shared buffers allocated by {@link allocateShared} with the same sizes. */
export function viewShared(buffers: SharedBuffers, sizes: LayoutSizes): SharedLayout {
  const o = offsets(sizes);
  const b = buffers.main;
  return {
    control: new Int32Array(b, o.control, CONTROL_WORDS),
    errorBytes: new Uint8Array(b, o.errorBytes, ERROR_BYTES),
    input: new Float64Array(b, o.input, sizes.maxBatch * sizes.inputSize),
    prediction: new Float64Array(b, o.prediction, sizes.maxBatch * sizes.outputSize),
    gradient: new Float64Array(b, o.gradient, sizes.maxBatch * sizes.outputSize),
    parameterGradients: new Float64Array(b, o.parameterGradients, Math.max(sizes.replicas - 1, 0) * sizes.parameters),
    weights: new Float32Array(b, o.weights, sizes.parameters),
    allReduceBuffer: buffers.allReduce,
  };
}

/** Rows [start, end) of replica `replica` when `batch` rows are split as evenly as possible, replica 0 first. */
export function replicaRows(batch: number, replicas: number, replica: number): { start: number; end: number } {
  const base = Math.floor(batch / replicas);
  const extra = batch % replicas;
  const start = replica * base + Math.min(replica, extra);
  return { start, end: start + base + (replica < extra ? 1 : 0) };
}

/** Blocks until `control[index]` reaches at least `target`, or a worker reports failure (then throws its message). */
export function waitAtLeast(layout: SharedLayout, index: number, target: number): void {
  const failure = waitForCounter(layout.control, index, target, () => failureOf(layout));
  if (failure !== undefined) throw new Error(failure);
}

/** The failure message a worker left in shared memory, if any. */
export function failureOf(layout: SharedLayout): string | undefined {
  if (Atomics.load(layout.control, CONTROL.failed) === 0) return undefined;
  const bytes = layout.errorBytes.slice();
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

/** Records a worker failure in shared memory and wakes every waiter. */
export function reportFailure(layout: SharedLayout, message: string): void {
  const encoded = new TextEncoder().encode(message).subarray(0, layout.errorBytes.length - 1);
  layout.errorBytes.fill(0);
  layout.errorBytes.set(encoded);
  Atomics.store(layout.control, CONTROL.failed, 1);
  for (let i = 0; i < layout.control.length; i++) Atomics.notify(layout.control, i);
}
