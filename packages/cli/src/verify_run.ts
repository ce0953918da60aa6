import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeTrainingKernels } from "@pg/backend";
import { PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover, type Physics } from "@pg/core";
import type { ExperimentDefinition } from "@pg/experiments";
import { readMetricsCsv, type MetricsTable } from "./read_metrics_csv";
import { readRunRecord, runExperiment } from "./run_experiment";

/** Options of {@link verifyRun}. */
export interface VerifyRunOptions {
  /** How many leading rows of each method's CSV to regenerate. @defaultValue 50 (or the run's iterations, if fewer) */
  readonly rows?: number;
  /** Where messages go. @defaultValue standard output */
  readonly log?: (line: string) => void;
  /** Where the progress bars of the re-training go. @defaultValue standard error */
  readonly progress?: NodeJS.WriteStream;
}

/** The first cell that differs between the recorded and the regenerated CSV of one method. */
export interface RowDifference {
  readonly iteration: number;
  readonly column: string;
  readonly recorded: number;
  readonly regenerated: number;
}

/** One method's comparison. */
export interface VerifiedMethod {
  readonly method: string;
  /** Rows compared (the recorded CSV may hold fewer than asked). */
  readonly rows: number;
  /** The columns compared: every column of the CSV except `seconds`. */
  readonly columns: readonly string[];
  /** Undefined when every compared cell is identical. */
  readonly difference?: RowDifference;
}

/** What {@link verifyRun} found. */
export interface VerifyRunResult {
  /** Whether every compared cell of every method is bit-identical. */
  readonly identical: boolean;
  readonly methods: readonly VerifiedMethod[];
  /** The kernels the run recorded per session (absent ones left out) and the kernels now. */
  readonly kernels: { readonly recorded: readonly string[]; readonly now: string };
}

const VERIFY_RUN_OPTION_KEYS = ["rows", "log", "progress"] as const satisfies readonly (keyof VerifyRunOptions)[];
true satisfies OptionKeysCover<VerifyRunOptions, typeof VERIFY_RUN_OPTION_KEYS>;

const DEFAULT_ROWS = 50;
// Wall time is the one column that cannot repeat.
const UNREPEATABLE_COLUMNS = new Set(["seconds"]);

/**
 * Regenerates the first rows of a run's CSVs from its run.json and checks them bit for bit: trains every recorded
 * method again for `rows` iterations — same experiment and environment, batch, seed, backend and replica count — in
 * a temporary directory (removed afterwards), then compares each `<method>.csv` cell by cell, every column but
 * `seconds`. This is how a committed result proves it came from the command recorded beside it. Results agree bit
 * for bit only on the same kernels (`run.json` records them per session): a note says so when they differ.
 * @param directory - a run directory written by `pg train` (run.json and the CSVs suffice; checkpoints are not needed).
 * @param definition - the experiment run.json names (`pg verify` builds it from the record).
 * @throws {@link PgValidationError} for a directory without run.json or a recorded method without its CSV, an unknown
 * option (the closest suggested), `rows` that is not a positive integer, or a `definition` that is not one.
 * @example
 * import { runExperiment, verifyRun } from "@pg/cli";
 * import { backprop, scheme } from "@pg/core";
 * import { mlp } from "@pg/nets";
 * import { train } from "@tensorflow/tfjs";
 * import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * await runExperiment(experiment, ["--out", out, "--backend", "cpu"], { log: () => {}, handleSignals: false });
 * const result = await verifyRun(out, experiment, { rows: 4, log: () => {} });
 * console.log(result.identical, result.methods[0].rows, result.methods[0].columns.join(",")); // true 4 iteration,loss,x_err,proxy_loss
 * // a loss the recorded command did not produce is found
 * const path = join(out, "adam.csv");
 * const lines = readFileSync(path, "utf8").split("\n");
 * lines[2] = lines[2].split(",").map((cell, column) => (column === 2 ? "0.123" : cell)).join(",");
 * writeFileSync(path, lines.join("\n"));
 * const tampered = await verifyRun(out, experiment, { rows: 4, log: () => {} });
 * console.log(tampered.identical, tampered.methods[0].difference.iteration, tampered.methods[0].difference.column); // false 2 loss
 */
export async function verifyRun<P extends Physics>(directory: string, definition: ExperimentDefinition<P>, options: VerifyRunOptions = {}): Promise<VerifyRunResult> {
  const where = "verifyRun";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an options object { rows, log, progress }", options);
  requireKnownKeys(where, "options", options, VERIFY_RUN_OPTION_KEYS);
  const asked = requirePositiveInteger(where, "options.rows", options.rows ?? DEFAULT_ROWS);
  if (options.log !== undefined && typeof options.log !== "function") throw new PgValidationError(where, "options.log", "a function (line) => void", options.log);
  if (typeof definition !== "object" || definition === null || typeof definition.network !== "function") {
    throw new PgValidationError(where, "definition", "the experiment definition run.json names", definition);
  }
  const record = readRunRecord(directory, where);
  const log = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const methods = record.arguments.methods;
  const recordedTables = new Map<string, MetricsTable>();
  for (const method of methods) {
    const path = join(directory, `${method}.csv`);
    if (!existsSync(path)) throw new PgValidationError(where, `${method}.csv`, "the CSV of every method run.json records", directory);
    recordedTables.set(method, readMetricsCsv(path));
  }
  // Only as many iterations as the longest recorded CSV needs (and never more than the run had).
  const longest = Math.max(...[...recordedTables.values()].map((table) => table.rowCount));
  const iterations = Math.min(asked, record.arguments.iterations, Math.max(1, longest));
  const scratch = mkdtempSync(join(tmpdir(), "pg-verify-"));
  try {
    const argv = [
      "--iterations", String(iterations),
      "--batch", String(record.arguments.batch),
      "--seed", String(record.seed),
      "--methods", methods.join(","),
      "--backend", record.backend,
      "--replicas", String(record.replicas),
      "--checkpoint-every", String(iterations),
      "--out", scratch,
    ];
    log(`${where}: regenerating ${iterations} iteration${iterations === 1 ? "" : "s"} of ${methods.join(", ")} (batch ${record.arguments.batch}, seed ${record.seed}, ${record.backend}, ${record.replicas} replica${record.replicas === 1 ? "" : "s"})`);
    await runExperiment(definition, argv, {
      log: () => {},
      source: record.experiment,
      command: `pg verify ${directory}`,
      ...(options.progress === undefined ? {} : { progress: options.progress }),
    });
    const verified = methods.map((method) => compareTables(method, recordedTables.get(method) as MetricsTable, readMetricsCsv(join(scratch, `${method}.csv`)), iterations));
    const recordedKernels = record.sessions.flatMap((session) => (session.kernels === undefined ? [] : [session.kernels]));
    return { identical: verified.every((m) => m.difference === undefined), methods: verified, kernels: { recorded: [...new Set(recordedKernels)], now: describeTrainingKernels() } };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function compareTables(method: string, recorded: MetricsTable, regenerated: MetricsTable, iterations: number): VerifiedMethod {
  const columns = recorded.columns.filter((column) => !UNREPEATABLE_COLUMNS.has(column));
  const rows = Math.min(iterations, recorded.rowCount);
  for (const column of columns) {
    if (regenerated.values[column] === undefined) {
      return { method, rows, columns, difference: { iteration: 1, column, recorded: recorded.values[column]?.[0] ?? Number.NaN, regenerated: Number.NaN } };
    }
  }
  for (let row = 0; row < rows; row++) {
    for (const column of columns) {
      const a = (recorded.values[column] as Float64Array)[row] as number;
      const b = (regenerated.values[column] as Float64Array)[row];
      if (b === undefined || !Object.is(a, b)) {
        return { method, rows, columns, difference: { iteration: row + 1, column, recorded: a, regenerated: b ?? Number.NaN } };
      }
    }
  }
  return { method, rows, columns };
}

/**
 * The verdict of {@link verifyRun} in lines for people.
 * @throws {@link PgValidationError} when `result` is not what verifyRun returns.
 * @example
 * import { formatVerification } from "@pg/cli";
 * const same = { identical: true, methods: [{ method: "adam", rows: 50, columns: ["iteration", "loss"] }], kernels: { recorded: ["cpu"], now: "cpu" } };
 * console.log(formatVerification(same)); // adam: the first 50 rows are identical (iteration, loss)
 */
export function formatVerification(result: VerifyRunResult): string {
  if (typeof result !== "object" || result === null || !Array.isArray(result.methods) || typeof result.kernels !== "object" || result.kernels === null) {
    throw new PgValidationError("formatVerification", "result", "what verifyRun returned ({ identical, methods, kernels })", result);
  }
  const lines = result.methods.map((m) =>
    m.difference === undefined
      ? `${m.method}: the first ${m.rows} rows are identical (${m.columns.join(", ")})`
      : `${m.method}: differs at iteration ${m.difference.iteration}, column ${m.difference.column}: recorded ${m.difference.recorded}, regenerated ${m.difference.regenerated}`,
  );
  const { recorded, now } = result.kernels;
  if (recorded.length === 0) lines.push(`note: run.json does not record its kernels; these ran on ${now}`);
  else if (recorded.some((kernels) => kernels !== now)) lines.push(`note: the run was recorded on ${recorded.join(" and ")}, this check ran on ${now}: results agree bit for bit only on the same kernels`);
  return lines.join("\n");
}
