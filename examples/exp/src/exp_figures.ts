import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { renderVegaLiteSvg } from "@pg/cli";
import { EXP_METHODS } from "@pg/experiments";
import { loadNetwork } from "@pg/nets";
import type { TopLevelSpec } from "vega-lite";

/** The methods of the published prediction plot, with its legend labels: backprop with SGD and with Adam, and "Rescaled". */
export const PREDICTION_METHODS: Readonly<Record<string, string>> = Object.freeze({
  adjoint: "SGD (backprop)",
  "adjoint-adam": "Adam (backprop)",
  rescaled: "Rescaled",
});

/** The file names {@link writeExpFigures} writes into its output directory. */
export const EXP_FIGURE_FILES = Object.freeze({ prediction: "prediction.svg", error: "error.svg" });

/** Where a run keeps each method's trained network, relative to its directory (the run contract's `networks/`). */
const NETWORKS_DIRECTORY = "networks";

/** What the run's summary.json says about a method's saved network: its iteration and the method's status. */
interface SavedNetwork {
  readonly iteration: number | undefined;
  readonly status: string | undefined;
}

/** Each method's saved-network iteration and status from `<run>/summary.json`, or nothing known without one. */
function savedNetworks(run: string): (method: string) => SavedNetwork {
  let methods: Record<string, { networkIteration?: unknown; status?: unknown }> = {};
  try {
    const summary: unknown = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    const recorded: unknown = typeof summary === "object" && summary !== null ? Reflect.get(summary, "methods") : undefined;
    if (typeof recorded === "object" && recorded !== null) methods = recorded as typeof methods;
  } catch {
    // A run without a readable summary still has its networks; the legends then say less.
  }
  return (method) => {
    const entry = methods[method];
    const iteration = typeof entry?.networkIteration === "number" ? entry.networkIteration : undefined;
    const status = typeof entry?.status === "string" ? entry.status : undefined;
    return { iteration, status };
  };
}

/**
 * `count` evenly spaced numbers from `start` to `stop`, both included (like numpy's `linspace`).
 * @param start - the first value, finite.
 * @param stop - the last value, finite.
 * @param count - how many, an integer ≥ 2.
 * @returns a new Float64Array.
 * @throws {@link PgValidationError} for a bound that is not finite or a count that is not an integer ≥ 2.
 * @example
 * import { linspace } from "@pg/example-exp";
 * console.log(linspace(-12, 0, 5).join(" ")); // -12 -9 -6 -3 0
 */
export function linspace(start: number, stop: number, count: number): Float64Array {
  for (const [name, value] of [["start", start], ["stop", stop]] as const) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new PgValidationError("linspace", name, "a finite number", value);
  }
  if (requirePositiveInteger("linspace", "count", count) < 2) throw new PgValidationError("linspace", "count", "an integer ≥ 2", count);
  return Float64Array.from({ length: count }, (_, i) => (i === count - 1 ? stop : start + ((stop - start) * i) / (count - 1)));
}

/**
 * A trained network's predictions x for the targets x*: the network gets y* = e^{x*} (one input per example, as in
 * training) and its outputs are read back as Float64.
 * @param network - a network with one input and one output per example, e.g. `loadNetwork(run + "/networks/adjoint")`.
 * @param xTarget - x*, one per example, finite.
 * @returns x, one per example.
 * @throws {@link PgShapeError} if `xTarget` is not a non-empty Float64Array; {@link PgValidationError} if it holds a
 * non-finite value or `network` is not a tf.LayersModel.
 * @example
 * import { mlp } from "@pg/nets";
 * import { predictX } from "@pg/example-exp";
 * const network = mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, activation: "sigmoid", seed: 0 });
 * const x = predictX(network, Float64Array.of(-5, -1, 0));
 * console.log(x.length, x.every(Number.isFinite)); // 3 true
 */
export function predictX(network: tf.LayersModel, xTarget: Float64Array): Float64Array {
  if (!(network instanceof tf.LayersModel)) throw new PgValidationError("predictX", "network", "a tf.LayersModel", network);
  if (!(xTarget instanceof Float64Array) || xTarget.length === 0) throw new PgShapeError("predictX", "xTarget", "a non-empty Float64Array", xTarget);
  const bad = xTarget.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new PgValidationError("predictX", "xTarget", "finite numbers", xTarget, `xTarget[${bad}] is ${String(xTarget[bad])}.`);
  const input = tf.tensor2d(Array.from(xTarget, Math.exp), [xTarget.length, 1]);
  const output = network.predict(input) as tf.Tensor;
  try {
    return Float64Array.from(output.dataSync());
  } finally {
    tf.dispose([input, output]);
  }
}

/** One line of a figure: y against x. */
export interface FigureLine {
  /** The legend entry; unique within a figure. */
  readonly name: string;
  readonly x: Float64Array;
  /** The same length as `x`. */
  readonly y: Float64Array;
  /** Drawn dashed in grey (a reference such as the identity) instead of solid in the next colour. @defaultValue false */
  readonly dashed?: boolean;
}

/** Options of {@link lineFigureSvg}. */
export interface LineFigureOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** At least one line. */
  readonly lines: readonly FigureLine[];
  /** Logarithmic y axis (non-positive values are then left out). @defaultValue false */
  readonly logY?: boolean;
  /** Plotting area in pixels. @defaultValue 420 */
  readonly width?: number;
  /** @defaultValue 300 */
  readonly height?: number;
}

const LINE_FIGURE_OPTION_KEYS = ["title", "xLabel", "yLabel", "lines", "logY", "width", "height"] as const satisfies readonly (keyof LineFigureOptions)[];
true satisfies OptionKeysCover<LineFigureOptions, typeof LINE_FIGURE_OPTION_KEYS>;
const LINE_KEYS = ["name", "x", "y", "dashed"] as const satisfies readonly (keyof FigureLine)[];
true satisfies OptionKeysCover<FigureLine, typeof LINE_KEYS>;

/** Colours of the solid lines, in order (the palette's first entries); dashed references are grey. */
const PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d"];
const REFERENCE_COLOR = "#888888";

/**
 * A line figure as an SVG document: every line against its own x, coloured and named in one legend, dashed grey
 * lines for references. A vega-lite spec rendered headless by vega (no browser), as `@pg/cli`'s learning curves are.
 * @param options - {@link LineFigureOptions}.
 * @returns the SVG text.
 * @throws {@link PgValidationError} for an unknown option or line key (the closest one suggested), no lines, a repeated
 * or empty name, a label that is not a string or a size that is not a positive integer; {@link PgShapeError} for a
 * line whose x and y differ in length or are not Float64Arrays.
 * @example
 * import { lineFigureSvg } from "@pg/example-exp";
 * const x = Float64Array.of(-2, -1, 0);
 * const svg = await lineFigureSvg({
 *   title: "demo", xLabel: "x*", yLabel: "x",
 *   lines: [{ name: "network", x, y: Float64Array.of(-1.5, -1, 0) }, { name: "x = x*", x, y: x, dashed: true }],
 * });
 * console.log(svg.startsWith("<svg"), svg.includes("network"), svg.includes("stroke-dasharray")); // true true true
 */
export async function lineFigureSvg(options: LineFigureOptions): Promise<string> {
  const where = "lineFigureSvg";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an options object", options);
  requireKnownKeys(where, "options", options, LINE_FIGURE_OPTION_KEYS);
  for (const key of ["title", "xLabel", "yLabel"] as const) {
    if (typeof options[key] !== "string") throw new PgValidationError(where, key, "a string", options[key]);
  }
  const logY = options.logY ?? false;
  if (typeof logY !== "boolean") throw new PgValidationError(where, "logY", "true or false", logY);
  const width = requirePositiveInteger(where, "width", options.width ?? 420);
  const height = requirePositiveInteger(where, "height", options.height ?? 300);
  if (!Array.isArray(options.lines) || options.lines.length === 0) throw new PgValidationError(where, "lines", "a non-empty array of { name, x, y, dashed? }", options.lines);
  const names = new Set<string>();
  const rows: { line: string; x: number; y: number }[] = [];
  options.lines.forEach((line: FigureLine, index) => {
    const at = `lines[${index}]`;
    if (typeof line !== "object" || line === null) throw new PgValidationError(where, at, "an object { name, x, y, dashed? }", line);
    requireKnownKeys(where, at, line, LINE_KEYS);
    if (typeof line.name !== "string" || line.name === "" || names.has(line.name)) throw new PgValidationError(where, `${at}.name`, "a non-empty name no other line has", line.name);
    names.add(line.name);
    if (!(line.x instanceof Float64Array)) throw new PgShapeError(where, `${at}.x`, "a Float64Array", line.x);
    if (!(line.y instanceof Float64Array) || line.y.length !== line.x.length) throw new PgShapeError(where, `${at}.y`, `a Float64Array of the length of ${at}.x, ${line.x.length}`, line.y);
    line.x.forEach((x, k) => {
      const y = line.y[k] as number;
      if (Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)) rows.push({ line: line.name, x, y });
    });
  });
  const domain = options.lines.map((line) => line.name);
  let solid = 0;
  const colors = options.lines.map((line) => (line.dashed === true ? REFERENCE_COLOR : (PALETTE[solid++ % PALETTE.length] as string)));
  const dashes = options.lines.map((line) => (line.dashed === true ? [6, 4] : [1, 0]));
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width,
    height,
    background: "white",
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xLabel, scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: options.yLabel, scale: logY ? { type: "log" } : { zero: false } },
      color: { field: "line", type: "nominal", scale: { domain, range: colors }, legend: { title: null, labelLimit: 400 } },
      // The same legend as the colour, so that a dashed line shows dashed there too.
      strokeDash: { field: "line", type: "nominal", scale: { domain, range: dashes }, legend: { title: null, labelLimit: 400 } },
    },
  };
  return renderVegaLiteSvg(spec);
}

/** Options of {@link writeExpFigures}. */
export interface ExpFiguresOptions {
  /** The run directory of `pg train exp` (with `networks/<method>/`). */
  readonly run: string;
  /** Where the two SVGs go; created if missing. */
  readonly out: string;
  /** Points on x* of each curve. @defaultValue 1000 */
  readonly points?: number;
}

const EXP_FIGURES_OPTION_KEYS = ["run", "out", "points"] as const satisfies readonly (keyof ExpFiguresOptions)[];
true satisfies OptionKeysCover<ExpFiguresOptions, typeof EXP_FIGURES_OPTION_KEYS>;

/** What {@link writeExpFigures} wrote. */
export interface ExpFiguresResult {
  /** The paths of the SVGs. */
  readonly files: readonly string[];
  /** The methods whose saved networks were drawn, in the experiment's order. */
  readonly methods: readonly string[];
}

/**
 * Draws the published version's Fig. 2 from a run of `pg train exp`: `prediction.svg`, the network's prediction x
 * against x* on `points` points of x* ∈ [−11, 0] for backprop with SGD and with Adam and for the rescaled update, with
 * the identity x = x* dashed; and `error.svg`, |x − x*| against x* ∈ [−12, 0] on a log axis for every method with a
 * saved network. The networks are those the run saved last: its final iteration, or for a method that stopped (the
 * run's summary.json says so, and the legend) its last iteration with finite weights.
 * @param options - {@link ExpFiguresOptions}.
 * @returns the files written and the methods drawn.
 * @throws {@link PgValidationError} for an unknown option, paths that are not non-empty strings, a point count below
 * 2, or a run directory with no saved network of any method.
 * @example
 * import { writeExpFigures } from "@pg/example-exp";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const empty = mkdtempSync(join(tmpdir(), "pg-exp-"));
 * try {
 *   await writeExpFigures({ run: empty, out: join(empty, "figures") });
 * } catch (error) {
 *   console.log(error.parameter); // run
 * }
 */
export async function writeExpFigures(options: ExpFiguresOptions): Promise<ExpFiguresResult> {
  const where = "writeExpFigures";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an options object { run, out, points? }", options);
  requireKnownKeys(where, "options", options, EXP_FIGURES_OPTION_KEYS);
  for (const key of ["run", "out"] as const) {
    if (typeof options[key] !== "string" || options[key].trim() === "") throw new PgValidationError(where, key, "a directory path", options[key]);
  }
  const points = requirePositiveInteger(where, "points", options.points ?? 1000);
  if (points < 2) throw new PgValidationError(where, "points", "an integer ≥ 2", points);
  const methods = EXP_METHODS.filter((method) => existsSync(join(options.run, NETWORKS_DIRECTORY, method, "network.json")));
  if (methods.length === 0) {
    throw new PgValidationError(where, "run", `a run directory of pg train exp with saved networks (${NETWORKS_DIRECTORY}/<method>/)`, options.run);
  }
  const predictionTargets = linspace(-11, 0, points);
  const errorTargets = linspace(-12, 0, points);
  const predictionLines: FigureLine[] = [];
  const errorLines: FigureLine[] = [];
  const saved = savedNetworks(options.run);
  const predictionIterations = new Set<number | undefined>();
  for (const method of methods) {
    const network = await loadNetwork(join(options.run, NETWORKS_DIRECTORY, method));
    try {
      const label = PREDICTION_METHODS[method];
      const { iteration, status } = saved(method);
      if (label !== undefined) {
        predictionLines.push({ name: label, x: predictionTargets, y: predictX(network, predictionTargets) });
        predictionIterations.add(iteration);
      }
      const x = predictX(network, errorTargets);
      // A method that stopped early (newton diverges) is drawn with the network of its last good iteration.
      const name = status === undefined || status === "done" ? method : `${method} (${status}, iteration ${iteration ?? "?"})`;
      errorLines.push({ name, x: errorTargets, y: x.map((v, i) => Math.abs(v - (errorTargets[i] as number))) });
    } finally {
      network.dispose();
    }
  }
  predictionLines.push({ name: "x = x*", x: predictionTargets, y: predictionTargets, dashed: true });
  const [only] = predictionIterations;
  const after = predictionIterations.size === 1 && only !== undefined ? ` after ${only} iterations` : "";
  mkdirSync(options.out, { recursive: true });
  const prediction = join(options.out, EXP_FIGURE_FILES.prediction);
  const error = join(options.out, EXP_FIGURE_FILES.error);
  writeFileSync(prediction, await lineFigureSvg({ title: `Network prediction${after}`, xLabel: "x*", yLabel: "predicted x", lines: predictionLines }));
  // Log scale: a diverged method's error is orders of magnitude above the others'.
  writeFileSync(error, await lineFigureSvg({ title: "Error of the trained networks", xLabel: "x*", yLabel: "|x − x*|", lines: errorLines, logY: true }));
  return { files: [prediction, error], methods };
}
