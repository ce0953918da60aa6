/**
 * Identity for the wasm backend that shares the input buffer (reference counted) like the cpu backend, instead of
 * copying it: a U-net training step runs Identity about 430 times.
 */
import { Identity, type KernelConfig, type KernelFunc } from "@tensorflow/tfjs";

import { requireInput } from "./kernel_attributes";
import { WASM_BACKEND, WasmKernelCalls } from "./wasm_kernel_calls";

const WHERE = "Identity (wasm training kernel)";

/** Returns x's buffer with one more reference (`backend.incRef`); tfjs frees it when the last holder is disposed. */
const identity: KernelFunc = ({ inputs, backend }) => {
  const x = requireInput(WHERE, inputs, "x");
  // No closure per call: ~430 calls a step would each need V8 to optimise a fresh one.
  const calls = new WasmKernelCalls(WHERE, backend);
  return calls.release(calls.share(x));
};

/** Buffer-sharing Identity on wasm. Registered by `registerTrainingKernels`. */
export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: WASM_BACKEND,
  kernelFunc: identity,
};
