/**
 * Tile for the wasm backend with a broadcast fast path. The stock kernel copies element by element (148 ms to tile
 * [1,1,1,16] to [32,64,64,16]); the FusedBatchNorm gradient calls it with exactly that pattern.
 */
import { Tile, type KernelConfig, type KernelFunc } from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";

import { readIntegerList, requireInput } from "./kernel_attributes";
import { WASM_BACKEND, withWasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "Tile (wasm training kernel)";

/** XNNPACK's binary kernels broadcast over at most 6 dimensions. */
const MAX_BROADCAST_RANK = 6;

/**
 * When every tiled axis has size 1, tiling is a broadcast: `x · 1` with the ones filled at the output shape
 * (multiplying by one keeps −0, ±∞ and NaN bit for bit). Every other case (an axis of size > 1 tiled, a dtype other
 * than float32, rank > 6) runs the stock kernel; all repetitions 1 shares x's buffer.
 */
const tile: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const x = requireInput(WHERE, inputs, "x");
  const reps = readIntegerList(WHERE, attrs, "reps");
  if (reps.length !== x.shape.length) {
    throw new PgValidationError(WHERE, "attrs.reps", `a list of ${x.shape.length} repetitions (one per axis of x)`, reps);
  }
  return withWasmKernelCalls(WHERE, backend, (calls) => {
    if (reps.every((count) => count === 1)) return calls.share(x);
    const isBroadcast = reps.every((count, axis) => count === 1 || x.shape[axis] === 1);
    if (!isBroadcast || x.dtype !== "float32" || x.shape.length > MAX_BROADCAST_RANK) {
      return calls.runStock(Tile, { x }, { reps });
    }
    const outShape = x.shape.map((size, axis) => size * (reps[axis] ?? 1));
    const ones = calls.fill(outShape, 1, "float32");
    return calls.multiply(x, ones);
  });
};

/** Tile on wasm with the broadcast fast path. Registered by `registerTrainingKernels`. */
export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: WASM_BACKEND,
  kernelFunc: tile,
};
