// The package's table of bad inputs: every public entry point of @pg/cli, called as a new user might get it wrong,
// must throw (or reject with) the right error class with a message that starts with the function and names the
// parameter. The `pg` command's flags have their own tests (cli.test.ts, pg_command.test.ts); the rows here are the
// programmatic API. New entry points add their rows here.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { backprop, PgShapeError, PgValidationError, scheme, type Batch, type Physics } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { mlp } from "@pg/nets";
import { beforeAll, describe, expect, it } from "vitest";
import { allocatorDecision, restartWithAllocatorSettings } from "../src/allocator_settings";
import {
  LastExamples,
  MetricsCsv,
  ProgressBar,
  RunLock,
  captureOptimizerState,
  checkpointPath,
  colormapColor,
  compareRuns,
  directoryContents,
  fieldImagePng,
  fieldRange,
  formatComparison,
  formatProgress,
  formatTable,
  learningCurvesSvg,
  parseCommandLine,
  parseRunArguments,
  plotRun,
  prepareOutputDirectory,
  readCheckpoint,
  readMetricsCsv,
  readRunRecord,
  recoverTrainedNetwork,
  restoreOptimizerState,
  resumeCommand,
  resumeExperiment,
  runCommand,
  runExperiment,
  saveTrainedNetwork,
  smoothUniform,
  summaryTable,
  verifyRun,
  renderVegaLiteSvg,
  formatVerification,
  syncDirectory,
  writeCheckpoint,
  writeExperimentFigures,
  writeFieldImages,
  writeFileAtomic,
  writeRunReport,
  type ExperimentDefinition,
  type RunOptions,
} from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const temporary = (): string => mkdtempSync(join(tmpdir(), "pg-cli-validation-"));
const quiet: RunOptions = { log: () => undefined, handleSignals: false };

/** y = 2x per example. */
const doubling: Physics = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (_x, dy) => dy.map((v) => 2 * v) };

/** A one-method experiment that trains in milliseconds, with `changes` applied. */
function experiment(changes: Record<string, unknown> = {}): ExperimentDefinition<Physics> {
  const definition: ExperimentDefinition<Physics> = {
    name: "doubling",
    defaults: { iterations: 2, batch: 4, seed: 0, methods: ["adam"], out: "unused" },
    knownMethods: ["adam"],
    physics: doubling,
    reduction: "mean",
    inputShape: [1],
    outputShape: [1],
    network: (seed) => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed }),
    batches: () => (): Batch<Physics> => ({ input: Float64Array.of(1, -0.5, 0.25, 2), inputShape: [1], yTarget: Float64Array.of(2, -1, 0.5, 4) }),
    method: () => ({ scheme: scheme(backprop<Physics>()), optimizer: tf.train.adam(0.05) }),
    xError: () => 0,
    averageWindow: 2,
    reportIterations: [2],
  };
  return { ...definition, ...changes } as ExperimentDefinition<Physics>;
}

/** A run directory with one method's CSV and a summary, as compareRuns, plotRun and writeRunReport read it. */
function runDirectory(): string {
  const directory = temporary();
  writeFileSync(join(directory, "run.json"), JSON.stringify({ format: "pg-run/1", experiment: { name: "demo", source: "built-in" }, status: "done" }));
  writeFileSync(join(directory, "summary.json"), JSON.stringify({ experiment: "demo", averageWindow: 1, methods: { adam: { iterations: 2 } } }));
  writeFileSync(join(directory, "adam.csv"), "iteration,seconds,loss,x_err\n1,0.1,1,0.5\n2,0.1,0.5,0.25\n");
  return directory;
}

const spec = { name: "demo", defaults: { iterations: 10, batch: 4, seed: 0, methods: ["adam"], out: "runs/demo" }, knownMethods: ["adam", "pg"] };
const linux = { platform: "linux", glibcVersion: () => "2.36" };
const curve = { name: "adam", iterations: [1, 2], values: [1, 0.5] };
const panel = { title: "x", values: Float64Array.of(0, 1, 2, 3), shape: [2, 2] as [number, number] };
const summary = { experiment: "demo", arguments: { out: "unused" }, backend: "cpu", averageWindow: 1, methods: {} };

const cases: BadInputCase[] = [
  // parseRunArguments (the flags of pg train, given programmatically)
  { name: "parseRunArguments: misspelt flag", call: () => parseRunArguments(["--iteration", "5"], spec), error: PgValidationError, where: "demo", parameter: "flag" },
  { name: "parseRunArguments: unknown method", call: () => parseRunArguments(["--methods", "adma"], spec), error: PgValidationError, where: "demo", parameter: "--methods" },
  { name: "parseRunArguments: batch 0", call: () => parseRunArguments(["--batch", "0"], spec), error: PgValidationError, where: "demo", parameter: "--batch" },
  { name: "parseRunArguments: negative seed", call: () => parseRunArguments(["--seed", "-1"], spec), error: PgValidationError, where: "demo", parameter: "--seed" },
  { name: "parseRunArguments: argv a string", call: () => parseRunArguments("--iterations 5" as never, spec), error: PgValidationError, where: "parseRunArguments", parameter: "argv" },
  { name: "parseRunArguments: no known methods", call: () => parseRunArguments([], { ...spec, knownMethods: [] }), error: PgValidationError, where: "parseRunArguments", parameter: "spec.knownMethods" },
  // parseCommandLine (the flag loop of pg's read-only commands and the examples' scripts)
  { name: "parseCommandLine: misspelt flag", call: () => parseCommandLine("demo", ["--outt", "a"], { values: ["out"] }), error: PgValidationError, where: "demo", parameter: "flag" },
  { name: "parseCommandLine: flag without its value", call: () => parseCommandLine("demo", ["--out"], { values: ["out"] }), error: PgValidationError, where: "demo", parameter: "--out" },
  { name: "parseCommandLine: value flag twice", call: () => parseCommandLine("demo", ["--out", "a", "--out", "b"], { values: ["out"] }), error: PgValidationError, where: "demo", parameter: "--out" },
  { name: "parseCommandLine: argv a string", call: () => parseCommandLine("demo", "--out a" as never, { values: ["out"] }), error: PgValidationError, where: "demo", parameter: "argv" },
  { name: "parseCommandLine: misspelt option", call: () => parseCommandLine("demo", [], { switch: ["help"] } as never), error: PgValidationError, where: "parseCommandLine", parameter: "options.switch" },
  { name: "parseCommandLine: alias of an unknown flag", call: () => parseCommandLine("demo", [], { aliases: { h: "help" } }), error: PgValidationError, where: "parseCommandLine", parameter: "options.aliases.h" },
  // runExperiment: the definition, the options and what needs a backend
  { name: "runExperiment: averageWindow 0", call: () => runExperiment(experiment({ averageWindow: 0 }), ["--out", temporary()], quiet), error: PgValidationError, where: "runExperiment", parameter: "definition.averageWindow" },
  { name: "runExperiment: misspelt reportIterations", call: () => runExperiment(experiment({ reportIteration: [2] }), ["--out", temporary()], quiet), error: PgValidationError, where: "runExperiment", parameter: "definition.reportIteration" },
  { name: "runExperiment: reduction max", call: () => runExperiment(experiment({ reduction: "max" }), ["--out", temporary()], quiet), error: PgValidationError, where: "runExperiment", parameter: "definition.reduction" },
  { name: "runExperiment: misspelt handleSignals", call: () => runExperiment(experiment(), ["--out", temporary()], { handleSignal: false } as never), error: PgValidationError, where: "runExperiment", parameter: "options.handleSignal" },
  { name: "runExperiment: log not a function", call: () => runExperiment(experiment(), ["--out", temporary()], { log: "console" } as never), error: PgValidationError, where: "runExperiment", parameter: "options.log" },
  { name: "runExperiment: extra metric named loss", call: () => runExperiment(experiment({ extraMetrics: { columns: ["loss"], values: () => ({}) } }), ["--out", temporary()], quiet), error: PgValidationError, where: "runExperiment", parameter: "definition.extraMetrics.columns" },
  { name: "runExperiment: misspelt --backend", call: () => runExperiment(experiment(), ["--out", temporary(), "--backend", "wsam"], quiet), error: PgValidationError, where: "pg train", parameter: "--backend" },
  { name: "runExperiment: negative learning rate", call: () => runExperiment(experiment({ method: () => ({ scheme: scheme(backprop<Physics>()), optimizer: tf.train.adam(-0.05) }) }), ["--out", temporary(), "--backend", "cpu"], quiet), error: PgValidationError, where: "doubling", parameter: 'method("adam").optimizer.learningRate' },
  { name: "runExperiment: inputShape that does not fit the network", call: () => runExperiment(experiment({ inputShape: [2] }), ["--out", temporary(), "--backend", "cpu"], quiet), error: PgShapeError, where: "runExperiment", parameter: "definition.inputShape" },
  { name: "runExperiment: --out is a file", call: () => { const file = join(temporary(), "file"); writeFileSync(file, ""); return runExperiment(experiment(), ["--out", file], quiet); }, error: PgValidationError, where: "pg train", parameter: "--out" },
  // resumeExperiment, readRunRecord, summaryTable, resumeCommand
  { name: "resumeExperiment: empty directory name", call: () => resumeExperiment("", experiment(), quiet), error: PgValidationError, where: "resumeExperiment", parameter: "directory" },
  { name: "resumeExperiment: no run there", call: () => resumeExperiment(temporary(), experiment(), quiet), error: PgValidationError, where: "pg resume", parameter: "run directory" },
  { name: "resumeExperiment: misspelt option", call: () => resumeExperiment(temporary(), experiment(), { logg: () => undefined } as never), error: PgValidationError, where: "resumeExperiment", parameter: "options.logg" },
  { name: "readRunRecord: run.json not JSON", call: () => { const directory = temporary(); writeFileSync(join(directory, "run.json"), "{"); return readRunRecord(directory); }, error: PgValidationError, where: "readRunRecord", parameter: "run.json" },
  { name: "readRunRecord: another format", call: () => { const directory = temporary(); writeFileSync(join(directory, "run.json"), '{"format":"pg-run/0"}'); return readRunRecord(directory); }, error: PgValidationError, where: "readRunRecord", parameter: "run.json format" },
  { name: "renderVegaLiteSvg: not a specification", call: () => renderVegaLiteSvg("line" as never), error: PgValidationError, where: "renderVegaLiteSvg", parameter: "spec" },
  // verifyRun, formatVerification
  { name: "verifyRun: no run there", call: () => verifyRun(temporary(), experiment(), { log: () => undefined }), error: PgValidationError, where: "verifyRun", parameter: "run directory" },
  { name: "verifyRun: zero rows", call: () => verifyRun(temporary(), experiment(), { rows: 0 }), error: PgValidationError, where: "verifyRun", parameter: "options.rows" },
  { name: "verifyRun: misspelt option", call: () => verifyRun(temporary(), experiment(), { row: 5 } as never), error: PgValidationError, where: "verifyRun", parameter: "options.row" },
  { name: "verifyRun: no definition", call: () => verifyRun(temporary(), undefined as never), error: PgValidationError, where: "verifyRun", parameter: "definition" },
  { name: "formatVerification: not a result", call: () => formatVerification({ identical: true } as never), error: PgValidationError, where: "formatVerification", parameter: "result" },
  { name: "summaryTable: not a summary", call: () => summaryTable({} as never), error: PgValidationError, where: "summaryTable", parameter: "summary" },
  { name: "resumeCommand: out not a string", call: () => resumeCommand(5 as never), error: PgValidationError, where: "resumeCommand", parameter: "out" },
  // compareRuns, formatComparison, writeRunReport
  { name: "compareRuns: misspelt baseline", call: () => compareRuns([runDirectory()], { baselin: "adam" } as never), error: PgValidationError, where: "compareRuns", parameter: "options.baselin" },
  { name: "compareRuns: window 0", call: () => compareRuns([runDirectory()], { window: 0 }), error: PgValidationError, where: "compareRuns", parameter: "window" },
  { name: "compareRuns: unknown metric", call: () => compareRuns([runDirectory()], { metric: "mae" as never }), error: PgValidationError, where: "compareRuns", parameter: "metric" },
  { name: "compareRuns: no directories", call: () => compareRuns([]), error: PgValidationError, where: "compareRuns", parameter: "directories" },
  { name: "compareRuns: iterations 0", call: () => compareRuns([runDirectory()], { at: [0] }), error: PgValidationError, where: "compareRuns", parameter: "at" },
  { name: "formatComparison: not a comparison", call: () => formatComparison({} as never), error: PgValidationError, where: "formatComparison", parameter: "comparison" },
  { name: "writeRunReport: misspelt out", call: () => writeRunReport(runDirectory(), { output: "r.html" } as never), error: PgValidationError, where: "writeRunReport", parameter: "options.output" },
  { name: "writeRunReport: no run.json", call: () => writeRunReport(temporary()), error: PgValidationError, where: "writeRunReport", parameter: "directory" },
  // plots and images
  { name: "plotRun: misspelt smoothing", call: () => plotRun({ directory: runDirectory(), metric: "loss", smooth: 3 } as never), error: PgValidationError, where: "plotRun", parameter: "options.smooth" },
  { name: "plotRun: unknown metric", call: () => plotRun({ directory: runDirectory(), metric: "accuracy" as never }), error: PgValidationError, where: "plotRun", parameter: "metric" },
  { name: "learningCurvesSvg: misspelt curve key", call: () => learningCurvesSvg({ curves: [{ ...curve, value: [1, 0.5] }], title: "t", yLabel: "y" } as never), error: PgValidationError, where: "learningCurvesSvg", parameter: "curves[0].value" },
  { name: "learningCurvesSvg: no curves", call: () => learningCurvesSvg({ curves: [], title: "t", yLabel: "y" }), error: PgValidationError, where: "learningCurvesSvg", parameter: "curves" },
  { name: "learningCurvesSvg: lengths differ", call: () => learningCurvesSvg({ curves: [{ ...curve, values: [1] }], title: "t", yLabel: "y" }), error: PgShapeError, where: "learningCurvesSvg", parameter: "curves[0].values" },
  { name: "fieldImagePng: misspelt colormap", call: () => fieldImagePng({ fields: [[panel]], colourmap: "viridis" } as never), error: PgValidationError, where: "fieldImagePng", parameter: "options.colourmap" },
  { name: "fieldImagePng: values of the wrong length", call: () => fieldImagePng({ fields: [[{ ...panel, shape: [3, 2] }]] }), error: PgShapeError, where: "fieldImagePng", parameter: "fields[0][0].values" },
  { name: "fieldImagePng: NaN in a field", call: () => fieldImagePng({ fields: [[{ ...panel, values: Float64Array.of(0, Number.NaN, 2, 3) }]] }), error: PgValidationError, where: "fieldImagePng", parameter: "fields[0][0].values[1]" },
  { name: "writeFieldImages: empty path", call: () => writeFieldImages("", { fields: [[panel]] }), error: PgValidationError, where: "writeFieldImages", parameter: "path" },
  { name: "writeExperimentFigures: misspelt smoothing", call: () => writeExperimentFigures({ summary, examples: undefined, smoothng: 1, labels: { x_err: "x", loss: "l" } } as never), error: PgValidationError, where: "writeExperimentFigures", parameter: "options.smoothng" },
  { name: "writeExperimentFigures: summary without out", call: () => writeExperimentFigures({ summary: { methods: {} }, examples: undefined, smoothing: 1, labels: { x_err: "x", loss: "l" } } as never), error: PgValidationError, where: "writeExperimentFigures", parameter: "options.summary" },
  { name: "fieldRange: no finite value", call: () => fieldRange(Float64Array.of(Number.NaN)), error: PgValidationError, where: "fieldRange", parameter: "values" },
  { name: "LastExamples: count 0", call: () => new LastExamples(0, 4), error: PgValidationError, where: "LastExamples", parameter: "count" },
  { name: "smoothUniform: width 0", call: () => smoothUniform([1, 2, 3], 0), error: PgValidationError, where: "smoothUniform", parameter: "width" },
  { name: "colormapColor: unknown colormap", call: () => colormapColor("jet" as never, 0.5), error: PgValidationError, where: "colormapColor", parameter: "colormap" },
  // tables and progress
  { name: "formatTable: a row shorter than the header", call: () => formatTable(["method", "loss"], [["adam"]]), error: PgShapeError, where: "formatTable", parameter: "rows[0]" },
  { name: "formatProgress: total 0", call: () => formatProgress({ label: "adam", step: 1, total: 0, loss: 1, elapsed: 1 }), error: PgValidationError, where: "formatProgress", parameter: "state.total" },
  { name: "ProgressBar: fractional total", call: () => new ProgressBar("adam", 1.5, { isTTY: false, write: () => true } as never), error: PgValidationError, where: "ProgressBar", parameter: "total" },
  // files: metrics, checkpoints, networks, optimizer state, atomic writes, directories, locks
  { name: "MetricsCsv: a column with a comma", call: () => new MetricsCsv(join(temporary(), "a.csv"), ["iteration", "x,y"]), error: PgValidationError, where: "MetricsCsv", parameter: "columns" },
  { name: "MetricsCsv: misspelt append", call: () => new MetricsCsv(join(temporary(), "a.csv"), ["iteration"], { apend: true } as never), error: PgValidationError, where: "MetricsCsv", parameter: "options.apend" },
  { name: "MetricsCsv.continueAfter: negative iteration", call: () => MetricsCsv.continueAfter(join(temporary(), "a.csv"), ["iteration"], -1), error: PgValidationError, where: "MetricsCsv.continueAfter", parameter: "iteration" },
  { name: "readMetricsCsv: no such file", call: () => readMetricsCsv(join(temporary(), "missing.csv")), error: PgValidationError, where: "readMetricsCsv", parameter: "path" },
  { name: "checkpointPath: method with a slash", call: () => checkpointPath(temporary(), "a/b"), error: PgValidationError, where: "checkpointPath", parameter: "method" },
  { name: "writeCheckpoint: negative iteration", call: () => writeCheckpoint(temporary(), { method: "adam", iteration: -1 } as never), error: PgValidationError, where: "writeCheckpoint", parameter: "checkpoint.iteration" },
  { name: "readCheckpoint: empty method", call: () => readCheckpoint(temporary(), ""), error: PgValidationError, where: "readCheckpoint", parameter: "method" },
  { name: "saveTrainedNetwork: not a model", call: () => saveTrainedNetwork(temporary(), "adam", {} as never), error: PgValidationError, where: "saveTrainedNetwork", parameter: "model" },
  { name: "recoverTrainedNetwork: empty out", call: () => recoverTrainedNetwork("", "adam"), error: PgValidationError, where: "recoverTrainedNetwork", parameter: "out" },
  { name: "captureOptimizerState: not an optimizer", call: () => captureOptimizerState({} as never), error: PgValidationError, where: "captureOptimizerState", parameter: "optimizer" },
  { name: "restoreOptimizerState: no state", call: () => restoreOptimizerState(tf.train.sgd(0.1), null as never), error: PgValidationError, where: "restoreOptimizerState", parameter: "state" },
  { name: "writeFileAtomic: misspelt durable", call: () => writeFileAtomic(join(temporary(), "f"), "x", { durabel: true } as never), error: PgValidationError, where: "writeFileAtomic", parameter: "options.durabel" },
  { name: "writeFileAtomic: data a number", call: () => writeFileAtomic(join(temporary(), "f"), 5 as never), error: PgValidationError, where: "writeFileAtomic", parameter: "data" },
  { name: "syncDirectory: empty path", call: () => syncDirectory(""), error: PgValidationError, where: "syncDirectory", parameter: "directory" },
  { name: "directoryContents: not a path", call: () => directoryContents(5 as never), error: PgValidationError, where: "directoryContents", parameter: "directory" },
  { name: "prepareOutputDirectory: blank --out", call: () => prepareOutputDirectory("pg train", " "), error: PgValidationError, where: "pg train", parameter: "--out" },
  { name: "RunLock.acquire: log not a function", call: () => RunLock.acquire("pg train", temporary(), "pg train sin", "console" as never), error: PgValidationError, where: "pg train", parameter: "log" },
  // the pg command and the allocator helpers
  { name: "runCommand: argv a string", call: () => runCommand("train sin" as never), error: PgValidationError, where: "runCommand", parameter: "argv" },
  { name: "runCommand: a stream without write", call: () => runCommand(["list"], { out: {}, err: process.stderr } as never), error: PgValidationError, where: "runCommand", parameter: "streams.out" },
  { name: "allocatorDecision: misspelt env", call: () => allocatorDecision({ ...linux, envv: {} } as never), error: TypeError, where: "allocatorDecision", parameter: "situation.envv" },
  { name: "allocatorDecision: a variable that is not a string", call: () => allocatorDecision({ ...linux, env: { HOME: 1 } } as never), error: TypeError, where: "allocatorDecision", parameter: "situation.env.HOME" },
  { name: "allocatorDecision: platform missing", call: () => allocatorDecision({ glibcVersion: () => "2.36", env: {} } as never), error: TypeError, where: "allocatorDecision", parameter: "situation.platform" },
  { name: "restartWithAllocatorSettings: misspelt env", call: () => restartWithAllocatorSettings({ environment: {} } as never), error: TypeError, where: "restartWithAllocatorSettings", parameter: "options.environment" },
  { name: "restartWithAllocatorSettings: env a string", call: () => restartWithAllocatorSettings({ env: "MALLOC_MMAP_MAX_=0" } as never), error: TypeError, where: "restartWithAllocatorSettings", parameter: "options.env" },
];

badInputSuite(cases, { describe, it, expect });

describe("what the table refuses is only what is wrong", () => {
  it("suggests the closest known name", () => {
    expect(() => parseRunArguments(["--iteration", "5"], spec)).toThrow('Did you mean "--iterations"?');
    expect(() => parseRunArguments(["--methods", "adma"], spec)).toThrow('Did you mean "adam"?');
    expect(() => compareRuns([runDirectory()], { baselin: "adam" } as never)).toThrow('Did you mean "baseline"?');
    expect(() => allocatorDecision({ ...linux, envv: {} } as never)).toThrow('Did you mean "env"?');
  });

  it("leaves a run in --out as it was when the definition cannot train, even with --force", async () => {
    const out = temporary();
    await runExperiment(experiment(), ["--out", out, "--backend", "cpu"], quiet);
    const before = readdirSync(out).sort();
    await expect(runExperiment(experiment({ inputShape: [2] }), ["--out", out, "--backend", "cpu", "--force"], quiet)).rejects.toThrow(PgShapeError);
    expect(readdirSync(out).sort()).toEqual(before);
  });

  it("creates nothing for a definition refused before the backend", async () => {
    const out = join(temporary(), "new");
    await expect(runExperiment(experiment({ averageWindow: 0 }), ["--out", out], quiet)).rejects.toThrow(PgValidationError);
    expect(existsSync(out)).toBe(false);
  });
});
