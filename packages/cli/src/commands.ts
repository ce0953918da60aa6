import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PgError, PgValidationError, type Physics } from "@pg/core";
import { EXPERIMENTS, experimentEntry, type ExperimentDefinition, type ExperimentEntry } from "@pg/experiments";
import { parseCommandLine } from "./command_line";
import { compareRuns, formatComparison } from "./compare_runs";
import { formatTable } from "./summary_table";
import { readRunRecord, resumeExperiment, runExperiment, type ExperimentSource, type ExperimentSummary } from "./run_experiment";
import { writeRunReport } from "./run_report";
import { formatVerification, verifyRun } from "./verify_run";

/** Where a command writes: its results to `out`, messages and progress to `err`. */
export interface CommandStreams {
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
}

const USAGE = `pg — train networks on inverse problems with physical gradients

Usage:
  pg train <experiment> [flags]   train the methods of an experiment into a run directory
  pg resume <run-dir>             continue an interrupted or killed run from its last checkpoint
  pg list                         the built-in experiments, their methods, defaults and time per iteration
  pg compare <run-dir>...         x-error ratios between methods, iterations to reach a baseline's best, step times
  pg report <run-dir>             one self-contained HTML page: settings, summary, learning curves, field images
  pg verify <run-dir>             re-train a run's first rows from its run.json and check its CSVs bit for bit

<experiment> is a built-in name (pg list) or the path of a module whose default export is an experiment definition.
"pg <command> --help" tells more. Exit status: 0 done, 1 a method stopped on an error, 2 bad usage,
130 / 143 interrupted by SIGINT / SIGTERM (resumable).
On Linux with glibc, pg runs itself again with MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 (faster
training steps) unless either is set; PG_ALLOCATOR=default keeps glibc's defaults.`;

const HELP: Readonly<Record<string, string>> = {
  train: `pg train <experiment> [flags]

Trains every requested method of <experiment> from the same initial weights on the same batches, into --out:
run.json (what reproduces and resumes the run), <method>.csv (a row per step), summary.json (rewritten as it goes),
checkpoints/ (the whole training state), networks/<method>/ (the trained networks) and figures when it ends.

<experiment>   a built-in name (${EXPERIMENTS.map((e) => e.name).join(", ")}) or a path to a module whose default
               export (or export "experiment") is an experiment definition, or a function returning one

Flags (defaults are the experiment's; pg list shows them):
  --iterations N        training steps per method
  --batch B             examples per step
  --seed S              initial weights and data stream
  --methods m1,m2       which methods, in this order
  --out DIR             the run directory (created if missing; must not hold another run)
  --backend NAME        force a tfjs backend (wasm, cpu, ...); default: the fastest available
  --replicas R          data-parallel replicas; default: chosen once from the free cores, then recorded
  --checkpoint-every N  steps between checkpoints (default 100; also every 5 minutes and when a method ends)
  --force               replace the run already in --out

Ctrl-C (or SIGTERM) finishes the step in flight, writes a checkpoint and prints the command that resumes.
Example: pg train heat --iterations 300 --out runs/heat`,
  resume: `pg resume <run-dir>

Continues the run in <run-dir> where its last checkpoint left it — after Ctrl-C, a kill, or a crash: the method in
progress continues (its rows after the checkpoint are recomputed), then the remaining methods run. Same backend and
replica count as recorded, so the results equal an uninterrupted run's. A lock left by a process that is gone is
reported and taken over; a live run's lock is respected.
Example: pg resume runs/heat`,
  list: `pg list

The built-in experiments: methods (in their default order), default iterations and batch, the environment
variables each reads, and the median seconds per iteration to expect per method on a 2-core machine.`,
  compare: `pg compare <run-dir>... [--metric x_err|loss] [--at 100,1000] [--baseline METHOD] [--window N]

The paper's kind of numbers from one or more runs (methods of separate runs are put side by side):
running averages of the metric (window: the run's, or --window) at chosen iterations and their ratios to the
baseline's (default: the first method), the iteration at which each method first reaches the baseline's best and
vice versa, and the ratio of median step times.
Example: pg compare runs/heat --at 100,300`,
  report: `pg report <run-dir> [--out FILE]

Writes one HTML file that needs no network to view (default <run-dir>/report.html): the run's settings, the summary
table, the learning curves and the field images with their labels and colour scale.
Example: pg report runs/heat`,
  verify: `pg verify <run-dir> [--rows N]

Proves that a run's CSVs came from the command recorded beside them: trains every method again for the first N
iterations (default 50) from run.json — same experiment and environment, batch, seed, backend and replica count —
in a temporary directory that is removed afterwards, and compares each <method>.csv cell by cell (every column but
seconds). Needs only run.json and the CSVs. Results agree bit for bit only on the same kernels; run.json records
them and a note says when they differ. Exit status 0 when identical, 1 when a cell differs.
Example: pg verify docs/results/heat --rows 50`,
};

/** Parses `--name value` flags of the read-only commands; positional arguments come back in order. */
function parseFlags(where: string, argv: readonly string[], known: readonly string[]): { positional: string[]; flags: Map<string, string> } {
  const { positional, values } = parseCommandLine(where, argv, { values: known, positional: true });
  return { positional, flags: values };
}

/** A built-in name wins over a file or folder of the same name in the working directory. */
function looksLikePath(name: string): boolean {
  if (EXPERIMENTS.some((entry) => entry.name === name)) return false;
  return name.includes("/") || name.includes("\\") || /\.(m|c)?(j|t)s$/.test(name) || existsSync(name);
}

/** The environment variables a built-in experiment reads, as they are set now. */
function environmentOf(entry: ExperimentEntry): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const { name } of entry.environment) {
    const value = process.env[name];
    if (value !== undefined && value.trim() !== "") environment[name] = value;
  }
  return environment;
}

function requireDefinition(where: string, path: string, value: unknown): ExperimentDefinition<Physics> {
  const definition = value as Partial<ExperimentDefinition<Physics>> | undefined;
  const missing = ["name", "defaults", "knownMethods", "network", "batches", "method", "xError"].filter(
    (key) => definition === undefined || definition === null || (definition as Record<string, unknown>)[key] === undefined,
  );
  if (missing.length > 0) {
    throw new PgValidationError(where, "<experiment>", "a module whose default export is an experiment definition (or a function returning one)", path, `Missing: ${missing.join(", ")}.`);
  }
  return definition as ExperimentDefinition<Physics>;
}

/** Imports a user's experiment module: its default export or export `experiment`, a definition or a factory. */
async function importDefinition(where: string, path: string): Promise<ExperimentDefinition<Physics>> {
  const absolute = isAbsolute(path) ? path : resolve(path);
  if (!existsSync(absolute)) throw new PgValidationError(where, "<experiment>", "a built-in name (pg list) or the path of an existing module", path);
  const module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  const exported = module["default"] ?? module["experiment"];
  const value = typeof exported === "function" ? await (exported as () => unknown)() : exported;
  return requireDefinition(where, path, value);
}

/** Builds the experiment `name` names: a built-in, or a module; and how run.json records it. */
async function resolveExperiment(where: string, name: string): Promise<{ definition: ExperimentDefinition<Physics>; source: ExperimentSource }> {
  if (looksLikePath(name)) {
    const absolute = resolve(name);
    const definition = await importDefinition(where, absolute);
    return { definition, source: { name: definition.name, source: absolute, environment: {} } };
  }
  const entry = experimentEntry(name);
  const environment = environmentOf(entry);
  return { definition: entry.create(process.env), source: { name: entry.name, source: "built-in", environment } };
}

/** Builds the experiment a run directory recorded, with the environment it recorded. */
async function recordedExperiment(where: string, source: ExperimentSource): Promise<ExperimentDefinition<Physics>> {
  if (source.source !== "built-in") return importDefinition(where, source.source);
  return experimentEntry(source.name).create(source.environment);
}

function exitCodeOf(summary: ExperimentSummary): number {
  if (summary.status === "interrupted") return summary.interruptedBy === "SIGTERM" ? 143 : 130;
  return summary.status === "done" ? 0 : 1;
}

function listExperiments(): string {
  const rows = EXPERIMENTS.map((entry) => {
    const definition = entry.create({});
    const seconds = definition.knownMethods.map((m) => `${m} ${entry.secondsPerIteration[m] === undefined ? "?" : `${entry.secondsPerIteration[m]} s`}`).join(", ");
    return [
      entry.name,
      definition.knownMethods.join(","),
      String(definition.defaults.iterations),
      String(definition.defaults.batch),
      seconds,
      entry.environment.map((v) => v.name).join(",") || "-",
    ];
  });
  const nameWidth = Math.max(...EXPERIMENTS.map((entry) => entry.name.length)) + 1;
  const descriptions = EXPERIMENTS.map((entry) => `  ${entry.name.padEnd(nameWidth)}${entry.description}`).join("\n");
  return `${formatTable(["experiment", "methods", "iterations", "batch", "seconds per iteration (2 cores)", "environment"], rows)}\n\n${descriptions}\n\nA module path works in place of a name: pg train ./my-experiment.mjs`;
}

function numberList(where: string, flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(",").map((t) => Number(t.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new PgValidationError(where, `--${flag}`, "a comma-separated list of positive integers", text);
  }
  return values;
}

/**
 * The `pg` command: `train`, `resume`, `list`, `compare`, `report`, `verify`, and `--help` on each.
 * @param argv - the arguments after `pg`.
 * @returns the exit status: 0 done, 1 a method stopped on an error, 2 bad usage or input, 130/143 interrupted.
 * @throws {@link PgValidationError} only when `argv` is not an array of strings or a stream has no `write`; every other
 * error is printed on `streams.err` and reflected in the exit status.
 * @example
 * import { runCommand } from "@pg/cli";
 * const lines = [];
 * const out = { write: (text) => lines.push(text) };
 * console.log(await runCommand(["list"], { out, err: out })); // 0
 * console.log(lines.join("").includes("heat")); // true
 * console.log(await runCommand(["tran"], { out, err: out })); // 2
 */
export async function runCommand(argv: readonly string[], streams: CommandStreams = { out: process.stdout, err: process.stderr }): Promise<number> {
  // Checked before anything can be printed: with no usable stream there is nowhere to say what went wrong.
  if (!Array.isArray(argv) || !argv.every((token) => typeof token === "string")) {
    throw new PgValidationError("runCommand", "argv", "an array of strings (the arguments after pg)", argv);
  }
  for (const name of ["out", "err"] as const) {
    const stream: unknown = typeof streams === "object" && streams !== null ? streams[name] : undefined;
    if (typeof stream !== "object" || stream === null || typeof (stream as { write?: unknown }).write !== "function") {
      throw new PgValidationError("runCommand", `streams.${name}`, "a writable stream (e.g. process.stdout)", stream);
    }
  }
  const print = (line: string): void => void streams.out.write(`${line}\n`);
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      const topic = command === "help" ? rest[0] : undefined;
      print(topic !== undefined && HELP[topic] !== undefined ? (HELP[topic] as string) : USAGE);
      return 0;
    }
    if (HELP[command] === undefined) {
      throw new PgValidationError("pg", "command", `one of ${Object.keys(HELP).join(", ")} (pg --help)`, command);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      print(HELP[command] as string);
      return 0;
    }
    switch (command) {
      case "train": {
        const [name, ...flags] = rest;
        if (name === undefined || name.startsWith("--")) {
          throw new PgValidationError("pg train", "<experiment>", `a built-in name (${EXPERIMENTS.map((e) => e.name).join(", ")}) or a module path`, name ?? "nothing");
        }
        const { definition, source } = await resolveExperiment("pg train", name);
        const summary = await runExperiment(definition, flags, { log: print, source, command: ["pg", ...argv].join(" "), progress: streams.err });
        return exitCodeOf(summary);
      }
      case "resume": {
        const { positional } = parseFlags("pg resume", rest, []);
        if (positional.length !== 1) throw new PgValidationError("pg resume", "<run-dir>", "one run directory", positional);
        const directory = positional[0] as string;
        const record = readRunRecord(directory, "pg resume");
        const definition = await recordedExperiment("pg resume", record.experiment);
        const summary = await resumeExperiment(directory, definition, { log: print, command: ["pg", ...argv].join(" "), progress: streams.err });
        return exitCodeOf(summary);
      }
      case "list":
        print(listExperiments());
        return 0;
      case "compare": {
        const { positional, flags } = parseFlags("pg compare", rest, ["metric", "at", "baseline", "window"]);
        if (positional.length === 0) throw new PgValidationError("pg compare", "<run-dir>", "one or more run directories", "nothing");
        const metric = flags.get("metric") ?? "x_err";
        if (metric !== "x_err" && metric !== "loss") throw new PgValidationError("pg compare", "--metric", '"x_err" or "loss"', metric);
        const at = numberList("pg compare", "at", flags.get("at"));
        const window = numberList("pg compare", "window", flags.get("window"))?.[0];
        const baseline = flags.get("baseline");
        const comparison = compareRuns(positional, {
          metric,
          ...(at === undefined ? {} : { at }),
          ...(window === undefined ? {} : { window }),
          ...(baseline === undefined ? {} : { baseline }),
        });
        print(formatComparison(comparison));
        return 0;
      }
      case "report": {
        const { positional, flags } = parseFlags("pg report", rest, ["out"]);
        if (positional.length !== 1) throw new PgValidationError("pg report", "<run-dir>", "one run directory", positional);
        const out = flags.get("out");
        const { path, bytes } = await writeRunReport(positional[0] as string, out === undefined ? {} : { out });
        print(`pg report: wrote ${path} (${Math.round(bytes / 1024)} KiB)`);
        return 0;
      }
      case "verify": {
        const { positional, flags } = parseFlags("pg verify", rest, ["rows"]);
        if (positional.length !== 1) throw new PgValidationError("pg verify", "<run-dir>", "one run directory", positional);
        const directory = positional[0] as string;
        const rows = numberList("pg verify", "rows", flags.get("rows"))?.[0];
        const record = readRunRecord(directory, "pg verify");
        const definition = await recordedExperiment("pg verify", record.experiment);
        const result = await verifyRun(directory, definition, { log: print, progress: streams.err, ...(rows === undefined ? {} : { rows }) });
        print(formatVerification(result));
        return result.identical ? 0 : 1;
      }
      default:
        return 2;
    }
  } catch (error) {
    streams.err.write(`${error instanceof PgError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return error instanceof PgError ? 2 : 1;
  }
}
