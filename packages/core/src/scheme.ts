import { PgValidationError } from "./errors";
import { evaluateObjective, type Physics } from "./physics";
import { countReasons, solveRepeatedly, type InverseSolver, type SolveResult, type StopReason } from "./solver";
import { requirePositive, requirePositiveInteger } from "./validate";

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

/**
 * Joins a gradient source and transforms into a scheme.
 * @example
 * import { backprop, clipByValue, scheme } from "@pg/core";
 * const sinAdam = scheme(backprop(), clipByValue({ limit: 1 }));
 * console.log(sinAdam.description); // backprop → clipByValue(1)
 * console.log(sinAdam.source.kind, sinAdam.transforms.length); // backprop 1
 */
export function scheme<P extends Physics>(source: GradientSource<P>, ...transforms: GradientTransform<any>[]): Scheme<P> {
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
  return s.transforms.map((t) => t.init());
}

/**
 * Runs the source, then every transform in order.
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

/**
 * Back-propagation through the physics (Eq. 2): the x-space gradient is ∂L/∂x = (∂P/∂x)ᵀ ∂L/∂y, from the
 * physics' adjoint.
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

/**
 * Physical gradients (Eq. 5, Algorithm 1): x̃ = P⁻¹ⁿ(y* | x̂) is held constant and the network receives the PG
 * vector x − x̃, the gradient of the proxy loss ½‖x − x̃‖².
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
  const steps = requirePositiveInteger("physical", "steps", options.steps ?? 1);
  const solver = options.solver;
  if (solver === undefined || typeof solver.solve !== "function") {
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

/**
 * Clips the x-space gradient element-wise to [−limit, limit] (the sin experiment clips to [−1, 1]). NaN stays NaN.
 * @example
 * import { clipByValue } from "@pg/core";
 * const clip = clipByValue({ limit: 1 });
 * const [clipped] = clip.update(Float64Array.of(-3, 0.5, 2, NaN), clip.init());
 * console.log(clip.name, clipped.join(" ")); // clipByValue(1) -1 0.5 1 NaN
 */
export function clipByValue(options: ClipByValueOptions): GradientTransform<undefined> {
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

/**
 * Multiplies the x-space gradient by a constant.
 * @example
 * import { scaleBy } from "@pg/core";
 * const half = scaleBy({ factor: 0.5 });
 * const [scaled] = half.update(Float64Array.of(-3, 0.5, 2), half.init());
 * console.log(half.name, scaled.join(" ")); // scaleBy(0.5) -1.5 0.25 1
 */
export function scaleBy(options: ScaleByOptions): GradientTransform<undefined> {
  const factor = options.factor;
  if (typeof factor !== "number" || !Number.isFinite(factor)) {
    throw new PgValidationError("scaleBy", "factor", "a finite number", factor);
  }
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
 * @example
 * import { proxyLoss } from "@pg/core";
 * const x = Float64Array.of(1, 2);
 * const xTilde = Float64Array.of(0, 0);
 * console.log(proxyLoss(x, xTilde, 2, "sum"), proxyLoss(x, xTilde, 2, "mean")); // 2.5 1.25
 */
export function proxyLoss(x: Float64Array, xTilde: Float64Array, batch: number, reduction: Reduction): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - (xTilde[i] as number);
    sum += d * d;
  }
  return reduction === "mean" ? (0.5 * sum) / batch : 0.5 * sum;
}

/** How per-example losses are combined over a batch; the paper uses both (SPEC §0). */
export type Reduction = "sum" | "mean";
