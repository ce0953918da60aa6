import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { BROWSER_BACKEND_ORDER, selectBackend, type BackendPlatform, type BackendSelection, type InitBackendOptions } from "./select_backend";

const BROWSER: BackendPlatform = {
  where: "a browser",
  defaultOrder: BROWSER_BACKEND_ORDER,
  sources: {
    webgpu: {
      load: async () => {
        if (typeof navigator === "undefined" || !("gpu" in navigator)) throw new Error("this browser has no WebGPU");
        await import("@tensorflow/tfjs-backend-webgpu");
      },
      tfjsName: "webgpu",
      remedy: "a browser with WebGPU enabled runs faster",
    },
    webgl: { tfjsName: "webgl", remedy: "a browser with WebGL 2 and hardware acceleration runs faster" },
    wasm: {
      load: async (options) => {
        if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths as string | { [file: string]: string });
      },
      tfjsName: "wasm",
      remedy: "serve the .wasm files of @tensorflow/tfjs-backend-wasm and pass their URLs as wasmPaths",
    },
    cpu: { tfjsName: "cpu", remedy: "cpu is part of @tensorflow/tfjs" },
  },
};

/**
 * The browser's `initBackend`: activates the first backend that starts, in order of preference webgpu, webgl, wasm,
 * cpu. webgpu is imported only when the browser has `navigator.gpu`; webgl and cpu come with @tensorflow/tfjs; wasm
 * needs its `.wasm` binaries served (pass `wasmPaths`), gets the training kernels registered and self-tested against
 * cpu, and is refused if they disagree. Same options and result as in Node; `tensorflow` and `tensorflow-gpu` are
 * skipped as unavailable.
 * @throws {@link PgValidationError} for an unknown backend name; {@link PgBackendError} when none could start.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  return selectBackend(BROWSER, options);
}
