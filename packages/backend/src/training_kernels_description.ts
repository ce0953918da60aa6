import { getBackend, getKernel } from "@tensorflow/tfjs";

import { nativeKernels } from "./kernels/native_kernels";

/**
 * Which kernels training runs on now, in one line for run records: the active backend, and on wasm whether our
 * training kernels are registered and which native kernels (with their instruction set) they call. Two runs agree
 * bit for bit only on the same kernels: the native convolutions sum in another order than the wasm ones.
 * @returns e.g. `"wasm + training kernels + native avx512"`, `"wasm + training kernels"`, `"wasm"`, `"cpu"`.
 * @example
 * import { describeTrainingKernels, registerTrainingKernels } from "@pg/backend";
 * import { setBackend } from "@tensorflow/tfjs";
 * await setBackend("cpu");
 * console.log(describeTrainingKernels()); // cpu
 * registerTrainingKernels();
 * await setBackend("wasm");
 * console.log(describeTrainingKernels().startsWith("wasm + training kernels")); // true
 */
export function describeTrainingKernels(): string {
  const backend = getBackend();
  if (backend !== "wasm") return backend;
  // Stock wasm has no Conv2DBackpropFilter: its presence means registerTrainingKernels ran.
  if (getKernel("Conv2DBackpropFilter", "wasm") === undefined) return "wasm";
  const native = nativeKernels();
  return native === undefined ? "wasm + training kernels" : `wasm + training kernels + native ${native.instructionSet}`;
}
