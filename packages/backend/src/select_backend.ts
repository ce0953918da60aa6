import * as tf from "@tensorflow/tfjs";
import { closestName, PgBackendError, PgValidationError, requireKnownKeys, type OptionKeysCover } from "@pg/core";
import { registerTrainingKernels } from "./register_training_kernels";
import { selfTestTrainingKernels } from "./training_kernels_self_test";

/**
 * Every backend @pg knows. `tensorflow-gpu` and `tensorflow` (tfjs-node) exist only in Node, `webgpu` and `webgl`
 * only in a browser; `wasm` and `cpu` everywhere. `tensorflow-gpu` and `tensorflow` both register tfjs's "tensorflow".
 */
export const BACKEND_NAMES = ["tensorflow-gpu", "tensorflow", "webgpu", "webgl", "wasm", "cpu"] as const;
/** A backend @pg can select. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The default search in Node, fastest first. */
export const NODE_BACKEND_ORDER: readonly BackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];
/** The default search in a browser, fastest first. */
export const BROWSER_BACKEND_ORDER: readonly BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];

/** Options of `initBackend` (the Node and the browser entry take the same options). */
export interface InitBackendOptions {
  /**
   * One backend to force, or the order to try. In Node the environment variable `PG_BACKEND` (one name) overrides the
   * default order but not an explicit argument. @defaultValue Node: ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
   * browser: ['webgpu', 'webgl', 'wasm', 'cpu']
   */
  readonly backend?: BackendName | readonly BackendName[];
  /** Runs once the backend is active and may refuse it by throwing (e.g. registering and self-testing kernels). */
  readonly prepare?: (name: BackendName) => Promise<void> | void;
  /**
   * Where the line that announces a fallback goes: a function receiving it, or `false` for silence. The line is
   * printed only when a faster backend was skipped, and only once per process for the same line.
   * @defaultValue console.warn, prefixed with "@pg/backend: "
   */
  readonly log?: ((line: string) => void) | false;
  /**
   * Browser only: where the wasm backend finds its `.wasm` binaries — a folder URL ending in "/" or a map from file
   * name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`) to URL.
   * Bundlers do not copy those files by themselves. Ignored in Node, which reads them from the installed package.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
}

const INIT_BACKEND_OPTION_KEYS = ["backend", "prepare", "log", "wasmPaths"] as const satisfies readonly (keyof InitBackendOptions)[];
true satisfies OptionKeysCover<InitBackendOptions, typeof INIT_BACKEND_OPTION_KEYS>;

/**
 * Checks the options of `initBackend` once, where they enter (both entries): known keys only (the closest suggested),
 * `prepare` a function, `log` a function or `false`, `wasmPaths` a URL or a map of file names to URLs. The backend names
 * are checked with the order they make.
 */
function requireInitBackendOptions(options: unknown): InitBackendOptions {
  const where = "initBackend";
  const checked = requireKnownKeys<Record<string, unknown>>(where, "options", options as Record<string, unknown> | undefined, INIT_BACKEND_OPTION_KEYS);
  if (checked.prepare !== undefined && typeof checked.prepare !== "function") {
    throw new PgValidationError(where, "options.prepare", "a function (name) → void or Promise<void> that may refuse a backend by throwing", checked.prepare);
  }
  if (checked.log !== undefined && checked.log !== false && typeof checked.log !== "function") {
    throw new PgValidationError(where, "options.log", "a function receiving the line, or false for silence", checked.log);
  }
  const paths = checked.wasmPaths;
  const pathMap = typeof paths === "object" && paths !== null && !Array.isArray(paths) && Object.values(paths).every((url) => typeof url === "string");
  if (paths !== undefined && typeof paths !== "string" && !pathMap) {
    throw new PgValidationError(where, "options.wasmPaths", "a folder URL ending in \"/\" or a map from .wasm file name to URL", paths);
  }
  return checked as InitBackendOptions;
}

/** What `initBackend` chose and why the faster ones were skipped. */
export interface BackendSelection {
  /** The @pg name of the active backend. */
  readonly name: BackendName;
  /** tfjs's name of the active backend. */
  readonly tfjsName: string;
  /** Every backend tried before it, with the reason it was skipped. */
  readonly skipped: readonly { readonly name: BackendName; readonly reason: string }[];
  /**
   * One line for people: the backend, and when faster ones were skipped, why and what would make them available,
   * e.g. `wasm (tensorflow-gpu: not installed; tensorflow: not installed) — install @tensorflow/tfjs-node for a native backend`.
   */
  readonly message: string;
}

/** How one platform loads each backend it offers. */
export interface BackendSource {
  /** Imports the module that registers the backend (none for backends tfjs registers itself). */
  readonly load?: (options: InitBackendOptions) => Promise<void>;
  /** tfjs's name for the backend. */
  readonly tfjsName: string;
  /** What makes the backend available when it is skipped. */
  readonly remedy: string;
}

/** A platform's backends: what each needs, the default order, and why the others cannot exist there. */
export interface BackendPlatform {
  readonly sources: Partial<Record<BackendName, BackendSource>>;
  readonly defaultOrder: readonly BackendName[];
  /** Where the platform runs, for the reason given to a backend it cannot have ("not available in Node"). */
  readonly where: string;
  /** The environment variable overriding the default order, where the platform has an environment. */
  readonly environmentOrder?: () => string | undefined;
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

/** Absolute file paths and file URLs in a message, shortened to what follows the last node_modules (or the file name). */
function withoutAbsolutePaths(message: string): string {
  return message.replace(/(?<=^|[\s'"`(])(?:file:\/\/)?(?:\/[^\s'"`()/]+)+/g, (path) => {
    const inModules = path.lastIndexOf("node_modules/");
    if (inModules >= 0) return path.slice(inModules + "node_modules/".length);
    return path.slice(path.lastIndexOf("/") + 1);
  });
}

/** Node's and bundlers' ways of saying that the imported package itself is missing. */
const MISSING_PACKAGE = /^(?:Cannot find (?:package|module) '@tensorflow\/[^'/]+'|Could not resolve "@tensorflow\/[^"/]+")/;

/** The first line of an error, "not installed" for a missing package, no absolute paths, at most 160 characters. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (MISSING_PACKAGE.test(message)) return "not installed";
  const firstLine = withoutAbsolutePaths(message.split("\n")[0] ?? message);
  return firstLine.length > 160 ? `${firstLine.slice(0, 157)}…` : firstLine;
}

function resolveOrder(platform: BackendPlatform, backend: InitBackendOptions["backend"]): readonly BackendName[] {
  const where = "initBackend";
  const fromEnvironment = backend === undefined ? platform.environmentOrder?.() : undefined;
  const requested = backend ?? (fromEnvironment === undefined || fromEnvironment === "" ? undefined : fromEnvironment);
  const list = requested === undefined ? platform.defaultOrder : typeof requested === "string" ? [requested] : requested;
  const parameter = backend === undefined && requested !== undefined ? "PG_BACKEND" : "backend";
  if (!Array.isArray(list) || list.length === 0) {
    throw new PgValidationError(where, parameter, `one of ${BACKEND_NAMES.join(", ")} or a non-empty list of them`, list);
  }
  for (const name of list) {
    if (!(BACKEND_NAMES as readonly unknown[]).includes(name)) {
      const suggestion = typeof name === "string" ? closestName(name, BACKEND_NAMES) : undefined;
      throw new PgValidationError(where, parameter, `one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(", ")}`, name, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
    }
  }
  return list as readonly BackendName[];
}

/**
 * tfjs's cpu backend greets its first tensor in Node with a banner recommending tfjs-node. @pg uses cpu as the
 * reference of the wasm self-test and as the last resort, and says itself what to install, so the banner is marked
 * as shown. Looked up by name only when cpu is registered; the field is left alone if tfjs ever drops it.
 */
function quietCpuBanner(): void {
  if (tf.findBackendFactory("cpu") === null) return;
  const cpu = tf.findBackend("cpu");
  if (cpu !== null && typeof Reflect.get(cpu, "firstUse") === "boolean") Reflect.set(cpu, "firstUse", false);
}

/** The announcement: the backend, and what was skipped and why, and what would bring the first skipped one back. */
function messageOf(name: BackendName, skipped: readonly { name: BackendName; reason: string }[], platform: BackendPlatform): string {
  if (skipped.length === 0) return name;
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
  const first = skipped[0];
  const remedy = first === undefined ? undefined : platform.sources[first.name]?.remedy;
  return `${name} (${reasons})${remedy === undefined ? "" : ` — ${remedy}`}`;
}

const announced = new Set<string>();

/** Prints the announcement of a fallback once per process (the same line again is not repeated). */
function announce(message: string, log: InitBackendOptions["log"]): void {
  if (log === false) return;
  if (log !== undefined) {
    log(message);
    return;
  }
  if (announced.has(message)) return;
  announced.add(message);
  console.warn(`@pg/backend: ${message}`);
}

/**
 * Activates the first backend of `options.backend` (or of the platform's default order) that loads and that
 * `prepare` accepts; the shared engine of the Node and the browser `initBackend`.
 */
export async function selectBackend(platform: BackendPlatform, given: InitBackendOptions): Promise<BackendSelection> {
  const options = requireInitBackendOptions(given);
  const order = resolveOrder(platform, options.backend);
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of order) {
    const source = platform.sources[name];
    if (source === undefined) {
      skipped.push({ name, reason: `not available in ${platform.where}` });
      continue;
    }
    try {
      await source.load?.(options);
      if (tf.findBackendFactory(source.tfjsName) === null) throw new Error(`no backend "${source.tfjsName}" registered`);
      quietCpuBanner();
      if (!(await tf.setBackend(source.tfjsName))) throw new Error("tfjs could not initialise it");
      await tf.ready();
      if (name === "wasm") await prepareWasmForTraining();
      await options.prepare?.(name);
      const message = messageOf(name, skipped, platform);
      if (skipped.length > 0) announce(message, options.log);
      return { name, tfjsName: tf.getBackend(), skipped, message };
    } catch (error) {
      skipped.push({ name, reason: reasonOf(error) });
    }
  }
  throw new PgBackendError("initBackend", skipped, 'Choose "wasm" or "cpu", which every installation of @pg/backend has.');
}
