import { BROWSER_BACKEND_ORDER, initBackend, type BackendName, type BackendSelection } from "@pg/backend";
import wasmUrl from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url";
import simdUrl from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url";
import threadedSimdUrl from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url";

/** Where the wasm backend fetches its binaries: Vite serves them (and copies them into the build) as assets. */
export const WASM_PATHS: Readonly<Record<string, string>> = {
  "tfjs-backend-wasm.wasm": wasmUrl,
  "tfjs-backend-wasm-simd.wasm": simdUrl,
  "tfjs-backend-wasm-threaded-simd.wasm": threadedSimdUrl,
};

/** Backends fast enough to train the heat U-net while a visitor watches. */
export const GPU_BACKENDS: readonly BackendName[] = ["webgpu", "webgl"];

/** The backend the page runs on, and what the page itself left out of the search. */
export interface PageBackend {
  readonly selection: BackendSelection;
  /** Set when the page did not try webgpu, with the reason. */
  readonly webgpuNote: string | undefined;
}

/** The part of WebGPU the page needs; TypeScript's DOM library does not declare `navigator.gpu`. */
interface WebGpuEntry {
  requestAdapter(): Promise<unknown>;
}

/**
 * Whether WebGPU has an adapter here. Browsers without a usable GPU (headless Chromium among them) still expose
 * `navigator.gpu` but find no adapter, and tfjs's webgpu backend then fails with a TypeError stack in the console.
 */
async function webgpuAdapterFound(): Promise<boolean> {
  const gpu = Reflect.get(navigator, "gpu") as WebGpuEntry | undefined;
  if (gpu === undefined) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/**
 * Activates the fastest backend this browser offers (webgpu › webgl › wasm › cpu), or the one asked for. webgpu is
 * left out of the search when the browser has no WebGPU adapter. The page shows the selection's message itself, so
 * @pg/backend prints nothing.
 */
export async function startBackend(requested: BackendName | undefined): Promise<PageBackend> {
  if (requested !== undefined) {
    return { selection: await initBackend({ backend: requested, wasmPaths: WASM_PATHS, log: false }), webgpuNote: undefined };
  }
  const webgpu = await webgpuAdapterFound();
  const order = webgpu ? BROWSER_BACKEND_ORDER : BROWSER_BACKEND_ORDER.filter((name) => name !== "webgpu");
  const selection = await initBackend({ backend: order, wasmPaths: WASM_PATHS, log: false });
  return { selection, webgpuNote: webgpu ? undefined : "webgpu not tried: this browser offers no WebGPU adapter" };
}
