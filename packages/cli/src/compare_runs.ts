import { basename, resolve } from "node:path";
import { median, PgValidationError, requireKnownKeys, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { formatNumber } from "./progress";
import { finiteOf, lastRowAtOrBefore, readRunDirectory, runningAverageCurve, type RunDirectoryContents } from "./run_directory_contents";
import { formatTable } from "./summary_table";

/** The CSV columns {@link compareRuns} compares. */
export type ComparisonMetric = "x_err" | "loss";

/** Options of {@link compareRuns}. */
export interface CompareRunsOptions {
  /**
   * Iterations at which the running averages are compared.
   * @defaultValue summary.json's report iterations (the keys of `runningAverage`) that every method reached, and the
   *   last iteration every method reached
   */
  readonly at?: readonly number[];
  /** The method the others are measured against, by its label (see {@link ComparedMethod.label}) or, when that is unique, its name. @defaultValue the first method of the first directory */
  readonly baseline?: string;
  /** Running-average window: the mean of the last `window` rows. @defaultValue the first directory's `averageWindow` from summary.json, else 1 */
  readonly window?: number;
  /** @defaultValue "x_err" */
  readonly metric?: ComparisonMetric;
}

/** One method of a {@link RunComparison}: its run, its running average and its step time. */
export interface ComparedMethod {
  /** Its name in the comparison: the method's name, or `<directory basename>/<method>` when several directories have that method. */
  readonly label: string;
  /** The method's name in its run (its CSV is `<directory>/<method>.csv`). */
  readonly method: string;
  readonly directory: string;
  /** The last iteration in its CSV. */
  readonly lastIteration: number;
  /** The running average at `lastIteration`. */
  readonly finalAverage: number;
  /** The minimum of the running average over the whole run, and the first iteration where it occurs. */
  readonly bestAverage: number;
  readonly bestIteration: number;
  /** The first iteration at which this method's running average is ≤ the baseline's `bestAverage`. */
  readonly reachesBaselineBestAt: number | "never";
  /** The first iteration at which the baseline's running average is ≤ this method's `bestAverage`. */
  readonly baselineReachesBestAt: number | "never";
  /** Median wall time of one step, from the CSV's `seconds` column (summary.json's when the column is absent). */
  readonly secondsPerIteration: number;
  /** `secondsPerIteration` ÷ the baseline's: 3 means each step takes three times as long. */
  readonly secondsRatio: number;
}

/** The running averages of every method at one iteration, and how each compares with the baseline. */
export interface ComparisonAtIteration {
  readonly iteration: number;
  /** Per label, the running average at this iteration; methods that stopped before it are absent. */
  readonly averages: Readonly<Record<string, number>>;
  /** Per label other than the baseline, baseline ÷ method (2 = half the baseline's error); absent when either stopped before it. */
  readonly ratios: Readonly<Record<string, number>>;
  /** Labels of the methods whose last iteration is before this one. */
  readonly notReached: readonly string[];
}

/** Result of {@link compareRuns}. */
export interface RunComparison {
  readonly metric: ComparisonMetric;
  readonly window: number;
  /** The baseline's label. */
  readonly baseline: string;
  /** Every compared method, directories in the order given, methods in summary.json order. */
  readonly methods: readonly ComparedMethod[];
  /** One entry per compared iteration, ascending. */
  readonly at: readonly ComparisonAtIteration[];
  /** What was left out and why (methods without rows, iterations some methods did not reach, differing windows). */
  readonly notes: readonly string[];
}

const WHERE = "compareRuns";
const COMPARE_RUNS_OPTION_KEYS = ["at", "baseline", "window", "metric"] as const satisfies readonly (keyof CompareRunsOptions)[];
true satisfies OptionKeysCover<CompareRunsOptions, typeof COMPARE_RUNS_OPTION_KEYS>;

/** One method's curve, read and averaged. */
interface MethodCurve {
  readonly label: string;
  readonly method: string;
  readonly directory: string;
  readonly iterations: Float64Array;
  readonly averages: Float64Array;
  readonly secondsPerIteration: number;
}

function requireDirectories(directories: unknown): readonly string[] {
  if (!Array.isArray(directories) || directories.length === 0 || directories.some((d) => typeof d !== "string" || d.length === 0)) {
    throw new PgValidationError(WHERE, "directories", "a non-empty list of run directory paths", directories);
  }
  const resolved = directories.map((directory: string) => resolve(directory));
  const repeated = resolved.findIndex((path, index) => resolved.indexOf(path) !== index);
  if (repeated >= 0) throw new PgValidationError(WHERE, `directories[${repeated}]`, "a directory not listed before", directories[repeated]);
  return directories as string[];
}

function requireIterations(at: unknown): readonly number[] | undefined {
  if (at === undefined) return undefined;
  if (!Array.isArray(at) || at.length === 0 || !at.every((iteration) => typeof iteration === "number" && Number.isInteger(iteration) && iteration >= 1)) {
    throw new PgValidationError(WHERE, "at", "a non-empty array of iterations (positive integers)", at);
  }
  return [...new Set(at as number[])].sort((a, b) => a - b);
}

/** Labels: the method's name, prefixed by its directory's name where several directories have a method of that name. */
function labelMethods(runs: readonly RunDirectoryContents[]): string[][] {
  const count = new Map<string, number>();
  for (const run of runs) for (const { name } of run.methods) count.set(name, (count.get(name) ?? 0) + 1);
  const shared = (name: string): boolean => (count.get(name) as number) > 1;
  const short = runs.map((run) => run.methods.map(({ name }) => (shared(name) ? `${basename(resolve(run.directory))}/${name}` : name)));
  const all = short.flat();
  const repeated = (label: string): boolean => all.indexOf(label) !== all.lastIndexOf(label);
  // Two directories with the same basename (runs/a/out, runs/b/out) need the paths as given to tell them apart.
  return runs.map((run, r) => run.methods.map(({ name }, m) => {
    const label = (short[r] as string[])[m] as string;
    return repeated(label) ? `${run.directory}/${name}` : label;
  }));
}

function bestOf(curve: MethodCurve): { value: number; iteration: number } {
  let value = Number.NaN;
  let iteration = Number.NaN;
  curve.averages.forEach((average, k) => {
    if (Number.isFinite(average) && !(average >= value)) {
      value = average;
      iteration = curve.iterations[k] as number;
    }
  });
  return { value, iteration };
}

function firstIterationAtOrBelow(curve: MethodCurve, level: number): number | "never" {
  const index = curve.averages.findIndex((average) => average <= level);
  return index < 0 ? "never" : (curve.iterations[index] as number);
}

function lastIterationOf(curve: MethodCurve): number {
  return curve.iterations[curve.iterations.length - 1] as number;
}

/**
 * Compares methods the way the paper reports them: per method, the trailing running average of `x_err` (or `loss`)
 * over the last `window` steps, as {@link RunningAverage} keeps it during training; at each compared iteration the
 * ratio baseline ÷ method (“×2.3 lower x error”); the first iteration at which each method's running average is at or
 * below the baseline's best, and the baseline's at or below the method's best; and the median step time with its ratio
 * to the baseline's. Methods come from every directory: those summary.json lists, then any other `<method>.csv`; a
 * method name found in several directories is labelled `<directory basename>/<method>`. Methods whose CSV has no rows
 * are left out, with a note. An iteration in `at` that some methods did not reach is compared among those that did.
 * @param directories - run directories (`--out` of the runs), e.g. the methods of one experiment run as separate processes.
 * @param options - {@link CompareRunsOptions}.
 * @returns the {@link RunComparison}; {@link formatComparison} prints it.
 * @throws {@link PgValidationError} naming `directories[i]` and its path if it holds no metrics CSV (or is not a
 *   readable directory); naming a CSV lacking the `iteration` or metric column; naming `baseline` (with the available
 *   labels) if it is not a compared method; for a `window` that is not a positive integer, an unknown `metric`, an
 *   `at` that is not a non-empty array of positive integers, or an option key it does not know (the closest suggested).
 * @example
 * import { MetricsCsv, compareRuns } from "@pg/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * // adam's x_err stays at 4; pg's halves every step from 8 and each pg step takes three times as long
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * writeFileSync(join(directory, "summary.json"), JSON.stringify({ averageWindow: 1, methods: { adam: {}, pg: {} } }));
 * for (const [method, seconds, xErr] of [["adam", 0.5, () => 4], ["pg", 1.5, (k) => 8 / 2 ** k]]) {
 *   const csv = new MetricsCsv(join(directory, `${method}.csv`), ["iteration", "seconds", "loss", "x_err"]);
 *   for (let k = 0; k < 4; k++) csv.write({ iteration: k + 1, seconds, loss: 1, x_err: xErr(k) });
 *   csv.close();
 * }
 * const comparison = compareRuns([directory], { at: [2, 4] });
 * console.log(comparison.baseline, comparison.at.map((row) => row.ratios.pg).join(" ")); // adam 1 4
 * const pg = comparison.methods[1];
 * console.log(pg.reachesBaselineBestAt, pg.baselineReachesBestAt, pg.secondsRatio); // 2 never 3
 */
export function compareRuns(directories: readonly string[], options: CompareRunsOptions = {}): RunComparison {
  const paths = requireDirectories(directories);
  if (options === null || typeof options !== "object") throw new PgValidationError(WHERE, "options", "an options object", options);
  requireKnownKeys(WHERE, "options", options, COMPARE_RUNS_OPTION_KEYS);
  if (options.baseline !== undefined && typeof options.baseline !== "string") throw new PgValidationError(WHERE, "baseline", "a method's label or name", options.baseline);
  const metric = requireOneOf(WHERE, "metric", options.metric ?? "x_err", ["x_err", "loss"] as const);
  const requestedAt = requireIterations(options.at);
  const runs = paths.map((directory, index) => {
    const run = readRunDirectory(WHERE, `directories[${index}]`, directory);
    if (run.methods.length === 0) {
      throw new PgValidationError(WHERE, `directories[${index}]`, "a run directory holding at least one <method>.csv", directory);
    }
    return run;
  });
  const notes: string[] = [];
  const windows = [...new Set(runs.map((run) => run.averageWindow).filter((window) => window !== undefined))];
  const window = requirePositiveInteger(WHERE, "window", options.window ?? windows[0] ?? 1);
  if (options.window === undefined && windows.length > 1) {
    notes.push(`the runs use different averageWindow values (${windows.join(", ")}); all are compared over ${window}`);
  }

  const labels = labelMethods(runs);
  const curves: MethodCurve[] = [];
  runs.forEach((run, r) => {
    run.methods.forEach((method, m) => {
      const label = (labels[r] as string[])[m] as string;
      for (const column of ["iteration", metric]) {
        if (!method.table.columns.includes(column)) {
          throw new PgValidationError(WHERE, `columns of ${method.csvPath}`, `a list including "iteration" and "${metric}"`, method.table.columns);
        }
      }
      if (method.table.rowCount === 0) {
        notes.push(`${label} is left out: its CSV has no rows yet`);
        return;
      }
      const seconds = Array.from(method.table.values.seconds ?? []).filter((value) => Number.isFinite(value));
      curves.push({
        label,
        method: method.name,
        directory: run.directory,
        iterations: method.table.values.iteration as Float64Array,
        averages: runningAverageCurve(method.table.values[metric] as Float64Array, window),
        secondsPerIteration: seconds.length > 0 ? median(seconds) : (finiteOf(method.summary?.medianSecondsPerIteration) ?? Number.NaN),
      });
    });
  });
  if (curves.length === 0) {
    throw new PgValidationError(WHERE, "directories", "run directories where at least one method logged a step", directories);
  }

  const baselineCurve = resolveBaseline(options.baseline, curves);
  const baseline = baselineCurve.label;
  const reachedByAll = Math.min(...curves.map(lastIterationOf));
  const iterations =
    requestedAt ??
    [...new Set([...runs.flatMap((run) => run.reportIterations).filter((iteration) => iteration <= reachedByAll), reachedByAll])].sort((a, b) => a - b);

  const at = iterations.map((iteration): ComparisonAtIteration => {
    const averages: Record<string, number> = {};
    const notReached: string[] = [];
    for (const curve of curves) {
      if (lastIterationOf(curve) < iteration) notReached.push(curve.label);
      else averages[curve.label] = curve.averages[lastRowAtOrBefore(curve.iterations, iteration)] as number;
    }
    const ratios: Record<string, number> = {};
    const baselineAverage = averages[baseline];
    if (baselineAverage !== undefined) {
      for (const curve of curves) {
        const average = averages[curve.label];
        if (curve !== baselineCurve && average !== undefined) ratios[curve.label] = baselineAverage / average;
      }
    }
    if (notReached.length > 0) {
      const stopped = notReached.map((label) => `${label} (last ${lastIterationOf(curves.find((curve) => curve.label === label) as MethodCurve)})`);
      notes.push(`iteration ${iteration} was not reached by ${stopped.join(", ")}`);
    }
    return { iteration, averages, ratios, notReached };
  });

  const baselineBest = bestOf(baselineCurve);
  const methods = curves.map((curve): ComparedMethod => {
    const best = bestOf(curve);
    return {
      label: curve.label,
      method: curve.method,
      directory: curve.directory,
      lastIteration: lastIterationOf(curve),
      finalAverage: curve.averages[curve.averages.length - 1] as number,
      bestAverage: best.value,
      bestIteration: best.iteration,
      reachesBaselineBestAt: firstIterationAtOrBelow(curve, baselineBest.value),
      baselineReachesBestAt: firstIterationAtOrBelow(baselineCurve, best.value),
      secondsPerIteration: curve.secondsPerIteration,
      secondsRatio: curve.secondsPerIteration / baselineCurve.secondsPerIteration,
    };
  });
  return { metric, window, baseline, methods, at, notes };
}

function resolveBaseline(baseline: unknown, curves: readonly MethodCurve[]): MethodCurve {
  if (baseline === undefined) return curves[0] as MethodCurve;
  const byLabel = curves.find((curve) => curve.label === baseline);
  if (byLabel !== undefined) return byLabel;
  const byName = curves.filter((curve) => curve.method === baseline);
  if (byName.length === 1) return byName[0] as MethodCurve;
  throw new PgValidationError(WHERE, "baseline", `one of the compared methods (${curves.map((curve) => JSON.stringify(curve.label)).join(", ")})`, baseline);
}

/**
 * Prints a {@link RunComparison} as aligned tables: a header line naming the metric, window and baseline; the
 * running average of every method and the ratio baseline ÷ method at each compared iteration (`-` where a method
 * stopped before it); per method the final and best running average, when it first reached the baseline's best and
 * the baseline its best, and the median step time with its ratio to the baseline's; then the notes.
 * @param comparison - what {@link compareRuns} returned.
 * @returns the text, lines separated by `\n`, without a trailing newline.
 * @throws {@link PgValidationError} if `comparison` is not a comparison object.
 * @example
 * import { compareRuns, formatComparison } from "@pg/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * writeFileSync(join(directory, "adam.csv"), "iteration,seconds,x_err\n1,1,0.5\n2,1,0.5\n");
 * writeFileSync(join(directory, "pg.csv"), "iteration,seconds,x_err\n1,2,0.25\n2,2,0.125\n");
 * const lines = formatComparison(compareRuns([directory])).split("\n");
 * console.log(lines[0]); // x_err, running average over the last 1 iteration, baseline adam (ratio = adam ÷ method: ×2 is half adam's x_err)
 * console.log(lines[1]); // iteration    adam      pg  adam ÷ pg
 * // numbers are right-aligned
 * console.log(lines[3].trim()); // 2  0.5000  0.1250     ×4.000
 */
export function formatComparison(comparison: RunComparison): string {
  if (comparison === null || typeof comparison !== "object" || !Array.isArray(comparison.methods) || !Array.isArray(comparison.at)) {
    throw new PgValidationError("formatComparison", "comparison", "a RunComparison from compareRuns", comparison);
  }
  const { baseline, metric, window } = comparison;
  const labels = comparison.methods.map((method) => method.label);
  const others = labels.filter((label) => label !== baseline);
  const cell = (value: number | undefined): string => (value === undefined ? "-" : formatNumber(value));
  const ratio = (value: number | undefined): string => (value === undefined ? "-" : `×${formatNumber(value)}`);
  const lines = [
    `${metric}, running average over the last ${window} iteration${window === 1 ? "" : "s"}, baseline ${baseline} (ratio = ${baseline} ÷ method: ×2 is half ${baseline}'s ${metric})`,
  ];
  if (comparison.at.length > 0) {
    lines.push(
      formatTable(
        ["iteration", ...labels, ...others.map((label) => `${baseline} ÷ ${label}`)],
        comparison.at.map((row) => [String(row.iteration), ...labels.map((label) => cell(row.averages[label])), ...others.map((label) => ratio(row.ratios[label]))]),
      ),
      "",
    );
  }
  lines.push(
    formatTable(
      ["method", "iterations", "final", "best", "best at", `reaches ${baseline}'s best at`, `${baseline} reaches this method's best at`, "s/iter", `s/iter ÷ ${baseline}`],
      comparison.methods.map((method) => {
        const isBaseline = method.label === baseline;
        return [
          method.label,
          String(method.lastIteration),
          formatNumber(method.finalAverage),
          formatNumber(method.bestAverage),
          String(method.bestIteration),
          isBaseline ? "-" : String(method.reachesBaselineBestAt),
          isBaseline ? "-" : String(method.baselineReachesBestAt),
          formatNumber(method.secondsPerIteration),
          ratio(method.secondsRatio),
        ];
      }),
    ),
  );
  for (const note of comparison.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}
