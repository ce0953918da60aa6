import { PgShapeError, PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import type { TopLevelSpec } from "vega-lite";
import { smoothUniform } from "./smooth_uniform";

/** One learning curve: a method's metric against iteration (or any other x such as wall-clock seconds). */
export interface LearningCurve {
  /** The method's name, shown in the legend; unique within one plot. */
  readonly name: string;
  /** x of every sample, e.g. the CSV column `iteration`; same length as `values`. */
  readonly iterations: readonly number[] | Float64Array;
  /** y of every sample, e.g. the CSV column `loss` or `x_err`. */
  readonly values: readonly number[] | Float64Array;
}

/** A horizontal reference level, drawn dashed and labelled (e.g. the L-BFGS-B or random-guess error of Fig. 3). */
export interface ReferenceLevel {
  /** Label written at the right end of the line. */
  readonly name: string;
  /** The level; finite, and > 0 on a log scale. */
  readonly value: number;
}

/** Options of {@link learningCurvesSvg}. */
export interface LearningCurvesOptions {
  /** The curves, one line each, coloured by name in the order given; at least one. */
  readonly curves: readonly LearningCurve[];
  /** Chart title. */
  readonly title: string;
  /** y-axis title, e.g. `"loss"` or `"|x − x*|₁"`. */
  readonly yLabel: string;
  /** x-axis title. @defaultValue "iteration" */
  readonly xLabel?: string;
  /** Logarithmic y axis; non-positive values are then dropped (and counted). @defaultValue true */
  readonly logY?: boolean;
  /** Running-average window n of {@link smoothUniform}; 1 draws the raw curve. @defaultValue 1 */
  readonly smoothing?: number;
  /** Dashed horizontal reference lines with labels. @defaultValue [] */
  readonly references?: readonly ReferenceLevel[];
  /** Longest curve drawn; after smoothing, longer curves keep every k-th point, k = ⌈length / maxPoints⌉. @defaultValue 2000 */
  readonly maxPoints?: number;
  /** Width of the plotting area in pixels. @defaultValue 480 */
  readonly width?: number;
  /** Height of the plotting area in pixels. @defaultValue 300 */
  readonly height?: number;
  /** Title of the colour legend. @defaultValue "method" */
  readonly legendTitle?: string;
}

/** Result of {@link learningCurvesSvg}. */
export interface LearningCurvesResult {
  /** The chart as a standalone SVG document. */
  readonly svg: string;
  /**
   * Per curve name, the raw samples left out before smoothing: non-finite x or y, and y ≤ 0 when `logY`. A
   * non-finite sample would otherwise poison every window it falls in, and log(y ≤ 0) does not exist.
   */
  readonly droppedPoints: Readonly<Record<string, number>>;
  /** Per curve name, the points in the drawn line (after dropping, smoothing and downsampling). */
  readonly plottedPoints: Readonly<Record<string, number>>;
}

const WHERE = "learningCurvesSvg";
const REFERENCE_COLOR = "#555555";

interface ResolvedLearningCurvesOptions {
  readonly curves: readonly LearningCurve[];
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel: string;
  readonly logY: boolean;
  readonly smoothing: number;
  readonly references: readonly ReferenceLevel[];
  readonly maxPoints: number;
  readonly width: number;
  readonly height: number;
  readonly legendTitle: string;
}

function requireText(parameter: string, value: unknown): string {
  if (typeof value !== "string") throw new PgValidationError(WHERE, parameter, "a string", value);
  return value;
}

const LEARNING_CURVES_OPTION_KEYS = [
  "curves",
  "title",
  "yLabel",
  "xLabel",
  "logY",
  "smoothing",
  "references",
  "maxPoints",
  "width",
  "height",
  "legendTitle",
] as const satisfies readonly (keyof LearningCurvesOptions)[];
true satisfies OptionKeysCover<LearningCurvesOptions, typeof LEARNING_CURVES_OPTION_KEYS>;
const CURVE_KEYS = ["name", "iterations", "values"] as const satisfies readonly (keyof LearningCurve)[];
const REFERENCE_KEYS = ["name", "value"] as const satisfies readonly (keyof ReferenceLevel)[];

function isNumberArray(value: unknown): value is readonly number[] | Float64Array {
  return value instanceof Float64Array || (Array.isArray(value) && value.every((entry) => typeof entry === "number"));
}

function resolveLearningCurvesOptions(options: LearningCurvesOptions): ResolvedLearningCurvesOptions {
  if (options === null || typeof options !== "object") throw new PgValidationError(WHERE, "options", "an options object", options);
  requireKnownKeys(WHERE, "options", options, LEARNING_CURVES_OPTION_KEYS);
  const resolved: ResolvedLearningCurvesOptions = {
    curves: options.curves,
    title: requireText("title", options.title),
    yLabel: requireText("yLabel", options.yLabel),
    xLabel: requireText("xLabel", options.xLabel ?? "iteration"),
    logY: options.logY ?? true,
    smoothing: options.smoothing ?? 1,
    references: options.references ?? [],
    maxPoints: options.maxPoints ?? 2000,
    width: options.width ?? 480,
    height: options.height ?? 300,
    legendTitle: requireText("legendTitle", options.legendTitle ?? "method"),
  };
  if (typeof resolved.logY !== "boolean") throw new PgValidationError(WHERE, "logY", "true or false", resolved.logY);
  requirePositiveInteger(WHERE, "smoothing", resolved.smoothing);
  requirePositiveInteger(WHERE, "width", resolved.width);
  requirePositiveInteger(WHERE, "height", resolved.height);
  if (typeof resolved.maxPoints !== "number" || !Number.isInteger(resolved.maxPoints) || resolved.maxPoints < 2) {
    throw new PgValidationError(WHERE, "maxPoints", "an integer ≥ 2", resolved.maxPoints);
  }
  if (!Array.isArray(resolved.curves) || resolved.curves.length === 0) {
    throw new PgValidationError(WHERE, "curves", "a non-empty array of { name, iterations, values }", resolved.curves);
  }
  const names = new Set<string>();
  resolved.curves.forEach((curve: LearningCurve, index) => {
    const at = `curves[${index}]`;
    if (curve === null || typeof curve !== "object") throw new PgValidationError(WHERE, at, "an object { name, iterations, values }", curve);
    requireKnownKeys(WHERE, at, curve, CURVE_KEYS);
    if (typeof curve.name !== "string" || curve.name.length === 0) throw new PgValidationError(WHERE, `${at}.name`, "a non-empty string", curve.name);
    if (names.has(curve.name)) throw new PgValidationError(WHERE, `${at}.name`, "a name no other curve has", curve.name);
    names.add(curve.name);
    if (!isNumberArray(curve.iterations)) throw new PgValidationError(WHERE, `${at}.iterations`, "a number[] or Float64Array", curve.iterations);
    if (!isNumberArray(curve.values)) throw new PgValidationError(WHERE, `${at}.values`, "a number[] or Float64Array", curve.values);
    if (curve.values.length === 0) throw new PgShapeError(WHERE, `${at}.values`, `at least one sample (curve "${curve.name}")`, curve.values);
    if (curve.values.length !== curve.iterations.length) {
      throw new PgShapeError(WHERE, `${at}.values`, `the length of ${at}.iterations, ${curve.iterations.length} (curve "${curve.name}")`, curve.values);
    }
  });
  if (!Array.isArray(resolved.references)) throw new PgValidationError(WHERE, "references", "an array of { name, value }", resolved.references);
  resolved.references.forEach((reference: ReferenceLevel, index) => {
    const at = `references[${index}]`;
    if (reference === null || typeof reference !== "object") throw new PgValidationError(WHERE, at, "an object { name, value }", reference);
    requireKnownKeys(WHERE, at, reference, REFERENCE_KEYS);
    requireText(`${at}.name`, reference.name);
    const value = reference.value;
    if (typeof value !== "number" || !Number.isFinite(value) || (resolved.logY && value <= 0)) {
      throw new PgValidationError(WHERE, `${at}.value`, resolved.logY ? "a finite number > 0 (the y axis is logarithmic)" : "a finite number", value);
    }
  });
  return resolved;
}

/** One curve reduced to what is drawn. */
interface PreparedCurve {
  readonly x: number[];
  readonly y: number[];
  readonly dropped: number;
}

function prepareCurve(curve: LearningCurve, options: ResolvedLearningCurvesOptions): PreparedCurve {
  const keptX: number[] = [];
  const keptY: number[] = [];
  for (let i = 0; i < curve.values.length; i++) {
    const x = curve.iterations[i] as number;
    const y = curve.values[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0)) {
      keptX.push(x);
      keptY.push(y);
    }
  }
  const dropped = curve.values.length - keptY.length;
  let x: number[];
  let y: number[];
  if (keptY.length === 0) {
    x = [];
    y = [];
  } else if (options.smoothing > 1 && keptY.length <= options.smoothing) {
    // Too short for one full window: draw the mean as a flat line over the curve's x range (as smooth_uniform_curve).
    const mean = keptY.reduce((sum, value) => sum + value, 0) / keptY.length;
    const first = Math.min(...keptX);
    const last = Math.max(...keptX);
    x = first === last ? [first] : [first, last];
    y = x.map(() => mean);
  } else {
    const smoothed = smoothUniform(keptY, options.smoothing);
    y = Array.from(smoothed.values);
    x = y.map((_, k) => keptX[k + smoothed.offset] as number);
  }
  if (y.length > options.maxPoints) {
    const stride = Math.ceil(y.length / options.maxPoints);
    x = x.filter((_, k) => k % stride === 0);
    y = y.filter((_, k) => k % stride === 0);
  }
  return { x, y, dropped };
}

/**
 * Draws learning curves as the paper's figures do: one line per method (colour by name, with a legend), optionally
 * smoothed by a running average of width n in 'valid' mode and drawn at x shifted by ⌊n/2⌋ − 1 samples (PhiFlow's
 * `smooth_uniform_curve`, {@link smoothUniform}), on a log y axis, with dashed labelled reference levels. A curve with fewer samples than n is
 * drawn as its mean, flat over its x range. Curves longer than `maxPoints` after smoothing are thinned to every k-th
 * point. The chart is a vega-lite layered spec rendered headless by vega (no browser, no canvas).
 * @param options - {@link LearningCurvesOptions}; validated once, here.
 * @returns the SVG and, per curve, how many samples were dropped and how many points were drawn.
 * @throws {@link PgValidationError} for an empty `curves`, a repeated or empty curve name, non-numeric arrays, a
 *   non-positive-integer `smoothing`/`width`/`height`, `maxPoints` < 2, or a reference level that is not finite (or
 *   not > 0 on a log axis), or a key unknown to the options, a curve or a reference (the closest one suggested);
 *   {@link PgShapeError} when a curve's `values` and `iterations` differ in length or are empty.
 * @example
 * import { learningCurvesSvg } from "@pg/cli";
 * const { svg, droppedPoints, plottedPoints } = await learningCurvesSvg({
 *   title: "sin", yLabel: "loss",
 *   curves: [{ name: "adam", iterations: [1, 2, 3, 4], values: [1, 0.5, 0, 0.25] }],
 *   references: [{ name: "random guess", value: 2 }],
 * });
 * // log y axis: the 0 cannot be drawn
 * console.log(svg.startsWith("<svg"), JSON.stringify(droppedPoints), JSON.stringify(plottedPoints)); // true {"adam":1} {"adam":3}
 */
export async function learningCurvesSvg(options: LearningCurvesOptions): Promise<LearningCurvesResult> {
  const resolved = resolveLearningCurvesOptions(options);
  const droppedPoints: Record<string, number> = {};
  const plottedPoints: Record<string, number> = {};
  const rows: { curve: string; x: number; y: number }[] = [];
  for (const curve of resolved.curves) {
    const prepared = prepareCurve(curve, resolved);
    droppedPoints[curve.name] = prepared.dropped;
    plottedPoints[curve.name] = prepared.y.length;
    prepared.y.forEach((y, k) => rows.push({ curve: curve.name, x: prepared.x[k] as number, y }));
  }
  const svg = await renderVegaLiteSvg(learningCurvesSpec(resolved, rows));
  return { svg, droppedPoints, plottedPoints };
}

function learningCurvesSpec(options: ResolvedLearningCurvesOptions, rows: readonly { curve: string; x: number; y: number }[]): TopLevelSpec {
  const yScale = options.logY ? { type: "log" as const } : { zero: false };
  const references = options.references.map((reference) => ({ name: reference.name, value: reference.value }));
  const referenceLayers =
    references.length === 0
      ? []
      : [
          {
            data: { values: references },
            mark: { type: "rule" as const, strokeDash: [6, 4], color: REFERENCE_COLOR, strokeWidth: 1 },
            encoding: { y: { field: "value", type: "quantitative" as const, title: options.yLabel, scale: yScale } },
          },
          {
            data: { values: references },
            mark: { type: "text" as const, align: "right" as const, baseline: "bottom" as const, dy: -2, color: REFERENCE_COLOR },
            encoding: {
              x: { value: options.width - 4 },
              y: { field: "value", type: "quantitative" as const, title: options.yLabel, scale: yScale },
              text: { field: "name", type: "nominal" as const },
            },
          },
        ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: options.width,
    height: options.height,
    background: "white",
    layer: [
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.5, clip: true },
        encoding: {
          x: { field: "x", type: "quantitative", title: options.xLabel },
          y: { field: "y", type: "quantitative", title: options.yLabel, scale: yScale },
          color: {
            field: "curve",
            type: "nominal",
            scale: { domain: options.curves.map((curve) => curve.name) },
            legend: { title: options.legendTitle },
          },
        },
      },
      ...referenceLayers,
    ],
  };
}

/**
 * Compiles a vega-lite specification and renders it headless to SVG text (vega's "none" renderer: no DOM, no canvas),
 * as every figure of @pg/cli is drawn; vega is loaded on first use.
 * @param spec - a vega-lite top-level specification.
 * @returns the SVG document.
 * @throws {@link PgValidationError} when `spec` is not an object.
 * @example
 * import { renderVegaLiteSvg } from "@pg/cli";
 * const svg = await renderVegaLiteSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: "line", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } });
 * console.log(svg.startsWith("<svg"), svg.includes("</svg>")); // true true
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new PgValidationError("renderVegaLiteSvg", "spec", "a vega-lite specification (an object)", spec);
  // Loaded on first use: vega is large, and most imports of @pg/cli never draw a chart.
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
