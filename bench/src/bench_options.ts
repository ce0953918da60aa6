import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PgValidationError, requireNonNegativeInteger, requirePositive, requirePositiveInteger } from "@pg/core";
import type { AllocatorMode } from "./allocator";

/** Backends the benchmark knows how to run (the others need native tfjs bindings that are not installed here). */
export type BenchBackend = "wasm" | "cpu";

/** Every backend of the benchmark, in the order the runs use them. */
export const BENCH_BACKENDS: readonly BenchBackend[] = ["wasm", "cpu"];

/** Frameworks `--peer` can compare with. */
export type BenchPeer = "torch";

/** The accepted values of `--peer`. */
export const BENCH_PEERS: readonly BenchPeer[] = ["torch"];

/** `--allocator`: which allocator settings the runs get; `both` runs every case with each. */
export type AllocatorChoice = AllocatorMode | "both";

/** The accepted values of `--allocator`. */
export const ALLOCATOR_CHOICES: readonly AllocatorChoice[] = ["tuned", "default", "both"];

/**
 * What a run can reach at best: WebAssembly SIMD128 has no fused multiply-add, so XNNPACK issues a 4-lane multiply
 * then an add (16 FLOP/cycle on Zen 4's two pipes) — 56 GFLOP/s per core at 3.5 GHz.
 */
export const WASM_CEILING_GFLOPS_PER_CORE = 56;

/** The options of `pnpm bench`, every default resolved. */
export interface BenchOptions {
  /** At least this many timed steps per run; the run reports their median. @defaultValue 5 */
  readonly repeats: number;
  /** Timed steps go on until they add up to at least this many seconds (tiny cases get many steps). @defaultValue 0.5 */
  readonly timedSeconds: number;
  /** At least this many untimed steps before the timed ones (JIT, wasm heap growth, Adam slot creation). @defaultValue 2 */
  readonly warmup: number;
  /**
   * Warm-up goes on until at least this many seconds have passed. V8's JIT settles after tens of steps, not a few:
   * the 2 ms MLP step only after a few thousand in some processes (2.2 → 1.6 ms after ~3 s), and the U-net at batch
   * 128 with 2 replicas after 20–30 (≈ 650 → 520 ms, while the optimising compiler's work falls from ≈ 180 to ≈ 20 ms
   * per step; with both cores training, that work is taken from a replica). @defaultValue 20
   */
  readonly warmupSeconds: number;
  /**
   * Every case's runs are repeated this many times, one round after another (odd rounds in plan order, even rounds
   * reversed), and each ratio — replicas, backends, allocator modes, ours ÷ the peer — is taken within a round and
   * summarised by its median over the rounds. A shared machine's speed drifts by tens of percent from minute to
   * minute; runs seconds apart see the same drift, and the reversed order cancels a steady trend. @defaultValue 1
   */
  readonly rounds: number;
  /** Case names to run (`--cases unet-b32,mlp-b1000`); `undefined` runs every case. */
  readonly cases: readonly string[] | undefined;
  /** Backends to run on. @defaultValue ['wasm', 'cpu'] */
  readonly backends: readonly BenchBackend[];
  /** Runs the U-net training cases on the cpu backend too (minutes per step). @defaultValue false */
  readonly includeSlow: boolean;
  /**
   * `--profile`: each of our runs takes one extra step after its timed ones with every kernel of the calling thread
   * timed, and reports the kernels of that step (not part of the median). @defaultValue false
   */
  readonly profile: boolean;
  /** Absolute path of the JSON results. @defaultValue bench/results.json */
  readonly out: string;
  /**
   * Wall-time limit of one run (one case on one backend with one replica count), start-up included; the run is
   * stopped when it expires and the steps timed so far are kept. `undefined` uses {@link DEFAULT_RUN_SECONDS}, or
   * {@link DEFAULT_SLOW_RUN_SECONDS} for the slow runs of `--include-slow`.
   */
  readonly runSeconds: number | undefined;
  /** `--peer torch`: also run every case in PyTorch and report ours ÷ theirs. `undefined`: no peer. */
  readonly peer: BenchPeer | undefined;
  /** `--peer-python PATH`: the interpreter for the peer; `undefined` tries `python3` on PATH, then /usr/bin/python3. */
  readonly peerPython: string | undefined;
  /**
   * Allocator settings of the runs' processes: `tuned` (our default: {@link ALLOCATOR_SETTINGS}), `default` (glibc as
   * shipped: the two variables removed), `both` (each case with each). @defaultValue 'both' with a peer, else 'tuned'
   */
  readonly allocator: AllocatorChoice;
  /**
   * Before each run, wait until the 1-minute load average is below this (at most {@link quietLoadWaitSeconds}).
   * `undefined`: record it without waiting. @defaultValue 1 with a peer, else undefined (`--quiet-load off`)
   */
  readonly quietLoad: number | undefined;
  /** Longest wait for {@link quietLoad} before one run, in seconds; the run then starts anyway. @defaultValue 120 */
  readonly quietLoadWaitSeconds: number;
  /** GFLOP/s one core can reach, for the "% of ceiling" column. @defaultValue {@link WASM_CEILING_GFLOPS_PER_CORE} */
  readonly ceilingGflops: number;
}

/** Default wall-time limit of one run in seconds: 10× the expected ≈ 60 s of the slowest default run. */
export const DEFAULT_RUN_SECONDS = 600;
/** Default wall-time limit of one slow run (U-net training on cpu: ≈ 140 s per step at batch 8). */
export const DEFAULT_SLOW_RUN_SECONDS = 6 * 3600;

const WHERE = "pnpm bench";
/** Default `--warmup-seconds`. */
export const DEFAULT_WARMUP_SECONDS = 20;
/** Default `--quiet-load` when a peer runs: on 2 cores, the other core is free on average. */
export const DEFAULT_PEER_QUIET_LOAD = 1;
/** Default `--quiet-load-wait`, in seconds. */
export const DEFAULT_QUIET_LOAD_WAIT_SECONDS = 120;

const VALUE_FLAGS = [
  "repeats",
  "rounds",
  "timed-seconds",
  "warmup",
  "warmup-seconds",
  "cases",
  "backends",
  "out",
  "run-seconds",
  "peer",
  "peer-python",
  "allocator",
  "quiet-load",
  "quiet-load-wait",
  "ceiling-gflops",
] as const;
const SWITCHES = ["include-slow", "profile"] as const;
const ALL_FLAGS = [...VALUE_FLAGS, ...SWITCHES].map((f) => `--${f}`).join(", ");

/** What `pnpm bench --help` prints: every flag with its default; README.md has the details. */
export const BENCH_USAGE = `Usage: pnpm bench [flags]

Times training steps and inference of the U-nets and the MLP on our backends (and in PyTorch with --peer torch),
prints a table and writes every step to a JSON file.

  --cases a,b              cases to run (default: all): unet-b32, unet-b128, fluid-unet-b64, mlp-b1000, unet-inference-b32
  --backends wasm,cpu      backends (default: wasm,cpu)
  --repeats N              at least N timed steps per run (default 5)
  --timed-seconds S        timed steps add up to at least S seconds (default 0.5)
  --warmup N               at least N untimed steps first (default 2)
  --warmup-seconds S       warm-up lasts at least S seconds (default 20)
  --rounds N               repeat every case's runs N times, alternating; ratios per round, then their median (default 1)
  --run-seconds S          wall-time limit of one run (default 600)
  --include-slow           also the U-net training cases on cpu (minutes per step)
  --profile                one extra step with every kernel timed, printed by kernel
  --peer torch             also run every case in PyTorch, alternating with ours
  --peer-python PATH       the interpreter for --peer (default: python3, then /usr/bin/python3)
  --allocator MODE         tuned, default or both (default: both with --peer, else tuned)
  --quiet-load X           wait before each run until the 1-minute load average is below X (default: 1 with --peer)
  --quiet-load-wait S      longest such wait (default 120)
  --ceiling-gflops G       GFLOP/s per core for the % ceiling column (default 56)
  --out PATH               JSON output (default: bench/results.json)
  --help                   this text

Exit code: 0 when every run measured all its steps, 1 when one failed, 2 for invalid flags.`;

/** True when the arguments ask for the usage text (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** bench/results.json, wherever the command was started. */
function defaultOutPath(): string {
  return fileURLToPath(new URL("../results.json", import.meta.url));
}

/** A path given on the command line, relative to where the user ran pnpm (pnpm runs scripts inside bench/). */
function resolveUserPath(path: string): string {
  if (isAbsolute(path)) return path;
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** `--quiet-load X`: a load average > 0 (`off` is handled by the caller). */
function quietLoadOf(text: string): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value)) throw new PgValidationError(WHERE, "--quiet-load", 'a load average > 0, or "off"', text);
  return value;
}

/** `--peer-python`: a bare name is looked up on PATH by the system; a path is taken from where the user ran pnpm. */
function resolvePythonPath(text: string): string {
  return text.includes("/") ? resolveUserPath(text) : text;
}

function listOf(flag: string, text: string): string[] {
  const items = text.split(",").map((item) => item.trim()).filter((item) => item.length > 0);
  if (items.length === 0) throw new PgValidationError(WHERE, `--${flag}`, "a non-empty comma-separated list", text);
  return items;
}

function integerOf(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** A decimal number ≥ 0 (> 0 unless `allowZero`), or a {@link PgValidationError} quoting the text as given. */
function decimalOf(flag: string, text: string, allowZero: boolean): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new PgValidationError(WHERE, `--${flag}`, allowZero ? "a number ≥ 0" : "a number > 0", text);
  }
  return value;
}

function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new PgValidationError(WHERE, `--${flag}`, `one of ${choices.map((c) => `"${c}"`).join(", ")}`, text);
  }
  return text as T;
}

/**
 * Parses the flags of `pnpm bench` (`--flag value` or `--flag=value`; `--include-slow` and `--profile` take no
 * value). Case names are checked against the case list by the caller, which knows them.
 * @throws {@link PgValidationError} naming the flag, what it accepts and what was given.
 * @example
 * parseBenchOptions(["--repeats", "7", "--backends", "wasm"]).repeats; // 7
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") continue; // pnpm forwards a separator when the user writes `pnpm bench -- --flag`
    if (!token.startsWith("--")) throw new PgValidationError(WHERE, "arguments", `flags of the form --name value (${ALL_FLAGS})`, token);
    const eq = token.indexOf("=");
    const flag = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    if ((SWITCHES as readonly string[]).includes(flag)) {
      if (eq >= 0) throw new PgValidationError(WHERE, `--${flag}`, "given without a value", token.slice(eq + 1));
      switches.add(flag);
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) throw new PgValidationError(WHERE, "flag", `one of ${ALL_FLAGS}`, `--${flag}`);
    const value = eq >= 0 ? token.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith("--")) throw new PgValidationError(WHERE, `--${flag}`, "followed by a value", value ?? "nothing");
    values.set(flag, value);
  }
  const repeatsText = values.get("repeats");
  const warmupText = values.get("warmup");
  const roundsText = values.get("rounds");
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
  const peerText = values.get("peer");
  const peer = peerText === undefined ? undefined : oneOf("peer", peerText, BENCH_PEERS);
  const peerPython = values.get("peer-python");
  if (peerPython !== undefined && peer === undefined) {
    throw new PgValidationError(WHERE, "--peer-python", "given together with --peer torch", `--peer-python ${peerPython} without --peer`);
  }
  const allocatorText = values.get("allocator");
  const quietText = values.get("quiet-load");
  const quietWaitText = values.get("quiet-load-wait");
  const ceilingText = values.get("ceiling-gflops");
  const timedSecondsText = values.get("timed-seconds");
  const warmupSecondsText = values.get("warmup-seconds");
  const defaultQuietLoad = peer === undefined ? undefined : DEFAULT_PEER_QUIET_LOAD;
  return {
    repeats: repeatsText === undefined ? 5 : requirePositiveInteger(WHERE, "--repeats", integerOf(repeatsText)),
    timedSeconds: timedSecondsText === undefined ? 0.5 : decimalOf("timed-seconds", timedSecondsText, true),
    warmup: warmupText === undefined ? 2 : requireNonNegativeInteger(WHERE, "--warmup", integerOf(warmupText)),
    warmupSeconds: warmupSecondsText === undefined ? DEFAULT_WARMUP_SECONDS : decimalOf("warmup-seconds", warmupSecondsText, true),
    rounds: roundsText === undefined ? 1 : requirePositiveInteger(WHERE, "--rounds", integerOf(roundsText)),
    cases: casesText === undefined ? undefined : listOf("cases", casesText),
    backends: [...new Set(backends as BenchBackend[])],
    includeSlow: switches.has("include-slow"),
    profile: switches.has("profile"),
    out: outText === undefined ? defaultOutPath() : resolveUserPath(outText),
    runSeconds: secondsText === undefined ? undefined : requirePositive(WHERE, "--run-seconds", Number(secondsText)),
    peer,
    peerPython: peerPython === undefined ? undefined : resolvePythonPath(peerPython),
    allocator: allocatorText === undefined ? (peer === undefined ? "tuned" : "both") : oneOf("allocator", allocatorText, ALLOCATOR_CHOICES),
    quietLoad: quietText === undefined ? defaultQuietLoad : quietText === "off" ? undefined : quietLoadOf(quietText),
    quietLoadWaitSeconds: quietWaitText === undefined ? DEFAULT_QUIET_LOAD_WAIT_SECONDS : decimalOf("quiet-load-wait", quietWaitText, true),
    ceilingGflops: ceilingText === undefined ? WASM_CEILING_GFLOPS_PER_CORE : decimalOf("ceiling-gflops", ceilingText, false),
  };
}
