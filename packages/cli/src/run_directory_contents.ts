import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PgValidationError, RunningAverage } from "@pg/core";
import { readMetricsCsv, type MetricsTable } from "./read_metrics_csv";

/** One method of a run directory: its `<method>.csv` read back, and its entry in summary.json when there is one. */
export interface RunDirectoryMethod {
  readonly name: string;
  readonly csvPath: string;
  readonly table: MetricsTable;
  /** The method's entry in summary.json, as written (fields are checked where they are used). */
  readonly summary: Readonly<Record<string, unknown>> | undefined;
}

/** What a run directory holds, read leniently: run.json and summary.json may be missing while a run is young. */
export interface RunDirectoryContents {
  readonly directory: string;
  /** run.json, parsed; undefined when the file is missing. */
  readonly run: Readonly<Record<string, unknown>> | undefined;
  /** summary.json, parsed; undefined when the file is missing. */
  readonly summary: Readonly<Record<string, unknown>> | undefined;
  /** summary.json's methods in its order, then any other `*.csv` with an `iteration` column, by name. */
  readonly methods: readonly RunDirectoryMethod[];
  /** summary.json's `averageWindow`, when it is a positive integer. */
  readonly averageWindow: number | undefined;
  /** The iterations summary.json records running averages at (the keys of every method's `runningAverage`), ascending. */
  readonly reportIterations: readonly number[];
}

/** A JSON object's fields, or undefined for anything that is not a plain object. */
export function recordOf(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A finite number, or undefined. */
export function finiteOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Reads a JSON file of a run directory; undefined when it does not exist. A file that exists but does not parse is an
 * error, named after the caller: a half-written summary would otherwise silently look like a missing one.
 */
export function readRunJson(where: string, path: string): Readonly<Record<string, unknown>> | undefined {
  if (!existsSync(path)) return undefined;
  let text = "";
  let parsed: unknown;
  try {
    text = readFileSync(path, "utf8");
    parsed = JSON.parse(text);
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    const start = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    throw new PgValidationError(where, path, "a readable JSON file", start, `(${reason})`);
  }
  const record = recordOf(parsed);
  if (record === undefined) throw new PgValidationError(where, path, "a JSON object", parsed);
  return record;
}

function csvHeader(path: string): readonly string[] {
  const text = readFileSync(path, "utf8");
  const newline = text.indexOf("\n");
  return (newline < 0 ? text : text.slice(0, newline)).split(",").map((name) => name.trim());
}

/**
 * Reads a run directory as the runner leaves it: run.json, summary.json and one `<method>.csv` per method. Methods are
 * summary.json's, in its order, for which a CSV exists, followed by every other `*.csv` whose header has an
 * `iteration` column (a run still in its first method has no summary entry for it yet). Nothing here requires a
 * method to have rows.
 * @param where - the public function reading it, for error messages.
 * @param parameter - the caller's parameter that named the directory, for error messages.
 * @throws {@link PgValidationError} naming `where` and `parameter` if `directory` is not a readable directory, or if
 *   run.json or summary.json exists but is not a JSON object; the errors of {@link readMetricsCsv} for a broken CSV.
 */
export function readRunDirectory(where: string, parameter: string, directory: string): RunDirectoryContents {
  if (typeof directory !== "string" || directory.length === 0) throw new PgValidationError(where, parameter, "a directory path", directory);
  let files: string[];
  try {
    if (!statSync(directory).isDirectory()) throw new Error("not a directory");
    files = readdirSync(directory);
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    throw new PgValidationError(where, parameter, "a run directory", directory, `(${reason})`);
  }
  const run = readRunJson(where, join(directory, "run.json"));
  const summary = readRunJson(where, join(directory, "summary.json"));
  const summaryMethods = recordOf(summary?.methods) ?? {};
  const csvFiles = new Set(files.filter((file) => file.endsWith(".csv")));
  const names = Object.keys(summaryMethods).filter((name) => csvFiles.has(`${name}.csv`));
  const others = [...csvFiles]
    .map((file) => file.slice(0, -".csv".length))
    .filter((name) => !names.includes(name) && csvHeader(join(directory, `${name}.csv`)).includes("iteration"))
    .sort();
  const methods = [...names, ...others].map((name) => {
    const csvPath = join(directory, `${name}.csv`);
    return { name, csvPath, table: readMetricsCsv(csvPath), summary: recordOf(summaryMethods[name]) };
  });
  const window = summary?.averageWindow;
  const averageWindow = typeof window === "number" && Number.isInteger(window) && window >= 1 ? window : undefined;
  const reportIterations = [
    ...new Set(
      Object.values(summaryMethods).flatMap((entry) => Object.keys(recordOf(recordOf(entry)?.runningAverage) ?? {}).map(Number)),
    ),
  ]
    .filter((iteration) => Number.isInteger(iteration) && iteration >= 1)
    .sort((a, b) => a - b);
  return { directory, run, summary, methods, averageWindow, reportIterations };
}

/**
 * The trailing running average after every row: entry k averages rows max(0, k − window + 1) … k, as
 * {@link RunningAverage} computes it during training (and as summary.json records it), so the numbers agree.
 */
export function runningAverageCurve(values: Float64Array, window: number): Float64Array {
  const average = new RunningAverage(window);
  return values.map((value) => average.push(value));
}

/** The index of the last row whose iteration is ≤ `iteration` (−1 if none); iterations ascend in a metrics CSV. */
export function lastRowAtOrBefore(iterations: Float64Array, iteration: number): number {
  let low = 0;
  let high = iterations.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((iterations[middle] as number) <= iteration) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
