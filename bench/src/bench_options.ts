import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PgValidationError, requireNonNegativeInteger, requirePositive, requirePositiveInteger } from "@pg/core";

/** Backends the benchmark knows how to run (the others need native tfjs bindings that are not installed here). */
export type BenchBackend = "wasm" | "cpu";

/** Every backend of the benchmark, in the order the runs use them. */
export const BENCH_BACKENDS: readonly BenchBackend[] = ["wasm", "cpu"];

/** The options of `pnpm bench`, every default resolved. */
export interface BenchOptions {
  /** Timed steps per run; the run reports their median. @defaultValue 5 */
  readonly repeats: number;
  /** Untimed steps before the timed ones (JIT, wasm heap growth, Adam slot creation). @defaultValue 2 */
  readonly warmup: number;
  /** Case names to run (`--cases unet-b32,mlp-b1000`); `undefined` runs every case. */
  readonly cases: readonly string[] | undefined;
  /** Backends to run on. @defaultValue ['wasm', 'cpu'] */
  readonly backends: readonly BenchBackend[];
  /** Runs the U-net training cases on the cpu backend too (minutes per step). @defaultValue false */
  readonly includeSlow: boolean;
  /** Absolute path of the JSON results. @defaultValue bench/results.json */
  readonly out: string;
  /**
   * Wall-time limit of one run (one case on one backend with one replica count), start-up included; the run is
   * stopped when it expires and the steps timed so far are kept. `undefined` uses {@link DEFAULT_RUN_SECONDS}, or
   * {@link DEFAULT_SLOW_RUN_SECONDS} for the slow runs of `--include-slow`.
   */
  readonly runSeconds: number | undefined;
}

/** Default wall-time limit of one run in seconds: 10× the expected ≈ 60 s of the slowest default run. */
export const DEFAULT_RUN_SECONDS = 600;
/** Default wall-time limit of one slow run (U-net training on cpu: ≈ 140 s per step at batch 8). */
export const DEFAULT_SLOW_RUN_SECONDS = 6 * 3600;

const WHERE = "pnpm bench";
const VALUE_FLAGS = ["repeats", "warmup", "cases", "backends", "out", "run-seconds"] as const;
const SWITCHES = ["include-slow"] as const;
const ALL_FLAGS = [...VALUE_FLAGS, ...SWITCHES].map((f) => `--${f}`).join(", ");

/** bench/results.json, wherever the command was started. */
function defaultOutPath(): string {
  return fileURLToPath(new URL("../results.json", import.meta.url));
}

/** A path given on the command line, relative to where the user ran pnpm (pnpm runs scripts inside bench/). */
function resolveUserPath(path: string): string {
  if (isAbsolute(path)) return path;
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

function listOf(flag: string, text: string): string[] {
  const items = text.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
  if (items.length === 0) throw new PgValidationError(WHERE, `--${flag}`, "a non-empty comma-separated list", text);
  return items;
}

function integerOf(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Parses the flags of `pnpm bench` (`--flag value` or `--flag=value`; `--include-slow` takes no value). Case names
 * are checked against the case list by the caller, which knows them.
 * @throws {@link PgValidationError} naming the flag, what it accepts and what was given.
 * @example
 * parseBenchOptions(["--repeats", "7", "--backends", "wasm"]).repeats; // 7
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  let includeSlow = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") continue; // pnpm forwards a separator when the user writes `pnpm bench -- --flag`
    if (!token.startsWith("--")) throw new PgValidationError(WHERE, "arguments", `flags of the form --name value (${ALL_FLAGS})`, token);
    const eq = token.indexOf("=");
    const flag = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    if ((SWITCHES as readonly string[]).includes(flag)) {
      if (eq >= 0) throw new PgValidationError(WHERE, `--${flag}`, "given without a value", token.slice(eq + 1));
      includeSlow = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) throw new PgValidationError(WHERE, "flag", `one of ${ALL_FLAGS}`, `--${flag}`);
    const value = eq >= 0 ? token.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith("--")) throw new PgValidationError(WHERE, `--${flag}`, "followed by a value", value ?? "nothing");
    values.set(flag, value);
  }
  const repeatsText = values.get("repeats");
  const warmupText = values.get("warmup");
  const secondsText = values.get("run-seconds");
  const backendsText = values.get("backends");
  const backends = backendsText === undefined ? BENCH_BACKENDS : listOf("backends", backendsText);
  for (const backend of backends) {
    if (!(BENCH_BACKENDS as readonly string[]).includes(backend)) {
      throw new PgValidationError(WHERE, "--backends", `a comma-separated list of ${BENCH_BACKENDS.map((b) => `"${b}"`).join(", ")}`, backend);
    }
  }
  const casesText = values.get("cases");
  const outText = values.get("out");
  return {
    repeats: repeatsText === undefined ? 5 : requirePositiveInteger(WHERE, "--repeats", integerOf(repeatsText)),
    warmup: warmupText === undefined ? 2 : requireNonNegativeInteger(WHERE, "--warmup", integerOf(warmupText)),
    cases: casesText === undefined ? undefined : listOf("cases", casesText),
    backends: [...new Set(backends as BenchBackend[])],
    includeSlow,
    out: outText === undefined ? defaultOutPath() : resolveUserPath(outText),
    runSeconds: secondsText === undefined ? undefined : requirePositive(WHERE, "--run-seconds", Number(secondsText)),
  };
}
