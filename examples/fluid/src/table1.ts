import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  PgValidationError,
  closestName,
  evaluateObjective,
  float64ToTensor,
  requireKnownKeys,
  requireNonNegativeInteger,
  requirePositiveInteger,
  tensorToFloat64,
  type OptionKeysCover,
  type StepReport,
} from "@pg/core";
import { formatTable, readMetricsCsv, readRunRecord, writeFileAtomic, type ExperimentSummary, type RunRecord } from "@pg/cli";
import { random } from "@pg/data";
import { FLUID_METHODS, experimentEntry, type FluidExperiment, type FluidTrainingBatch } from "@pg/experiments";
import { loadNetwork } from "@pg/nets";
import { fluidInverse, type FluidPhysics } from "@pg/physics-fluid";

/** Step size of gradient descent on the objective, as in the paper's single-problem study of the fluid (Fig. 6b). */
export const GRADIENT_DESCENT_STEP_SIZE = 1;

/**
 * Half-width of the uniform noise gradient descent starts from. At exactly x = 0 the objective's gradient is exactly
 * zero: every velocity of the run is 0, and the fluid step's energy rescale u·√(E₀/E₁), taken as 0 when an energy is
 * 0, passes no gradient there. Gradient descent from 0 would never move; the noise is far below any velocity that
 * matters (x_err changes in the fifth digit).
 */
export const GRADIENT_DESCENT_START_NOISE = 1e-3;

/** Table 1 of the paper (fluid, batch 64, per example): what each row is compared with. */
export const PAPER_TABLE1 = Object.freeze({
  network: "17.6 h training (15.6k iterations); 0.11 ms",
  estimator: "2.2 s (7 iterations)",
  gradientDescent: "> 4 h (20k iterations)",
  ratio: "2.2 s / 0.11 ms = 2·10⁴ (\"more than 10,000 times as long\")",
});

/** Defaults of {@link measureTable1} and of the `table1` command. */
export const TABLE1_DEFAULTS = Object.freeze({
  method: "pg-inverse",
  batch: 64,
  /** Independent of the training seeds, as the figures' evaluation batch. */
  seed: 12345,
  estimatorCap: 50,
  gradientDescentCap: 20,
  repeats: 7,
});

/** A trained fluid network with what the run directory says about it (see {@link readFluidRun}). */
export interface FluidRun {
  readonly directory: string;
  /** The experiment the run trained, rebuilt from run.json (grid, pressure solve). */
  readonly definition: FluidExperiment;
  readonly method: string;
  readonly network: tf.LayersModel;
  /** The iteration whose weights the network holds. */
  readonly networkIteration: number;
  /** Sum of the per-step wall times of `<method>.csv` up to `networkIteration`. */
  readonly trainingSeconds: number;
  readonly backend: string;
}

/** Options of {@link readFluidRun}. */
export interface ReadFluidRunOptions {
  /** The method whose saved network is read. @defaultValue "pg-inverse" */
  readonly method?: string;
  /**
   * The definition the run was trained with, when run.json cannot rebuild it (a run of `runExperiment` on another
   * grid records its name but no way to rebuild it). Its name must be the one run.json records.
   * @defaultValue the built-in experiment run.json names, with the environment it recorded
   */
  readonly definition?: FluidExperiment;
}

const READ_FLUID_RUN_OPTION_KEYS = ["method", "definition"] as const satisfies readonly (keyof ReadFluidRunOptions)[];
true satisfies OptionKeysCover<ReadFluidRunOptions, typeof READ_FLUID_RUN_OPTION_KEYS>;

function isFluidExperiment(value: unknown): value is FluidExperiment {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<FluidExperiment>;
  return typeof candidate.name === "string" && typeof candidate.grid === "object" && typeof candidate.batches === "function" && typeof candidate.xError === "function";
}

/** The built-in experiment run.json names, created from the environment it recorded; it must be the fluid one. */
function recordedDefinition(where: string, record: RunRecord): FluidExperiment {
  const { name, source, environment } = record.experiment;
  if (source !== "built-in" || name !== "fluid") {
    throw new PgValidationError(where, "run.json experiment", 'the built-in "fluid" experiment (or pass options.definition)', `${name} (${source})`);
  }
  return experimentEntry(name).create(environment) as FluidExperiment;
}

/**
 * Reads a trained fluid run: the experiment from run.json, the saved network of `method` (summary.json's `network`)
 * and its training time from `<method>.csv`.
 * @param directory - the `--out` of `pg train fluid` (or of `runExperiment` with a fluid definition).
 * @param options - {@link ReadFluidRunOptions}.
 * @returns a {@link FluidRun}; dispose `network` when done.
 * @throws {@link PgValidationError} for a directory without run.json or summary.json, a run of another experiment,
 * an unknown option (the closest suggested), a definition whose name is not the recorded one, or a method without a
 * saved network (the closest method that has one suggested); the errors of `loadNetwork` for a broken save.
 * @example
 * import { readFluidRun } from "./table1";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * try {
 *   await readFluidRun(join(mkdtempSync(join(tmpdir(), "pg-")), "none"));
 * } catch (error) {
 *   console.log(error.message.startsWith("readFluidRun: run directory must be a directory written by pg train")); // true
 * }
 */
export async function readFluidRun(directory: string, options: ReadFluidRunOptions = {}): Promise<FluidRun> {
  const where = "readFluidRun";
  const checked = requireKnownKeys(where, "options", options, READ_FLUID_RUN_OPTION_KEYS);
  const record = readRunRecord(directory, where);
  let definition: FluidExperiment;
  if (checked.definition === undefined) {
    definition = recordedDefinition(where, record);
  } else {
    if (!isFluidExperiment(checked.definition)) throw new PgValidationError(where, "options.definition", "a FluidExperiment (fluidExperiment())", checked.definition);
    if (checked.definition.name !== record.experiment.name) {
      throw new PgValidationError(where, "options.definition", `the experiment run.json records, "${record.experiment.name}"`, checked.definition.name);
    }
    definition = checked.definition;
  }
  const method = checked.method ?? TABLE1_DEFAULTS.method;
  if (typeof method !== "string") throw new PgValidationError(where, "options.method", `a method name, one of ${FLUID_METHODS.join(", ")}`, method);
  const summaryPath = join(directory, "summary.json");
  if (!existsSync(summaryPath)) throw new PgValidationError(where, "run directory", "a run with summary.json (a run that has trained at least one step)", directory);
  const summary = JSON.parse(readFileSync(summaryPath, "utf8")) as ExperimentSummary;
  const saved = Object.entries(summary.methods).filter(([, entry]) => entry.network !== undefined);
  const entry = summary.methods[method];
  if (entry?.network === undefined) {
    const names = saved.map(([name]) => name);
    const suggestion = closestName(method, names);
    throw new PgValidationError(
      where,
      "options.method",
      names.length === 0 ? "a method with a saved network (this run has none)" : `a method with a saved network: ${names.join(", ")}`,
      method,
      suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`,
    );
  }
  const networkIteration = entry.networkIteration ?? entry.iterations;
  const csv = readMetricsCsv(join(directory, `${method}.csv`));
  const iterations = csv.values["iteration"] ?? [];
  const seconds = csv.values["seconds"] ?? [];
  let trainingSeconds = 0;
  iterations.forEach((iteration, row) => {
    if (iteration <= networkIteration) trainingSeconds += seconds[row] as number;
  });
  const network = await loadNetwork(join(directory, entry.network));
  return { directory, definition, method, network, networkIteration, trainingSeconds, backend: record.backend };
}

/** How an iterative row ended. */
export type Table1Outcome = "reached" | "cap" | "diverged";

/** One iteration of the estimator or of gradient descent. */
export interface Table1Iteration {
  readonly iteration: number;
  /** The batch x-error after this iteration. */
  readonly xErr: number;
  /** Seconds of solver work so far (the x-error evaluations are not counted). */
  readonly seconds: number;
}

/** The network's row. */
export interface Table1NetworkRow {
  readonly xErr: number;
  /** Median over the repeats of one prediction of the whole batch (input tensor in, Float64Array out). */
  readonly batchSeconds: number;
  readonly secondsPerExample: number;
  readonly repeats: number;
  readonly trainingSeconds: number | undefined;
  readonly trainingIterations: number | undefined;
}

/** The row of an iterative solver. */
export interface Table1SolverRow {
  readonly outcome: Table1Outcome;
  /** The batch x-error at the starting point. */
  readonly startXErr: number;
  /** Iterations done: those that reached the target, or the cap, or up to the divergence. */
  readonly iterations: number;
  readonly cap: number;
  /** The batch x-error at the last iteration. */
  readonly xErr: number;
  /** Solver seconds of those iterations, for the whole batch. */
  readonly seconds: number;
  readonly secondsPerExample: number;
  readonly history: readonly Table1Iteration[];
}

/** Everything {@link measureTable1} measured. */
export interface Table1 {
  readonly format: "pg-fluid-table1/1";
  readonly experiment: string;
  readonly method: string;
  readonly batch: number;
  readonly seed: number;
  readonly backend: string;
  readonly pressureSolver: string;
  /** The x-error the solvers must reach: the network's, unless a target was given. */
  readonly target: number;
  readonly network: Table1NetworkRow;
  readonly estimator: Table1SolverRow;
  /** Started from x = 0 plus uniform noise of half-width `startNoise` (see {@link GRADIENT_DESCENT_START_NOISE}). */
  readonly gradientDescent: Table1SolverRow & { readonly stepSize: number; readonly startNoise: number };
  readonly paper: typeof PAPER_TABLE1;
}

/** Options of {@link measureTable1}. */
export interface MeasureTable1Options {
  /** The experiment the network was trained on: its batch source draws the test problems and defines x_err. */
  readonly definition: FluidExperiment;
  /** The trained network (input [m₀, m_t*], output v₀). */
  readonly network: tf.LayersModel;
  /** Recorded in the table. @defaultValue "pg-inverse" */
  readonly method?: string;
  /** Test problems, all solved at once. @defaultValue 64 */
  readonly batch?: number;
  /** Seed of the test batch. @defaultValue 12345 */
  readonly seed?: number;
  /** Most estimator iterations. @defaultValue 50 */
  readonly estimatorCap?: number;
  /** Most gradient-descent iterations. @defaultValue 20 */
  readonly gradientDescentCap?: number;
  /** Timed predictions after one warm-up. @defaultValue 7 */
  readonly repeats?: number;
  /** The x-error the solvers must reach. @defaultValue the network's x-error on the batch */
  readonly target?: number;
  /** Shown in the network row. */
  readonly training?: { readonly seconds: number; readonly iterations: number };
  /** Recorded in the table. @defaultValue tf.getBackend() */
  readonly backend?: string;
  /** Receives one line per iteration of the long parts (e.g. written to stderr). @defaultValue nothing */
  readonly progress?: (line: string) => void;
}

const MEASURE_TABLE1_OPTION_KEYS = [
  "definition",
  "network",
  "method",
  "batch",
  "seed",
  "estimatorCap",
  "gradientDescentCap",
  "repeats",
  "target",
  "training",
  "backend",
  "progress",
] as const satisfies readonly (keyof MeasureTable1Options)[];
true satisfies OptionKeysCover<MeasureTable1Options, typeof MEASURE_TABLE1_OPTION_KEYS>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function allFinite(values: Float64Array): boolean {
  for (const value of values) if (!Number.isFinite(value)) return false;
  return true;
}

/**
 * Iterates `step` from x = 0 until the batch x-error is at most `target` or `cap` iterations are done; only `step`
 * is timed. A step that returns a non-finite x (or undefined) ends it as "diverged".
 */
function iterateToTarget(
  label: string,
  start: Float64Array,
  cap: number,
  target: number,
  batch: number,
  step: (x: Float64Array) => Float64Array | undefined,
  xError: (x: Float64Array) => number,
  progress: (line: string) => void,
): Table1SolverRow {
  let x = start;
  let seconds = 0;
  const startXErr = xError(x);
  let xErr = startXErr;
  const history: Table1Iteration[] = [];
  let outcome: Table1Outcome = "cap";
  for (let iteration = 1; iteration <= cap; iteration++) {
    const began = performance.now();
    const next = step(x);
    seconds += (performance.now() - began) / 1000;
    if (next === undefined || !allFinite(next)) {
      outcome = "diverged";
      progress(`${label} ${iteration}/${cap}: x is no longer finite, stopped`);
      break;
    }
    x = next;
    xErr = xError(x);
    history.push({ iteration, xErr, seconds });
    progress(`${label} ${iteration}/${cap}: x_err ${xErr.toPrecision(4)} (target ${target.toPrecision(4)}), ${seconds.toFixed(1)} s`);
    if (xErr <= target) {
      outcome = "reached";
      break;
    }
  }
  const iterations = history.length;
  return { outcome, startXErr, iterations, cap, xErr, seconds, secondsPerExample: seconds / batch, history };
}

/**
 * Measures the paper's Table 1 on one fresh batch of test problems drawn by the experiment's own batch source:
 * the network's inference time (one warm-up, then the median of `repeats` predictions of the whole batch) and its
 * x-error (the experiment's `xError`); then the domain-specific estimator iterated from x = 0 (x ← P⁻¹(y* | x)) and
 * gradient descent on the objective (x ← x − η ∂L/∂x with η = 1, L the physics' frequency loss per example) from
 * x = 0 plus noise of half-width {@link GRADIENT_DESCENT_START_NOISE}, each until its batch x-error reaches the target
 * or its cap. Times per example are the batch times divided by the batch.
 * @param options - {@link MeasureTable1Options}.
 * @returns the {@link Table1}.
 * @throws {@link PgValidationError} for an unknown option (the closest suggested), a definition that is not a
 * FluidExperiment, a network that is not a tf.LayersModel, a batch, cap or repeat count that is not a positive
 * integer, a seed that is not an integer ≥ 0, or a target that is not a finite number ≥ 0.
 * @example
 * import { measureTable1 } from "./table1";
 * import { fluidExperiment } from "@pg/experiments";
 * const definition = fluidExperiment({ grid: { nx: 16, ny: 16, dx: 2 } });
 * const network = definition.network(0);
 * const table = await measureTable1({ definition, network, batch: 2, estimatorCap: 2, gradientDescentCap: 1, repeats: 1, target: 0 });
 * console.log(table.estimator.outcome, table.estimator.iterations, table.gradientDescent.outcome); // cap 2 cap
 * console.log(table.network.secondsPerExample === table.network.batchSeconds / 2); // true
 */
export async function measureTable1(options: MeasureTable1Options): Promise<Table1> {
  const where = "measureTable1";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an object { definition, network, … }", options);
  const checked = requireKnownKeys(where, "options", options, MEASURE_TABLE1_OPTION_KEYS);
  const { definition, network } = checked;
  if (!isFluidExperiment(definition)) throw new PgValidationError(where, "options.definition", "a FluidExperiment (fluidExperiment())", definition);
  if (!(network instanceof tf.LayersModel)) throw new PgValidationError(where, "options.network", "a tf.LayersModel", network);
  const method = checked.method ?? TABLE1_DEFAULTS.method;
  if (typeof method !== "string") throw new PgValidationError(where, "options.method", "a string", method);
  const batch = requirePositiveInteger(where, "options.batch", checked.batch ?? TABLE1_DEFAULTS.batch);
  const seed = requireNonNegativeInteger(where, "options.seed", checked.seed ?? TABLE1_DEFAULTS.seed);
  const estimatorCap = requirePositiveInteger(where, "options.estimatorCap", checked.estimatorCap ?? TABLE1_DEFAULTS.estimatorCap);
  const gradientDescentCap = requirePositiveInteger(where, "options.gradientDescentCap", checked.gradientDescentCap ?? TABLE1_DEFAULTS.gradientDescentCap);
  const repeats = requirePositiveInteger(where, "options.repeats", checked.repeats ?? TABLE1_DEFAULTS.repeats);
  if (checked.target !== undefined && (typeof checked.target !== "number" || !Number.isFinite(checked.target) || checked.target < 0)) {
    throw new PgValidationError(where, "options.target", "a finite number ≥ 0", checked.target);
  }
  const training = checked.training;
  if (training !== undefined && (typeof training !== "object" || training === null || !Number.isFinite(training.seconds) || !Number.isInteger(training.iterations))) {
    throw new PgValidationError(where, "options.training", "{ seconds, iterations } of the training run", training);
  }
  if (checked.backend !== undefined && typeof checked.backend !== "string") throw new PgValidationError(where, "options.backend", "a string", checked.backend);
  if (checked.progress !== undefined && typeof checked.progress !== "function") throw new PgValidationError(where, "options.progress", "a function receiving each line", checked.progress);
  const progress = checked.progress ?? (() => undefined);

  // The test problems, drawn exactly as a training step draws its batch.
  const args = { ...definition.defaults, batch, backend: undefined, replicas: undefined };
  const stream = random(seed);
  const problems = definition.batches(args, stream)(1) as FluidTrainingBatch;
  const physics: FluidPhysics = problems.physics;
  const yTarget = problems.yTarget as Float64Array;
  // The experiment's own metric; it reads only the batch and x of a step report.
  const xError = (x: Float64Array): number =>
    definition.xError({ metrics: { step: 0, loss: Number.NaN, proxyLoss: Number.NaN }, seconds: 0, batch: problems, x, state: [] } satisfies StepReport<FluidPhysics>, method);

  const shape = [batch, ...problems.inputShape];
  const predict = (): Float64Array => {
    const input = float64ToTensor(problems.input, shape);
    const output = network.predict(input, { batchSize: batch }) as tf.Tensor;
    const x = tensorToFloat64(output);
    tf.dispose([input, output]);
    return x;
  };
  progress(`network: one warm-up and ${repeats} timed predictions of ${batch} examples`);
  const prediction = predict();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const began = performance.now();
    predict();
    times.push((performance.now() - began) / 1000);
  }
  const batchSeconds = median(times);
  const networkError = xError(prediction);
  const target = checked.target ?? networkError;
  progress(`network: x_err ${networkError.toPrecision(4)}, ${(batchSeconds * 1000).toFixed(1)} ms per batch`);

  const zero = new Float64Array(prediction.length);
  const solver = fluidInverse();
  const estimator = iterateToTarget(
    "estimator",
    zero,
    estimatorCap,
    target,
    batch,
    (x) => {
      const result = solver.solve({ physics, x, yTarget, batch });
      return result.reasons.includes("nonFinite") ? undefined : result.x;
    },
    xError,
    progress,
  );
  const stepSize = GRADIENT_DESCENT_STEP_SIZE;
  const startNoise = GRADIENT_DESCENT_START_NOISE;
  // The next draws of the batch's stream: the start is as reproducible as the batch.
  const noisy = new Float64Array(zero.length);
  stream.fillUniform(noisy, -startNoise, startNoise);
  const gradientDescent = iterateToTarget(
    "gradient descent",
    noisy,
    gradientDescentCap,
    target,
    batch,
    (x) => {
      const { gradient } = evaluateObjective(physics, x, yTarget, batch);
      return x.map((value, k) => value - stepSize * (gradient[k] as number));
    },
    xError,
    progress,
  );

  return {
    format: "pg-fluid-table1/1",
    experiment: definition.name,
    method,
    batch,
    seed,
    backend: checked.backend ?? tf.getBackend(),
    pressureSolver: definition.pressureSolver,
    target,
    network: {
      xErr: networkError,
      batchSeconds,
      secondsPerExample: batchSeconds / batch,
      repeats,
      trainingSeconds: training?.seconds,
      trainingIterations: training?.iterations,
    },
    estimator,
    gradientDescent: { ...gradientDescent, stepSize, startNoise },
    paper: PAPER_TABLE1,
  };
}

/**
 * A duration in a unit that suits it: µs, ms, s, min or h, three significant digits.
 * @example
 * import { formatSeconds } from "./table1";
 * console.log(formatSeconds(0.00011), formatSeconds(2.2), formatSeconds(5400)); // 0.110 ms 2.20 s 1.50 h
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const magnitude = Math.abs(seconds);
  if (magnitude < 1e-4) return `${(seconds * 1e6).toPrecision(3)} µs`;
  if (magnitude < 1) return `${(seconds * 1e3).toPrecision(3)} ms`;
  if (magnitude < 60) return `${seconds.toPrecision(3)} s`;
  if (magnitude < 3600) return `${(seconds / 60).toPrecision(3)} min`;
  return `${(seconds / 3600).toPrecision(3)} h`;
}

/** Iterations and time of a solver row: the numbers that reached the target, or "> cap" and "> time". */
function solverCells(row: Table1SolverRow): { iterations: string; time: string } {
  if (row.outcome === "reached") return { iterations: String(row.iterations), time: formatSeconds(row.secondsPerExample) };
  if (row.outcome === "diverged") return { iterations: `diverged at ${row.iterations + 1}`, time: `${formatSeconds(row.secondsPerExample)} (not reached)` };
  return { iterations: `> ${row.cap}`, time: `> ${formatSeconds(row.secondsPerExample)}` };
}

/** The table's header and rows as text cells. */
function tableCells(table: Table1): { header: string[]; rows: string[][] } {
  const trained =
    table.network.trainingSeconds === undefined || table.network.trainingIterations === undefined
      ? "n/a"
      : `${formatSeconds(table.network.trainingSeconds)} (${table.network.trainingIterations} iterations)`;
  const estimator = solverCells(table.estimator);
  const descent = solverCells(table.gradientDescent);
  const error = (value: number) => value.toPrecision(4);
  return {
    header: ["method", "training time", "iterations", "time per example", "x_err", "paper (batch 64, per example)"],
    rows: [
      [`network (${table.method})`, trained, "1 (immediate)", formatSeconds(table.network.secondsPerExample), error(table.network.xErr), table.paper.network],
      ["estimator iterated from x = 0", "n/a", estimator.iterations, estimator.time, error(table.estimator.xErr), table.paper.estimator],
      [`gradient descent, η = ${table.gradientDescent.stepSize}, from x ≈ 0`, "n/a", descent.iterations, descent.time, error(table.gradientDescent.xErr), table.paper.gradientDescent],
    ],
  };
}

/** The estimator's time over the network's, as measured (or a lower bound when the estimator did not reach the target). */
function ratioLine(table: Table1): string {
  const ratio = table.estimator.secondsPerExample / table.network.secondsPerExample;
  const bound = table.estimator.outcome === "reached" ? "" : "> ";
  return `estimator / network time per example: ${bound}${ratio.toPrecision(3)} (paper: ${table.paper.ratio})`;
}

/** The lines under the table: target, batch, backend, ratio. */
function notes(table: Table1): string[] {
  return [
    `target x_err ${table.target.toPrecision(4)} (the network's on this batch): ${table.batch} test problems (seed ${table.seed}) of ${table.experiment}, pressure solve ${table.pressureSolver}, backend ${table.backend}`,
    `network time: median of ${table.network.repeats} predictions of the whole batch (${formatSeconds(table.network.batchSeconds)}) / ${table.batch}`,
    `x_err at the start: estimator (x = 0) ${table.estimator.startXErr.toPrecision(4)}, gradient descent (x = 0 + U(±${table.gradientDescent.startNoise})) ${table.gradientDescent.startXErr.toPrecision(4)}`,
    ratioLine(table),
  ];
}

/**
 * The table as aligned plain text, with the paper's figures beside ours and the lines that say what was measured.
 * @example
 * import { table1Text } from "./table1";
 * import { table1Fixture } from "../test/table1_fixture";
 * const lines = table1Text(table1Fixture()).split("\n");
 * console.log(lines[0].startsWith("method"), lines.length); // true 10
 * console.log(lines[4].includes("> 20")); // true
 */
export function table1Text(table: Table1): string {
  const { header, rows } = tableCells(table);
  return [formatTable(header, rows), "", ...notes(table)].join("\n");
}

/**
 * The table as markdown, with the paper's figures beside ours and the lines that say what was measured.
 * @example
 * import { table1Markdown } from "./table1";
 * import { table1Fixture } from "../test/table1_fixture";
 * const lines = table1Markdown(table1Fixture()).split("\n");
 * console.log(lines[0]); // | method | training time | iterations | time per example | x_err | paper (batch 64, per example) |
 * console.log(lines[3].split(" | ")[2]); // 2
 */
export function table1Markdown(table: Table1): string {
  const { header, rows } = tableCells(table);
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line), "", ...notes(table).map((note) => `- ${note}`), ""].join("\n");
}

/**
 * Writes `table1.json` and `table1.md` into `directory` (created if missing).
 * @returns the two paths.
 * @throws {@link PgValidationError} for an empty directory path.
 * @example
 * import { writeTable1 } from "./table1";
 * import { table1Fixture } from "../test/table1_fixture";
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const [json, markdown] = writeTable1(table1Fixture(), join(mkdtempSync(join(tmpdir(), "pg-")), "table"));
 * console.log(JSON.parse(readFileSync(json, "utf8")).format, markdown.endsWith("table1.md")); // pg-fluid-table1/1 true
 */
export function writeTable1(table: Table1, directory: string): [string, string] {
  if (typeof directory !== "string" || directory.trim() === "") throw new PgValidationError("writeTable1", "directory", "a directory path", directory);
  mkdirSync(directory, { recursive: true });
  const json = join(directory, "table1.json");
  const markdown = join(directory, "table1.md");
  writeFileAtomic(json, `${JSON.stringify(table, null, 2)}\n`);
  writeFileAtomic(markdown, table1Markdown(table));
  return [json, markdown];
}
