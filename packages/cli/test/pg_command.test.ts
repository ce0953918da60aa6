/**
 * End-to-end tests of the `pg` command: every test runs `pg` as a child process (node with the "@pg/source" condition
 * and tsx, as `pnpm pg` does), stops it with signals where the test says so, and reads what it left in its run
 * directory. The runs train test/fixtures/doubling_experiment.ts, a user's experiment module, through
 * `pg train <path to a module>`; kill steps are chosen at random and printed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXPERIMENTS, experimentEntry } from "@pg/experiments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALLOCATOR_SETTINGS, LOCK_FILE, prepareOutputDirectory, readCheckpoint, type ExperimentSummary, type RunRecord } from "../src/index";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const PG = fileURLToPath(new URL("../src/pg.ts", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/doubling_experiment.ts", import.meta.url));

/** The fixture's methods, in the order they run. */
const METHODS = ["adam", "pg"] as const;
const ITERATIONS = 60;
const CHECKPOINT_EVERY = 7;
/** The flags of every fixture run whose result is compared with the reference. */
const FIXTURE_FLAGS = ["--iterations", String(ITERATIONS), "--methods", METHODS.join(","), "--checkpoint-every", String(CHECKPOINT_EVERY), "--backend", "wasm", "--replicas", "1"];
/** Kill timeout of a child that trains; a child that outlives it is killed and its test fails. */
const TRAINING_CHILD_SECONDS = 180;
/** Kill timeout of a child that only parses, prints or refuses. */
const QUICK_CHILD_SECONDS = 60;
/**
 * Rows a run may add after the one a test saw when it sent SIGINT or SIGTERM: the step in flight, and one more for a
 * signal that lands as a step ends.
 */
const STEPS_AFTER_SIGNAL = 2;
/** vitest timeout of the tests that run several trainings one after another. */
const LONG_TEST_MILLISECONDS = 600_000;

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

interface Started {
  readonly child: ChildProcess;
  readonly finished: Promise<Finished>;
}

/** Every child started, so that none outlives the tests (a stopped one included). */
const children = new Set<ChildProcess>();
const temporaryRoot = mkdtempSync(join(tmpdir(), "pg-command-"));
let temporaryCount = 0;

/** A new, not yet existing path under this file's temporary directory. */
function freshPath(name: string): string {
  temporaryCount += 1;
  return join(temporaryRoot, `${String(temporaryCount).padStart(2, "0")}-${name}`);
}

/**
 * Starts `pg <args>` in the package directory; it is killed with SIGKILL after `timeoutSeconds`. The allocator settings
 * are in its environment, as pg's restart on Linux puts them (test/allocator_settings.test.ts tests the restart), so
 * that the process started is the one that runs the command: the pid in locks and messages, the one signals reach.
 */
function startPg(args: readonly string[], timeoutSeconds = TRAINING_CHILD_SECONDS): Started {
  const child = spawn(process.execPath, ["--conditions=@pg/source", "--import", "tsx", PG, ...args], {
    cwd: PACKAGE,
    env: { ...process.env, ...ALLOCATOR_SETTINGS, NO_COLOR: "1", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => void (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutSeconds * 1000);
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
  return { child, finished };
}

/** Runs `pg <args>` to its end. */
function pg(args: readonly string[], timeoutSeconds = TRAINING_CHILD_SECONDS): Promise<Finished> {
  return startPg(args, timeoutSeconds).finished;
}

/** What a failed expectation about a child prints: how it ended and the end of its output. */
function describeRun(args: readonly string[], result: Finished): string {
  const tail = (text: string): string => text.split("\n").filter((line) => !/it\/s/.test(line)).slice(-25).join("\n");
  return `pg ${args.join(" ")}\nexit ${result.code} signal ${result.signal}${result.timedOut ? " (killed: timed out)" : ""}\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
}

/** Runs `pg <args>` and expects it to exit with `code`. */
async function expectExit(args: readonly string[], code: number, timeoutSeconds = TRAINING_CHILD_SECONDS): Promise<Finished> {
  const result = await pg(args, timeoutSeconds);
  expect(result.code, describeRun(args, result)).toBe(code);
  return result;
}

/** The data rows of a metrics CSV (0 while the file does not exist). */
function csvRows(path: string): number {
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, "utf8");
  return Math.max(0, text.split("\n").filter((line) => line !== "").length - 1);
}

/** Resolves once `path` holds at least `rows` data rows; rejects if the child ends first. */
function waitForRows(child: ChildProcess, path: string, rows: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const seen = csvRows(path);
      if (seen >= rows) return resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`pg ended (exit ${child.exitCode}, signal ${child.signalCode}) before ${path} reached ${rows} rows; it has ${seen}`));
      setTimeout(poll, 2);
    };
    poll();
  });
}

/** A uniformly random integer in [low, high]. */
function randomStep(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** A metrics CSV's lines without column 2 (`seconds`, the one column that differs between equal runs). */
function withoutSeconds(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(",").filter((_cell, column) => column !== 1).join(","));
}

/** Expects the run in `directory` to hold exactly the reference run's result: CSVs but `seconds`, weights, summary. */
function expectReferenceResult(directory: string, reference: string, label: string): void {
  for (const method of METHODS) {
    expect(withoutSeconds(join(directory, `${method}.csv`)), `${label}: ${method}.csv`).toEqual(withoutSeconds(join(reference, `${method}.csv`)));
    for (const file of ["weights.bin", "network.json"]) {
      const actual = readFileSync(join(directory, "networks", method, file));
      const expected = readFileSync(join(reference, "networks", method, file));
      expect(actual.equals(expected), `${label}: networks/${method}/${file} differs from the reference's (${actual.length} vs ${expected.length} bytes)`).toBe(true);
    }
  }
  const summary = readJson<ExperimentSummary>(join(directory, "summary.json"));
  const expected = readJson<ExperimentSummary>(join(reference, "summary.json"));
  expect(summary.status, `${label}: summary.json status`).toBe("done");
  for (const method of METHODS) {
    const { medianSecondsPerIteration: _seconds, ...actualLine } = summary.methods[method] ?? ({} as never);
    const { medianSecondsPerIteration: _expectedSeconds, ...expectedLine } = expected.methods[method] ?? ({} as never);
    expect(actualLine, `${label}: summary.json methods.${method}`).toEqual(expectedLine);
  }
}

/** The iteration of the checkpoint a run killed after `rows` rows continues from: the last multiple of --checkpoint-every. */
function lastCheckpointBefore(rows: number): number {
  return Math.floor(rows / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
}

let reference = "";

beforeAll(async () => {
  reference = freshPath("reference");
  await expectExit(["train", FIXTURE, ...FIXTURE_FLAGS, "--out", reference], 0);
  const header = readFileSync(join(reference, "adam.csv"), "utf8").split("\n")[0];
  // withoutSeconds drops column 2; make sure that is the one column allowed to differ.
  expect(header?.split(",")[1]).toBe("seconds");
  for (const method of METHODS) expect(csvRows(join(reference, `${method}.csv`))).toBe(ITERATIONS);
}, LONG_TEST_MILLISECONDS);

afterAll(async () => {
  const ending = [...children].map((child) => new Promise((resolve) => child.once("close", resolve)));
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(ending);
  rmSync(temporaryRoot, { recursive: true, force: true });
});

describe("pg train", () => {
  it("trains a built-in experiment into --out: run.json, summary.json, a CSV per method, checkpoints and networks", async () => {
    const out = freshPath("sin");
    const result = await expectExit(["train", "sin", "--iterations", "20", "--batch", "50", "--methods", "adam,pg-inverse", "--out", out, "--backend", "wasm", "--replicas", "1"], 0);
    expect(result.stdout).toContain("sin: backend wasm");

    const run = readJson<RunRecord>(join(out, "run.json"));
    expect(run).toMatchObject({ format: "pg-run/1", status: "done", backend: "wasm", replicas: 1, seed: 0, node: process.version });
    expect(run.experiment).toEqual({ name: "sin", source: "built-in", environment: {} });
    expect(run.arguments).toMatchObject({ iterations: 20, batch: 50, seed: 0, methods: ["adam", "pg-inverse"], out, backend: "wasm", replicas: 1 });
    expect(Object.keys(run.versions)).toEqual(expect.arrayContaining(["@pg/cli", "@pg/core", "@tensorflow/tfjs"]));
    expect(run.sessions).toHaveLength(1);
    expect(run.sessions[0]).toMatchObject({ status: "done", pid: expect.any(Number) });
    expect(run.sessions[0]?.endedAt).toEqual(expect.any(String));

    const summary = readJson<ExperimentSummary>(join(out, "summary.json"));
    expect(summary.status).toBe("done");
    expect(Object.keys(summary.methods)).toEqual(["adam", "pg-inverse"]);
    for (const method of ["adam", "pg-inverse"]) {
      expect(summary.methods[method]).toMatchObject({ iterations: 20, status: "done", network: `networks/${method}`, networkIteration: 20 });
      const lines = readFileSync(join(out, `${method}.csv`), "utf8").trimEnd().split("\n");
      expect(lines).toHaveLength(21);
      expect(lines[0]).toBe("iteration,seconds,loss,x_err,proxy_loss");
      expect(lines.slice(1).map((line) => Number(line.split(",")[0]))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(existsSync(join(out, "checkpoints", `${method}.ckpt`)), `checkpoints/${method}.ckpt`).toBe(true);
      expect(readdirSync(join(out, "networks", method)).sort()).toEqual(["network.json", "weights.bin"]);
    }
    expect(existsSync(join(out, LOCK_FILE)), "the lock is released when the run ends").toBe(false);
  });

  it("prints usage for --help on every command, lists the built-ins, and refuses unknown commands and experiments with exit 2", async () => {
    const commands = ["train", "resume", "list", "compare", "report"] as const;
    const cases: { readonly args: readonly string[]; readonly check: (result: Finished) => void }[] = [
      {
        args: ["--help"],
        check: (result) => {
          expect(result.stdout).toContain("Usage:");
          for (const command of commands) expect(result.stdout).toContain(`pg ${command} `);
        },
      },
      ...commands.map((command) => ({
        args: [command, "--help"],
        check: (result: Finished) => expect(result.stdout.startsWith(`pg ${command}`), `pg ${command} --help printed:\n${result.stdout}`).toBe(true),
      })),
      {
        args: ["list"],
        check: (result) => {
          const lines = result.stdout.split("\n");
          for (const { name } of EXPERIMENTS) {
            const methods = experimentEntry(name).create({}).knownMethods;
            expect(methods.length).toBeGreaterThan(0);
            const row = lines.find((line) => line.split(/\s+/)[0] === name && line.includes(methods.join(",")));
            expect(row, `pg list has no row "${name} ${methods.join(",")}":\n${result.stdout}`).toBeDefined();
          }
        },
      },
    ];
    // Two at a time: each child spends most of its life loading modules.
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const results = await Promise.all(batch.map((c) => expectExit(c.args, 0, QUICK_CHILD_SECONDS)));
      batch.forEach((c, j) => c.check(results[j] as Finished));
    }

    const [unknownCommand, unknownExperiment] = await Promise.all([expectExit(["tran"], 2, QUICK_CHILD_SECONDS), expectExit(["train", "hat", "--out", freshPath("hat")], 2, QUICK_CHILD_SECONDS)]);
    expect(unknownCommand.stderr).toContain('received "tran"');
    for (const command of commands) expect(unknownCommand.stderr).toContain(command);
    expect(unknownExperiment.stderr).toContain('received "hat"');
    expect(unknownExperiment.stderr).toContain('Did you mean "heat"?');
  });
});

describe("pg resume", () => {
  it(
    "continues a run killed with SIGKILL in either method exactly: every CSV, network and summary equals an uninterrupted run's",
    async () => {
      // Even-numbered trials kill during the first method, odd-numbered ones during the second; two trials run at a time.
      const trials = [0, 1, 2, 3, 4].map((trial) => ({ trial, method: METHODS[trial % 2] as string, target: randomStep(1, 50) }));
      const runTrial = async ({ trial, method, target }: (typeof trials)[number]): Promise<void> => {
        const out = freshPath(`kill-${trial}`);
        const label = `trial ${trial} (SIGKILL when ${method}.csv reaches step ${target})`;
        const { child, finished } = startPg(["train", FIXTURE, ...FIXTURE_FLAGS, "--out", out]);
        const seen = await waitForRows(child, join(out, `${method}.csv`), target);
        child.kill("SIGKILL");
        const killed = await finished;
        expect(killed.signal, describeRun(["train", "(killed)"], killed)).toBe("SIGKILL");
        const rows = csvRows(join(out, `${method}.csv`));
        const checkpoint = readCheckpoint(out, method)?.iteration ?? 0;
        console.log(`${label}: ${seen} rows seen, killed with ${rows} rows written; its last checkpoint is after iteration ${checkpoint}`);
        // A kill between a checkpoint step's CSV row and the checkpoint's rename leaves the one before.
        const expected = lastCheckpointBefore(rows);
        expect(checkpoint === expected || (rows % CHECKPOINT_EVERY === 0 && checkpoint === expected - CHECKPOINT_EVERY), `${label}: checkpoint ${checkpoint} after ${rows} rows`).toBe(true);
        if (method === METHODS[1]) expect(csvRows(join(out, `${METHODS[0]}.csv`)), `${label}: ${METHODS[0]} had finished`).toBe(ITERATIONS);
        expect(readJson<RunRecord>(join(out, "run.json")).status, `${label}: run.json after SIGKILL`).toBe("running");

        const resumed = await expectExit(["resume", out], 0);
        expect(resumed.stdout, label).toContain(`taking over a stale lock: process ${child.pid} (`);
        expectReferenceResult(out, reference, label);
        const run = readJson<RunRecord>(join(out, "run.json"));
        expect(run.status, label).toBe("done");
        // The killed session ended without recording it; the resume records it as interrupted.
        expect(run.sessions.map((s) => s.status), label).toEqual(["interrupted", "done"]);
        expect(run.sessions[1], label).toMatchObject({ method, fromIteration: checkpoint, pid: expect.any(Number) });
      };
      for (let i = 0; i < trials.length; i += 2) await Promise.all(trials.slice(i, i + 2).map(runTrial));
    },
    LONG_TEST_MILLISECONDS,
  );

  it(
    "continues a data-parallel run (2 replicas, recorded and reused) killed in its second method exactly",
    async () => {
      const flags = FIXTURE_FLAGS.map((flag, i) => (FIXTURE_FLAGS[i - 1] === "--replicas" ? "2" : flag));
      const parallelReference = freshPath("reference-2-replicas");
      await expectExit(["train", FIXTURE, ...flags, "--out", parallelReference], 0);
      expect(readJson<RunRecord>(join(parallelReference, "run.json")).replicas).toBe(2);
      const out = freshPath("kill-2-replicas");
      const target = randomStep(1, 50);
      const { child, finished } = startPg(["train", FIXTURE, ...flags, "--out", out]);
      const seen = await waitForRows(child, join(out, `${METHODS[1]}.csv`), target);
      child.kill("SIGKILL");
      await finished;
      console.log(`2 replicas: SIGKILL when ${METHODS[1]}.csv reached step ${seen}; checkpoint after ${readCheckpoint(out, METHODS[1])?.iteration ?? 0}`);
      const resumed = await expectExit(["resume", out], 0);
      expect(resumed.stdout).toContain("2 replicas as recorded");
      expectReferenceResult(out, parallelReference, "2 replicas");
    },
    LONG_TEST_MILLISECONDS,
  );

  it(
    "stops on SIGINT after the step in flight with status interrupted and exit 130, and resumes to the reference result",
    async () => {
      const out = freshPath("sigint");
      const target = randomStep(2, 50);
      const method = METHODS[Math.floor(Math.random() * METHODS.length)] as string;
      const { child, finished } = startPg(["train", FIXTURE, ...FIXTURE_FLAGS, "--out", out]);
      const seen = await waitForRows(child, join(out, `${method}.csv`), target);
      child.kill("SIGINT");
      const interrupted = await finished;
      const rows = csvRows(join(out, `${method}.csv`));
      console.log(`SIGINT when ${method}.csv reached step ${target} (${seen} rows seen): stopped after ${rows} rows`);
      expect(interrupted.code, describeRun(["train", "(SIGINT)"], interrupted)).toBe(130);
      // It finishes the step in flight, not the steps up to the next checkpoint.
      expect(rows, `stopped after ${rows} rows; SIGINT was sent at ${seen}`).toBeLessThanOrEqual(seen + STEPS_AFTER_SIGNAL);
      expect(interrupted.stdout).toContain(`pg resume ${out}`);
      const summary = readJson<ExperimentSummary>(join(out, "summary.json"));
      expect(summary).toMatchObject({ status: "interrupted", interruptedBy: "SIGINT" });
      expect(summary.methods[method]).toMatchObject({ status: "interrupted", iterations: rows });
      expect(readJson<RunRecord>(join(out, "run.json")).status).toBe("interrupted");
      expect(existsSync(join(out, LOCK_FILE)), "an interrupted run releases its lock").toBe(false);
      // The interrupted run wrote a checkpoint of its last completed step.
      expect(readCheckpoint(out, method)?.iteration).toBe(rows);

      const resumed = await expectExit(["resume", out], 0);
      expect(resumed.stdout).not.toContain("stale lock");
      expectReferenceResult(out, reference, `SIGINT at ${method} step ${rows}`);
      const run = readJson<RunRecord>(join(out, "run.json"));
      expect(run.sessions.map((s) => s.status)).toEqual(["interrupted", "done"]);
      expect(run.sessions[1]).toMatchObject({ method, fromIteration: rows });
    },
    LONG_TEST_MILLISECONDS,
  );

  it("stops on SIGTERM with exit 143 and status interrupted (cpu backend)", async () => {
    const out = freshPath("sigterm");
    const target = randomStep(1, 5);
    const { child, finished } = startPg(["train", FIXTURE, "--iterations", "40", "--methods", "adam", "--backend", "cpu", "--replicas", "1", "--out", out]);
    const seen = await waitForRows(child, join(out, "adam.csv"), target);
    child.kill("SIGTERM");
    const result = await finished;
    const rows = csvRows(join(out, "adam.csv"));
    console.log(`SIGTERM when adam.csv reached step ${target} (${seen} rows seen): stopped after ${rows} rows`);
    expect(result.code, describeRun(["train", "(SIGTERM)"], result)).toBe(143);
    // No checkpoint is due before step 100 (the default): the signal must still stop it after the step in flight.
    expect(rows, `stopped after ${rows} rows; SIGTERM was sent at ${seen}`).toBeLessThanOrEqual(seen + STEPS_AFTER_SIGNAL);
    expect(readJson<ExperimentSummary>(join(out, "summary.json"))).toMatchObject({ status: "interrupted", interruptedBy: "SIGTERM", backend: "cpu" });
    expect(readJson<RunRecord>(join(out, "run.json")).status).toBe("interrupted");
  });

  it(
    "takes over the stale lock of a killed run, saying whose it was",
    async () => {
      const out = freshPath("stale-lock");
      const target = randomStep(1, 50);
      const { child, finished } = startPg(["train", FIXTURE, ...FIXTURE_FLAGS, "--out", out]);
      await waitForRows(child, join(out, "adam.csv"), target);
      child.kill("SIGKILL");
      await finished;
      console.log(`stale lock: SIGKILL when adam.csv reached step ${target} (${csvRows(join(out, "adam.csv"))} rows written)`);
      expect(readJson<RunRecord>(join(out, "run.json")).status).toBe("running");
      expect(readJson<{ pid: number }>(join(out, LOCK_FILE)).pid, "the lock names the killed process").toBe(child.pid);

      const resumed = await expectExit(["resume", out], 0);
      const line = resumed.stdout.split("\n").find((l) => l.includes("stale lock"));
      expect(line).toMatch(new RegExp(`^pg resume: taking over a stale lock: process ${child.pid} \\(pg train .*\\) is no longer running$`));
      expect(existsSync(join(out, LOCK_FILE)), "the resumed run releases the lock it took over").toBe(false);
      expectReferenceResult(out, reference, `stale lock, killed at adam step ${target}`);
      const sessions = readJson<RunRecord>(join(out, "run.json")).sessions;
      expect(sessions.map((s) => s.status), "the killed session is recorded as interrupted").toEqual(["interrupted", "done"]);
    },
    LONG_TEST_MILLISECONDS,
  );
});

describe("pg verify", () => {
  it(
    "re-trains a data-parallel run's first rows from its run.json and finds them identical; a changed cell is found (exit 1)",
    async () => {
      const out = freshPath("verify");
      const flags = ["--iterations", "12", "--methods", METHODS.join(","), "--backend", "wasm", "--replicas", "2"];
      await expectExit(["train", FIXTURE, ...flags, "--out", out], 0);
      const record = readJson<RunRecord>(join(out, "run.json"));
      expect(record.sessions[0]?.kernels).toMatch(/^wasm \+ training kernels/);
      // Only run.json and the CSVs are needed, as in a results folder.
      rmSync(join(out, "checkpoints"), { recursive: true, force: true });
      rmSync(join(out, "networks"), { recursive: true, force: true });
      const verified = await expectExit(["verify", out, "--rows", "8"], 0);
      for (const method of METHODS) expect(verified.stdout).toContain(`${method}: the first 8 rows are identical (iteration, loss, x_err, proxy_loss)`);
      expect(verified.stdout).not.toContain("note:");
      const path = join(out, `${METHODS[1]}.csv`);
      const lines = readFileSync(path, "utf8").split("\n");
      lines[3] = (lines[3] as string).split(",").map((cell, column) => (column === 2 ? String(Number(cell) * (1 + 1e-6)) : cell)).join(",");
      writeFileSync(path, lines.join("\n"));
      const changed = await expectExit(["verify", out, "--rows", "8"], 1);
      expect(changed.stdout).toContain(`${METHODS[0]}: the first 8 rows are identical`);
      expect(changed.stdout).toContain(`${METHODS[1]}: differs at iteration 3, column loss`);
    },
    LONG_TEST_MILLISECONDS,
  );
});

describe("--out", () => {
  it(
    "refuses a second pg train on a live run's directory, and the first run still completes with the reference result",
    async () => {
      const out = freshPath("live");
      const target = randomStep(2, 40);
      const first = startPg(["train", FIXTURE, ...FIXTURE_FLAGS, "--out", out]);
      await waitForRows(first.child, join(out, "adam.csv"), target);
      // Stopped, the first run stays alive (it holds the lock) for as long as the second takes to start.
      first.child.kill("SIGSTOP");
      console.log(`second writer: first run stopped when adam.csv reached step ${target}`);
      try {
        const args = ["train", FIXTURE, ...FIXTURE_FLAGS, "--out", out];
        const second = await expectExit(args, 2, QUICK_CHILD_SECONDS);
        expect(first.child.exitCode, "the first run is still alive while the second is refused").toBeNull();
        expect(second.stderr).toContain("--out");
        expect(second.stderr).toContain(out);
        expect(second.stderr).toContain(`Process ${first.child.pid} (`);
        expect(second.stderr).toContain("is writing a run there");
        expect(readJson<{ pid: number }>(join(out, LOCK_FILE)).pid, "the lock still names the first run").toBe(first.child.pid);
      } finally {
        first.child.kill("SIGCONT");
      }
      const result = await first.finished;
      expect(result.code, describeRun(["train", "(first)"], result)).toBe(0);
      expectReferenceResult(out, reference, "after a refused second writer");
    },
    LONG_TEST_MILLISECONDS,
  );

  it("refuses a finished run's directory without --force, and with --force replaces everything in it (cpu backend)", async () => {
    const out = freshPath("force");
    cpSync(reference, out, { recursive: true });
    writeFileSync(join(out, "notes.txt"), "a file the old run did not write\n");
    const args = ["train", FIXTURE, "--iterations", "3", "--methods", "pg", "--backend", "cpu", "--replicas", "1", "--out", out];

    const refused = await expectExit(args, 2, QUICK_CHILD_SECONDS);
    expect(refused.stderr).toContain("--out");
    expect(refused.stderr).toContain(out);
    expect(refused.stderr).toContain("status done");
    expect(refused.stderr).toContain(`pg resume ${out}`);
    expect(refused.stderr).toContain("--force");
    expect(existsSync(join(out, "notes.txt")), "a refused run touches nothing").toBe(true);

    const forced = await expectExit([...args, "--force"], 0);
    expect(forced.stdout).toContain(`--force: removed the run that was in ${out}`);
    expect(existsSync(join(out, "notes.txt")), "notes.txt survived --force").toBe(false);
    expect(existsSync(join(out, "adam.csv")), "the old run's adam.csv survived --force").toBe(false);
    expect(readdirSync(join(out, "networks"))).toEqual(["pg"]);
    expect(readdirSync(join(out, "checkpoints"))).toEqual(["pg.ckpt"]);
    const lines = readFileSync(join(out, "pg.csv"), "utf8").trimEnd().split("\n");
    expect(lines.slice(1).map((line) => Number(line.split(",")[0]))).toEqual([1, 2, 3]);
    const run = readJson<RunRecord>(join(out, "run.json"));
    expect(run).toMatchObject({ status: "done", backend: "cpu", arguments: { iterations: 3, methods: ["pg"] } });
    expect(run.sessions).toHaveLength(1);
  });

  it("fails fast, naming --out and the path, on a virtual file system or a path under a regular file", async () => {
    const file = freshPath("file-dir");
    writeFileSync(file, "not a directory\n");
    const cases = [
      { out: "/proc/x/y", reason: "/proc is a virtual file system" },
      { out: join(file, "sub"), reason: "ENOTDIR" },
    ];
    const results = await Promise.all(cases.map(({ out }) => expectExit(["train", "sin", "--iterations", "1", "--out", out], 2, 20)));
    cases.forEach(({ out, reason }, i) => {
      const stderr = (results[i] as Finished).stderr;
      expect(stderr).toContain(`pg train: --out must be`);
      expect(stderr).toContain(`received ${JSON.stringify(out)}`);
      expect(stderr).toContain(reason);
    });
    // The children above would have been killed after 20 s had the check hung; in-process it gives the same message.
    for (const { out, reason } of cases) {
      let message = "";
      try {
        prepareOutputDirectory("pg train", out);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message).toContain("--out");
      expect(message).toContain(JSON.stringify(out));
      expect(message).toContain(reason);
    }
  });
});

describe("pg compare and pg report", () => {
  it("compares the methods of a finished run: both method names and ratios", async () => {
    const result = await expectExit(["compare", reference], 0, QUICK_CHILD_SECONDS);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("x_err, running average over the last 5 iterations, baseline adam (ratio = adam ÷ method: ×2 is half adam's x_err)");
    const methodRow = (name: string): string | undefined => lines.find((line) => line.split(/\s+/)[0] === name && new RegExp(`^${name}\\s+${ITERATIONS}\\s`).test(line));
    expect(methodRow("adam"), result.stdout).toBeDefined();
    expect(methodRow("pg"), result.stdout).toMatch(/×\d+(\.\d+)?(e[-+]?\d+)?\s*$/);
    expect(result.stdout).toMatch(/adam ÷ pg/);
    expect(result.stdout).toMatch(/\s×\d/);
  });

  it("writes a self-contained report.html: an inline SVG per learning curve naming both methods, no field images", async () => {
    const directory = freshPath("report");
    cpSync(reference, directory, { recursive: true });
    const result = await expectExit(["report", directory], 0, QUICK_CHILD_SECONDS);
    const path = join(directory, "report.html");
    expect(result.stdout).toContain(`pg report: wrote ${path}`);
    const html = readFileSync(path, "utf8");
    const charts = html.split('<figure class="chart">').slice(1);
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(chart.trimStart().startsWith("<svg")).toBe(true);
      for (const method of METHODS) expect(chart).toContain(`>${method}</text>`);
    }
    expect(html).toContain("doubling: x_err");
    expect(html).toContain("doubling: loss");
    expect(html).not.toContain('src="http');
    // The fixture draws no field images: the report has no image and no fields section.
    expect(html).not.toContain("<img");
    expect(html).not.toContain('id="fields"');
  });
});
