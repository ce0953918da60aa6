/**
 * The PyTorch peer of `pnpm bench --peer torch`: finds a Python with torch, runs bench/peer_torch.py for one case in
 * a fresh process and reads its JSON lines, which have the shape of our own child processes' messages.
 */
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { RunMessage } from "./case_process";
import { superviseRun, type IsolatedRunOptions, type IsolatedRunResult } from "./run_isolated";
import type { StepSchedule } from "./step_schedule";

/** The peer's script, beside package.json. */
export const PEER_SCRIPT = fileURLToPath(new URL("../peer_torch.py", import.meta.url));

/** Interpreters tried in order when `--peer-python` is not given (Debian's python3-torch installs to /usr/bin). */
export const DEFAULT_PEER_PYTHONS: readonly string[] = ["python3", "/usr/bin/python3"];

/** How to get PyTorch, for the message printed when none is found. */
export const TORCH_INSTALL_HINT = "apt-get install python3-torch";

/** Whether one interpreter can import torch. */
export type TorchProbe =
  | { readonly ok: true; readonly executable: string; readonly torchVersion: string; readonly pythonVersion: string }
  | { readonly ok: false; readonly reason: string };

/** The interpreter the peer runs with, or every one that was tried and why it did not do. */
export type PeerDiscovery =
  | {
      readonly found: true;
      /** As given (`python3`, a path). */
      readonly python: string;
      /** sys.executable. */
      readonly executable: string;
      readonly torchVersion: string;
      readonly pythonVersion: string;
      readonly tried: readonly { readonly python: string; readonly reason: string }[];
    }
  | { readonly found: false; readonly tried: readonly { readonly python: string; readonly reason: string }[] };

const PROBE_SOURCE =
  'import json, sys\nimport torch\nprint(json.dumps({"executable": sys.executable, "torch": torch.__version__, "python": sys.version.split()[0]}))';

/** Runs `python -c "import torch"` (60 s at most) and says what it found. */
export function probeTorch(python: string): TorchProbe {
  const result = spawnSync(python, ["-c", PROBE_SOURCE], { encoding: "utf8", timeout: 60_000 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === "ENOENT" ? "not found" : result.error.message };
  }
  if (result.status !== 0) {
    const lines = (result.stderr ?? "").trim().split("\n");
    return { ok: false, reason: lines[lines.length - 1]?.trim() || `exit code ${String(result.status)}` };
  }
  try {
    const info = JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as { executable: string; torch: string; python: string };
    return { ok: true, executable: info.executable, torchVersion: info.torch, pythonVersion: info.python };
  } catch {
    return { ok: false, reason: `unexpected output: ${result.stdout.trim().slice(0, 200)}` };
  }
}

/**
 * The first of `candidates` whose `import torch` works, as `probe` (by default {@link probeTorch}) finds it.
 * @example
 * findPeerPython(["python3"], () => ({ ok: false, reason: "No module named 'torch'" })).found; // false
 */
export function findPeerPython(candidates: readonly string[], probe: (python: string) => TorchProbe = probeTorch): PeerDiscovery {
  const tried: { python: string; reason: string }[] = [];
  for (const python of candidates) {
    const result = probe(python);
    if (result.ok) return { found: true, python, executable: result.executable, torchVersion: result.torchVersion, pythonVersion: result.pythonVersion, tried };
    tried.push({ python, reason: result.reason });
  }
  return { found: false, tried };
}

/** The one line printed when no interpreter has torch: what was tried, that ours runs alone, how to get torch. */
export function peerNotFoundMessage(discovery: PeerDiscovery & { found: false }): string {
  const tried = discovery.tried.map((t) => `${t.python}: ${t.reason}`).join("; ");
  return (
    `pnpm bench: PyTorch was not found (${tried}), so --peer torch is ignored and ours runs alone; ` +
    `to compare, install it (Debian/Ubuntu: ${TORCH_INSTALL_HINT}) or give --peer-python PATH.`
  );
}

/** One peer run: a case, torch's thread count, and the step rule shared with our runs. */
export interface PeerRunSpec extends StepSchedule {
  readonly caseName: string;
  /** torch.set_num_threads; our runs with R replicas are compared with R threads. */
  readonly threads: number;
}

/** The command-line arguments of peer_torch.py for `spec`. */
export function peerArguments(spec: PeerRunSpec): string[] {
  return [
    spec.caseName,
    "--threads",
    String(spec.threads),
    "--warmup",
    String(spec.warmup),
    "--warmup-seconds",
    String(spec.warmupSeconds),
    "--repeats",
    String(spec.repeats),
    "--timed-seconds",
    String(spec.timedSeconds),
  ];
}

/**
 * The thread variables of the peer's process: OpenMP and MKL start with `threads` threads, as torch.set_num_threads
 * then keeps them (the thread pool is not first sized for every core).
 */
export function peerThreadEnvironment(threads: number): Record<string, string> {
  return { OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
}

const MESSAGE_TYPES = new Set(["setup", "step", "done", "failed"]);

/** A line of peer_torch.py's stdout as a {@link RunMessage}, or undefined for anything else. */
export function parsePeerLine(line: string): RunMessage | undefined {
  const text = line.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    const message = JSON.parse(text) as { type?: unknown };
    return typeof message.type === "string" && MESSAGE_TYPES.has(message.type) ? (message as RunMessage) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs peer_torch.py for `spec` with `python` in a fresh process (environment `options.env` plus
 * {@link peerThreadEnvironment}) and collects its messages like {@link runIsolated} does ours. Never rejects.
 */
export function runPeerIsolated(python: string, spec: PeerRunSpec, options: IsolatedRunOptions): Promise<IsolatedRunResult> {
  const child = spawn(python, [PEER_SCRIPT, ...peerArguments(spec)], {
    env: { ...options.env, ...peerThreadEnvironment(spec.threads) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const subscribe = (handle: (message: RunMessage) => void) => {
    if (child.stdout === null) return;
    createInterface({ input: child.stdout }).on("line", (line) => {
      const message = parsePeerLine(line);
      if (message !== undefined) handle(message);
    });
  };
  return superviseRun(child, subscribe, options.limitSeconds, options.onMessage);
}

/** The parameter count of one case's PyTorch network, from `peer_torch.py --check`. */
export interface PeerParameterCheck {
  readonly case: string;
  readonly parameters: number;
  readonly expected: number;
}

/**
 * Runs `peer_torch.py --check` (builds every network, checks its parameter count against @pg/nets') and returns what
 * it printed; `ok` is false when a count differs or the script failed (then `error` says why).
 */
export function checkPeerNetworks(python: string): { readonly ok: boolean; readonly networks: readonly PeerParameterCheck[]; readonly error?: string } {
  const result = spawnSync(python, [PEER_SCRIPT, "--check"], { encoding: "utf8", timeout: 120_000, env: { ...process.env, ...peerThreadEnvironment(1) } });
  const networks: PeerParameterCheck[] = [];
  for (const line of (result.stdout ?? "").split("\n")) {
    try {
      const message = JSON.parse(line) as { type?: string } & PeerParameterCheck;
      if (message.type === "parameters") networks.push({ case: message.case, parameters: message.parameters, expected: message.expected });
    } catch {
      // not a JSON line
    }
  }
  if (result.error === undefined && result.status === 0) return { ok: true, networks };
  const reason = result.error?.message ?? ((result.stderr ?? "").trim().split("\n").slice(-3).join(" | ") || `exit code ${String(result.status)}`);
  return { ok: false, networks, error: reason };
}
