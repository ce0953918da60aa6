import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import {
  closestName,
  median,
  PgShapeError,
  PgValidationError,
  requireKnownKeys,
  RunningAverage,
  train,
  type Network,
  type Physics,
  type RunningAverageState,
  type SchemeState,
  type StepReport,
  type OptionKeysCover,
} from "@pg/core";
import { BACKEND_NAMES, dataParallel, defaultReplicas, describeTrainingKernels, initBackend, measureFreeCores, type BackendName, type BackendSelection } from "@pg/backend";
import { random, restoreRandom } from "@pg/data";
import { requireExperimentDefinition, requireMethodPlan, type ExperimentDefinition, type MethodPlan, type RunArguments } from "@pg/experiments";
import { countParameters, restoreWeights, snapshotWeights, type WeightSnapshot } from "@pg/nets";
import { writeFileAtomic } from "./atomic_file";
import { LastExamples, writeExperimentFigures, type KeptExamples } from "./example_figures";
import { MetricsCsv } from "./metrics_csv";
import { captureOptimizerState, restoreOptimizerState } from "./optimizer_state";
import { ProgressBar, formatNumber } from "./progress";
import { RUN_FILE, RunLock, SUMMARY_FILE, clearRunDirectory, directoryContents, prepareOutputDirectory } from "./output_directory";
import { parseRunArguments, type TrainArguments } from "./run_arguments";
import { formatTable } from "./summary_table";
import { readCheckpoint, writeCheckpoint, type TrainingCheckpoint } from "./training_checkpoint";
import { TRAINED_NETWORKS_DIRECTORY, recoverTrainedNetwork, saveTrainedNetwork } from "./trained_network_store";

/** Where a run is in its life; `pg resume` continues `running` (killed), `interrupted` and `failed` runs. */
export type RunStatus = "running" | "interrupted" | "failed" | "done";

/** Where a method is: training, finished, stopped by an error, or interrupted (resumable). */
export type MethodStatus = "running" | "done" | "stopped" | "interrupted";

/** How `pg resume` builds the experiment again: a built-in name or a module path, and the environment it read. */
export interface ExperimentSource {
  readonly name: string;
  /** "built-in", or the absolute path of the module that exports the definition. */
  readonly source: string;
  /** The environment variables the experiment read (e.g. POISSON_GRID), as they were. */
  readonly environment: Readonly<Record<string, string>>;
}

/** One process's part of a run. */
export interface RunSession {
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly status: RunStatus;
  /** For a resumed session: the method it continued and the checkpoint iteration it continued from. */
  readonly method?: string;
  readonly fromIteration?: number;
  readonly pid: number;
  /**
   * The kernels this session trained on (`describeTrainingKernels()` of @pg/backend, e.g. "wasm + training kernels +
   * native avx512"): results agree bit for bit only on the same kernels. Absent in runs recorded before it existed.
   */
  readonly kernels?: string;
}

/** run.json: what reproduces and resumes a run. */
export interface RunRecord {
  readonly format: "pg-run/1";
  readonly experiment: ExperimentSource;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Every argument after defaults (`out` as given; `replicas` as chosen). */
  readonly arguments: Omit<TrainArguments, "force">;
  readonly backend: string;
  readonly replicas: number;
  readonly seed: number;
  readonly versions: Readonly<Record<string, string>>;
  readonly node: string;
  readonly platform: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly status: RunStatus;
  readonly command: string;
  readonly sessions: readonly RunSession[];
}

/** One method's line in summary.json. */
export interface MethodSummary {
  readonly iterations: number;
  /** Running average (window `averageWindow`) of the loss at the last iteration. */
  readonly loss: number;
  /** Running average of x_err at the last iteration. */
  readonly x_err: number;
  readonly medianSecondsPerIteration: number;
  readonly backend: string;
  /** Running averages at the report iterations reached. */
  readonly runningAverage: Readonly<Record<string, { readonly loss: number; readonly x_err: number }>>;
  readonly status: MethodStatus;
  /** The error that stopped this method early, if any. */
  readonly error?: string;
  /**
   * The trained network, relative to `--out` (`networks/<method>`; `loadNetwork` reads it): saved at every checkpoint
   * and at the end — after an early stop, the weights of the last completed step. Absent if none was saved.
   */
  readonly network?: string;
  /** The iteration whose weights `network` holds. */
  readonly networkIteration?: number;
}

/** summary.json: written from the first step on, rewritten atomically. */
export interface ExperimentSummary {
  readonly experiment: string;
  readonly arguments: RunArguments;
  readonly backend: string;
  readonly replicas: number;
  readonly averageWindow: number;
  readonly status: RunStatus;
  /** The signal that interrupted the run, if one did. */
  readonly interruptedBy?: "SIGINT" | "SIGTERM";
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly methods: Readonly<Record<string, MethodSummary>>;
}

/** Options of {@link runExperiment} and {@link resumeExperiment}. */
export interface RunOptions {
  /** Where messages go. @defaultValue standard output */
  readonly log?: (line: string) => void;
  /** Recorded in run.json for `pg resume`. @defaultValue the definition's name, built in, no environment */
  readonly source?: ExperimentSource;
  /** The command line recorded in run.json. */
  readonly command?: string;
  /** Stop cleanly on SIGINT / SIGTERM (checkpoint, summary, status `interrupted`). @defaultValue true */
  readonly handleSignals?: boolean;
  /** Where the progress bars go. @defaultValue standard error */
  readonly progress?: NodeJS.WriteStream;
  /** Stops the run like SIGINT does (after the step in flight, with a checkpoint), e.g. from a user interface. */
  readonly signal?: AbortSignal;
}

const RUN_OPTION_KEYS = ["log", "source", "command", "handleSignals", "progress", "signal"] as const satisfies readonly (keyof RunOptions)[];
true satisfies OptionKeysCover<RunOptions, typeof RUN_OPTION_KEYS>;

/** Checks {@link RunOptions} once where they enter: known keys only, each of the type it documents. */
function requireRunOptions(where: string, options: unknown): RunOptions {
  if (typeof options === "function") return { log: options as (line: string) => void };
  const checked = requireKnownKeys<Record<string, unknown>>(where, "options", options as Record<string, unknown> | undefined, RUN_OPTION_KEYS);
  const { log, source, command, handleSignals, progress, signal } = checked;
  if (log !== undefined && typeof log !== "function") throw new PgValidationError(where, "options.log", "a function receiving each line", log);
  if (command !== undefined && typeof command !== "string") throw new PgValidationError(where, "options.command", "a string", command);
  if (handleSignals !== undefined && typeof handleSignals !== "boolean") throw new PgValidationError(where, "options.handleSignals", "true or false", handleSignals);
  if (progress !== undefined && (typeof progress !== "object" || progress === null || typeof (progress as { write?: unknown }).write !== "function")) {
    throw new PgValidationError(where, "options.progress", "a writable stream (e.g. process.stderr)", progress);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new PgValidationError(where, "options.signal", "an AbortSignal", signal);
  if (source !== undefined) {
    const record = source as Partial<ExperimentSource> | null;
    const valid =
      typeof record === "object" &&
      record !== null &&
      typeof record.name === "string" &&
      typeof record.source === "string" &&
      typeof record.environment === "object" &&
      record.environment !== null;
    if (!valid) throw new PgValidationError(where, "options.source", "an ExperimentSource { name, source, environment }", source);
  }
  return checked as RunOptions;
}

/**
 * Checks what needs a backend, before anything is trained or removed: the definition's network takes inputs of
 * `inputShape` (tfjs would otherwise fail at the first step with a layer error that names neither), and the plan of
 * every method to train is valid (see `requireMethodPlan` of @pg/experiments: a learning rate ≤ 0 among others).
 */
function checkDefinitionOnBackend<P extends Physics>(where: string, definition: ExperimentDefinition<P>, args: TrainArguments, methods: readonly string[]): void {
  const network: unknown = definition.network(args.seed);
  if (typeof network !== "object" || network === null || !Array.isArray((network as tf.LayersModel).inputs) || typeof (network as tf.LayersModel).dispose !== "function") {
    throw new PgValidationError(where, "definition.network", "a function seed → tf.LayersModel", network);
  }
  const model = network as tf.LayersModel;
  try {
    const input = model.inputs[0]?.shape.slice(1);
    const fits = input !== undefined && input.length === definition.inputShape.length && input.every((size, axis) => size === null || size === definition.inputShape[axis]);
    if (!fits) {
      throw new PgShapeError(where, "definition.inputShape", `the shape of one example of the network's input, [${(input ?? []).map((size) => size ?? "any").join(", ")}]`, definition.inputShape);
    }
  } finally {
    model.dispose();
  }
  for (const method of methods) {
    const plan: unknown = definition.method(method, args);
    try {
      requireMethodPlan(definition.name, method, plan as MethodPlan<P>);
    } finally {
      const optimizer: unknown = typeof plan === "object" && plan !== null ? (plan as { optimizer?: unknown }).optimizer : undefined;
      if (typeof optimizer === "object" && optimizer !== null && typeof (optimizer as tf.Optimizer).dispose === "function") (optimizer as tf.Optimizer).dispose();
    }
  }
}

/** Seconds between time-based checkpoints, whatever `--checkpoint-every` says. */
export const CHECKPOINT_SECONDS = 300;
/** Seconds between summary.json rewrites while a method trains (it is also written at every checkpoint). */
const SUMMARY_SECONDS = 1;
/** Columns every method's CSV starts with. */
const STANDARD_COLUMNS = ["iteration", "seconds", "loss", "x_err", "proxy_loss"] as const;
/** The packages whose versions run.json records. */
const RECORDED_PACKAGES = ["@pg/cli", "@pg/core", "@pg/backend", "@pg/data", "@pg/nets", "@pg/experiments", "@tensorflow/tfjs"] as const;

/** What the runner itself keeps between steps; part of every checkpoint. */
interface RunnerState {
  readonly loss: RunningAverageState;
  readonly xErr: RunningAverageState;
  readonly seconds: readonly number[];
  readonly runningAverage: Readonly<Record<string, { loss: number; x_err: number }>>;
  readonly kept: KeptExamples | undefined;
}

function defaultLog(line: string): void {
  process.stdout.write(`${line}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function packageVersions(): Record<string, string> {
  // Resolved from this package, as its own imports are: the versions that this run actually loads.
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of RECORDED_PACKAGES) {
    try {
      versions[name] = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version?: string }).version ?? "unknown";
    } catch {
      // A package that cannot be resolved from here is left out rather than guessed.
    }
  }
  return versions;
}

/**
 * Reads a run directory's run.json.
 * @throws {@link PgValidationError} when `directory` is not a path or holds no run, or its run.json is not JSON of the
 * format "pg-run/1".
 * @example
 * import { readRunRecord } from "@pg/cli";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * try {
 *   readRunRecord(join(mkdtempSync(join(tmpdir(), "pg-")), "nothing"), "pg resume");
 * } catch (error) {
 *   console.log(error.message.startsWith("pg resume: run directory must be a directory written by pg train (with run.json)")); // true
 * }
 */
export function readRunRecord(directory: string, where = "readRunRecord"): RunRecord {
  if (typeof directory !== "string" || directory.trim() === "") throw new PgValidationError(where, "run directory", "a directory path", directory);
  const path = join(directory, RUN_FILE);
  if (!existsSync(path)) {
    throw new PgValidationError(where, "run directory", `a directory written by pg train (with ${RUN_FILE})`, directory);
  }
  let record: RunRecord | null;
  try {
    record = JSON.parse(readFileSync(path, "utf8")) as RunRecord | null;
  } catch (error) {
    throw new PgValidationError(where, RUN_FILE, "a readable JSON file written by pg train", path, `(${messageOf(error)})`);
  }
  const format: unknown = typeof record === "object" && record !== null ? record.format : record;
  if (format !== "pg-run/1") throw new PgValidationError(where, `${RUN_FILE} format`, '"pg-run/1"', format, `In ${path}.`);
  return record as RunRecord;
}

function readSummary(directory: string): ExperimentSummary | undefined {
  const path = join(directory, SUMMARY_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ExperimentSummary) : undefined;
}

/** SIGINT and SIGTERM abort a signal instead of killing the process; a second one kills it at once. */
function interruptOnSignals(
  log: (line: string) => void,
  enabled: boolean,
  external: AbortSignal | undefined,
): { signal: AbortSignal; received: () => "SIGINT" | "SIGTERM" | undefined; dispose: () => void } {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (external?.aborted === true) controller.abort();
  external?.addEventListener("abort", onAbort);
  let received: "SIGINT" | "SIGTERM" | undefined;
  const handler = (name: "SIGINT" | "SIGTERM") => () => {
    if (received !== undefined) {
      log(`pg: ${name} again: stopping now, without a checkpoint of the step in flight`);
      process.exit(name === "SIGINT" ? 130 : 143);
    }
    received = name;
    log(`pg: ${name}: finishing the step in flight, then writing a checkpoint (${name === "SIGINT" ? "Ctrl-C" : "SIGTERM"} again stops at once)`);
    controller.abort();
  };
  const onInterrupt = handler("SIGINT");
  const onTerminate = handler("SIGTERM");
  if (enabled) {
    process.on("SIGINT", onInterrupt);
    process.on("SIGTERM", onTerminate);
  }
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      external?.removeEventListener("abort", onAbort);
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
    },
  };
}

/** Everything one session of a run shares while it trains the methods. */
interface RunContext<P extends Physics> {
  readonly definition: ExperimentDefinition<P>;
  readonly args: TrainArguments;
  readonly out: string;
  readonly selection: BackendSelection;
  readonly replicas: number;
  readonly log: (line: string) => void;
  readonly progress: NodeJS.WriteStream | undefined;
  readonly interrupt: ReturnType<typeof interruptOnSignals>;
  record: RunRecord;
  readonly methods: Record<string, MethodSummary>;
}

function summaryOf<P extends Physics>(context: RunContext<P>, status: RunStatus): ExperimentSummary {
  const { definition, args, selection, replicas, methods } = context;
  const { force: _force, checkpointEvery: _every, ...runArguments } = args;
  const interruptedBy = context.interrupt.received();
  return {
    experiment: definition.name,
    arguments: runArguments,
    backend: selection.name,
    replicas,
    averageWindow: definition.averageWindow,
    status,
    ...(status === "interrupted" && interruptedBy !== undefined ? { interruptedBy } : {}),
    ...(definition.settings === undefined ? {} : { settings: definition.settings }),
    methods,
  };
}

function writeSummary<P extends Physics>(context: RunContext<P>, status: RunStatus): ExperimentSummary {
  const summary = summaryOf(context, status);
  writeFileAtomic(join(context.out, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

function writeRecord<P extends Physics>(context: RunContext<P>, status: RunStatus, ended = false): void {
  const now = new Date().toISOString();
  const sessions = [...context.record.sessions];
  const last = sessions.pop();
  if (last !== undefined) sessions.push({ ...last, status, ...(ended ? { endedAt: now } : {}) });
  context.record = { ...context.record, status, updatedAt: now, sessions };
  writeFileAtomic(join(context.out, RUN_FILE), `${JSON.stringify(context.record, null, 2)}\n`, { durable: true });
}

/**
 * The command that continues the run in `out`, quoted when it needs to be.
 * @example
 * import { resumeCommand } from "@pg/cli";
 * console.log(resumeCommand("runs/heat"), resumeCommand("my runs/heat")); // pg resume runs/heat pg resume "my runs/heat"
 */
export function resumeCommand(out: string): string {
  if (typeof out !== "string" || out.trim() === "") throw new PgValidationError("resumeCommand", "out", "a run directory path", out);
  return `pg resume ${/^[\w./-]+$/.test(out) ? out : JSON.stringify(out)}`;
}

/**
 * Trains one method from its checkpoint (or from the shared initial weights), writing its CSV rows, checkpoints,
 * network and summary line as it goes. Returns whether the run was interrupted during it.
 */
async function trainMethod<P extends Physics>(context: RunContext<P>, name: string, initialWeights: WeightSnapshot, kept: LastExamples, resuming: boolean): Promise<boolean> {
  const { definition, args, out, log, selection, replicas } = context;
  const checkpoint: TrainingCheckpoint<RunnerState> | undefined = resuming ? readCheckpoint<RunnerState>(out, name) : undefined;
  const resumedAfter = checkpoint?.iteration ?? 0;
  if (resuming) recoverTrainedNetwork(out, name);
  if (resuming) log(checkpoint === undefined ? `${name}: no checkpoint; starting from iteration 1` : `${name}: resuming after iteration ${resumedAfter} (checkpoint of ${checkpoint.savedAt})`);

  const network = definition.network(args.seed);
  restoreWeights(network, checkpoint?.weights ?? initialWeights);
  const plan = definition.method(name, args);
  if (checkpoint !== undefined) await restoreOptimizerState(plan.optimizer, checkpoint.optimizer);
  const stream = checkpoint === undefined ? random(args.seed) : restoreRandom(checkpoint.random);
  const nextBatch = definition.batches(args, stream);
  const columns = [...STANDARD_COLUMNS, ...(definition.extraMetrics?.columns ?? [])];
  const path = join(out, `${name}.csv`);
  const csv = resuming ? MetricsCsv.continueAfter(path, columns, resumedAfter) : new MetricsCsv(path, columns);
  const engine =
    replicas > 1
      ? await dataParallel({ network, inputShape: definition.inputShape, outputShape: definition.outputShape, maxBatch: args.batch, replicas })
      : undefined;
  const progress = new ProgressBar(name.padEnd(Math.max(...args.methods.map((m) => m.length))), args.iterations, context.progress, resumedAfter);
  const runner = checkpoint?.runner;
  const loss = runner === undefined ? new RunningAverage(definition.averageWindow) : RunningAverage.restore(runner.loss);
  const xErr = runner === undefined ? new RunningAverage(definition.averageWindow) : RunningAverage.restore(runner.xErr);
  const seconds: number[] = [...(runner?.seconds ?? [])];
  const runningAverage: Record<string, { loss: number; x_err: number }> = { ...runner?.runningAverage };
  const fields = definition.figures?.fields;
  const reportIterations = new Set(definition.reportIterations);

  let iteration = resumedAfter;
  let schemeState: SchemeState | undefined = checkpoint?.schemeState;
  let networkIteration: number | undefined = checkpoint === undefined ? undefined : context.methods[name]?.networkIteration;
  let error: string | undefined;
  let lastCheckpoint = performance.now();
  let lastSummary = 0;

  const line = (status: MethodStatus): MethodSummary => ({
    iterations: iteration,
    loss: loss.value,
    x_err: xErr.value,
    medianSecondsPerIteration: median(seconds),
    backend: selection.name,
    runningAverage: { ...runningAverage },
    status,
    ...(error === undefined ? {} : { error }),
    ...(networkIteration === undefined ? {} : { network: `${TRAINED_NETWORKS_DIRECTORY}/${name}`, networkIteration }),
  });
  const saveNetwork = async (): Promise<void> => {
    const outcome = await saveTrainedNetwork(out, name, network);
    if (outcome.saved) networkIteration = iteration;
    else log(`${name}: network not saved at iteration ${iteration}: ${outcome.reason}`);
  };
  const saveCheckpoint = async (): Promise<void> => {
    if (iteration === resumedAfter && checkpoint !== undefined) return;
    if (schemeState === undefined) return;
    const state: RunnerState = { loss: loss.state(), xErr: xErr.state(), seconds: [...seconds], runningAverage: { ...runningAverage }, kept: kept.get() };
    writeCheckpoint<RunnerState>(out, {
      method: name,
      iteration,
      weights: snapshotWeights(network),
      optimizer: await captureOptimizerState(plan.optimizer),
      random: stream.state(),
      schemeState,
      runner: state,
    });
    await saveNetwork();
    lastCheckpoint = performance.now();
  };

  context.methods[name] = line("running");
  let interrupted = false;
  try {
    const result = await train({
      network: network as unknown as Network,
      optimizer: plan.optimizer,
      scheme: plan.scheme,
      ...(definition.physics === undefined ? {} : { physics: definition.physics }),
      reduction: plan.reduction ?? definition.reduction,
      ...(engine === undefined ? {} : { engine }),
      ...((plan.outputTransform ?? definition.outputTransform) === undefined
        ? {}
        : { outputTransform: (plan.outputTransform ?? definition.outputTransform)! }),
      iterations: args.iterations,
      firstStep: resumedAfter + 1,
      ...(checkpoint === undefined ? {} : { initialState: checkpoint.schemeState }),
      signal: context.interrupt.signal,
      nextBatch: plan.prepareBatch === undefined ? nextBatch : (step) => plan.prepareBatch!(nextBatch(step)),
      callbacks: {
        onStep: async (report: StepReport<P>) => {
          const step = report.metrics.step;
          const x_err = definition.xError(report, name);
          const extra = definition.extraMetrics?.values(report, name) ?? {};
          csv.write({ ...extra, iteration: step, seconds: report.seconds, loss: report.metrics.loss, x_err, proxy_loss: report.metrics.proxyLoss });
          if (fields !== undefined) kept.keep(name, step, report.x, report.batch.yTarget, fields.xTarget(report.batch));
          iteration = step;
          schemeState = report.state;
          seconds.push(report.seconds);
          loss.push(report.metrics.loss);
          xErr.push(x_err);
          progress.update(step, loss.value);
          if (reportIterations.has(step)) runningAverage[String(step)] = { loss: loss.value, x_err: xErr.value };
          const due = step % args.checkpointEvery === 0 || (performance.now() - lastCheckpoint) / 1000 >= CHECKPOINT_SECONDS;
          if (due && step < args.iterations) await saveCheckpoint();
          if (due || step === 1 || (performance.now() - lastSummary) / 1000 >= SUMMARY_SECONDS) {
            context.methods[name] = line("running");
            writeSummary(context, "running");
            lastSummary = performance.now();
          }
        },
        onEnd: () => progress.finish(),
      },
    });
    interrupted = result.interrupted;
  } catch (caught) {
    error = messageOf(caught);
    log(`${name}: stopped: ${error}`);
  }
  try {
    // A stopped step never reaches the optimizer: the checkpoint and network hold the last completed step.
    if (iteration > 0) await saveCheckpoint();
  } catch (caught) {
    log(`${name}: checkpoint not written: ${messageOf(caught)}`);
  } finally {
    await engine?.dispose();
    plan.optimizer.dispose();
    network.dispose();
  }
  context.methods[name] = line(error !== undefined ? "stopped" : interrupted ? "interrupted" : "done");
  writeSummary(context, "running");
  return interrupted;
}

/** Trains every method not yet finished, then draws the figures; returns the run's final summary. */
async function trainMethods<P extends Physics>(context: RunContext<P>, resuming: boolean): Promise<ExperimentSummary> {
  const { definition, args, out, log } = context;
  const reference = definition.network(args.seed);
  const initialWeights = snapshotWeights(reference);
  reference.dispose();
  const fields = definition.figures?.fields;
  const cells = fields === undefined ? 1 : fields.shape[0] * fields.shape[1];
  // Kept examples of every method so far travel in each checkpoint; the last method with one has them all.
  let keptState: KeptExamples | undefined;
  for (const method of resuming ? [...args.methods].reverse() : []) {
    const checkpoint = readCheckpoint<RunnerState>(out, method);
    if (checkpoint === undefined) continue;
    keptState = checkpoint.runner.kept;
    break;
  }
  const kept = LastExamples.restore(fields?.examples ?? 3, cells, keptState);

  let interrupted = false;
  for (const name of args.methods) {
    const status = context.methods[name]?.status;
    if (status === "done" || status === "stopped") continue;
    interrupted = await trainMethod(context, name, initialWeights, kept, resuming);
    if (interrupted) break;
  }
  if (interrupted) {
    const summary = writeSummary(context, "interrupted");
    writeRecord(context, "interrupted", true);
    log(`${definition.name}: interrupted; checkpoint written. Continue with: ${resumeCommand(args.out)}`);
    return summary;
  }
  const failed = Object.values(context.methods).some((m) => m.error !== undefined);
  const status: RunStatus = failed ? "failed" : "done";
  const summary = writeSummary(context, status);
  if (Object.values(context.methods).some((m) => m.iterations > 0)) {
    const figures = definition.figures;
    const { files } = await writeExperimentFigures({
      summary: { ...summary, arguments: { ...summary.arguments, out } },
      examples: kept.get(),
      smoothing: figures?.smoothing ?? definition.averageWindow,
      labels: figures?.labels ?? { x_err: "x_err", loss: "loss" },
      logY: figures?.logY ?? false,
      ...(fields === undefined ? {} : { shape: fields.shape, observationRange: fields.observationRange }),
    });
    if (files.length > 0) log(`${definition.name}: wrote ${files.map((file) => file.replace(`${out}/`, "")).join(", ")}`);
  }
  writeRecord(context, status, true);
  log("");
  log(summaryTable(summary));
  return summary;
}

async function selectBackend(where: string, requested: string | undefined, log: (line: string) => void, name: string): Promise<BackendSelection> {
  if (requested !== undefined && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    const suggestion = closestName(requested, BACKEND_NAMES);
    throw new PgValidationError(where, "--backend", `one of ${BACKEND_NAMES.join(", ")}`, requested, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  // The runner prints the backend line itself, so that it goes where the rest of the run's log goes.
  const selection = await initBackend(requested === undefined ? { log: false } : { backend: requested as BackendName, log: false });
  log(`${name}: backend ${selection.message}`);
  if (requested !== undefined && selection.name !== requested) {
    throw new PgValidationError(where, "--backend", `a backend available here`, requested, `Got ${selection.name}.`);
  }
  return selection;
}

/**
 * Runs an experiment on the run contract into a new run directory: checks `--out` (created if missing, proved
 * writable; a directory holding a run is refused without `--force`, and a live run's lock always), records
 * run.json, picks the backend and the replica count once, trains every requested method from identical initial
 * weights on identical batches, appends `<out>/<method>.csv` rows every step, rewrites `summary.json` atomically
 * from the first step on, writes a checkpoint of the whole training state every `--checkpoint-every` steps, every
 * 5 minutes and when a method ends (with its network in `networks/<method>/`), stops cleanly on SIGINT/SIGTERM,
 * draws the figures and prints a table. {@link resumeExperiment} continues such a run.
 * @returns the summary; methods that stopped on an error are recorded with it, and the others still run.
 * @example
 * import { runExperiment } from "@pg/cli";
 * import { backprop, scheme } from "@pg/core";
 * import { mlp } from "@pg/nets";
 * import { train } from "@tensorflow/tfjs";
 * import { readdirSync, mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const doubling = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (x, dy) => dy.map((v) => 2 * v) };
 * const experiment = {
 *   name: "doubling",
 *   defaults: { iterations: 2, batch: 4, seed: 0, methods: ["adam"], out: "runs/doubling" },
 *   knownMethods: ["adam"],
 *   physics: doubling, reduction: "mean", inputShape: [1], outputShape: [1],
 *   network: (seed) => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed }),
 *   batches: (args, stream) => () => {
 *     const input = stream.fillUniform(new Float64Array(args.batch), -1, 1);
 *     return { input, inputShape: [1], yTarget: input.map((v) => 2 * v) };
 *   },
 *   method: () => ({ scheme: scheme(backprop()), optimizer: train.adam(0.05) }),
 *   xError: () => 0,
 *   averageWindow: 2,
 *   reportIterations: [2],
 * };
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const summary = await runExperiment(experiment, ["--iterations", "3", "--out", out, "--backend", "cpu"], { log: () => {}, handleSignals: false });
 * const adam = summary.methods.adam;
 * console.log(summary.status, summary.backend, adam.iterations, adam.status, adam.network, adam.networkIteration); // done cpu 3 done networks/adam 3
 * console.log(readdirSync(out).sort().join(" ")); // adam.csv checkpoints loss.svg networks run.json summary.json x_err.svg
 */
export async function runExperiment<P extends Physics>(
  definition: ExperimentDefinition<P>,
  argv: readonly string[],
  options: RunOptions | ((line: string) => void) = {},
): Promise<ExperimentSummary> {
  requireExperimentDefinition("runExperiment", definition);
  const settings = requireRunOptions("runExperiment", options);
  const log = settings.log ?? defaultLog;
  const where = "pg train";
  const args = parseRunArguments(argv, definition);
  const extraColumns = definition.extraMetrics?.columns.filter((column) => (STANDARD_COLUMNS as readonly string[]).includes(column)) ?? [];
  if (extraColumns.length > 0) {
    throw new PgValidationError("runExperiment", "definition.extraMetrics.columns", `columns other than the standard ${STANDARD_COLUMNS.join(", ")}`, extraColumns);
  }
  const out = prepareOutputDirectory(where, args.out);
  const contents = directoryContents(out);
  if (contents === "other") {
    throw new PgValidationError(where, "--out", "a new or empty directory, or one that holds a run", args.out, "It holds files that are not a run; choose another directory.");
  }
  const command = settings.command ?? `pg train ${definition.name} ${argv.join(" ")}`.trim();
  if (contents === "run" && !args.force) {
    const owner = RunLock.liveOwner(out);
    const status = existsSync(join(out, RUN_FILE)) ? readRunRecord(out, where).status : "written before run records";
    const hint =
      owner === undefined
        ? `It holds a run (status ${status}). Continue it with \`${resumeCommand(args.out)}\`, or add --force to replace it.`
        : `Process ${owner.pid} (${owner.command}, since ${owner.startedAt}) is writing a run there.`;
    throw new PgValidationError(where, "--out", owner === undefined ? "a directory that holds no run" : "a run directory that no other pg process is writing to", args.out, hint);
  }
  const lock = RunLock.acquire(where, out, command, log);
  const interrupt = interruptOnSignals(log, settings.handleSignals !== false, settings.signal);
  try {
    const selection = await selectBackend(where, args.backend, log, definition.name);
    // Before --force removes anything: a definition that cannot train leaves the old run where it was.
    checkDefinitionOnBackend("runExperiment", definition, args, args.methods);
    if (contents === "run") {
      clearRunDirectory(out);
      log(`${definition.name}: --force: removed the run that was in ${args.out}`);
    }
    const reference = definition.network(args.seed);
    const replicas = args.replicas ?? defaultReplicas(countParameters(reference), args.batch, await measureFreeCores());
    reference.dispose();
    log(`${definition.name}: ${args.methods.join(", ")} × ${args.iterations} iterations, batch ${args.batch}, seed ${args.seed} → ${args.out}`);
    log(`${definition.name}: ${replicas === 1 ? "one process" : `data-parallel over ${replicas} replicas`} (recorded; --replicas to choose)`);
    const startedAt = new Date().toISOString();
    const { force: _force, ...recorded } = args;
    const record: RunRecord = {
      format: "pg-run/1",
      experiment: settings.source ?? { name: definition.name, source: "built-in", environment: {} },
      settings: definition.settings ?? {},
      arguments: { ...recorded, backend: selection.name, replicas },
      backend: selection.name,
      replicas,
      seed: args.seed,
      versions: packageVersions(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      startedAt,
      updatedAt: startedAt,
      status: "running",
      command,
      sessions: [{ startedAt, status: "running", pid: process.pid, kernels: describeTrainingKernels() }],
    };
    const context: RunContext<P> = { definition, args: { ...args, replicas }, out, selection, replicas, log, progress: settings.progress, interrupt, record, methods: {} };
    writeRecord(context, "running");
    return await finishing(context, () => trainMethods(context, false));
  } finally {
    interrupt.dispose();
    lock.release();
  }
}

/** Runs the methods; an error outside them marks the run `failed` before it propagates. */
async function finishing<P extends Physics>(context: RunContext<P>, body: () => Promise<ExperimentSummary>): Promise<ExperimentSummary> {
  try {
    return await body();
  } catch (error) {
    try {
      writeSummary(context, "failed");
      writeRecord(context, "failed", true);
    } catch {
      // The original error matters more than a failure to record it.
    }
    throw error;
  }
}

/**
 * Continues the run in `directory` (killed, interrupted or failed) where its checkpoints left it: the methods that
 * finished stay as they are, the method in progress continues from its last checkpoint (its CSV rows after it are
 * dropped and recomputed), and the remaining methods run. Same backend and replica count as recorded, so the result
 * is bit-identical to an uninterrupted run. A stale lock (its process is gone) is reported and taken over.
 * @param definition - the experiment as run.json describes it (`pg resume` builds it from the record).
 * @example
 * import { resumeExperiment, runExperiment } from "@pg/cli";
 * import { backprop, scheme } from "@pg/core";
 * import { mlp } from "@pg/nets";
 * import { train } from "@tensorflow/tfjs";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const doubling = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (x, dy) => dy.map((v) => 2 * v) };
 * const experiment = {
 *   name: "doubling", defaults: { iterations: 6, batch: 4, seed: 0, methods: ["adam"], out: "runs/doubling" }, knownMethods: ["adam"],
 *   physics: doubling, reduction: "mean", inputShape: [1], outputShape: [1], averageWindow: 2, reportIterations: [6],
 *   network: (seed) => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed }),
 *   batches: (args, stream) => () => {
 *     const input = stream.fillUniform(new Float64Array(args.batch), -1, 1);
 *     return { input, inputShape: [1], yTarget: input.map((v) => 2 * v) };
 *   },
 *   method: () => ({ scheme: scheme(backprop()), optimizer: train.adam(0.05) }),
 *   xError: () => 0,
 * };
 * const quiet = { log: () => {}, handleSignals: false };
 * const whole = await runExperiment(experiment, ["--out", mkdtempSync(join(tmpdir(), "pg-")), "--backend", "cpu"], quiet);
 * // the same run, stopped after step 3 by a signal, then resumed from its checkpoint
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const controller = new AbortController();
 * const stopAtThree = { ...experiment, xError: (report) => (report.metrics.step === 3 && controller.abort(), 0) };
 * const first = await runExperiment(stopAtThree, ["--out", out, "--backend", "cpu"], { ...quiet, signal: controller.signal });
 * console.log(first.status, first.methods.adam.iterations); // interrupted 3
 * const resumed = await resumeExperiment(out, experiment, quiet);
 * console.log(resumed.status, resumed.methods.adam.loss === whole.methods.adam.loss); // done true
 */
export async function resumeExperiment<P extends Physics>(directory: string, definition: ExperimentDefinition<P>, options: RunOptions = {}): Promise<ExperimentSummary> {
  if (typeof directory !== "string" || directory.trim() === "") throw new PgValidationError("resumeExperiment", "directory", "a run directory path", directory);
  requireExperimentDefinition("resumeExperiment", definition);
  options = requireRunOptions("resumeExperiment", options);
  const log = options.log ?? defaultLog;
  const where = "pg resume";
  const out = resolve(directory);
  const record = readRunRecord(out, where);
  if (record.experiment.name !== definition.name && record.experiment.source === "built-in") {
    log(`${where}: note: run.json names experiment "${record.experiment.name}"; resuming with "${definition.name}"`);
  }
  const command = options.command ?? `pg resume ${directory}`;
  const lock = RunLock.acquire(where, out, command, log);
  const interrupt = interruptOnSignals(log, options.handleSignals !== false, options.signal);
  try {
    const previous = readSummary(out);
    if (record.status === "done") {
      log(`${where}: the run in ${directory} is already done; nothing to resume`);
      if (previous === undefined) throw new PgValidationError(where, "run directory", `a run with ${SUMMARY_FILE}`, directory);
      return previous;
    }
    const selection = await selectBackend(where, record.backend, log, definition.name);
    const args: TrainArguments = { ...record.arguments, out: directory, replicas: record.replicas, force: false };
    const methods: Record<string, MethodSummary> = {};
    for (const [name, summary] of Object.entries(previous?.methods ?? {})) {
      // A method interrupted, or killed while running, continues; one that finished or stopped on an error stays.
      methods[name] = summary.status === "done" || summary.status === "stopped" ? summary : { ...summary, status: "interrupted" };
    }
    const current = args.methods.find((m) => methods[m]?.status !== "done" && methods[m]?.status !== "stopped");
    checkDefinitionOnBackend("resumeExperiment", definition, args, args.methods.filter((m) => methods[m]?.status !== "done" && methods[m]?.status !== "stopped"));
    const fromIteration = current === undefined ? undefined : readCheckpoint(out, current)?.iteration ?? 0;
    const now = new Date().toISOString();
    const session: RunSession = {
      startedAt: now,
      status: "running",
      pid: process.pid,
      kernels: describeTrainingKernels(),
      ...(current === undefined || fromIteration === undefined ? {} : { method: current, fromIteration }),
    };
    const context: RunContext<P> = {
      definition,
      args,
      out,
      selection,
      replicas: record.replicas,
      log,
      progress: options.progress,
      interrupt,
      // A session still marked running ended without saying so (killed, or a second Ctrl-C): it holds no lock any
      // more, and its run continues from the last checkpoint, so it counts as interrupted.
      record: { ...record, sessions: [...record.sessions.map((s) => (s.status === "running" ? { ...s, status: "interrupted" as const } : s)), session] },
      methods,
    };
    log(`${definition.name}: resuming ${directory}${current === undefined ? " (every method has finished)" : ` at ${current}, after iteration ${fromIteration}`}; ${record.replicas === 1 ? "one process" : `${record.replicas} replicas`} as recorded`);
    writeRecord(context, "running");
    return await finishing(context, () => trainMethods(context, true));
  } finally {
    interrupt.dispose();
    lock.release();
  }
}

/**
 * The summary as a table: one row per method with the running averages at each report iteration.
 * @example
 * import { summaryTable } from "@pg/cli";
 * const runningAverage = { 100: { loss: 0.5, x_err: 0.25 } };
 * const adam = { iterations: 200, loss: 0.125, x_err: 0.0001, medianSecondsPerIteration: 0.01234, backend: "cpu", runningAverage, status: "done" };
 * const summary = { experiment: "sin", arguments: {}, backend: "cpu", replicas: 1, averageWindow: 100, status: "done", methods: { adam } };
 * const lines = summaryTable(summary).split("\n");
 * console.log(lines[0]); // running averages over 100 iterations (backend cpu)
 * console.log(lines[1]); // method  iterations  loss@100    loss     x_err  s/iter  status
 * console.log(lines[3].trimEnd()); // adam           200    0.5000  0.1250  1.000e-4  0.0123  done
 */
export function summaryTable(summary: ExperimentSummary): string {
  const methodsOf = (value: unknown): unknown => (typeof value === "object" && value !== null ? (value as { methods?: unknown }).methods : undefined);
  const methods = methodsOf(summary);
  if (typeof methods !== "object" || methods === null || Object.values(methods).some((m) => typeof m !== "object" || m === null || typeof (m as MethodSummary).runningAverage !== "object")) {
    throw new PgValidationError("summaryTable", "summary", "an ExperimentSummary (summary.json) with one MethodSummary per method", summary);
  }
  const reported = [...new Set(Object.values(summary.methods).flatMap((m) => Object.keys(m.runningAverage)))].sort((a, b) => Number(a) - Number(b));
  const header = ["method", "iterations", ...reported.map((c) => `loss@${c}`), "loss", "x_err", "s/iter", "status"];
  const rows = Object.entries(summary.methods).map(([name, m]) => [
    name,
    String(m.iterations),
    ...reported.map((c) => (m.runningAverage[c] === undefined ? "" : formatNumber(m.runningAverage[c].loss))),
    formatNumber(m.loss),
    formatNumber(m.x_err),
    m.medianSecondsPerIteration.toPrecision(3),
    m.status,
  ]);
  return `running averages over ${summary.averageWindow} iterations (backend ${summary.backend})\n${formatTable(header, rows)}`;
}
