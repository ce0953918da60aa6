import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PgValidationError, requireKnownKeys, requirePositive, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { learningCurvesSvg, readMetricsCsv } from "@pg/cli";
import { SIN_ROTATED_METHODS } from "@pg/experiments";

/** The file {@link writeWallTimeFigure} writes into its output directory. */
export const WALL_TIME_FIGURE_FILE = "x_dist_wall_time.svg";

/**
 * The running total of per-step times: the wall-clock time at the end of each step, as the CSV column `seconds` holds
 * each step's own time (batch, network, physics, solver and update).
 * @param seconds - per-step times, each finite and ≥ 0.
 * @returns a new Float64Array of the same length.
 * @throws {@link PgValidationError} for an entry that is negative or not finite.
 * @example
 * import { cumulativeSeconds } from "@pg/example-sin-rotated";
 * console.log(cumulativeSeconds(Float64Array.of(0.5, 0.25, 0.25)).join(" ")); // 0.5 0.75 1
 */
export function cumulativeSeconds(seconds: ArrayLike<number>): Float64Array {
  const out = new Float64Array(seconds.length);
  let total = 0;
  for (let i = 0; i < seconds.length; i++) {
    const value = seconds[i] as number;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new PgValidationError("cumulativeSeconds", `seconds[${i}]`, "a finite number ≥ 0 (the time of one step)", value);
    }
    total += value;
    out[i] = total;
  }
  return out;
}

/**
 * How many iterations fill a wall-clock budget at a measured time per iteration: ⌈budget / seconds per iteration⌉, per
 * method. A run with `--iterations` at the largest of them gives every method at least the budget; the figure's
 * `--budget` then cuts each curve at the same wall time.
 * @param budget - seconds per method, a finite number > 0 (the published figure: 600).
 * @param secondsPerIteration - per method, each a finite number > 0, e.g. `experimentEntry("sin-rotated").secondsPerIteration`.
 * @returns iterations per method.
 * @throws {@link PgValidationError} for a budget or a time that is not a finite number > 0.
 * @example
 * import { iterationsForBudget } from "@pg/example-sin-rotated";
 * console.log(JSON.stringify(iterationsForBudget(600, { newton: 0.0018, sgd: 0.0013 }))); // {"newton":333334,"sgd":461539}
 */
export function iterationsForBudget(budget: number, secondsPerIteration: Readonly<Record<string, number>>): Record<string, number> {
  requirePositive("iterationsForBudget", "budget", budget);
  if (typeof secondsPerIteration !== "object" || secondsPerIteration === null) {
    throw new PgValidationError("iterationsForBudget", "secondsPerIteration", "an object of seconds per iteration by method", secondsPerIteration);
  }
  const out: Record<string, number> = {};
  for (const [method, seconds] of Object.entries(secondsPerIteration)) {
    // Rounded to 12 digits first, so that 600 / 0.0018 is 333334 and not one more for the last bit.
    out[method] = Math.ceil(Number((budget / requirePositive("iterationsForBudget", `secondsPerIteration.${method}`, seconds)).toPrecision(12)));
  }
  return out;
}

/** One method's curve: x_dist against the wall-clock time at the end of each step. */
export interface WallTimeCurve {
  readonly method: string;
  readonly seconds: Float64Array;
  readonly xDist: Float64Array;
}

/**
 * Reads a method's CSV of a `pg train sin-rotated` run and returns x_dist against cumulative `seconds`, cut at the
 * budget when one is given (the steps whose end time is within it).
 * @param run - the run directory.
 * @param method - the method, whose `<method>.csv` is read.
 * @param budget - seconds, a finite number > 0; every step when undefined.
 * @returns the curve.
 * @throws {@link PgValidationError} if the CSV cannot be read or lacks the `seconds` or `x_dist` column, or for a budget
 * that is not a finite number > 0.
 * @example
 * import { wallTimeCurve } from "@pg/example-sin-rotated";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const run = mkdtempSync(join(tmpdir(), "pg-sin-rotated-"));
 * writeFileSync(join(run, "adam.csv"), "iteration,seconds,x_dist\n1,0.5,0.9\n2,0.25,0.8\n3,0.5,0.7\n");
 * const curve = wallTimeCurve(run, "adam", 1);
 * console.log(curve.seconds.join(" "), curve.xDist.join(" ")); // 0.5 0.75 0.9 0.8
 */
export function wallTimeCurve(run: string, method: string, budget?: number): WallTimeCurve {
  const where = "wallTimeCurve";
  if (budget !== undefined) requirePositive(where, "budget", budget);
  if (typeof method !== "string" || method === "") throw new PgValidationError(where, "method", "a method name", method);
  const table = readMetricsCsv(join(run, `${method}.csv`));
  for (const column of ["seconds", "x_dist"]) {
    if (!table.columns.includes(column)) {
      throw new PgValidationError(where, `columns of ${method}.csv`, `a CSV of pg train sin-rotated with the column ${column}`, table.columns.join(","));
    }
  }
  const seconds = cumulativeSeconds(table.values.seconds as Float64Array);
  const kept = budget === undefined ? seconds.length : seconds.findIndex((time) => time > budget);
  const end = kept < 0 ? seconds.length : kept;
  return { method, seconds: seconds.slice(0, end), xDist: (table.values.x_dist as Float64Array).slice(0, end) };
}

/** Options of {@link writeWallTimeFigure}. */
export interface WallTimeFigureOptions {
  /** The run directory of `pg train sin-rotated`. */
  readonly run: string;
  /** Where the SVG goes; created if missing. */
  readonly out: string;
  /** Cut every curve at this many seconds of its own training. @defaultValue no cut */
  readonly budget?: number;
  /** Running-average window of the drawn curves. @defaultValue 256 (the published figure's) */
  readonly smoothing?: number;
}

const WALL_TIME_OPTION_KEYS = ["run", "out", "budget", "smoothing"] as const satisfies readonly (keyof WallTimeFigureOptions)[];
true satisfies OptionKeysCover<WallTimeFigureOptions, typeof WALL_TIME_OPTION_KEYS>;

/** What {@link writeWallTimeFigure} drew. */
export interface WallTimeFigureResult {
  readonly file: string;
  /** The curves as drawn (before smoothing), in the experiment's order of methods. */
  readonly curves: readonly WallTimeCurve[];
}

/** "ξ = 10, φ = 45°" from the run's run.json, or "" when it does not say. */
function settingsOf(run: string): string {
  try {
    const record: unknown = JSON.parse(readFileSync(join(run, "run.json"), "utf8"));
    const settings: unknown = typeof record === "object" && record !== null ? Reflect.get(record, "settings") : undefined;
    const xi: unknown = typeof settings === "object" && settings !== null ? Reflect.get(settings, "illConditioning") : undefined;
    const angle: unknown = typeof settings === "object" && settings !== null ? Reflect.get(settings, "angle") : undefined;
    return typeof xi === "number" && typeof angle === "number" ? `, ξ = ${xi}, φ = ${angle}°` : "";
  } catch {
    return "";
  }
}

/**
 * The published figure of the characterisation experiment from a run of `pg train sin-rotated`: x_dist, the batch mean
 * of ‖x − x_sol‖₂ to the closest exact solution, against each method's own cumulative wall-clock time, log y, smoothed
 * by a running average of `smoothing` steps (`learningCurvesSvg` of `@pg/cli`), one line per method with a CSV in the
 * run, optionally every curve cut at `budget` seconds.
 * @param options - {@link WallTimeFigureOptions}.
 * @returns the file and the curves.
 * @throws {@link PgValidationError} for an unknown option, empty paths, a budget that is not a finite number > 0, a
 * smoothing that is not a positive integer, or a run directory without the CSV of any method.
 * @example
 * import { writeWallTimeFigure } from "@pg/example-sin-rotated";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const run = mkdtempSync(join(tmpdir(), "pg-sin-rotated-"));
 * writeFileSync(join(run, "adam.csv"), "iteration,seconds,x_dist\n1,0.5,0.9\n2,0.25,0.8\n3,0.5,0.7\n");
 * const { file, curves } = await writeWallTimeFigure({ run, out: join(run, "figures"), smoothing: 1 });
 * console.log(file.endsWith("x_dist_wall_time.svg"), curves.map((c) => c.method).join(","), curves[0].seconds.join(" ")); // true adam 0.5 0.75 1.25
 */
export async function writeWallTimeFigure(options: WallTimeFigureOptions): Promise<WallTimeFigureResult> {
  const where = "writeWallTimeFigure";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an options object { run, out, budget?, smoothing? }", options);
  requireKnownKeys(where, "options", options, WALL_TIME_OPTION_KEYS);
  for (const key of ["run", "out"] as const) {
    if (typeof options[key] !== "string" || options[key].trim() === "") throw new PgValidationError(where, key, "a directory path", options[key]);
  }
  if (options.budget !== undefined) requirePositive(where, "budget", options.budget);
  const smoothing = requirePositiveInteger(where, "smoothing", options.smoothing ?? 256);
  const methods = SIN_ROTATED_METHODS.filter((method) => existsSync(join(options.run, `${method}.csv`)));
  if (methods.length === 0) throw new PgValidationError(where, "run", "a run directory of pg train sin-rotated (with <method>.csv files)", options.run);
  const curves = methods.map((method) => wallTimeCurve(options.run, method, options.budget)).filter((curve) => curve.seconds.length > 0);
  if (curves.length === 0) throw new PgValidationError(where, "budget", "long enough for the first step of some method", options.budget);
  const budget = options.budget === undefined ? "" : `, ${options.budget} s per method`;
  const { svg } = await learningCurvesSvg({
    title: `Rotated sin${settingsOf(options.run)}: distance to the closest solution${budget}`,
    xLabel: "wall-clock time of training (s)",
    yLabel: "x_dist = ‖x − x_sol‖₂ (batch mean)",
    curves: curves.map((curve) => ({ name: curve.method, iterations: curve.seconds, values: curve.xDist })),
    logY: true,
    smoothing,
  });
  mkdirSync(options.out, { recursive: true });
  const file = join(options.out, WALL_TIME_FIGURE_FILE);
  writeFileSync(file, svg);
  return { file, curves };
}
