import { initBackend, webglRenderer, type BackendName, type BackendSelection, type WebglRenderer } from "@pg/backend";
import wasmUrl from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url";
import simdUrl from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url";
import threadedSimdUrl from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url";

/** Where the wasm backend fetches its binaries: Vite serves them (and copies them into the build) as assets. */
export const WASM_PATHS: Readonly<Record<string, string>> = {
  "tfjs-backend-wasm.wasm": wasmUrl,
  "tfjs-backend-wasm-simd.wasm": simdUrl,
  "tfjs-backend-wasm-threaded-simd.wasm": threadedSimdUrl,
};

/** The backend the page runs on, and the WebGL renderer when that backend is webgl. */
export interface PageBackend {
  readonly selection: BackendSelection;
  /** On webgl: the renderer's name and whether it draws on the CPU, where a GPU backend is no faster. */
  readonly renderer: WebglRenderer | undefined;
}

/**
 * Activates the fastest backend this browser offers (webgpu › webgl › wasm › cpu; @pg/backend skips webgpu without
 * an adapter and WebGL drawn in software), or the one asked for. The page shows the selection's message itself, so
 * @pg/backend prints nothing.
 */
export async function startBackend(requested: BackendName | undefined): Promise<PageBackend> {
  const selection = await initBackend({ ...(requested === undefined ? {} : { backend: requested }), wasmPaths: WASM_PATHS, log: false });
  return { selection, renderer: selection.name === "webgl" ? webglRenderer() : undefined };
}
