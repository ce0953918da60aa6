import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { writeFieldImages, type FieldPanel } from "./field_images";
import { plotRun } from "./plot_run";
import type { ExperimentSummary } from "./run_experiment";

/** The first examples of the most recent step, per method: what an experiment's examples figure shows. */
export interface KeptExamples {
  /** The step each method's predictions were taken at (the prediction its scheme saw, before that step's update). */
  readonly step: Readonly<Record<string, number>>;
  readonly yTarget: readonly Float64Array[];
  readonly xTarget: readonly Float64Array[];
  /** Per method, one prediction per kept example. */
  readonly predictions: Readonly<Record<string, readonly Float64Array[]>>;
}

/**
 * Keeps, per method, the first `count` examples of the latest step (prediction, y*, x*). Experiments call `keep` from
 * their x-error callback, which sees every step's prediction; every method sees the same batches, so the kept y* and
 * x* are the same for all methods at the same step.
 * @example
 * import { LastExamples } from "@pg/cli";
 * const kept = new LastExamples(1, 2);
 * console.log(kept.get()); // undefined
 * kept.keep("adam", 7, Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), Float64Array.of(0, 1, 0, 1));
 * const { step, predictions, yTarget, xTarget } = kept.get();
 * console.log(step.adam, predictions.adam.length, predictions.adam[0].join(" "), yTarget[0].join(" "), xTarget[0].join(" ")); // 7 1 1 2 5 6 0 1
 */
export class LastExamples {
  private readonly step: Record<string, number> = {};
  private readonly predictions: Record<string, Float64Array[]> = {};
  private yTarget: Float64Array[] = [];
  private xTarget: Float64Array[] = [];

  /**
   * @param count - examples to keep, a positive integer. @param cells - entries per example, a positive integer.
   * @throws {@link PgValidationError} when either is not a positive integer.
   */
  constructor(
    readonly count: number,
    readonly cells: number,
  ) {
    requirePositiveInteger("LastExamples", "count", count);
    requirePositiveInteger("LastExamples", "cells", cells);
  }

  /** Keeps the first examples of a step. Not validated: it runs every step, on the runner's own arrays. */
  keep(method: string, step: number, x: Float64Array, yTarget: Float64Array, xTarget: Float64Array): void {
    const shown = Math.min(this.count, Math.floor(x.length / this.cells));
    const rows = (values: Float64Array) => Array.from({ length: shown }, (_, e) => values.slice(e * this.cells, (e + 1) * this.cells));
    this.step[method] = step;
    this.predictions[method] = rows(x);
    this.yTarget = rows(yTarget);
    this.xTarget = rows(xTarget);
  }

  /** What was kept, or undefined before the first `keep`. */
  /** Continues from what {@link LastExamples.get} returned (a checkpoint's copy). */
  static restore(count: number, cells: number, kept: KeptExamples | undefined): LastExamples {
    const examples = new LastExamples(count, cells);
    if (kept === undefined) return examples;
    const whole = typeof kept === "object" && kept !== null && Array.isArray(kept.yTarget) && Array.isArray(kept.xTarget) && typeof kept.step === "object" && typeof kept.predictions === "object";
    if (!whole) throw new PgValidationError("LastExamples.restore", "kept", "what LastExamples.get returned { step, yTarget, xTarget, predictions }, or undefined", kept);
    Object.assign(examples.step, kept.step);
    for (const [method, rows] of Object.entries(kept.predictions)) examples.predictions[method] = [...rows];
    examples.yTarget = [...kept.yTarget];
    examples.xTarget = [...kept.xTarget];
    return examples;
  }

  get(): KeptExamples | undefined {
    return Object.keys(this.step).length === 0
      ? undefined
      : { step: this.step, yTarget: this.yTarget, xTarget: this.xTarget, predictions: this.predictions };
  }
}

/** Options of {@link writeExperimentFigures}. */
export interface ExperimentFiguresOptions {
  readonly summary: ExperimentSummary;
  readonly examples: KeptExamples | undefined;
  /** Grid of one example, [nx, ny]; without it only the learning curves are drawn. */
  readonly shape?: readonly [number, number];
  /** Logarithmic y axis of the curves. @defaultValue true */
  readonly logY?: boolean;
  /** Running-average width of the curves (16 for the PDE figures). */
  readonly smoothing: number;
  /** Axis labels of the two learning-curve plots. */
  readonly labels: { readonly x_err: string; readonly loss: string };
  /**
   * Colour range of the y* column: its own, or that of the row's x* (so y* shows how much the physics flattened it).
   */
  readonly observationRange?: "own" | "solution";
}

const EXPERIMENT_FIGURES_OPTION_KEYS = ["summary", "examples", "shape", "logY", "smoothing", "labels", "observationRange"] as const satisfies readonly (keyof ExperimentFiguresOptions)[];
true satisfies OptionKeysCover<ExperimentFiguresOptions, typeof EXPERIMENT_FIGURES_OPTION_KEYS>;

/**
 * min and max of a field, widened when constant so a colour scale exists; NaN and ±Infinity are left out.
 * @throws {@link PgValidationError} unless `values` holds at least one finite number.
 * @example
 * import { fieldRange } from "@pg/cli";
 * console.log(fieldRange(Float64Array.of(3, -1, 2)).join(" "), fieldRange(Float64Array.of(5, 5)).join(" ")); // -1 3 4 6
 */
export function fieldRange(values: Float64Array): [number, number] {
  const expected = "an array holding at least one finite number";
  const given: unknown = values;
  if (!(given instanceof Float64Array) && !(given instanceof Float32Array) && !Array.isArray(given)) throw new PgValidationError("fieldRange", "values", expected, values);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values as Iterable<number>) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) throw new PgValidationError("fieldRange", "values", expected, values);
  return min < max ? [min, max] : [min - 1, max + 1];
}

/**
 * Writes the figures of a finished PDE experiment into its `--out` directory: `x_err.svg` and `loss.svg` (learning
 * curves, log y) and `examples.png` (one row per kept example: y*, each method's prediction, x*; predictions share
 * the colour range of the row's x*) with `examples.json` naming the columns and steps (the PNG has no text).
 * @returns the files written (none when no method completed a step).
 * @throws {@link PgValidationError} for an option key it does not know (the closest suggested), a `summary` without
 * `arguments.out` and `methods`, `labels` that are not two strings, a `shape` that is not two positive integers or an
 * unknown `observationRange`; the errors of {@link plotRun} and {@link writeFieldImages}.
 * @example
 * import { LastExamples, MetricsCsv, writeExperimentFigures } from "@pg/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { basename, join } from "node:path";
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const summary = { experiment: "demo", arguments: { out }, backend: "cpu", averageWindow: 1, methods: { adam: { iterations: 2 } } };
 * writeFileSync(join(out, "summary.json"), JSON.stringify(summary));
 * const csv = new MetricsCsv(join(out, "adam.csv"), ["iteration", "loss", "x_err"]);
 * [[1, 1, 2], [2, 0.5, 1]].forEach(([iteration, loss, x_err]) => csv.write({ iteration, loss, x_err }));
 * csv.close();
 * const kept = new LastExamples(1, 4);
 * kept.keep("adam", 2, Float64Array.of(0, 1, 2, 3), Float64Array.of(1, 1, 1, 1), Float64Array.of(0, 1, 2, 4));
 * const { files } = await writeExperimentFigures({ summary, examples: kept.get(), shape: [2, 2], smoothing: 1, labels: { x_err: "|x − x*|₁", loss: "loss" }, observationRange: "solution" });
 * console.log(files.map((file) => basename(file)).join(" ")); // x_err.svg loss.svg examples.png examples.json
 */
export async function writeExperimentFigures(options: ExperimentFiguresOptions): Promise<{ files: string[] }> {
  const where = "writeExperimentFigures";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an options object", options);
  requireKnownKeys(where, "options", options, EXPERIMENT_FIGURES_OPTION_KEYS);
  const { summary, examples, shape } = options;
  const methods: unknown = typeof summary === "object" && summary !== null ? summary.methods : undefined;
  const out: unknown = typeof summary === "object" && summary !== null && typeof summary.arguments === "object" && summary.arguments !== null ? summary.arguments.out : undefined;
  if (typeof out !== "string" || out.trim() === "" || typeof methods !== "object" || methods === null) {
    throw new PgValidationError(where, "options.summary", "a run's summary { arguments: { out }, methods }", summary);
  }
  const labels: unknown = options.labels;
  if (typeof labels !== "object" || labels === null || typeof (labels as { x_err?: unknown }).x_err !== "string" || typeof (labels as { loss?: unknown }).loss !== "string") {
    throw new PgValidationError(where, "options.labels", "an object { x_err, loss } of axis labels", labels);
  }
  if (shape !== undefined && (!Array.isArray(shape) || shape.length !== 2 || !shape.every((size) => Number.isInteger(size) && size >= 1))) {
    throw new PgValidationError(where, "options.shape", "[nx, ny], two positive integers", shape);
  }
  if (options.observationRange !== undefined && options.observationRange !== "own" && options.observationRange !== "solution") {
    throw new PgValidationError(where, "options.observationRange", '"own" or "solution"', options.observationRange);
  }
  const files: string[] = [];
  const ran = Object.entries(summary.methods).filter(([, m]) => m.iterations > 0);
  if (ran.length === 0) return { files };
  for (const metric of ["x_err", "loss"] as const) {
    const { path } = await plotRun({ directory: out, metric, smoothing: options.smoothing, logY: options.logY ?? true, yLabel: options.labels[metric] });
    files.push(path);
  }
  if (examples !== undefined && shape !== undefined) {
    const methods = ran.map(([name]) => name).filter((name) => examples.predictions[name] !== undefined);
    const fields: FieldPanel[][] = examples.xTarget.map((xTarget, e) => {
      const range = fieldRange(xTarget);
      const yTarget = examples.yTarget[e] as Float64Array;
      return [
        { title: `y* (example ${e})`, values: yTarget, shape, range: options.observationRange === "own" ? fieldRange(yTarget) : range },
        ...methods.map((name) => ({ title: `${name} (step ${examples.step[name]})`, values: (examples.predictions[name] as Float64Array[])[e] as Float64Array, shape, range })),
        { title: `x* (example ${e})`, values: xTarget, shape, range },
      ];
    });
    const image = writeFieldImages(join(out, "examples.png"), { fields, colormap: "viridis" });
    const description = join(out, "examples.json");
    writeFileSync(description, `${JSON.stringify({ columns: ["y*", ...methods, "x*"], steps: examples.step, layout: image.layout }, null, 2)}\n`);
    files.push(image.path, description);
  }
  return { files };
}
