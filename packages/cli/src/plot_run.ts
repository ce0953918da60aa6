import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PgValidationError, requireKnownKeys, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { learningCurvesSvg, type LearningCurve, type ReferenceLevel } from "./plot_learning_curves";
import { readMetricsCsv } from "./read_metrics_csv";

/** The CSV columns {@link plotRun} can draw. */
export type RunMetric = "loss" | "x_err" | "proxy_loss";

/** Options of {@link plotRun}. */
export interface PlotRunOptions {
  /**
   * The experiment's `--out` directory, holding `summary.json` and one `<method>.csv` per method — or several, e.g.
   * the methods of one experiment run as separate processes with the same seed; every method name must be unique.
   */
  readonly directory: string | readonly string[];
  /** The CSV column drawn on the y axis. */
  readonly metric: RunMetric;
  /** Running-average window (`smoothUniform`, as the paper's figures smooth). @defaultValue the run's `averageWindow` from summary.json */
  readonly smoothing?: number;
  /** Chart title. @defaultValue `"<experiment>: <metric>"` */
  readonly title?: string;
  /** y-axis title. @defaultValue the metric's column name */
  readonly yLabel?: string;
  /** x axis: the CSV `iteration`, or wall-clock seconds (running sum of the per-step `seconds`, as NeurIPS plots). @defaultValue "iteration" */
  readonly xAxis?: "iteration" | "wall-clock";
  /** Logarithmic y axis. @defaultValue true */
  readonly logY?: boolean;
  /** Dashed reference levels, e.g. an L-BFGS-B or random-guess error. @defaultValue [] */
  readonly references?: readonly ReferenceLevel[];
  /** Output path of the SVG. @defaultValue `<directory>/<metric>.svg` (the first directory's) */
  readonly file?: string;
}

/** Result of {@link plotRun}. */
export interface PlotRunResult {
  /** Where the SVG was written. */
  readonly path: string;
  /** The methods drawn, in summary.json order. */
  readonly methods: readonly string[];
  /** Methods listed in summary.json whose CSV has no rows (stopped before the first step); not drawn. */
  readonly skippedMethods: readonly string[];
  /** Per method, samples left out (non-finite, or ≤ 0 on the log axis); see {@link learningCurvesSvg}. */
  readonly droppedPoints: Readonly<Record<string, number>>;
}

const WHERE = "plotRun";
const PLOT_RUN_OPTION_KEYS = ["directory", "metric", "smoothing", "title", "yLabel", "xAxis", "logY", "references", "file"] as const satisfies readonly (keyof PlotRunOptions)[];
true satisfies OptionKeysCover<PlotRunOptions, typeof PLOT_RUN_OPTION_KEYS>;

function readSummaryMethods(directory: string): { experiment: string; averageWindow: number; methods: string[] } {
  const path = join(directory, "summary.json");
  let summary: unknown;
  try {
    summary = JSON.parse(readFileSync(path, "utf8"));
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    throw new PgValidationError(WHERE, "directory", "a run directory with a readable summary.json", directory, `(${reason})`);
  }
  const record = (summary ?? {}) as { experiment?: unknown; averageWindow?: unknown; methods?: unknown };
  if (record.methods === null || typeof record.methods !== "object" || Object.keys(record.methods).length === 0) {
    throw new PgValidationError(WHERE, `methods in ${path}`, "an object with one entry per method", record.methods);
  }
  return {
    experiment: typeof record.experiment === "string" ? record.experiment : directory,
    averageWindow: typeof record.averageWindow === "number" && Number.isInteger(record.averageWindow) && record.averageWindow >= 1 ? record.averageWindow : 1,
    methods: Object.keys(record.methods),
  };
}

/**
 * Draws one metric of a finished (or interrupted) run: reads every `<method>.csv` that `<directory>/summary.json`
 * lists, smooths and plots them with {@link learningCurvesSvg}, and writes the SVG (by default
 * `<directory>/<metric>.svg`).
 * @param options - {@link PlotRunOptions}.
 * @returns where the SVG went, which methods were drawn or skipped, and the dropped samples per method.
 * @throws {@link PgValidationError} if summary.json is missing or lists no methods, a listed CSV is missing or lacks the
 *   metric column, `metric`/`xAxis` is unknown, `smoothing` is not a positive integer, `file` is not a path, an option
 *   key is unknown (the closest one suggested), or no method has any rows.
 * @example
 * import { MetricsCsv, plotRun } from "@pg/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { basename, join } from "node:path";
 * // a tiny run directory as runExperiment leaves it: summary.json and one CSV per method
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * writeFileSync(join(directory, "summary.json"), JSON.stringify({ experiment: "demo", averageWindow: 2, methods: { adam: {} } }));
 * const csv = new MetricsCsv(join(directory, "adam.csv"), ["iteration", "loss"]);
 * [1, 0.5, 0.25, 0.125].forEach((loss, index) => csv.write({ iteration: index + 1, loss }));
 * csv.close();
 * const result = await plotRun({ directory, metric: "loss" });
 * console.log(basename(result.path), result.methods.join(","), result.skippedMethods.length); // loss.svg adam 0
 */
export async function plotRun(options: PlotRunOptions): Promise<PlotRunResult> {
  if (options === null || typeof options !== "object") throw new PgValidationError(WHERE, "options", "an options object", options);
  requireKnownKeys(WHERE, "options", options, PLOT_RUN_OPTION_KEYS);
  if (options.file !== undefined && (typeof options.file !== "string" || options.file.trim() === "")) throw new PgValidationError(WHERE, "options.file", "a file path", options.file);
  const directories = typeof options.directory === "string" ? [options.directory] : options.directory;
  if (!Array.isArray(directories) || directories.length === 0 || directories.some((d) => typeof d !== "string" || d.length === 0)) {
    throw new PgValidationError(WHERE, "directory", "a directory path or a non-empty list of them", options.directory);
  }
  const metric = requireOneOf(WHERE, "metric", options.metric, ["loss", "x_err", "proxy_loss"] as const);
  const xAxis = requireOneOf(WHERE, "xAxis", options.xAxis ?? "iteration", ["iteration", "wall-clock"] as const);
  const summaries = directories.map((directory) => ({ directory, ...readSummaryMethods(directory) }));
  const first = summaries[0] as (typeof summaries)[number];
  const smoothing = requirePositiveInteger(WHERE, "smoothing", options.smoothing ?? first.averageWindow);

  const curves: LearningCurve[] = [];
  const skippedMethods: string[] = [];
  const seen = new Map<string, string>();
  for (const { directory, methods } of summaries) {
    for (const method of methods) {
      const earlier = seen.get(method);
      if (earlier !== undefined) {
        throw new PgValidationError(WHERE, `method "${method}"`, "a name used by one directory only", `${earlier} and ${directory}`);
      }
      seen.set(method, directory);
      const csvPath = join(directory, `${method}.csv`);
      if (!existsSync(csvPath)) throw new PgValidationError(WHERE, `the CSV of method "${method}"`, "a file next to summary.json", csvPath);
      const table = readMetricsCsv(csvPath);
      const xColumn = xAxis === "iteration" ? "iteration" : "seconds";
      for (const column of [xColumn, metric]) {
        if (!table.columns.includes(column)) throw new PgValidationError(WHERE, `columns of ${csvPath}`, `a list including "${column}"`, table.columns);
      }
      if (table.rowCount === 0) {
        skippedMethods.push(method);
        continue;
      }
      const x = table.values[xColumn] as Float64Array;
      const iterations = xAxis === "iteration" ? x : runningSum(x);
      curves.push({ name: method, iterations, values: table.values[metric] as Float64Array });
    }
  }
  if (curves.length === 0) {
    throw new PgValidationError(WHERE, "directory", "a run where at least one method logged a step", options.directory, `(every CSV is empty: ${skippedMethods.join(", ")})`);
  }
  const { svg, droppedPoints } = await learningCurvesSvg({
    curves,
    title: options.title ?? `${first.experiment}: ${metric}`,
    yLabel: options.yLabel ?? metric,
    xLabel: xAxis === "iteration" ? "iteration" : "wall-clock time [s]",
    logY: options.logY ?? true,
    smoothing,
    references: options.references ?? [],
  });
  const path = options.file ?? join(first.directory, `${metric}.svg`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  return { path, methods: curves.map((curve) => curve.name), skippedMethods, droppedPoints };
}

/** Cumulative sum, treating non-finite step times as 0 so one bad row does not blank the rest of the axis. */
function runningSum(seconds: Float64Array): Float64Array {
  const total = new Float64Array(seconds.length);
  let sum = 0;
  seconds.forEach((value, index) => {
    sum += Number.isFinite(value) ? value : 0;
    total[index] = sum;
  });
  return total;
}
