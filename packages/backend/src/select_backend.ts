import * as tf from "@tensorflow/tfjs";
import { PgBackendError, PgValidationError } from "@pg/core";
import { registerTrainingKernels } from "./register_training_kernels";
import { selfTestTrainingKernels } from "./training_kernels_self_test";

/** The backends @pg knows, fastest first. `tensorflow-gpu` and `tensorflow` both register tfjs's "tensorflow" backend. */
export const BACKEND_NAMES = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
/** A backend @pg can select. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * One backend to force, or the order to try. The environment variable `PG_BACKEND` (one name) overrides the default
   * order but not an explicit argument. @defaultValue ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']
   */
  readonly backend?: BackendName | readonly BackendName[];
  /** Runs once the backend is active and may refuse it by throwing (e.g. registering and self-testing kernels). */
  readonly prepare?: (name: BackendName) => Promise<void> | void;
}

/** What {@link initBackend} chose and why the faster ones were skipped. */
export interface BackendSelection {
  /** The @pg name of the active backend. */
  readonly name: BackendName;
  /** tfjs's name of the active backend. */
  readonly tfjsName: string;
  /** Every backend tried before it, with the reason it was skipped. */
  readonly skipped: readonly { readonly name: BackendName; readonly reason: string }[];
}

/**
 * Registers the wasm training kernels (stock wasm lacks Conv2DBackpropFilter and its MaxPoolGrad is wrong) and checks
 * them once against the cpu backend; throws, so that wasm is skipped, if the check fails.
 */
async function prepareWasmForTraining(): Promise<void> {
  registerTrainingKernels("wasm");
  const check = await selfTestTrainingKernels();
  if (!check.ok) throw new Error(`wasm training kernels failed their self-test: ${check.failures.join("; ")}`);
  await tf.setBackend("wasm");
}

/** Which module registers each backend, and tfjs's name for it. */
const SOURCES: Record<BackendName, { readonly module: string | undefined; readonly tfjsName: string }> = {
  "tensorflow-gpu": { module: "@tensorflow/tfjs-node-gpu", tfjsName: "tensorflow" },
  tensorflow: { module: "@tensorflow/tfjs-node", tfjsName: "tensorflow" },
  wasm: { module: "@tensorflow/tfjs-backend-wasm", tfjsName: "wasm" },
  cpu: { module: undefined, tfjsName: "cpu" },
};

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n")[0] ?? message;
  return firstLine.length > 160 ? `${firstLine.slice(0, 157)}…` : firstLine;
}

/** Imports an optional peer. The specifier is a variable so bundlers and TypeScript leave it to run time. */
async function importOptional(specifier: string): Promise<void> {
  await import(/* @vite-ignore */ specifier);
}

function resolveOrder(backend: InitBackendOptions["backend"]): readonly BackendName[] {
  const where = "initBackend";
  const requested =
    backend ?? (typeof process !== "undefined" && process.env.PG_BACKEND ? process.env.PG_BACKEND : undefined);
  const list = requested === undefined ? BACKEND_NAMES : typeof requested === "string" ? [requested] : requested;
  const parameter = backend === undefined && requested !== undefined ? "PG_BACKEND" : "backend";
  if (!Array.isArray(list) || list.length === 0) {
    throw new PgValidationError(where, parameter, `one of ${BACKEND_NAMES.join(", ")} or a non-empty list of them`, list);
  }
  for (const name of list) {
    if (!(BACKEND_NAMES as readonly unknown[]).includes(name)) {
      throw new PgValidationError(where, parameter, `one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(", ")}`, name);
    }
  }
  return list as readonly BackendName[];
}

/**
 * Activates the first backend that loads, in order of preference: tfjs-node-gpu, tfjs-node, wasm, cpu. Each is
 * imported dynamically (they are optional peers) and skipped with its reason when it is missing, when its native
 * binding cannot load, or when `prepare` refuses it. On wasm the training kernels are registered and self-tested
 * against cpu first; wasm is refused, with the failing check named, if they disagree.
 * @throws {@link PgValidationError} for an unknown backend name; {@link PgBackendError} when none could start.
 * @example
 * import { initBackend } from "@pg/backend";
 * import { getBackend } from "@tensorflow/tfjs";
 * // initBackend() tries tensorflow-gpu, tensorflow, wasm, cpu in turn; here wasm is tried and refused by prepare
 * const refuse = (name) => {
 *   if (name === "wasm") throw new Error("not today");
 * };
 * const selection = await initBackend({ backend: ["wasm", "cpu"], prepare: refuse });
 * console.log(selection.name, selection.tfjsName, getBackend(), JSON.stringify(selection.skipped)); // cpu cpu cpu [{"name":"wasm","reason":"not today"}]
 * const forced = await initBackend({ backend: "cpu" });
 * console.log(forced.name, forced.skipped.length); // cpu 0
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendSelection> {
  const order = resolveOrder(options.backend);
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of order) {
    const source = SOURCES[name];
    try {
      if (source.module !== undefined) await importOptional(source.module);
      if (tf.findBackendFactory(source.tfjsName) === null) throw new Error(`no backend "${source.tfjsName}" registered`);
      if (!(await tf.setBackend(source.tfjsName))) throw new Error("tfjs could not initialise it");
      await tf.ready();
      if (name === "wasm") await prepareWasmForTraining();
      await options.prepare?.(name);
      return { name, tfjsName: tf.getBackend(), skipped };
    } catch (error) {
      skipped.push({ name, reason: reasonOf(error) });
    }
  }
  throw new PgBackendError("initBackend", skipped, "Install @tensorflow/tfjs-backend-wasm, or choose \"cpu\".");
}
