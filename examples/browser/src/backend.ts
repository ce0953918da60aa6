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

/** The backend the page runs on, and what the page itself found out about it. */
export interface PageBackend {
  readonly selection: BackendSelection;
  /** Set when the page did not try webgpu, with the reason. */
  readonly webgpuNote: string | undefined;
  /** On webgl: the renderer's name, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))". */
  readonly webglRenderer: string | undefined;
  /** On webgl: whether that renderer draws on the CPU (SwiftShader, llvmpipe), where a GPU backend is no faster. */
  readonly softwareRenderer: boolean;
}

/** Renderer names of WebGL implementations that run on the CPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * The WebGL 2 renderer's name, from a throwaway context. Chromium masks `RENDERER` as "WebKit WebGL" and tells the
 * real one through WEBGL_debug_renderer_info; Firefox tells it directly (and deprecates the extension).
 */
function webglRendererName(): string | undefined {
  const gl = document.createElement("canvas").getContext("webgl2");
  if (gl === null) return undefined;
  let renderer = String(gl.getParameter(gl.RENDERER));
  if (renderer === "WebKit WebGL") {
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    if (info !== null) renderer = String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL));
  }
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return renderer;
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
  let selection: BackendSelection;
  let webgpuNote: string | undefined;
  if (requested !== undefined) {
    selection = await initBackend({ backend: requested, wasmPaths: WASM_PATHS, log: false });
  } else {
    const webgpu = await webgpuAdapterFound();
    const order = webgpu ? BROWSER_BACKEND_ORDER : BROWSER_BACKEND_ORDER.filter((name) => name !== "webgpu");
    selection = await initBackend({ backend: order, wasmPaths: WASM_PATHS, log: false });
    if (!webgpu) webgpuNote = "webgpu not tried: this browser offers no WebGPU adapter";
  }
  const webglRenderer = selection.name === "webgl" ? webglRendererName() : undefined;
  const softwareRenderer = webglRenderer !== undefined && SOFTWARE_RENDERER.test(webglRenderer);
  return { selection, webgpuNote, webglRenderer, softwareRenderer };
}
