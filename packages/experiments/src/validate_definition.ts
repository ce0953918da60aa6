import {
  closestName,
  PgValidationError,
  requireKnownKeys,
  requireNonNegativeInteger,
  requireOneOf,
  requirePositive,
  requirePositiveInteger,
  type OptionKeysCover,
  type Physics,
} from "@pg/core";
import type { ExperimentDefinition, FieldFigureSpec, FigureSpec, MethodPlan, RunArgumentSpec, RunArguments } from "./contract";

/** Every key of {@link ExperimentDefinition}, so that a misspelt one can be named with the key it most likely meant. */
export const EXPERIMENT_DEFINITION_KEYS = [
  "name",
  "description",
  "settings",
  "defaults",
  "knownMethods",
  "physics",
  "reduction",
  "outputTransform",
  "inputShape",
  "outputShape",
  "network",
  "batches",
  "method",
  "xError",
  "extraMetrics",
  "averageWindow",
  "reportIterations",
  "figures",
] as const satisfies readonly (keyof ExperimentDefinition)[];

const DEFAULTS_KEYS = ["iterations", "batch", "seed", "methods", "out"] as const satisfies readonly (keyof RunArgumentSpec["defaults"])[];
const FIGURE_KEYS = ["labels", "smoothing", "logY", "fields"] as const satisfies readonly (keyof FigureSpec<Physics>)[];
const FIELD_FIGURE_KEYS = ["shape", "xTarget", "observationRange", "examples"] as const satisfies readonly (keyof FieldFigureSpec<Physics>)[];
const LABEL_KEYS = ["x_err", "loss"] as const satisfies readonly (keyof FigureSpec<Physics>["labels"])[];
const EXTRA_METRICS_KEYS = ["columns", "values"] as const;
const METHOD_PLAN_KEYS = ["scheme", "optimizer", "reduction", "prepareBatch", "outputTransform"] as const satisfies readonly (keyof MethodPlan<Physics>)[];

// A key added to one of these interfaces and forgotten in its list stops the build here, naming the key.
true satisfies OptionKeysCover<ExperimentDefinition, typeof EXPERIMENT_DEFINITION_KEYS>;
true satisfies OptionKeysCover<FigureSpec<Physics>, typeof FIGURE_KEYS>;
true satisfies OptionKeysCover<FieldFigureSpec<Physics>, typeof FIELD_FIGURE_KEYS>;
true satisfies OptionKeysCover<MethodPlan<Physics>, typeof METHOD_PLAN_KEYS>;

/** The batch reductions a definition or a method plan may name. */
const REDUCTIONS = ["sum", "mean"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireRecord(where: string, parameter: string, value: unknown, expected: string): Record<string, unknown> {
  if (!isRecord(value)) throw new PgValidationError(where, parameter, expected, value);
  return value;
}

function requireFunction(where: string, parameter: string, value: unknown, expected = "a function"): void {
  if (typeof value !== "function") throw new PgValidationError(where, parameter, expected, value);
}

function requireText(where: string, parameter: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new PgValidationError(where, parameter, "a non-empty string", value);
  return value;
}

function requireShape(where: string, parameter: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((size) => typeof size === "number" && Number.isInteger(size) && size >= 1)) {
    throw new PgValidationError(where, parameter, "a non-empty array of positive integers (one example's shape)", value);
  }
  return value as number[];
}

function requireNames(where: string, parameter: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((name) => typeof name === "string" && name.trim() !== "")) {
    throw new PgValidationError(where, parameter, "a non-empty array of non-empty strings", value);
  }
  const repeated = value.find((name, index) => value.indexOf(name) !== index);
  if (repeated !== undefined) throw new PgValidationError(where, parameter, "names that are not repeated", value, `"${String(repeated)}" appears twice.`);
  return value as string[];
}

/**
 * Throws unless `name` is one of `known`, suggesting the closest known name when `name` looks like a typo of one.
 * The message keeps the experiments' style (names unquoted).
 * @param where - the experiment's name, e.g. "heat".
 * @param name - the method asked for.
 * @param known - the experiment's methods.
 * @returns `name`.
 * @example
 * import { requireMethodName } from "@pg/experiments";
 * console.log(requireMethodName("heat", "adam", ["adam", "pg-inverse"])); // adam
 * try {
 *   requireMethodName("heat", "pg-invers", ["adam", "pg-inverse"]);
 * } catch (error) {
 *   console.log(error.message); // heat: method must be one of adam, pg-inverse; received "pg-invers". Did you mean "pg-inverse"?
 * }
 */
export function requireMethodName(where: string, name: unknown, known: readonly string[]): string {
  if (typeof name === "string" && known.includes(name)) return name;
  const suggestion = typeof name === "string" ? closestName(name, known) : undefined;
  throw new PgValidationError(where, "method", `one of ${known.join(", ")}`, name, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
}

/**
 * Throws unless `args` has a positive integer `batch`: what an experiment's `batches(args, stream)` reads, checked once
 * when the batch source is made rather than at every step.
 * @param where - the experiment's name.
 * @param args - the {@link RunArguments} given to `batches`.
 * @returns `args.batch`.
 * @example
 * import { requireBatchArgument } from "@pg/experiments";
 * console.log(requireBatchArgument("sin", { batch: 8 })); // 8
 * try {
 *   requireBatchArgument("sin", { batch: 0 });
 * } catch (error) {
 *   console.log(error.message); // sin: args.batch must be a positive integer; received 0.
 * }
 */
export function requireBatchArgument(where: string, args: Pick<RunArguments, "batch">): number {
  const record = requireRecord(where, "args", args, "the run arguments { iterations, batch, seed, methods, … }");
  return requirePositiveInteger(where, "args.batch", record.batch);
}

/**
 * Checks what a parser of the run contract's flags (`parseRunArguments` of @pg/cli) needs of a definition: `name`, `knownMethods` (distinct names) and
 * `defaults` (positive integer iterations and batch, a non-negative integer seed, methods among the known ones, an
 * output directory), with unknown keys of `defaults` refused.
 * @param where - the function the definition was given to, for messages.
 * @param spec - the {@link RunArgumentSpec} (every {@link ExperimentDefinition} is one).
 * @returns `spec`.
 * @throws {@link PgValidationError} naming `spec.<field>` and the value received.
 * @example
 * import { requireRunArgumentSpec } from "@pg/experiments";
 * const spec = { name: "demo", defaults: { iterations: 10, batch: 4, seed: 0, methods: ["adam"], out: "runs/demo" }, knownMethods: ["adam"] };
 * console.log(requireRunArgumentSpec("parseRunArguments", spec).name); // demo
 * try {
 *   requireRunArgumentSpec("parseRunArguments", { ...spec, defaults: { ...spec.defaults, batch: 0 } });
 * } catch (error) {
 *   console.log(error.message); // parseRunArguments: spec.defaults.batch must be a positive integer; received 0.
 * }
 */
export function requireRunArgumentSpec<S extends RunArgumentSpec>(where: string, spec: S, parameter = "spec"): S {
  const record = requireRecord(where, parameter, spec, "an experiment definition (or { name, defaults, knownMethods })");
  requireText(where, `${parameter}.name`, record.name);
  const known = requireNames(where, `${parameter}.knownMethods`, record.knownMethods);
  const defaults = requireKnownKeys(where, `${parameter}.defaults`, requireRecord(where, `${parameter}.defaults`, record.defaults, "an object { iterations, batch, seed, methods, out }"), DEFAULTS_KEYS);
  requirePositiveInteger(where, `${parameter}.defaults.iterations`, defaults.iterations);
  requirePositiveInteger(where, `${parameter}.defaults.batch`, defaults.batch);
  requireNonNegativeInteger(where, `${parameter}.defaults.seed`, defaults.seed);
  const methods = requireNames(where, `${parameter}.defaults.methods`, defaults.methods);
  const unknown = methods.find((method) => !known.includes(method));
  if (unknown !== undefined) {
    throw new PgValidationError(where, `${parameter}.defaults.methods`, `methods among knownMethods (${known.join(", ")})`, unknown);
  }
  requireText(where, `${parameter}.defaults.out`, defaults.out);
  return spec;
}

function requireFigures(where: string, parameter: string, value: unknown): void {
  const figures = requireKnownKeys(where, parameter, requireRecord(where, parameter, value, "an object { labels, smoothing, logY, fields? }"), FIGURE_KEYS);
  const labels = requireKnownKeys(where, `${parameter}.labels`, requireRecord(where, `${parameter}.labels`, figures.labels, "an object { x_err, loss } of axis labels"), LABEL_KEYS);
  for (const key of LABEL_KEYS) {
    if (typeof labels[key] !== "string") throw new PgValidationError(where, `${parameter}.labels.${key}`, "a string", labels[key]);
  }
  requirePositiveInteger(where, `${parameter}.smoothing`, figures.smoothing);
  if (typeof figures.logY !== "boolean") throw new PgValidationError(where, `${parameter}.logY`, "true or false", figures.logY);
  if (figures.fields === undefined) return;
  const at = `${parameter}.fields`;
  const fields = requireKnownKeys(where, at, requireRecord(where, at, figures.fields, "an object { shape, xTarget, observationRange, examples? }"), FIELD_FIGURE_KEYS);
  const shape = requireShape(where, `${at}.shape`, fields.shape);
  if (shape.length !== 2) throw new PgValidationError(where, `${at}.shape`, "[nx, ny], two positive integers", fields.shape);
  requireFunction(where, `${at}.xTarget`, fields.xTarget);
  requireOneOf(where, `${at}.observationRange`, fields.observationRange, ["own", "solution"] as const);
  if (fields.examples !== undefined) requirePositiveInteger(where, `${at}.examples`, fields.examples);
}

/**
 * Checks a whole experiment definition once, where it enters (the runner): everything {@link requireRunArgumentSpec}
 * checks, then `reduction` ("sum" or "mean"), `inputShape` and `outputShape` (non-empty arrays of positive
 * integers), the functions `network`, `batches`, `method` and `xError`, `averageWindow` (a positive integer),
 * `reportIterations` (positive integers), and the optional `description`, `settings`, `physics` (with `forward` and
 * `adjoint`), `outputTransform`, `extraMetrics` and `figures` (whose keys must all be known). A key of the definition
 * that is not one of {@link EXPERIMENT_DEFINITION_KEYS} is refused when it looks like a misspelling of one, with that
 * one suggested; other keys are left alone, because an experiment may carry its own fields (the Poisson grid, the
 * heat shape).
 * @param where - the function the definition was given to, e.g. "runExperiment".
 * @param definition - the {@link ExperimentDefinition}.
 * @returns `definition`.
 * @throws {@link PgValidationError} naming `definition.<field>`, what it must be and the value received.
 * @example
 * import { requireExperimentDefinition, sinExperiment } from "@pg/experiments";
 * console.log(requireExperimentDefinition("runExperiment", sinExperiment()).name); // sin
 * try {
 *   requireExperimentDefinition("runExperiment", { ...sinExperiment(), averageWindow: 0 });
 * } catch (error) {
 *   console.log(error.message); // runExperiment: definition.averageWindow must be a positive integer; received 0.
 * }
 * try {
 *   requireExperimentDefinition("runExperiment", { ...sinExperiment(), reportIteration: [10] });
 * } catch (error) {
 *   console.log(error.message.endsWith('Did you mean "reportIterations"?')); // true
 * }
 */
export function requireExperimentDefinition<P extends Physics>(where: string, definition: ExperimentDefinition<P>): ExperimentDefinition<P> {
  const parameter = "definition";
  const record = requireRecord(where, parameter, definition, "an experiment definition object");
  const known: readonly string[] = EXPERIMENT_DEFINITION_KEYS;
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    if (suggestion !== undefined) {
      throw new PgValidationError(where, `${parameter}.${key}`, `one of the keys of an experiment definition`, record[key], `Did you mean "${suggestion}"?`);
    }
  }
  requireRunArgumentSpec(where, definition, parameter);
  if (record.description !== undefined && typeof record.description !== "string") {
    throw new PgValidationError(where, `${parameter}.description`, "a string", record.description);
  }
  if (record.settings !== undefined) requireRecord(where, `${parameter}.settings`, record.settings, "an object of settings");
  if (record.physics !== undefined) {
    const physics = requireRecord(where, `${parameter}.physics`, record.physics, "a Physics object { name, xShape, yShape, forward, adjoint }");
    requireFunction(where, `${parameter}.physics.forward`, physics.forward);
    requireFunction(where, `${parameter}.physics.adjoint`, physics.adjoint);
  }
  requireOneOf(where, `${parameter}.reduction`, record.reduction, REDUCTIONS);
  if (record.outputTransform !== undefined) requireFunction(where, `${parameter}.outputTransform`, record.outputTransform);
  requireShape(where, `${parameter}.inputShape`, record.inputShape);
  requireShape(where, `${parameter}.outputShape`, record.outputShape);
  requireFunction(where, `${parameter}.network`, record.network, "a function seed → tf.LayersModel");
  requireFunction(where, `${parameter}.batches`, record.batches, "a function (args, stream) → (step → batch)");
  requireFunction(where, `${parameter}.method`, record.method, "a function (name, args) → method plan");
  requireFunction(where, `${parameter}.xError`, record.xError, "a function (report, method) → number");
  if (record.extraMetrics !== undefined) {
    const at = `${parameter}.extraMetrics`;
    const extra = requireKnownKeys(where, at, requireRecord(where, at, record.extraMetrics, "an object { columns, values }"), EXTRA_METRICS_KEYS);
    requireNames(where, `${at}.columns`, extra.columns);
    requireFunction(where, `${at}.values`, extra.values);
  }
  requirePositiveInteger(where, `${parameter}.averageWindow`, record.averageWindow);
  const reportIterations = record.reportIterations;
  if (!Array.isArray(reportIterations) || !reportIterations.every((iteration) => typeof iteration === "number" && Number.isInteger(iteration) && iteration >= 1)) {
    throw new PgValidationError(where, `${parameter}.reportIterations`, "an array of iterations (positive integers)", reportIterations);
  }
  if (record.figures !== undefined) requireFigures(where, `${parameter}.figures`, record.figures);
  return definition;
}

/**
 * Checks the plan `definition.method(name, args)` returned, once per method: only the keys of {@link MethodPlan}; a
 * `scheme` with a gradient source; an `optimizer` (a tf.Optimizer) whose learning rate, where it has one, is a finite
 * number > 0 (a negative rate would train uphill without a word); a `reduction` of "sum" or "mean"; functions for
 * `prepareBatch` and `outputTransform`.
 * @param where - the experiment's name, for messages.
 * @param method - the method's name.
 * @param plan - what `definition.method` returned.
 * @returns `plan`.
 * @throws {@link PgValidationError} naming `method("<name>").<field>`.
 * @example
 * import { requireMethodPlan, sinExperiment } from "@pg/experiments";
 * import { train } from "@tensorflow/tfjs";
 * const sin = sinExperiment();
 * const plan = sin.method("adam", { ...sin.defaults, backend: undefined, replicas: undefined });
 * console.log(requireMethodPlan("sin", "adam", plan) === plan); // true
 * try {
 *   requireMethodPlan("sin", "adam", { ...plan, optimizer: train.sgd(-0.1) });
 * } catch (error) {
 *   console.log(error.message); // sin: method("adam").optimizer.learningRate must be a finite number > 0; received -0.1.
 * }
 */
export function requireMethodPlan<P extends Physics>(where: string, method: string, plan: MethodPlan<P>): MethodPlan<P> {
  const parameter = `method(${JSON.stringify(method)})`;
  const record = requireKnownKeys(where, parameter, requireRecord(where, parameter, plan, "a method plan { scheme, optimizer, … }"), METHOD_PLAN_KEYS);
  const scheme = requireRecord(where, `${parameter}.scheme`, record.scheme, "a scheme made by scheme(source, …transforms)");
  if (!isRecord(scheme.source) || !Array.isArray(scheme.transforms)) {
    throw new PgValidationError(where, `${parameter}.scheme`, "a scheme made by scheme(source, …transforms)", record.scheme);
  }
  const optimizer = record.optimizer;
  if (!isRecord(optimizer) || typeof optimizer.applyGradients !== "function") {
    throw new PgValidationError(where, `${parameter}.optimizer`, "a tf.Optimizer (e.g. tf.train.adam(1e-3))", optimizer);
  }
  const learningRate: unknown = Reflect.get(optimizer, "learningRate");
  if (learningRate !== undefined) requirePositive(where, `${parameter}.optimizer.learningRate`, learningRate);
  if (record.reduction !== undefined) requireOneOf(where, `${parameter}.reduction`, record.reduction, REDUCTIONS);
  if (record.prepareBatch !== undefined) requireFunction(where, `${parameter}.prepareBatch`, record.prepareBatch);
  if (record.outputTransform !== undefined) requireFunction(where, `${parameter}.outputTransform`, record.outputTransform);
  return plan;
}
