import { requireFloat64Array, requireFunction, requireObject, requirePhysics } from "./checks";
import { PgNonFiniteError, PgShapeError, PgValidationError } from "./errors";
import { evaluateObjective, type Physics } from "./physics";
import { countReasons, solveRepeatedly, type InverseSolver, type SolveResult, type StopReason } from "./solver";
import {
  firstNonFinite,
  requireBatchArray,
  requireFiniteNumber,
  requireKnownKeys,
  requireOneOf,
  requirePositive,
  requirePositiveInteger,
  type OptionKeysCover,
} from "./validate";

/** Everything a scheme may look at for one batch. All arrays are Float64, batch × size(shape). */
export interface BatchContext<P extends Physics = Physics> {
  readonly physics: P;
  /** The network's prediction, detached from the graph (x̂ = stopgrad(x₀), Algorithm 1). */
  readonly x: Float64Array;
  readonly yTarget: Float64Array;
  readonly batch: number;
  /** Training step, counted from 1. */
  readonly step: number;
  /** x-space labels, for supervised training. */
  readonly labels?: Float64Array;
}

/** What a gradient source produces for one batch. */
export interface SourceResult {
  /** The x-space vector that enters the network's backward pass, per example (before any batch reduction). */
  readonly gradient: Float64Array;
  /** L(x) per example, when the source evaluated it anyway. */
  readonly objective?: Float64Array;
  /** The solver's report, for physical sources. */
  readonly solve?: SolveResult;
}

/** The first link of every scheme: turns a prediction into an x-space gradient. */
export interface GradientSource<P extends Physics = Physics> {
  readonly kind: "backprop" | "physical" | "supervised";
  /** Human-readable description, e.g. `physical(newton, steps 1)`. */
  readonly description: string;
  gradient(context: BatchContext<P>): SourceResult;
}

/** Rewrites an x-space gradient. Pure: any memory lives in the state the caller passes back. */
export interface GradientTransform<S = unknown> {
  readonly name: string;
  init(): S;
  update(gradient: Float64Array, state: S, context: BatchContext): readonly [Float64Array, S];
}

/** A training scheme: one gradient source followed by zero or more transforms (optax-style `chain`). */
export interface Scheme<P extends Physics = Physics> {
  readonly source: GradientSource<P>;
  readonly transforms: readonly GradientTransform[];
  readonly description: string;
}

/** State of a scheme's transforms, one entry per transform. */
export type SchemeState = readonly unknown[];

/** The result of {@link applyScheme}. */
export interface SchemeGradient extends SourceResult {
  /** Stop reasons of a physical source, counted over the batch. */
  readonly reasonCounts?: Partial<Record<StopReason, number>>;
}

/** Throws unless `source` is a {@link GradientSource}: a known kind and a gradient method. */
function requireGradientSource(where: string, parameter: string, source: unknown): void {
  requireObject(where, parameter, source, "a GradientSource (backprop(), physical({ solver }) or supervised())");
  const { kind, gradient } = source as GradientSource;
  requireOneOf(where, `${parameter}.kind`, kind, ["backprop", "physical", "supervised"] as const);
  requireFunction(where, `${parameter}.gradient`, gradient, "a function (context) => SourceResult");
}

/** Throws unless `transform` is a {@link GradientTransform}: a name, init and update. */
function requireTransform(where: string, parameter: string, transform: unknown): void {
  requireObject(where, parameter, transform, "a GradientTransform { name, init, update }, e.g. clipByValue({ limit })");
  const { name, init, update } = transform as GradientTransform;
  if (typeof name !== "string") throw new PgValidationError(where, `${parameter}.name`, "a string", name);
  requireFunction(where, `${parameter}.init`, init, "a function () => state");
  requireFunction(where, `${parameter}.update`, update, "a function (gradient, state, context) => [gradient, state]");
}

/** Throws unless `s` is a {@link Scheme} (as {@link scheme} makes one). */
export function requireScheme(where: string, parameter: string, s: unknown): Scheme<any> {
  requireObject(where, parameter, s, "a Scheme, made by scheme(source, ...transforms)");
  const { source, transforms } = s as Scheme;
  requireGradientSource(where, `${parameter}.source`, source);
  if (!Array.isArray(transforms)) {
    throw new PgValidationError(where, `${parameter}.transforms`, "an array of GradientTransforms", transforms);
  }
  transforms.forEach((transform, index) => requireTransform(where, `${parameter}.transforms[${index}]`, transform));
  return s as Scheme<any>;
}

/** Throws unless `state` holds one entry per transform of `s` (as {@link initScheme} makes it). */
export function requireSchemeState(where: string, parameter: string, state: unknown, s: Scheme<any>): SchemeState {
  if (!Array.isArray(state) || state.length !== s.transforms.length) {
    throw new PgValidationError(where, parameter, `an array of ${s.transforms.length} transform states (initScheme(scheme))`, state);
  }
  return state;
}

/**
 * Joins a gradient source and transforms into a scheme.
 * @throws {@link PgValidationError} if `source` is not a gradient source or a transform lacks name, init or update.
 * @example
 * import { backprop, clipByValue, scheme } from "@pg/core";
 * const sinAdam = scheme(backprop(), clipByValue({ limit: 1 }));
 * console.log(sinAdam.description); // backprop → clipByValue(1)
 * console.log(sinAdam.source.kind, sinAdam.transforms.length); // backprop 1
 */
export function scheme<P extends Physics>(source: GradientSource<P>, ...transforms: GradientTransform<any>[]): Scheme<P> {
  requireGradientSource("scheme", "source", source);
  transforms.forEach((transform, index) => requireTransform("scheme", `transforms[${index}]`, transform));
  const names = transforms.map((t) => t.name);
  return {
    source,
    transforms,
    description: [source.description, ...names].join(" → "),
  };
}

/**
 * Fresh transform states for a scheme.
 * @example
 * import { backprop, clipByValue, initScheme, scaleBy, scheme } from "@pg/core";
 * console.log(initScheme(scheme(backprop())).length); // 0
 * console.log(initScheme(scheme(backprop(), clipByValue({ limit: 1 }), scaleBy({ factor: 2 }))).length); // 2
 */
export function initScheme(s: Scheme<any>): SchemeState {
  requireScheme("initScheme", "scheme", s);
  return s.transforms.map((t) => t.init());
}

/**
 * Runs the source, then every transform in order. The one entry point of a scheme: it checks the scheme, the state
 * and the context (a physics, batch and step positive integers, x and y* of the batch's lengths and finite, labels
 * if given), so the sources' and transforms' own `gradient` and `update` methods, called once per batch from here,
 * do not check again.
 * @throws {@link PgValidationError} / {@link PgShapeError} for a malformed scheme, state or context;
 *   {@link PgNonFiniteError} naming `context.x`, `context.yTarget` or `context.labels` if it holds NaN or ±Infinity.
 * @example
 * import { applyScheme, backprop, clipByValue, initScheme, scheme } from "@pg/core";
 * const square = { name: "x²", xShape: [1], yShape: [1], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * const clipped = scheme(backprop(), clipByValue({ limit: 1 }));
 * const context = { physics: square, x: Float64Array.of(0.5, 2), yTarget: Float64Array.of(0, 0), batch: 2, step: 1 };
 * const [result, state] = applyScheme(clipped, context, initScheme(clipped));
 * // backprop: 2x · (x² − 0) = 0.25, 16; then clipped to [−1, 1]
 * console.log(result.gradient.join(" "), result.objective.join(" ")); // 0.25 1 0.03125 8
 * console.log(state.length); // 1
 */
export function applyScheme<P extends Physics>(
  s: Scheme<P>,
  context: BatchContext<P>,
  state: SchemeState,
): readonly [SchemeGradient, SchemeState] {
  const where = "applyScheme";
  requireScheme(where, "scheme", s);
  requireBatchContext(where, context);
  requireSchemeState(where, "state", state, s);
  return runScheme(s, context, state);
}

/** {@link applyScheme} without the checks, for the training step, which has made them already (internal). */
export function runScheme<P extends Physics>(
  s: Scheme<P>,
  context: BatchContext<P>,
  state: SchemeState,
): readonly [SchemeGradient, SchemeState] {
  const result = s.source.gradient(context);
  let gradient = result.gradient;
  const next: unknown[] = [];
  s.transforms.forEach((transform, i) => {
    const [g, st] = transform.update(gradient, state[i], context as BatchContext);
    gradient = g;
    next.push(st);
  });
  const reasonCounts = result.solve === undefined ? undefined : countReasons(result.solve.reasons);
  return [{ ...result, gradient, ...(reasonCounts === undefined ? {} : { reasonCounts }) }, next];
}

/** Throws unless `context` is a {@link BatchContext} of finite arrays of the batch's lengths. */
function requireBatchContext(where: string, context: unknown): void {
  requireObject(where, "context", context, "a BatchContext { physics, x, yTarget, batch, step, labels? }");
  const { physics, x, yTarget, batch, step, labels } = context as BatchContext;
  requirePhysics(where, "context.physics", physics);
  requirePositiveInteger(where, "context.batch", batch);
  requirePositiveInteger(where, "context.step", step);
  const arrays: [string, unknown, readonly number[]][] = [
    ["context.x", x, physics.xShape],
    ["context.yTarget", yTarget, physics.yShape],
  ];
  if (labels !== undefined) arrays.push(["context.labels", labels, physics.xShape]);
  for (const [parameter, array, shape] of arrays) {
    const checked = requireBatchArray(where, parameter, array, batch, shape);
    const bad = firstNonFinite(checked);
    if (bad >= 0) throw new PgNonFiniteError(where, "input", bad, checked[bad] as number, step, `parameter ${parameter} must be finite`);
  }
}

/**
 * Back-propagation through the physics (Eq. 2): the x-space gradient is ∂L/∂x = (∂P/∂x)ᵀ ∂L/∂y, from the
 * physics' adjoint. Its `gradient` method, like every source's, is called through {@link applyScheme}, which checks the
 * context; called directly it relies on {@link evaluateObjective}'s checks of shapes.
 * @example
 * import { backprop } from "@pg/core";
 * const square = { name: "x²", xShape: [1], yShape: [1], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * const source = backprop();
 * const result = source.gradient({ physics: square, x: Float64Array.of(1, 3), yTarget: Float64Array.of(4, 4), batch: 2, step: 1 });
 * // ∂L/∂x = 2x · (x² − y*)
 * console.log(source.kind, result.gradient.join(" "), result.objective.join(" ")); // backprop -6 30 4.5 12.5
 */
export function backprop<P extends Physics = Physics>(): GradientSource<P> {
  return {
    kind: "backprop",
    description: "backprop",
    gradient(context) {
      const evaluation = evaluateObjective(context.physics, context.x, context.yTarget, context.batch);
      return { gradient: evaluation.gradient, objective: evaluation.value };
    },
  };
}

/** Options of {@link physical}. */
export interface PhysicalOptions<P extends Physics> {
  /** The inverse solver that proposes x̃ from the prediction. */
  readonly solver: InverseSolver<P>;
  /** Solver applications per training step (n in Algorithm 1). @defaultValue 1 */
  readonly steps?: number;
}

/** Every key of {@link PhysicalOptions}; anything else is refused as a misspelling. */
const PHYSICAL_OPTION_KEYS = ["solver", "steps"] as const satisfies readonly (keyof PhysicalOptions<Physics>)[];
true satisfies OptionKeysCover<PhysicalOptions<Physics>, typeof PHYSICAL_OPTION_KEYS>;

/**
 * Physical gradients (Eq. 5, Algorithm 1): x̃ = P⁻¹ⁿ(y* | x̂) is held constant and the network receives the PG
 * vector x − x̃, the gradient of the proxy loss ½‖x − x̃‖². A solver that meets a non-finite value reports it with
 * the `nonFinite` stop reason; a non-finite x̃ then makes the PG vector non-finite, which the training step refuses
 * with a {@link PgNonFiniteError} naming the proposal.
 * @throws {@link PgValidationError} for an unknown option, `steps` that is not a positive integer or a solver without
 *   a solve method.
 * @example
 * import { physical } from "@pg/core";
 * const square = { name: "x²", xShape: [1], yShape: [1], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * const squareRoot = {
 *   name: "sqrt",
 *   solve: ({ yTarget, batch }) => ({ x: yTarget.map(Math.sqrt), reasons: Array(batch).fill("exact"), iterations: new Int32Array(batch) }),
 * };
 * const source = physical({ solver: squareRoot });
 * const result = source.gradient({ physics: square, x: Float64Array.of(1, 3), yTarget: Float64Array.of(4, 4), batch: 2, step: 1 });
 * console.log(source.description, result.gradient.join(" "), result.solve.reasons.join(" ")); // physical(sqrt) -1 1 exact exact
 * console.log(physical({ solver: squareRoot, steps: 3 }).description); // physical(sqrt, 3 steps)
 */
export function physical<P extends Physics>(options: PhysicalOptions<P>): GradientSource<P> {
  requireObject("physical", "options", options, "an options object { solver, steps? }");
  requireKnownKeys("physical", "options", options, PHYSICAL_OPTION_KEYS);
  const steps = requirePositiveInteger("physical", "steps", options.steps ?? 1);
  const solver = options.solver;
  if (typeof solver !== "object" || solver === null || typeof solver.solve !== "function") {
    throw new PgValidationError("physical", "solver", "an InverseSolver (an object with a solve method)", solver);
  }
  return {
    kind: "physical",
    description: `physical(${solver.name}${steps === 1 ? "" : `, ${steps} steps`})`,
    gradient(context) {
      const solve = solveRepeatedly(solver, context, steps);
      const gradient = new Float64Array(context.x.length);
      for (let i = 0; i < gradient.length; i++) gradient[i] = (context.x[i] as number) - (solve.x[i] as number);
      return { gradient, solve };
    },
  };
}

/**
 * Supervised training on x-space labels (Eq. 3): the network receives x − label.
 * @example
 * import { supervised } from "@pg/core";
 * const identity = { name: "identity", xShape: [1], yShape: [1], forward: (x) => x, adjoint: (x, dy) => dy };
 * const source = supervised();
 * const context = { physics: identity, x: Float64Array.of(1, 3), yTarget: Float64Array.of(2, 2), batch: 2, step: 1 };
 * console.log(source.kind, source.gradient({ ...context, labels: Float64Array.of(2, 2) }).gradient.join(" ")); // supervised -1 1
 */
export function supervised<P extends Physics = Physics>(): GradientSource<P> {
  return {
    kind: "supervised",
    description: "supervised",
    gradient(context) {
      const labels = context.labels;
      if (labels === undefined || labels.length !== context.x.length) {
        throw new PgValidationError(
          "supervised",
          "batch labels",
          `a Float64Array of length ${context.x.length} (one label per entry of x)`,
          labels,
          "Return labels from the batch source when training with supervised().",
        );
      }
      const gradient = new Float64Array(context.x.length);
      for (let i = 0; i < gradient.length; i++) gradient[i] = (context.x[i] as number) - (labels[i] as number);
      return { gradient };
    },
  };
}

/** Options of {@link clipByValue}. */
export interface ClipByValueOptions {
  /** Every entry is clipped to [−limit, limit]. */
  readonly limit: number;
}

/** Every key of {@link ClipByValueOptions}. */
const CLIP_BY_VALUE_OPTION_KEYS = ["limit"] as const satisfies readonly (keyof ClipByValueOptions)[];
true satisfies OptionKeysCover<ClipByValueOptions, typeof CLIP_BY_VALUE_OPTION_KEYS>;

/**
 * Clips the x-space gradient element-wise to [−limit, limit] (the sin experiment clips to [−1, 1]). NaN stays NaN.
 * `update` runs once per batch inside {@link applyScheme}, which checks its arguments; it does not check again.
 * @throws {@link PgValidationError} for an unknown option or a limit that is not a finite number > 0.
 * @example
 * import { clipByValue } from "@pg/core";
 * const clip = clipByValue({ limit: 1 });
 * const [clipped] = clip.update(Float64Array.of(-3, 0.5, 2, NaN), clip.init());
 * console.log(clip.name, clipped.join(" ")); // clipByValue(1) -1 0.5 1 NaN
 */
export function clipByValue(options: ClipByValueOptions): GradientTransform<undefined> {
  requireObject("clipByValue", "options", options, "an options object { limit }");
  requireKnownKeys("clipByValue", "options", options, CLIP_BY_VALUE_OPTION_KEYS);
  const limit = requirePositive("clipByValue", "limit", options.limit);
  return {
    name: `clipByValue(${limit})`,
    init: () => undefined,
    update(gradient, state) {
      const out = new Float64Array(gradient.length);
      for (let i = 0; i < gradient.length; i++) {
        const g = gradient[i] as number;
        out[i] = g > limit ? limit : g < -limit ? -limit : g;
      }
      return [out, state];
    },
  };
}

/** Options of {@link scaleBy}. */
export interface ScaleByOptions {
  readonly factor: number;
}

/** Every key of {@link ScaleByOptions}. */
const SCALE_BY_OPTION_KEYS = ["factor"] as const satisfies readonly (keyof ScaleByOptions)[];
true satisfies OptionKeysCover<ScaleByOptions, typeof SCALE_BY_OPTION_KEYS>;

/**
 * Multiplies the x-space gradient by a constant. Like {@link clipByValue}'s, `update` leaves the checks to
 * {@link applyScheme}.
 * @throws {@link PgValidationError} for an unknown option or a factor that is not a finite number.
 * @example
 * import { scaleBy } from "@pg/core";
 * const half = scaleBy({ factor: 0.5 });
 * const [scaled] = half.update(Float64Array.of(-3, 0.5, 2), half.init());
 * console.log(half.name, scaled.join(" ")); // scaleBy(0.5) -1.5 0.25 1
 */
export function scaleBy(options: ScaleByOptions): GradientTransform<undefined> {
  requireObject("scaleBy", "options", options, "an options object { factor }");
  requireKnownKeys("scaleBy", "options", options, SCALE_BY_OPTION_KEYS);
  const factor = requireFiniteNumber("scaleBy", "factor", options.factor);
  return {
    name: `scaleBy(${factor})`,
    init: () => undefined,
    update(gradient, state) {
      return [gradient.map((g) => g * factor), state];
    },
  };
}

/**
 * Per-example ½‖x − x̃‖² summed, or averaged over the batch: the proxy loss of Eq. 5.
 * @throws {@link PgValidationError} for a batch that is not a positive integer or an unknown reduction;
 *   {@link PgShapeError} if x̃'s length differs from x's or x's is not a multiple of the batch;
 *   {@link PgNonFiniteError} naming `x` or `xTilde` if it holds NaN or ±Infinity (the loss would be NaN).
 * @example
 * import { proxyLoss } from "@pg/core";
 * const x = Float64Array.of(1, 2);
 * const xTilde = Float64Array.of(0, 0);
 * console.log(proxyLoss(x, xTilde, 2, "sum"), proxyLoss(x, xTilde, 2, "mean")); // 2.5 1.25
 * try {
 *   proxyLoss(x, xTilde, 2, "max");
 * } catch (error) {
 *   console.log(error.message); // proxyLoss: reduction must be one of "sum", "mean"; received "max".
 * }
 */
export function proxyLoss(x: Float64Array, xTilde: Float64Array, batch: number, reduction: Reduction): number {
  const where = "proxyLoss";
  requireFloat64Array(where, "x", x);
  requirePositiveInteger(where, "batch", batch);
  if (x.length % batch !== 0) {
    throw new PgShapeError(where, "x", `a length that is a multiple of batch = ${batch}`, x);
  }
  requireFloat64Array(where, "xTilde", xTilde);
  if (xTilde.length !== x.length) throw new PgShapeError(where, "xTilde", `the length of x, ${x.length}`, xTilde);
  requireOneOf(where, "reduction", reduction, ["sum", "mean"] as const);
  for (const [parameter, array] of [["x", x], ["xTilde", xTilde]] as const) {
    const bad = firstNonFinite(array);
    if (bad >= 0) throw new PgNonFiniteError(where, "input", bad, array[bad] as number, undefined, `parameter ${parameter} must be finite`);
  }
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - (xTilde[i] as number);
    sum += d * d;
  }
  return reduction === "mean" ? (0.5 * sum) / batch : 0.5 * sum;
}

/** How per-example losses are combined over a batch; the paper uses both (Poisson and heat sum over the batch, the fluid averages). */
export type Reduction = "sum" | "mean";
