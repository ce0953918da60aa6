import { loadNativeKernels } from "@pg/backend-native";

import { useNativeKernels } from "./kernels/native_kernels";
import { NODE_BACKEND_ORDER, selectBackend, type BackendPlatform, type BackendSelection, type InitBackendOptions } from "./select_backend";

/** Imports an optional peer. The specifier is a variable so bundlers and TypeScript leave it to run time. */
async function importOptional(specifier: string): Promise<void> {
  await import(/* @vite-ignore */ specifier);
}

/**
 * Hands the native kernels to the wasm training kernels when they load here (linux-x64, built, not turned off by
 * PG_NATIVE=0); the self-test that follows checks them against cpu like every other training kernel.
 */
function installNativeKernels(): void {
  const status = loadNativeKernels();
  useNativeKernels(status.available ? status.kernels : undefined);
}

const NODE: BackendPlatform = {
  where: "Node",
  defaultOrder: NODE_BACKEND_ORDER,
  environmentOrder: () => (typeof process !== "undefined" ? process.env.PG_BACKEND : undefined),
  sources: {
    "tensorflow-gpu": {
      load: () => importOptional("@tensorflow/tfjs-node-gpu"),
      tfjsName: "tensorflow",
      remedy: "install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node for a native backend",
    },
    tensorflow: {
      load: () => importOptional("@tensorflow/tfjs-node"),
      tfjsName: "tensorflow",
      remedy: "install @tensorflow/tfjs-node for a native backend",
    },
    wasm: {
      load: async () => {
        await import("@tensorflow/tfjs-backend-wasm");
        installNativeKernels();
      },
      tfjsName: "wasm",
      remedy: "reinstall @pg/backend: its wasm backend, @tensorflow/tfjs-backend-wasm, did not start",
    },
    cpu: { tfjsName: "cpu", remedy: "cpu is part of @tensorflow/tfjs" },
  },
};

/**
 * Activates the first backend that loads, in order of preference: tfjs-node-gpu, tfjs-node, wasm, cpu. tfjs-node and
 * tfjs-node-gpu are optional peers, used when your application has them; wasm comes with @pg/backend. Each is
 * imported dynamically and skipped with its reason when it is missing, when its native binding cannot load, or when
 * `prepare` refuses it. On wasm the training kernels are registered and self-tested against cpu first; wasm is
 * refused, with the failing check named, if they disagree. When a faster backend was skipped, one line on stderr says
 * which backend runs, why the others did not and what to install (`log` redirects or silences it).
 * @throws {@link PgValidationError} for an unknown backend name; {@link PgBackendError} when none could start.
 * @example
 * import { initBackend } from "@pg/backend";
 * import { getBackend } from "@tensorflow/tfjs";
 * // initBackend() tries tensorflow-gpu, tensorflow, wasm, cpu in turn; here wasm is tried and refused by prepare
 * const refuse = (name) => {
 *   if (name === "wasm") throw new Error("not today");
 * };
 * const selection = await initBackend({ backend: ["wasm", "cpu"], prepare: refuse, log: false });
 * console.log(selection.name, selection.tfjsName, getBackend(), JSON.stringify(selection.skipped)); // cpu cpu cpu [{"name":"wasm","reason":"not today"}]
 * console.log(selection.message); // cpu (wasm: not today) — reinstall @pg/backend: its wasm backend, @tensorflow/tfjs-backend-wasm, did not start
 * const forced = await initBackend({ backend: "cpu" });
 * console.log(forced.name, forced.skipped.length, forced.message); // cpu 0 cpu
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  return selectBackend(NODE, options);
}
