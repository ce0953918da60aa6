import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { BROWSER_BACKEND_ORDER, selectBackend, type BackendPlatform, type BackendSelection, type InitBackendOptions } from "./select_backend";

/** What a WebGL 2 context reports about its renderer. */
export interface WebglRenderer {
  /** The renderer's name, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)". */
  readonly name: string;
  /** Whether it draws on the CPU (SwiftShader, llvmpipe), where webgl is slower than wasm. */
  readonly software: boolean;
}

/** Renderer names of WebGL implementations that run on the CPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * The WebGL 2 renderer of this page, from a throwaway context; `undefined` without WebGL 2 or outside a page.
 * Chromium masks `RENDERER` as "WebKit WebGL" and tells the real name through WEBGL_debug_renderer_info.
 */
export function webglRenderer(): WebglRenderer | undefined {
  if (typeof document === "undefined") return undefined;
  const gl = document.createElement("canvas").getContext("webgl2");
  if (gl === null) return undefined;
  let name = String(gl.getParameter(gl.RENDERER));
  if (name === "WebKit WebGL") {
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    if (info !== null) name = String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL));
  }
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return { name, software: SOFTWARE_RENDERER.test(name) };
}

/** The part of WebGPU needed here; TypeScript's DOM library does not declare `navigator.gpu`. */
interface WebGpuEntry {
  requestAdapter(): Promise<unknown>;
}

/**
 * Throws unless WebGPU has an adapter. Browsers without a usable GPU (headless Chromium among them) expose
 * `navigator.gpu` but find no adapter, and tfjs's webgpu backend would then fail with a TypeError stack.
 */
async function requireWebgpuAdapter(): Promise<void> {
  const gpu = typeof navigator === "undefined" ? undefined : (Reflect.get(navigator, "gpu") as WebGpuEntry | undefined);
  if (gpu === undefined) throw new Error("this browser has no WebGPU");
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter === null) throw new Error("no WebGPU adapter (no usable GPU)");
}

const BROWSER: BackendPlatform = {
  where: "a browser",
  defaultOrder: BROWSER_BACKEND_ORDER,
  sources: {
    webgpu: {
      load: async () => {
        await requireWebgpuAdapter();
        await import("@tensorflow/tfjs-backend-webgpu");
      },
      tfjsName: "webgpu",
      remedy: "a browser with WebGPU enabled runs faster",
    },
    webgl: {
      // In the default search only: WebGL drawn in software is several times slower than wasm, so wasm goes first.
      load: async (options) => {
        const renderer = webglRenderer();
        if (options.backend === undefined && renderer?.software === true) {
          throw new Error(`WebGL renders in software here (${renderer.name}), slower than wasm`);
        }
      },
      tfjsName: "webgl",
      remedy: "a browser with WebGL 2 and hardware acceleration runs faster",
    },
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
 * cpu. webgpu is imported only when the browser has a WebGPU adapter; webgl and cpu come with @tensorflow/tfjs, and
 * in the default search webgl is skipped when it renders in software (SwiftShader, llvmpipe: slower than wasm); wasm
 * needs its `.wasm` binaries served (pass `wasmPaths`), gets the training kernels registered and self-tested against
 * cpu, and is refused if they disagree. Same options and result as in Node; `tensorflow` and `tensorflow-gpu` are
 * skipped as unavailable.
 * @throws {@link PgValidationError} for an unknown backend name; {@link PgBackendError} when none could start.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  return selectBackend(BROWSER, options);
}
