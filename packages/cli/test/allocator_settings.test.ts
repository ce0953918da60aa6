/**
 * The allocator settings: the decision (pure), and the `pg` command restarting itself with them — run as
 * pg_command.test.ts runs it (node with the "@pg/source" condition and tsx), from an environment without them.
 *
 * How pg restarts depends on where the tests run: on Linux with glibc it restarts, by replacing its process where Node
 * has process.execve (22.15 and later) and as a child process elsewhere; on other systems it does not restart. Each
 * test expects what the system it runs on should give.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LOCK_FILE, readCheckpoint, type ExperimentSummary, type RunRecord } from "../src/index";
import { ALLOCATOR_SETTINGS, allocatorDecision, restartWithAllocatorSettings } from "../src/allocator_settings";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const PG = fileURLToPath(new URL("../src/pg.ts", import.meta.url));
const PROBE = fileURLToPath(new URL("./fixtures/process_probe.ts", import.meta.url));
const TRAINING = fileURLToPath(new URL("./fixtures/doubling_experiment.ts", import.meta.url));

const GLIBC = process.platform === "linux" && (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime !== undefined;
/** pg restarts in a child process: the process the test starts is not the one that runs the command. */
const RESTARTS_AS_CHILD = GLIBC && typeof (process as { execve?: unknown }).execve !== "function";
const SETTINGS = { MALLOC_MMAP_MAX_: "0", MALLOC_TRIM_THRESHOLD_: "68719476736" };
/** A run that a signal stops long before its end (a step takes about 10 ms). */
const TRAINING_FLAGS = ["--iterations", "20000", "--methods", "adam", "--backend", "cpu", "--replicas", "1", "--checkpoint-every", "100000"];
/** Kill timeout of every child; a child that outlives it is killed and its test fails. */
const CHILD_SECONDS = 120;

/** This process's environment without the settings and the opt-out, plus `extra`. */
function environment(extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", CI: "1" };
  for (const name of ["MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "PG_ALLOCATOR"]) delete env[name];
  return { ...env, ...extra };
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ChildProcess>();
const temporaryRoot = mkdtempSync(join(tmpdir(), "pg-allocator-"));

afterAll(async () => {
  const ending = [...children].map((child) => new Promise((resolve) => child.once("close", resolve)));
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(ending);
  rmSync(temporaryRoot, { recursive: true, force: true });
});

/** Starts `pg <args>` in the package directory; `detached`: as the leader of its own process group. */
function startPg(args: readonly string[], env: Record<string, string | undefined>, detached = false): { child: ChildProcess; finished: Promise<Finished>; stdout: () => string } {
  const child = spawn(process.execPath, ["--conditions=@pg/source", "--import", "tsx", PG, ...args], { cwd: PACKAGE, env, stdio: ["ignore", "pipe", "pipe"], detached });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => void (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_SECONDS * 1000);
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, finished, stdout: () => stdout };
}

function describeRun(result: Finished): string {
  return `exit ${result.code} signal ${result.signal}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
}

interface Probe {
  readonly pid: number;
  readonly ppid: number;
  readonly malloc: Record<string, string>;
}

/** Runs `pg train <probe>`: what the process that ran the command reported, and how pg ended. */
async function probe(env: Record<string, string | undefined>): Promise<{ probe: Probe; pid: number; result: Finished }> {
  const { child, finished } = startPg(["train", PROBE], env);
  const result = await finished;
  const line = result.stdout.split("\n").find((l) => l.startsWith("{"));
  expect(line, describeRun(result)).toBeDefined();
  return { probe: JSON.parse(line as string) as Probe, pid: child.pid as number, result };
}

/** Resolves once pg has printed `text`; rejects if it ends first. */
function waitForOutput(started: { child: ChildProcess; stdout: () => string }, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (started.stdout().includes(text)) return resolve();
      if (started.child.exitCode !== null || started.child.signalCode !== null) return reject(new Error(`pg ended before printing "${text}":\n${started.stdout()}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

/** Resolves once the CSV at `path` has at least `rows` data rows; rejects if pg ends first. */
function waitForRows(child: ChildProcess, path: string, rows: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const seen = existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l !== "").length - 1 : 0;
      if (seen >= rows) return resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`pg ended (exit ${child.exitCode}, signal ${child.signalCode}) before ${path} had ${rows} rows`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

function csvRows(path: string): number {
  return readFileSync(path, "utf8").split("\n").filter((l) => l !== "").length - 1;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The MALLOC_ variables process `pid` was started with (Linux: /proc/<pid>/environ). */
function startedWith(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter((entry) => entry.startsWith("MALLOC_"));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

/**
 * Starts a training run, waits for its first rows, and returns pg, the pid of the process that trains (the lock names
 * it) and the rows seen.
 */
async function startTraining(name: string, detached = false): Promise<{ child: ChildProcess; finished: Promise<Finished>; out: string; trainer: number; seen: number }> {
  const out = join(temporaryRoot, name);
  const { child, finished } = startPg(["train", TRAINING, ...TRAINING_FLAGS, "--out", out], environment(), detached);
  const seen = await waitForRows(child, join(out, "adam.csv"), 3);
  const trainer = readJson<{ pid: number }>(join(out, LOCK_FILE)).pid;
  if (RESTARTS_AS_CHILD) expect(trainer, "the training runs in a child of pg").not.toBe(child.pid);
  else expect(trainer, "the training runs in the process started").toBe(child.pid);
  if (GLIBC) expect(startedWith(trainer)).toEqual(SETTINGS);
  return { child, finished, out, trainer, seen };
}

describe("allocatorDecision", () => {
  const linux = { platform: "linux", glibcVersion: () => "2.36" };

  it("restarts on Linux with glibc when neither variable is set: the same environment plus both settings", () => {
    const env = { HOME: "/home/me", PATH: "/usr/bin", UNSET: undefined, PG_ALLOCATOR: "" };
    const decision = allocatorDecision({ ...linux, env });
    expect(decision).toEqual({ restart: true, env: { HOME: "/home/me", PATH: "/usr/bin", PG_ALLOCATOR: "", ...SETTINGS } });
    expect(ALLOCATOR_SETTINGS).toEqual(SETTINGS);
    expect(env, "the environment given is left as it was").toEqual({ HOME: "/home/me", PATH: "/usr/bin", UNSET: undefined, PG_ALLOCATOR: "" });
    // Only "default" opts out.
    expect(allocatorDecision({ ...linux, env: { PG_ALLOCATOR: "tuned" } }).restart).toBe(true);
  });

  it("keeps the process for PG_ALLOCATOR=default and for either variable set by the user, without asking for glibc", () => {
    let asked = 0;
    const glibcVersion = (): string => {
      asked += 1;
      return "2.36";
    };
    const keep = (env: Record<string, string>) => allocatorDecision({ platform: "linux", glibcVersion, env });
    expect(keep({ PG_ALLOCATOR: "default" })).toEqual({ restart: false, reason: "opted out" });
    expect(keep({ PG_ALLOCATOR: " Default " })).toEqual({ restart: false, reason: "opted out" });
    expect(keep({ MALLOC_MMAP_MAX_: "65536" })).toEqual({ restart: false, reason: "already set" });
    expect(keep({ MALLOC_TRIM_THRESHOLD_: "131072" })).toEqual({ restart: false, reason: "already set" });
    expect(keep({ MALLOC_MMAP_MAX_: "" })).toEqual({ restart: false, reason: "already set" });
    expect(keep({ ...SETTINGS })).toEqual({ restart: false, reason: "already set" });
    expect(asked).toBe(0);
    expect(keep({}).restart).toBe(true);
    expect(asked).toBe(1);
  });

  it("keeps the process where the C library is not glibc: macOS, Windows, Linux with musl", () => {
    for (const platform of ["darwin", "win32", "freebsd"]) {
      expect(allocatorDecision({ platform, glibcVersion: () => "2.36", env: {} }), platform).toEqual({ restart: false, reason: "not glibc" });
    }
    expect(allocatorDecision({ platform: "linux", glibcVersion: () => undefined, env: {} })).toEqual({ restart: false, reason: "not glibc" });
  });
});

describe("restartWithAllocatorSettings", () => {
  it("goes on in this process where the settings are set or opted out, and says why", async () => {
    await expect(restartWithAllocatorSettings({ env: { ...environment(), ...SETTINGS } })).resolves.toEqual({ restart: false, reason: "already set" });
    await expect(restartWithAllocatorSettings({ env: environment({ PG_ALLOCATOR: "default" }) })).resolves.toEqual({ restart: false, reason: "opted out" });
  });
});

describe("pg restarts itself with the allocator settings", () => {
  it("prints the usage once and exits 0 for --help, exits 2 for an unknown command, with the settings set or not", async () => {
    for (const env of [environment(), environment(SETTINGS), environment({ PG_ALLOCATOR: "default" })]) {
      const [help, unknown] = await Promise.all([startPg(["--help"], env).finished, startPg(["tran"], env).finished]);
      expect(help.code, describeRun(help)).toBe(0);
      expect(help.stdout.split("Usage:").length - 1, help.stdout).toBe(1);
      expect(unknown.code, describeRun(unknown)).toBe(2);
      expect(unknown.stderr.split('received "tran"').length - 1, unknown.stderr).toBe(1);
    }
  });

  it("runs the command in a process started with both settings; keeps a user's own value; adds none when opted out", async () => {
    const [fresh, userSet, optedOut] = await Promise.all([
      probe(environment()),
      probe(environment({ MALLOC_MMAP_MAX_: "65536" })),
      probe(environment({ PG_ALLOCATOR: "default" })),
    ]);
    expect(fresh.probe.malloc).toEqual(GLIBC ? SETTINGS : {});
    if (RESTARTS_AS_CHILD) expect(fresh.probe.ppid, "the command ran in a child of the process started").toBe(fresh.pid);
    else expect(fresh.probe.pid, "the command ran in the process started").toBe(fresh.pid);
    expect(userSet.probe.malloc).toEqual({ MALLOC_MMAP_MAX_: "65536" });
    expect(userSet.probe.pid).toBe(userSet.pid);
    expect(optedOut.probe.malloc).toEqual({});
    expect(optedOut.probe.pid).toBe(optedOut.pid);
  });

  it("passes the command's exit status on, and 128 + n when signal n ends it", async () => {
    const exited = await probe(environment({ PROBE_EXIT_CODE: "7" }));
    expect(exited.result.code, describeRun(exited.result)).toBe(7);
    const killed = await probe(environment({ PROBE_SIGNAL: "SIGUSR2" }));
    // Where pg runs the command itself (or as its replaced process), the signal ends the process the test started.
    if (RESTARTS_AS_CHILD) expect({ code: killed.result.code, signal: killed.result.signal }).toEqual({ code: 128 + 12, signal: null });
    else expect({ code: killed.result.code, signal: killed.result.signal }).toEqual({ code: null, signal: "SIGUSR2" });
  });

  it("SIGTERM to pg stops the training after the step in flight, with a checkpoint, and pg exits 143", async () => {
    const { child, finished, out, seen } = await startTraining("sigterm");
    child.kill("SIGTERM");
    const result = await finished;
    expect(result.code, describeRun(result)).toBe(143);
    const rows = csvRows(join(out, "adam.csv"));
    expect(rows).toBeGreaterThanOrEqual(seen);
    expect(readCheckpoint(out, "adam")?.iteration, "the checkpoint holds the last step").toBe(rows);
    expect(readJson<ExperimentSummary>(join(out, "summary.json"))).toMatchObject({ status: "interrupted", interruptedBy: "SIGTERM" });
    expect(result.stdout, "a second SIGTERM would stop it without a checkpoint").not.toContain("pg: SIGTERM again");
  });

  it("SIGINT to pg's process group, as Ctrl-C in a terminal sends it, reaches the training once: a checkpoint and exit 130", async () => {
    const { child, finished, out } = await startTraining("sigint-group", true);
    process.kill(-(child.pid as number), "SIGINT");
    const result = await finished;
    expect(result.code, describeRun(result)).toBe(130);
    expect(result.stdout).toContain("pg: SIGINT: finishing the step in flight");
    expect(result.stdout, "a second SIGINT would stop it without a checkpoint").not.toContain("pg: SIGINT again");
    const rows = csvRows(join(out, "adam.csv"));
    expect(readCheckpoint(out, "adam")?.iteration, "the checkpoint holds the last step").toBe(rows);
    expect(readJson<ExperimentSummary>(join(out, "summary.json"))).toMatchObject({ status: "interrupted", interruptedBy: "SIGINT" });
  });

  it("SIGKILL to pg ends the training process as well: pg resume finds its lock stale and takes it over", async () => {
    const { child, finished, out, trainer } = await startTraining("sigkill");
    child.kill("SIGKILL");
    const result = await finished;
    expect(result.signal, describeRun(result)).toBe("SIGKILL");
    expect(readJson<RunRecord>(join(out, "run.json")).status, "killed, the run did not record an end").toBe("running");
    // A live training process would hold the lock and pg resume would refuse with exit 2.
    const resumed = startPg(["resume", out], environment());
    await waitForOutput(resumed, `pg resume: taking over a stale lock: process ${trainer} (`);
    resumed.child.kill("SIGKILL");
    expect((await resumed.finished).signal).toBe("SIGKILL");
  });
});
