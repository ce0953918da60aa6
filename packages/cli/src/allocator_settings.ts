/**
 * glibc's malloc settings for training, applied by running the program again with them in its environment: glibc
 * reads them only when a process starts. Imports nothing but Node's own modules, so that an entry script can call
 * {@link restartWithAllocatorSettings} before it loads tfjs (the `@pg/cli/allocator` export). See docs/performance.md.
 */
import { spawn } from "node:child_process";
import { fstatSync } from "node:fs";
import { Socket } from "node:net";
import { constants } from "node:os";
import { isMainThread } from "node:worker_threads";

/**
 * The settings: `MALLOC_MMAP_MAX_=0` serves large blocks from the heap instead of mapping and unmapping them, and a
 * 64 GiB `MALLOC_TRIM_THRESHOLD_` keeps freed memory in the process instead of returning it to the system, so that a
 * training step no longer takes page faults to touch again the memory the step before it freed.
 */
export const ALLOCATOR_SETTINGS: Readonly<Record<"MALLOC_MMAP_MAX_" | "MALLOC_TRIM_THRESHOLD_", string>> = {
  MALLOC_MMAP_MAX_: "0",
  MALLOC_TRIM_THRESHOLD_: "68719476736",
};

/** The environment variable that opts out: `PG_ALLOCATOR=default` keeps glibc's defaults (no restart). */
export const ALLOCATOR_OPT_OUT = "PG_ALLOCATOR";

/**
 * Set in the environment of a process started by {@link restartWithAllocatorSettings} where it cannot replace the
 * process: the descriptor of a pipe whose other end the starting process holds. When that end closes (the starting
 * process was killed with SIGKILL), the started one ends too, as a single process would have.
 */
const PARENT_PIPE_VARIABLE = "PG_ALLOCATOR_PARENT_FD";
const PARENT_PIPE_FD = 3;

/**
 * A bad argument, refused in the words of @pg's PgValidationError (`where: parameter must be expected; received
 * value.`) but as a TypeError: this module loads no @pg package, since @pg/core would load tfjs before the restart.
 */
function badArgument(where: string, parameter: string, expected: string, received: unknown, hint?: string): TypeError {
  let text: string;
  try {
    text = typeof received === "function" ? `function ${received.name || "(anonymous)"}` : (JSON.stringify(received) ?? String(received));
  } catch {
    text = Object.prototype.toString.call(received);
  }
  return new TypeError(`${where}: ${parameter} must be ${expected}; received ${text}.${hint === undefined ? "" : ` ${hint}`}`);
}

/** Throws unless `value` is a plain object whose keys are all in `known`; a misspelt key would be ignored otherwise. */
function requireObjectOf(where: string, parameter: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badArgument(where, parameter, `an object { ${known.join(", ")} }`, value);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const typed = key.toLowerCase();
    const close = known.find((name) => name.toLowerCase() === typed || name.toLowerCase().startsWith(typed) || typed.startsWith(name.toLowerCase()));
    throw badArgument(where, `${parameter}.${key}`, `one of the known keys ${known.map((name) => `"${name}"`).join(", ")}`, Reflect.get(value, key), close === undefined ? undefined : `Did you mean "${close}"?`);
  }
  return value as Record<string, unknown>;
}

/** An environment: an object (such as `process.env`) of variable names to strings, or undefined for unset ones. */
function requireEnvironment(where: string, parameter: string, env: unknown): Readonly<Record<string, string | undefined>> {
  if (typeof env !== "object" || env === null || Array.isArray(env)) throw badArgument(where, parameter, "an object of environment variables, e.g. process.env", env);
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && typeof value !== "string") throw badArgument(where, `${parameter}.${name}`, "a string or undefined", value);
  }
  return env as Readonly<Record<string, string | undefined>>;
}

/** Signals the starting process passes on to the process it started, which handles them (SIGINT/SIGTERM: checkpoint). */
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** What {@link allocatorDecision} looks at. */
export interface AllocatorSituation {
  /** `process.platform`. */
  readonly platform: string;
  /** The version of glibc the process runs on; undefined on another C library (musl). Called only when needed. */
  readonly glibcVersion: () => string | undefined;
  /** The process's environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const SITUATION_KEYS = ["platform", "glibcVersion", "env"] as const satisfies readonly (keyof AllocatorSituation)[];
// A key added to AllocatorSituation and forgotten in the list stops the build here.
const situationKeysCovered: [Exclude<keyof AllocatorSituation, (typeof SITUATION_KEYS)[number]>] extends [never] ? true : never = true;
void situationKeysCovered;

/**
 * Why a process keeps running as it is: `opted out` (`PG_ALLOCATOR=default`), `already set` (either variable is in
 * the environment: set by the user, or by the restart), `not glibc` (not Linux, or Linux with another C library).
 * {@link restartWithAllocatorSettings} adds `worker thread` (only a main thread restarts) and `restart failed`.
 */
export type AllocatorKeepReason = "opted out" | "already set" | "not glibc" | "worker thread" | "restart failed";

/** Whether to run the process again, and with which environment. */
export type AllocatorDecision =
  | { readonly restart: true; readonly env: Readonly<Record<string, string>> }
  | { readonly restart: false; readonly reason: AllocatorKeepReason };

/**
 * Decides whether a process should run again with {@link ALLOCATOR_SETTINGS}: yes on Linux with glibc, unless
 * `PG_ALLOCATOR=default` or either variable is already set (a user's own value is kept as it is). Pure.
 * @returns `{ restart: true, env }` — the environment to restart with: `env` and the settings — or
 * `{ restart: false, reason }`.
 * @throws TypeError (in PgValidationError's words; this module loads no @pg package) unless `situation` is
 * `{ platform, glibcVersion, env }` with a string platform, a function glibcVersion and an environment of strings.
 * @example
 * import { allocatorDecision } from "@pg/cli";
 * const linux = { platform: "linux", glibcVersion: () => "2.36" };
 * const decision = allocatorDecision({ ...linux, env: { HOME: "/home/me" } });
 * console.log(decision.restart, decision.env.HOME, decision.env.MALLOC_MMAP_MAX_); // true /home/me 0
 * console.log(decision.env.MALLOC_TRIM_THRESHOLD_); // 68719476736
 * console.log(allocatorDecision({ ...linux, env: { PG_ALLOCATOR: "default" } }).reason); // opted out
 * console.log(allocatorDecision({ ...linux, env: { MALLOC_MMAP_MAX_: "65536" } }).reason); // already set
 * console.log(allocatorDecision({ platform: "darwin", glibcVersion: () => undefined, env: {} }).reason); // not glibc
 * console.log(allocatorDecision({ platform: "linux", glibcVersion: () => undefined, env: {} }).reason); // not glibc
 */
export function allocatorDecision(situation: AllocatorSituation): AllocatorDecision {
  const where = "allocatorDecision";
  const checked = requireObjectOf(where, "situation", situation, SITUATION_KEYS);
  if (typeof checked.platform !== "string") throw badArgument(where, "situation.platform", "a string such as process.platform", checked.platform);
  if (typeof checked.glibcVersion !== "function") throw badArgument(where, "situation.glibcVersion", "a function returning the glibc version or undefined", checked.glibcVersion);
  const env = requireEnvironment(where, "situation.env", checked.env);
  if (env[ALLOCATOR_OPT_OUT]?.trim().toLowerCase() === "default") return { restart: false, reason: "opted out" };
  if (Object.keys(ALLOCATOR_SETTINGS).some((name) => env[name] !== undefined)) return { restart: false, reason: "already set" };
  if (situation.platform !== "linux" || situation.glibcVersion() === undefined) return { restart: false, reason: "not glibc" };
  const restartEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) restartEnv[name] = value;
  return { restart: true, env: { ...restartEnv, ...ALLOCATOR_SETTINGS } };
}

/** The glibc version this process runs on (Node's diagnostic report names it), or undefined. */
function runningGlibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: unknown } } | undefined;
  const version = report?.header?.glibcVersionRuntime;
  return typeof version === "string" ? version : undefined;
}

/** Options of {@link restartWithAllocatorSettings}. */
export interface RestartOptions {
  /** The environment to decide on and to restart with. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const RESTART_OPTION_KEYS = ["env"] as const satisfies readonly (keyof RestartOptions)[];

/**
 * Runs this program again — same Node binary, Node flags and arguments — with {@link ALLOCATOR_SETTINGS} added to its
 * environment, where {@link allocatorDecision} says so (Linux with glibc, neither variable set, no
 * `PG_ALLOCATOR=default`); call it first thing in an entry script, before importing tfjs or the rest of @pg. Where
 * Node has `process.execve` (22.15 and later) the process is replaced (same pid). Elsewhere a child process runs the
 * program and this one passes SIGINT, SIGTERM, SIGHUP and Ctrl-Z (SIGTSTP, SIGCONT) on to it and exits with its exit
 * status (128 + n when signal n ended it); the child runs in a session of its own, so that a Ctrl-C reaches it once,
 * and ends if this process is killed with SIGKILL.
 * @returns where the program goes on in this process, the decision saying why (`already set` in the restarted
 * process); where it restarts, a promise that never settles (the process is replaced, or exits with the child's status).
 * @throws TypeError (in PgValidationError's words; this module loads no @pg package) for an option other than `env`
 * or an `env` that is not an environment of strings, before anything is decided.
 * @example
 * import { restartWithAllocatorSettings } from "@pg/cli/allocator";
 * // First thing in an entry script: `await restartWithAllocatorSettings();` then import the rest.
 * // Here the settings are already in the environment, so the program goes on in this process:
 * const env = { ...process.env, MALLOC_MMAP_MAX_: "0", MALLOC_TRIM_THRESHOLD_: "68719476736" };
 * const kept = await restartWithAllocatorSettings({ env });
 * console.log(kept.restart, kept.reason); // false already set
 */
export async function restartWithAllocatorSettings(options: RestartOptions = {}): Promise<AllocatorDecision & { readonly restart: false }> {
  const where = "restartWithAllocatorSettings";
  const checked = requireObjectOf(where, "options", options, RESTART_OPTION_KEYS);
  const env = checked.env === undefined ? process.env : requireEnvironment(where, "options.env", checked.env);
  endWithStartingProcess();
  const decision = allocatorDecision({ platform: process.platform, glibcVersion: runningGlibcVersion, env });
  if (!decision.restart) return decision;
  if (!isMainThread) return { restart: false, reason: "worker thread" };
  const args = [...process.execArgv, ...process.argv.slice(1)];
  const execve = (process as { execve?: (file: string, args: readonly string[], env: Record<string, string>) => never }).execve;
  if (typeof execve === "function") {
    try {
      execve.call(process, process.execPath, [process.argv0, ...args], { ...decision.env });
    } catch {
      // execve(2) failed and this process is unchanged: run the program as a child instead.
    }
  }
  return runAsChild(args, decision.env);
}

/** Runs the program as a child with `env` and exits with its status; resolves only if the child cannot start. */
function runAsChild(args: readonly string[], env: Readonly<Record<string, string>>): Promise<AllocatorDecision & { readonly restart: false }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      argv0: process.argv0,
      env: { ...env, [PARENT_PIPE_VARIABLE]: String(PARENT_PIPE_FD) },
      stdio: ["inherit", "inherit", "inherit", "pipe"],
      // A session of its own: a signal the terminal sends to its foreground process group (Ctrl-C) reaches this
      // process only, which passes it on, so that the child gets it once (twice would stop it without a checkpoint).
      detached: true,
    });
    const listeners = new Map<NodeJS.Signals, () => void>(FORWARDED_SIGNALS.map((signal) => [signal, () => void child.kill(signal)]));
    // Ctrl-Z: a process in another session ignores SIGTSTP, so the child is stopped with SIGSTOP, then this process.
    listeners.set("SIGTSTP", () => {
      child.kill("SIGSTOP");
      process.kill(process.pid, "SIGSTOP");
    });
    listeners.set("SIGCONT", () => void child.kill("SIGCONT"));
    for (const [signal, listener] of listeners) process.on(signal, listener);
    child.once("error", () => {
      if (child.pid !== undefined) return;
      for (const [signal, listener] of listeners) process.off(signal, listener);
      resolve({ restart: false, reason: "restart failed" });
    });
    child.once("exit", (code, signal) => {
      process.exit(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}

/** In a child started by {@link runAsChild}: SIGKILL this process when the process that started it is gone. */
function endWithStartingProcess(): void {
  const fd = process.env[PARENT_PIPE_VARIABLE];
  if (fd === undefined || !isMainThread) return;
  // Not inherited by the processes this one starts.
  delete process.env[PARENT_PIPE_VARIABLE];
  if (fd !== String(PARENT_PIPE_FD)) return;
  try {
    if (!fstatSync(PARENT_PIPE_FD).isSocket()) return;
  } catch {
    return;
  }
  const pipe = new Socket({ fd: PARENT_PIPE_FD, readable: true, writable: false });
  pipe.on("error", () => undefined);
  pipe.once("close", () => process.kill(process.pid, "SIGKILL"));
  pipe.resume();
  pipe.unref();
}
