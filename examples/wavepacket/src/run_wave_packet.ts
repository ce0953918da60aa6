import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PgValidationError, countReasons, evaluateObjective } from "@pg/core";
import {
  MetricsCsv,
  formatNumber,
  formatTable,
  parseRunArguments,
  readMetricsCsv,
  runExperiment,
  type ExperimentSummary,
  type MethodSummary,
} from "@pg/cli";
import { WAVE_PACKET_SAMPLES } from "@pg/data";
import {
  WAVE_PACKET_AVERAGE_WINDOW,
  WAVE_PACKET_INITIALIZATION_VARIABLE,
  WAVE_PACKET_REPORT_ITERATIONS,
  trueParameters,
  wavePacketExperiment,
  wavePacketInitialization,
  type ExperimentDefinition,
  type RunArguments,
  type WavePacketExperimentOptions,
  type WavePacketTrainingBatch,
} from "@pg/experiments";
import type { WaveCnnInitialization } from "@pg/nets";
import { wavePacketPhysics, type WavePacketPhysics } from "@pg/physics-toys";
import { minimizeLbfgsb } from "@pg/solvers";
import {
  DIVERGENCE_LIMITS,
  EVALUATION_SEED,
  GUESS_SEED,
  LBFGSB_INITIAL_GUESS,
  binErrors,
  centerBins,
  evaluationSet,
  fitLbfgsb,
  hasDiverged,
  randomGuessing,
  summarizeErrors,
  type BinnedErrors,
} from "./baselines";
import { trailingAverage, writeExampleFigure, writeLearningCurveFigure } from "./figures";

/** Environment variable that sets the size of the evaluation set (default 10,000). */
export const EVALUATION_EXAMPLES_VARIABLE = "WAVEPACKET_EVALUATION_EXAMPLES";
const DEFAULT_EVALUATION_EXAMPLES = 10000;
const BIN_COUNT = 8;

/** Options of {@link runWavePacket}. */
export interface WavePacketRunOptions {
  /** Size of the L-BFGS-B / random-guessing evaluation set. @defaultValue $WAVEPACKET_EVALUATION_EXAMPLES, else 10000 */
  readonly evaluationExamples?: number;
  readonly experiment?: WavePacketExperimentOptions;
  readonly log?: (line: string) => void;
}

/** The L-BFGS-B entry added to summary.json's `methods`. */
export interface LbfgsbSummary {
  /** Mean objective ‖y − y*‖² over the non-diverged fits. */
  readonly loss: number;
  /** MAE of ξ₀ over the non-diverged fits. */
  readonly x_err: number;
  /** MAE of A over the non-diverged fits. */
  readonly amplitudeError: number;
  readonly divergedFraction: number;
  readonly divergedExamples: number;
  readonly evaluationExamples: number;
  readonly averagedOver: string;
  readonly divergence: string;
  readonly initialGuess: readonly number[];
  readonly medianIterations: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly binnedXiError: readonly BinnedErrors[];
}

/** The random-guessing entry added to summary.json's `methods`. */
export interface RandomSummary {
  readonly loss: number;
  readonly x_err: number;
  readonly amplitudeError: number;
  readonly expectedXiError: number;
  readonly expectedAmplitudeError: number;
  readonly guessesPerExample: number;
  readonly evaluationExamples: number;
  readonly description: string;
}

/** summary.json of this example: runExperiment's, with `lbfgsb` and `random` beside the trained methods. */
export interface WavePacketSummary extends Omit<ExperimentSummary, "methods"> {
  /** The CNN's initialisation (`glorot` or `pytorch`). */
  readonly initialization: WaveCnnInitialization;
  readonly methods: Readonly<Record<string, MethodSummary | LbfgsbSummary | RandomSummary>>;
}

/** What {@link runWavePacket} returns. */
export interface WavePacketRunResult {
  readonly summary: WavePacketSummary;
  readonly lbfgsb: LbfgsbSummary;
  readonly random: RandomSummary;
  /** Per trained method, the first iteration whose running-average (window 10) ξ₀ MAE is below L-BFGS-B's; undefined if never. */
  readonly crossing: Readonly<Record<string, number | undefined>>;
  /** The printed table. */
  readonly table: string;
}

function evaluationExamplesFromEnvironment(): number {
  const text = process.env[EVALUATION_EXAMPLES_VARIABLE];
  if (text === undefined || text.trim() === "") return DEFAULT_EVALUATION_EXAMPLES;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) {
    throw new PgValidationError("wavepacket", EVALUATION_EXAMPLES_VARIABLE, "a positive integer", text);
  }
  return value;
}

/** A prediction of the network during training: the step, its batch and the (transformed) x the scheme saw. */
export interface RecordedPrediction {
  readonly step: number;
  readonly batch: WavePacketTrainingBatch;
  readonly x: Float64Array;
}

/** Steps whose predictions are kept per method (the last ones), for Fig. 1 and the network's binned errors. */
export const RECORDED_STEPS = 50;

/** A wave-packet definition that also records what the references and figures need, beside the runner's CSV. */
interface RecordingExperiment {
  readonly definition: ExperimentDefinition<WavePacketPhysics>;
  /** Per method, the predictions of its last {@link RECORDED_STEPS} steps, oldest first. */
  readonly recentPredictions: ReadonlyMap<string, readonly RecordedPrediction[]>;
}

/**
 * Wraps the definition of @pg/experiments: `xError`, which sees every step's prediction and batch, keeps the last
 * predictions for the evaluation and the figures.
 */
function recordingExperiment(definition: ExperimentDefinition<WavePacketPhysics>): RecordingExperiment {
  const recentPredictions = new Map<string, RecordedPrediction[]>();
  return {
    recentPredictions,
    definition: {
      ...definition,
      method(name: string, args: RunArguments) {
        const plan = definition.method(name, args);
        recentPredictions.set(name, []);
        return plan;
      },
      xError(report, method) {
        const truth = trueParameters(report.batch);
        const recent = recentPredictions.get(method) ?? [];
        recent.push({ step: report.metrics.step, batch: { ...report.batch, parameters: truth }, x: report.x });
        if (recent.length > RECORDED_STEPS) recent.shift();
        recentPredictions.set(method, recent);
        return definition.xError(report, method);
      },
    },
  };
}

function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** First index (as iteration) where `values` is below `level`, or undefined. */
function firstBelow(iterations: Float64Array, values: Float64Array, level: number): number | undefined {
  for (let i = 0; i < values.length; i++) if ((values[i] as number) < level) return iterations[i] as number;
  return undefined;
}

/**
 * The whole wave-packet experiment (paper Fig. 1, Fig. 8): L-BFGS-B fits and random guessing on a fixed evaluation set,
 * then network training on the run contract (runExperiment), then summary.json (with `lbfgsb` and `random` added to
 * `methods`), lbfgsb_bins.csv, the Fig. 8 panels, the Fig. 1 example and a printed table.
 */
export async function runWavePacket(argv: readonly string[], options: WavePacketRunOptions = {}): Promise<WavePacketRunResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const examples = options.evaluationExamples ?? evaluationExamplesFromEnvironment();
  const initialization = options.experiment?.initialization ?? wavePacketInitialization(process.env[WAVE_PACKET_INITIALIZATION_VARIABLE]);
  const experiment = recordingExperiment(wavePacketExperiment({ ...options.experiment, initialization }));
  const args = parseRunArguments(argv, experiment.definition);
  mkdirSync(args.out, { recursive: true });
  const physics = wavePacketPhysics();

  // 1. References on a fixed evaluation set, independent of --seed.
  let start = performance.now();
  const set = evaluationSet(examples, EVALUATION_SEED, options.experiment?.noise ?? 1);
  const fits = fitLbfgsb(physics, set);
  const lbfgsbSeconds = (performance.now() - start) / 1000;
  const kept = (b: number) => fits.diverged[b] === 0;
  const lbfgsbErrors = summarizeErrors(fits.x, fits.objective, set.parameters, kept);
  const divergedExamples = fits.diverged.reduce((sum, flag) => sum + flag, 0);
  const bins = centerBins(BIN_COUNT);
  const lbfgsbBins = binErrors(bins, fits.x, fits.objective, set.parameters, fits.diverged);
  const lbfgsb: LbfgsbSummary = {
    loss: lbfgsbErrors.loss,
    x_err: lbfgsbErrors.x_err,
    amplitudeError: lbfgsbErrors.amplitudeError,
    divergedFraction: divergedExamples / examples,
    divergedExamples,
    evaluationExamples: examples,
    averagedOver: `the ${lbfgsbErrors.count} non-diverged fits`,
    divergence: `non-finite, or |ξ₀| > ${DIVERGENCE_LIMITS.center} or |A| > ${DIVERGENCE_LIMITS.amplitude} (10× the data range)`,
    initialGuess: [...LBFGSB_INITIAL_GUESS],
    medianIterations: median(fits.iterations),
    reasons: countReasons(fits.reasons),
    seconds: lbfgsbSeconds,
    binnedXiError: lbfgsbBins,
  };
  start = performance.now();
  const guessing = randomGuessing(physics, set);
  const randomSeconds = (performance.now() - start) / 1000;
  const random: RandomSummary = {
    loss: guessing.errors.loss,
    x_err: guessing.errors.x_err,
    amplitudeError: guessing.errors.amplitudeError,
    expectedXiError: guessing.expectedCenterError,
    expectedAmplitudeError: guessing.expectedAmplitudeError,
    guessesPerExample: guessing.guessesPerExample,
    evaluationExamples: examples,
    description: `ξ₀ ~ U[25.6, 230.4), A ~ U[1, 4) independent of the data (seed ${GUESS_SEED}), ${guessing.guessesPerExample} guesses per example`,
  };
  log(
    `wavepacket: L-BFGS-B from (128, 2) on ${examples} examples (seed ${EVALUATION_SEED}) in ${lbfgsbSeconds.toFixed(1)} s: ` +
      `objective ${formatNumber(lbfgsb.loss)}, ξ₀ MAE ${formatNumber(lbfgsb.x_err)}, A MAE ${formatNumber(lbfgsb.amplitudeError)} ` +
      `(over ${lbfgsbErrors.count} non-diverged fits); diverged ${divergedExamples}/${examples} = ${(100 * lbfgsb.divergedFraction).toFixed(3)} %`,
  );
  log(
    `wavepacket: random guessing in ${randomSeconds.toFixed(1)} s: objective ${formatNumber(random.loss)}, ξ₀ MAE ${formatNumber(random.x_err)} ` +
      `(expected ${formatNumber(random.expectedXiError)}), A MAE ${formatNumber(random.amplitudeError)} (expected ${formatNumber(random.expectedAmplitudeError)})`,
  );

  // 2. Training on the run contract.
  const trained = await runExperiment(experiment.definition, argv, log);

  // 3. summary.json with the two references beside the trained methods.
  // runExperiment returns exactly what it wrote to summary.json.
  const summary: WavePacketSummary = { ...trained, initialization, methods: { ...trained.methods, lbfgsb, random } };
  writeFileSync(join(args.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);

  // 4. Per-method curves read back from the CSVs.
  const curves = Object.keys(trained.methods).map((name) => {
    const main = readMetricsCsv(join(args.out, `${name}.csv`));
    const empty = new Float64Array(0);
    return {
      name,
      iterations: main.values["iteration"] ?? empty,
      loss: main.values["loss"] ?? empty,
      xiError: main.values["x_err"] ?? empty,
      amplitudeIterations: main.values["iteration"] ?? empty,
      amplitudeError: main.values["amplitude_err"] ?? empty,
    };
  });

  // 5. lbfgsb_bins.csv: L-BFGS-B, random guessing and the network (its last recorded steps) per bin of the true ξ₀.
  const binsCsv = new MetricsCsv(join(args.out, "lbfgsb_bins.csv"), [
    "xi0_low",
    "xi0_high",
    "examples",
    "lbfgsb_diverged",
    "lbfgsb_xi_err",
    "lbfgsb_amplitude_err",
    "lbfgsb_loss",
    "random_xi_err",
    ...Object.keys(trained.methods).flatMap((name) => [`${name}_examples`, `${name}_xi_err`]),
  ]);
  const randomPerBin = new Float64Array(BIN_COUNT);
  const randomCount = new Float64Array(BIN_COUNT);
  for (let b = 0; b < examples; b++) {
    const k = bins.indexOf(set.parameters[2 * b] as number);
    randomPerBin[k] = (randomPerBin[k] as number) + (guessing.centerErrorPerExample[b] as number);
    randomCount[k] = (randomCount[k] as number) + 1;
  }
  const networkBins: Record<string, BinnedErrors[]> = {};
  for (const name of Object.keys(trained.methods)) {
    const recent = experiment.recentPredictions.get(name) ?? [];
    if (recent.length === 0) continue;
    const x = new Float64Array(recent.reduce((n, r) => n + r.x.length, 0));
    const truth = new Float64Array(x.length);
    let offset = 0;
    for (const r of recent) {
      x.set(r.x, offset);
      truth.set(r.batch.parameters, offset);
      offset += r.x.length;
    }
    networkBins[name] = binErrors(bins, x, new Float64Array(x.length / 2), truth);
  }
  lbfgsbBins.forEach((row, k) => {
    const cells: Record<string, number> = {
      xi0_low: row.low,
      xi0_high: row.high,
      examples: row.examples,
      lbfgsb_diverged: row.diverged,
      lbfgsb_xi_err: row.x_err,
      lbfgsb_amplitude_err: row.amplitudeError,
      lbfgsb_loss: row.loss,
      random_xi_err: (randomPerBin[k] as number) / (randomCount[k] as number),
    };
    for (const [name, rows] of Object.entries(networkBins)) {
      cells[`${name}_examples`] = rows[k]?.examples ?? 0;
      cells[`${name}_xi_err`] = rows[k]?.x_err ?? Number.NaN;
    }
    binsCsv.write(cells);
  });
  binsCsv.close();

  // 6. Fig. 8 panels and the Fig. 1 example.
  const references = (field: "loss" | "x_err" | "amplitudeError") => [
    { name: "L-BFGS-B", value: lbfgsb[field] },
    { name: "random guess", value: random[field] },
  ];
  await writeLearningCurveFigure({
    path: join(args.out, "fig8_objective.svg"),
    title: "Wave packet (Fig. 8): objective ‖y − y*‖²",
    yLabel: "‖y − y*‖²",
    methods: curves.map((c) => ({ name: c.name, iterations: c.iterations, values: c.loss })),
    window: WAVE_PACKET_AVERAGE_WINDOW,
    references: references("loss"),
  });
  await writeLearningCurveFigure({
    path: join(args.out, "fig8_xi_error.svg"),
    title: "Wave packet (Fig. 8): MAE of ξ₀",
    yLabel: "|ξ₀ − ξ₀*|",
    methods: curves.map((c) => ({ name: c.name, iterations: c.iterations, values: c.xiError })),
    window: WAVE_PACKET_AVERAGE_WINDOW,
    references: references("x_err"),
  });
  await writeLearningCurveFigure({
    path: join(args.out, "fig8_amplitude_error.svg"),
    title: "Wave packet (Fig. 8): MAE of A",
    yLabel: "|A − A*|",
    methods: curves.map((c) => ({ name: c.name, iterations: c.amplitudeIterations, values: c.amplitudeError })),
    window: WAVE_PACKET_AVERAGE_WINDOW,
    references: references("amplitudeError"),
  });
  const exampleNote = await writeFig1(experiment, physics, join(args.out, "fig1_example.svg"));
  log(`wavepacket: ${exampleNote}`);

  // 7. The table: network at the report iterations against the references, and the crossing iteration.
  const crossing: Record<string, number | undefined> = {};
  const header = ["", "iteration", "ξ₀ MAE", `ξ₀ MAE (avg ${WAVE_PACKET_AVERAGE_WINDOW})`, `A MAE (avg ${WAVE_PACKET_AVERAGE_WINDOW})`, `objective (avg ${WAVE_PACKET_AVERAGE_WINDOW})`];
  const rows: string[][] = [];
  for (const c of curves) {
    const xiAverage = trailingAverage(c.xiError, WAVE_PACKET_AVERAGE_WINDOW);
    const amplitudeAverage = trailingAverage(c.amplitudeError, WAVE_PACKET_AVERAGE_WINDOW);
    const lossAverage = trailingAverage(c.loss, WAVE_PACKET_AVERAGE_WINDOW);
    crossing[c.name] = firstBelow(c.iterations, xiAverage, lbfgsb.x_err);
    for (const iteration of WAVE_PACKET_REPORT_ITERATIONS) {
      const i = Array.from(c.iterations).indexOf(iteration);
      if (i < 0) continue;
      rows.push([
        c.name,
        String(iteration),
        formatNumber(c.xiError[i] as number),
        formatNumber(xiAverage[i] as number),
        formatNumber((amplitudeAverage[i] ?? Number.NaN) as number),
        formatNumber(lossAverage[i] as number),
      ]);
    }
  }
  rows.push(["L-BFGS-B", "", formatNumber(lbfgsb.x_err), "", formatNumber(lbfgsb.amplitudeError), formatNumber(lbfgsb.loss)]);
  rows.push(["random guess", "", formatNumber(random.x_err), "", formatNumber(random.amplitudeError), formatNumber(random.loss)]);
  const binHeader = ["true ξ₀ bin", "examples", "L-BFGS-B diverged", "L-BFGS-B ξ₀ MAE", "random ξ₀ MAE", ...Object.keys(networkBins).map((n) => `${n} ξ₀ MAE (last ${RECORDED_STEPS} steps)`)];
  const binRows = lbfgsbBins.map((row, k) => [
    `[${row.low.toFixed(1)}, ${row.high.toFixed(1)})`,
    String(row.examples),
    String(row.diverged),
    formatNumber(row.x_err),
    formatNumber((randomPerBin[k] as number) / (randomCount[k] as number)),
    ...Object.values(networkBins).map((r) => formatNumber(r[k]?.x_err ?? Number.NaN)),
  ]);
  const crossingLines = Object.entries(crossing).map(
    ([name, iteration]) =>
      `${name}: running-average (${WAVE_PACKET_AVERAGE_WINDOW}) ξ₀ MAE first below L-BFGS-B's ${formatNumber(lbfgsb.x_err)} at ` +
      (iteration === undefined ? "no iteration (never)" : `iteration ${iteration}`),
  );
  const table = [
    `network vs references (L-BFGS-B and random guessing on ${examples} evaluation examples; L-BFGS-B averaged over its ${lbfgsbErrors.count} non-diverged fits)`,
    formatTable(header, rows),
    ...crossingLines,
    `L-BFGS-B diverged on ${divergedExamples} of ${examples} examples (${(100 * lbfgsb.divergedFraction).toFixed(3)} %; paper: 0.12 %)`,
    "",
    `ξ₀ MAE by bin of the true ξ₀`,
    formatTable(binHeader, binRows),
  ].join("\n");
  log("");
  log(table);
  return { summary, lbfgsb, random, crossing, table };
}

/**
 * Fig. 1 from the first method's last training batch: the example on which L-BFGS-B (from (128, 2)) misses ξ₀ by the
 * most without diverging, with the network's prediction from that step. Returns a line describing the choice.
 */
async function writeFig1(experiment: RecordingExperiment, physics: WavePacketPhysics, path: string): Promise<string> {
  const [name, recent] = [...experiment.recentPredictions.entries()].find(([, r]) => r.length > 0) ?? [];
  const last = recent?.[recent.length - 1];
  if (name === undefined || last === undefined) return "fig1_example.svg skipped: no training step was recorded";
  const n = WAVE_PACKET_SAMPLES;
  const batch = last.batch.parameters.length / 2;
  let chosen = 0;
  let worst = -1;
  let chosenFit: Float64Array = Float64Array.from(LBFGSB_INITIAL_GUESS);
  for (let b = 0; b < batch; b++) {
    const target = last.batch.yTarget.subarray(b * n, (b + 1) * n);
    const fit = minimizeLbfgsb(
      (x, gradient) => {
        const evaluation = evaluateObjective(physics, x, target, 1);
        gradient.set(evaluation.gradient);
        return evaluation.value[0] as number;
      },
      Float64Array.from(LBFGSB_INITIAL_GUESS),
    );
    if (hasDiverged(fit.x[0] as number, fit.x[1] as number, fit.value)) continue;
    const error = Math.abs((fit.x[0] as number) - (last.batch.parameters[2 * b] as number));
    if (error > worst) {
      worst = error;
      chosen = b;
      chosenFit = fit.x;
    }
  }
  await writeExampleFigure({
    path,
    physics,
    y: last.batch.yTarget.slice(chosen * n, (chosen + 1) * n),
    truth: last.batch.parameters.slice(2 * chosen, 2 * chosen + 2),
    lbfgsb: chosenFit,
    network: last.x.slice(2 * chosen, 2 * chosen + 2),
  });
  return `fig1_example.svg: example ${chosen} of ${name}'s step-${last.step} batch, where L-BFGS-B misses ξ₀ by ${worst.toFixed(1)} (the largest in that batch)`;
}
