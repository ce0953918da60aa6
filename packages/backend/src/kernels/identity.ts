/**
 * Identity for the wasm backend that shares the input buffer (reference counted) like the cpu backend, instead of
 * copying it: a U-net training step runs Identity about 430 times.
 */
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";

import { requireInput } from "./kernel_attributes";
import { WASM_BACKEND, withWasmKernelCalls, type WasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "Identity (wasm training kernel)";

/** Returns x's buffer with one more reference (`backend.incRef`); tfjs frees it when the last holder is disposed. */
// The body is handed x rather than closing over it: ~430 calls a step would each give V8 a new closure to optimise.
const identity: KernelFunc = ({ inputs, backend }) => withWasmKernelCalls(WHERE, backend, shareInput, requireInput(WHERE, inputs, "x"));

function shareInput(calls: WasmKernelCalls, x: TensorInfo): TensorInfo {
  return calls.share(x);
}

/** Buffer-sharing Identity on wasm. Registered by `registerTrainingKernels`. */
export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: WASM_BACKEND,
  kernelFunc: identity,
};
