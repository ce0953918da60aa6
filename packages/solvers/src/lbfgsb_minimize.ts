import { PgNonFiniteError, PgValidationError, requireKnownKeys, requirePositiveInteger, type StopReason } from "@pg/core";
import { generalizedCauchyPoint, unconstrainedCauchyPoint } from "./lbfgsb_cauchy_point";
import { MoreThuenteSearch, type MoreThuenteSettings } from "./lbfgsb_line_search";
import { LbfgsbMemory, dot } from "./lbfgsb_memory";
import { subspaceMinimum } from "./lbfgsb_subspace";

/**
 * f(x) for {@link minimizeLbfgsb}: returns the value and writes ∇f(x) into `gradient` (zero-filled, length n).
 * `x` is a fresh array on every call; the objective may keep it but must not rely on `gradient` afterwards.
 */
export type LbfgsbObjective = (x: Float64Array, gradient: Float64Array) => number;

/** Which test ended a converged run. */
export type LbfgsbConvergence = "projectedGradient" | "relativeDecrease";

/** Algorithm options shared by {@link minimizeLbfgsb} and the `lbfgsb` solver (scipy's defaults). */
export interface LbfgsbAlgorithmOptions {
  /** Number m of correction pairs kept (scipy `maxcor`). @defaultValue 10 */
  readonly historySize?: number;
  /** Most iterations (accepted steps) (scipy `maxiter`). @defaultValue 15000 */
  readonly maxIterations?: number;
  /**
   * Evaluation budget, line searches included (scipy `maxfun`). As in scipy it is checked after each iteration: a
   * line search is never cut short, so the run may end a few evaluations (at most `maxLineSearchSteps`) beyond it.
   * @defaultValue 15000
   */
  readonly maxEvaluations?: number;
  /** Stop when max_i |proj g_i| ≤ this (scipy `gtol`). @defaultValue 1e-5 */
  readonly gradientTolerance?: number;
  /**
   * Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this (scipy `ftol` = factr · ε).
   * @defaultValue 2.220446049250313e-9
   */
  readonly relativeDecreaseTolerance?: number;
  /** Most trials per line search (scipy `maxls`); a search without an acceptable step by then fails. @defaultValue 20 */
  readonly maxLineSearchSteps?: number;
}

/** Every key of {@link LbfgsbAlgorithmOptions}, shared by the option lists of `lbfgsb` and {@link minimizeLbfgsb}. */
export const LBFGSB_ALGORITHM_OPTION_KEYS = [
  "historySize",
  "maxIterations",
  "maxEvaluations",
  "gradientTolerance",
  "relativeDecreaseTolerance",
  "maxLineSearchSteps",
] as const satisfies readonly (keyof LbfgsbAlgorithmOptions)[];
// A compile error here means an option of LbfgsbAlgorithmOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof LbfgsbAlgorithmOptions, (typeof LBFGSB_ALGORITHM_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** A box l ≤ x ≤ u; a number applies to every component, ±Infinity leaves a side unbounded. */
export interface LbfgsbBounds {
  readonly lower: Float64Array | number;
  readonly upper: Float64Array | number;
}

/** Options of {@link minimizeLbfgsb}. */
export interface MinimizeLbfgsbOptions extends LbfgsbAlgorithmOptions {
  /** Lower bounds l (a number for all components). @defaultValue -Infinity */
  readonly lower?: Float64Array | number;
  /** Upper bounds u (a number for all components). @defaultValue Infinity */
  readonly upper?: Float64Array | number;
}

/** Every key of {@link MinimizeLbfgsbOptions}: anything else is refused as a misspelling. */
const MINIMIZE_LBFGSB_OPTION_KEYS = [...LBFGSB_ALGORITHM_OPTION_KEYS, "lower", "upper"] as const satisfies readonly (keyof MinimizeLbfgsbOptions)[];
// A compile error here means an option of MinimizeLbfgsbOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof MinimizeLbfgsbOptions, (typeof MINIMIZE_LBFGSB_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** What {@link minimizeLbfgsb} returns. */
export interface LbfgsbResult {
  /** The last accepted iterate, always inside the box. */
  readonly x: Float64Array;
  /** f(x). */
  readonly value: number;
  /** ∇f(x). */
  readonly gradient: Float64Array;
  /** max_i |proj g_i| at x, with proj g = x − P(x − g). */
  readonly projectedGradientNorm: number;
  /** Accepted steps. */
  readonly iterations: number;
  /**
   * Objective evaluations, including rejected line-search trials (scipy's `nfev`). A trial at exactly the point
   * evaluated last reuses that evaluation and is not counted.
   */
  readonly evaluations: number;
  /**
   * `converged` (see `convergedBy`), `maxIterations` (iteration or evaluation budget spent; checked before the
   * convergence tests, as scipy does), `lineSearchFailed` (scipy's "ABNORMAL": no acceptable step even along the
   * projected steepest descent with a cleared memory), `nonFinite` (NaN/±Infinity in x0, or from the objective at the
   * start or on the last trial of a failed line search; x is then the last finite iterate, or x0 itself when x0 was
   * not finite).
   */
  readonly reason: StopReason;
  /** The test that ended a converged run; undefined for every other reason. */
  readonly convergedBy: LbfgsbConvergence | undefined;
}

/** Algorithm options with every default applied. */
export interface ResolvedLbfgsbOptions {
  readonly historySize: number;
  readonly maxIterations: number;
  readonly maxEvaluations: number;
  readonly gradientTolerance: number;
  readonly relativeDecreaseTolerance: number;
  readonly maxLineSearchSteps: number;
}

/** scipy's `minimize(method='L-BFGS-B')` defaults: maxcor 10, maxiter 15000, maxfun 15000, gtol 1e-5, ftol 2.2e-9, maxls 20. */
export const LBFGSB_DEFAULTS: ResolvedLbfgsbOptions = Object.freeze({
  historySize: 10,
  maxIterations: 15000,
  maxEvaluations: 15000,
  gradientTolerance: 1e-5,
  relativeDecreaseTolerance: 1e7 * Number.EPSILON,
  maxLineSearchSteps: 20,
});

/**
 * The line search of L-BFGS-B: sufficient decrease μ = 1e-3, curvature η = 0.9, interval tolerance 0.1, no smallest
 * step; the largest step is set per iteration.
 */
const LINE_SEARCH: Omit<MoreThuenteSettings, "maxStep"> = Object.freeze({ decrease: 1e-3, curvature: 0.9, stepTolerance: 0.1, minStep: 0 });
/** Largest step along a direction no bound limits. */
const UNBOUNDED_STEP = 1e10;

/** Validates the algorithm options once and applies the defaults (unknown keys are checked by the caller). */
export function resolveLbfgsbOptions(where: string, options: LbfgsbAlgorithmOptions): ResolvedLbfgsbOptions {
  return {
    historySize: requirePositiveInteger(where, "historySize", options.historySize ?? LBFGSB_DEFAULTS.historySize),
    maxIterations: requirePositiveInteger(where, "maxIterations", options.maxIterations ?? LBFGSB_DEFAULTS.maxIterations),
    maxEvaluations: requirePositiveInteger(where, "maxEvaluations", options.maxEvaluations ?? LBFGSB_DEFAULTS.maxEvaluations),
    gradientTolerance: requireNonNegative(where, "gradientTolerance", options.gradientTolerance ?? LBFGSB_DEFAULTS.gradientTolerance),
    relativeDecreaseTolerance: requireNonNegative(
      where,
      "relativeDecreaseTolerance",
      options.relativeDecreaseTolerance ?? LBFGSB_DEFAULTS.relativeDecreaseTolerance,
    ),
    maxLineSearchSteps: requirePositiveInteger(
      where,
      "maxLineSearchSteps",
      options.maxLineSearchSteps ?? LBFGSB_DEFAULTS.maxLineSearchSteps,
    ),
  };
}

function requireNonNegative(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a finite number ≥ 0", value);
  }
  return value;
}

/**
 * Expands one side of a box to a Float64Array of length `size`: a number is repeated, an array must have that
 * length and is copied. Entries must not be NaN, a lower bound may not be +Infinity nor an upper bound −Infinity.
 * Messages name `label` (the parameter by default).
 */
export function resolveBound(
  where: string,
  parameter: "lower" | "upper",
  value: Float64Array | number | undefined,
  size: number,
  label: string = parameter,
): Float64Array {
  const fallback = parameter === "lower" ? -Infinity : Infinity;
  const forbidden = -fallback;
  if (value === undefined) return new Float64Array(size).fill(fallback);
  if (typeof value === "number") {
    if (Number.isNaN(value) || value === forbidden) {
      throw new PgValidationError(where, label, parameter === "lower" ? "a number < Infinity" : "a number > -Infinity", value);
    }
    return new Float64Array(size).fill(value);
  }
  if (!(value instanceof Float64Array) || value.length !== size) {
    throw new PgValidationError(where, label, `a number or a Float64Array of length ${size}`, value);
  }
  for (let i = 0; i < size; i++) {
    const v = value[i] as number;
    if (Number.isNaN(v) || v === forbidden) {
      throw new PgValidationError(where, `${label}[${i}]`, parameter === "lower" ? "a number < Infinity" : "a number > -Infinity", v);
    }
  }
  return Float64Array.from(value);
}

/** Throws unless lower ≤ upper at every index, naming the first offending index and both values. */
export function requireOrderedBounds(
  where: string,
  lower: Float64Array,
  upper: Float64Array,
  prefix = "",
  offset = 0,
): void {
  for (let i = 0; i < lower.length; i++) {
    if (!((lower[i] as number) <= (upper[i] as number))) {
      const index = offset + i;
      throw new PgValidationError(where, `${prefix}lower[${index}]`, `≤ ${prefix}upper[${index}] = ${String(upper[i])}`, lower[i]);
    }
  }
}

/**
 * Minimises f over the box l ≤ x ≤ u with L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995; Morales, Nocedal 2011), taking the
 * same iterates as scipy's `minimize(method='L-BFGS-B')` up to rounding, with its contract and defaults. Each iteration
 * 1. finds the generalized Cauchy point along the projected steepest-descent path of the quadratic model
 *    m(z) = gᵀz + ½zᵀBz with the compact limited-memory B = θI − WMWᵀ (§3, §4); without any bound, and once the
 *    memory holds pairs, it starts from x itself with every variable free;
 * 2. minimises the model over the variables still free there (direct primal method, §5.1) when the memory holds
 *    pairs, projects that point onto the box and falls back to shortening the step if the projection does not
 *    descend;
 * 3. searches along d = x̄ − x with the Moré–Thuente line search (sufficient decrease 1e-3, curvature 0.9, interval
 *    tolerance 0.1, at most `maxLineSearchSteps` trials) for a step in (0, α_max]: α_max = 1e10 without bounds, else
 *    1 on the first iteration and the largest step keeping x + αd in the box afterwards; the first trial is
 *    min(1/‖d‖, α_max) on the first iteration unless every variable has both bounds, else 1. The search also ends,
 *    accepting its last trial, when it reports that rounding, the interval's width or α_max prevent progress;
 * 4. stops on the iteration or evaluation budget, then on the projected gradient, then on the relative decrease of f;
 * 5. stores s = αd, y = ∇f(x₊) − ∇f(x) unless sᵀy ≤ ε·(−∇f(x)ᵀs) (too little curvature along s).
 * If a line search fails (no descent, or no acceptable step), the memory is cleared and the iteration retried from
 * steepest descent; a failure with an empty memory ends the run at the last iterate. x0 is first projected onto the
 * box, and every point the objective sees lies in the box.
 *
 * Never throws for NaN/±Infinity: as a solver it reports them with the stop reason `nonFinite`, which the caller can
 * act on per run, rather than an error. A non-finite x0 stops the run before the first evaluation (x0 is returned);
 * a non-finite value or gradient from the objective, or a {@link PgNonFiniteError} it throws (e.g. a physics refusing
 * an overflowing residual), counts as a non-finite trial: the line search treats it as too long a step and halves
 * the distance to its best step, and the run ends with `nonFinite` at the last finite iterate only when the searches
 * fail with a non-finite last trial. (scipy has no such rule; its search stops at the first NaN.)
 * @throws {@link PgValidationError} for an unknown option, invalid options or bounds (lower > upper anywhere, wrong
 * lengths), an `objective` that is not a function or an `x0` that is not a non-empty Float64Array.
 * @example
 * import { minimizeLbfgsb, LBFGSB_DEFAULTS } from "@pg/solvers";
 * const rosenbrock = ([a, b], g) => {
 *   g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
 *   g[1] = 200 * (b - a * a);
 *   return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
 * };
 * const free = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1));
 * console.log(Array.from(free.x, (v) => v.toFixed(4)).join(" "), free.reason); // 1.0000 1.0000 converged
 * const { x, reason } = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { upper: 0.5 }); // x₁ stops at 0.5
 * console.log(Array.from(x, (v) => v.toFixed(4)).join(" "), reason); // 0.5000 0.2500 converged
 * // Truncated runs follow scipy's iterates: after 16 iterations f = 1.0499 there as well.
 * console.log(minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 16 }).value.toFixed(4)); // 1.0499
 * console.log(LBFGSB_DEFAULTS.historySize, LBFGSB_DEFAULTS.maxIterations); // 10 15000
 * console.log(minimizeLbfgsb(rosenbrock, Float64Array.of(NaN, 1)).reason); // nonFinite
 */
export function minimizeLbfgsb(
  objective: LbfgsbObjective,
  x0: Float64Array,
  options?: MinimizeLbfgsbOptions,
): LbfgsbResult {
  const where = "minimizeLbfgsb";
  if (typeof objective !== "function") throw new PgValidationError(where, "objective", "a function (x, gradient) => number", objective);
  if (!(x0 instanceof Float64Array) || x0.length === 0) throw new PgValidationError(where, "x0", "a non-empty Float64Array", x0);
  const checked = requireKnownKeys(where, "options", options, MINIMIZE_LBFGSB_OPTION_KEYS);
  const resolved = resolveLbfgsbOptions(where, checked);
  const lower = resolveBound(where, "lower", checked.lower, x0.length);
  const upper = resolveBound(where, "upper", checked.upper, x0.length);
  requireOrderedBounds(where, lower, upper);
  return runLbfgsb(objective, x0, lower, upper, resolved);
}

/** max_i |proj g_i| with proj g = x − P(x − g): gᵢ clipped so that it cannot point out of the box. */
export function projectedGradientNorm(x: Float64Array, g: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    let gi = g[i] as number;
    if (gi < 0) gi = Math.max((x[i] as number) - (upper[i] as number), gi);
    else gi = Math.min((x[i] as number) - (lower[i] as number), gi);
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}

/** The L-BFGS-B iteration on validated inputs (lower ≤ upper, resolved options). */
export function runLbfgsb(
  unguarded: LbfgsbObjective,
  x0: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  options: ResolvedLbfgsbOptions,
): LbfgsbResult {
  const n = x0.length;
  // A physics that refuses a non-finite intermediate throws; for the iteration that is a non-finite trial.
  const objective: LbfgsbObjective = (point, gradient) => {
    try {
      return unguarded(point, gradient);
    } catch (error) {
      if (error instanceof PgNonFiniteError) return NaN;
      throw error;
    }
  };
  let x: Float64Array = new Float64Array(n);
  // Checked before the projection, which would turn ±Infinity into a finite bound.
  const finiteStart = allFinite(x0);
  for (let i = 0; i < n; i++) x[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, x0[i] as number));
  let evaluations = 0;
  let iterations = 0;

  const finish = (
    value: number,
    gradient: Float64Array,
    reason: StopReason,
    convergedBy: LbfgsbConvergence | undefined = undefined,
  ): LbfgsbResult => ({
    x,
    value,
    gradient,
    projectedGradientNorm: Number.isFinite(value) ? projectedGradientNorm(x, gradient, lower, upper) : NaN,
    iterations,
    evaluations,
    reason,
    convergedBy,
  });

  if (!finiteStart) {
    x = Float64Array.from(x0);
    return finish(NaN, new Float64Array(n).fill(NaN), "nonFinite");
  }

  // The last evaluation, reused when the same point is asked for again (a search that ends by re-trying its best
  // step); the evaluation count then stays as it is, as scipy's does.
  let lastPoint: Float64Array | undefined;
  let lastValue = NaN;
  let lastGradient = new Float64Array(n);
  const evaluate = (point: Float64Array): { value: number; gradient: Float64Array } => {
    if (lastPoint !== undefined && samePoint(point, lastPoint)) return { value: lastValue, gradient: Float64Array.from(lastGradient) };
    const gradient = new Float64Array(n);
    const value = objective(Float64Array.from(point), gradient);
    evaluations++;
    lastPoint = Float64Array.from(point);
    lastValue = value;
    lastGradient = Float64Array.from(gradient);
    return { value, gradient };
  };

  let { value: f, gradient: g } = evaluate(x);
  if (!Number.isFinite(f) || !allFinite(g)) return finish(f, g, "nonFinite");
  if (projectedGradientNorm(x, g, lower, upper) <= options.gradientTolerance) return finish(f, g, "converged", "projectedGradient");

  let constrained = false;
  let boxed = true;
  for (let i = 0; i < n; i++) {
    const hasLower = (lower[i] as number) > -Infinity;
    const hasUpper = (upper[i] as number) < Infinity;
    if (hasLower || hasUpper) constrained = true;
    if (!hasLower || !hasUpper) boxed = false;
  }
  const memory = new LbfgsbMemory(n, options.historySize);
  const tolerance = options.relativeDecreaseTolerance;

  for (;;) {
    // Search direction d = x̄ − x from the Cauchy point and the subspace minimisation. Without bounds the path
    // brings nothing once the memory holds pairs; with an empty memory the Cauchy point is the model's minimiser.
    const cauchy = !constrained && memory.count > 0 ? unconstrainedCauchyPoint(x, memory) : generalizedCauchyPoint(x, g, lower, upper, memory);
    let target = cauchy.x;
    if (memory.count > 0 && cauchy.freeCount > 0) {
      const minimum = subspaceMinimum(x, g, lower, upper, memory, cauchy);
      if (minimum === undefined) {
        // A singular 2k × 2k system or an overflowing step: retry from steepest descent.
        memory.clear();
        continue;
      }
      target = minimum;
    }
    const direction = new Float64Array(n);
    for (let i = 0; i < n; i++) direction[i] = (target[i] as number) - (x[i] as number);
    const slope0 = dot(g, direction);

    // A failed search (no descent, or no acceptable step within maxLineSearchSteps trials) is retried once from
    // steepest descent with the memory cleared; a failure with an empty memory ends the run at x.
    let failedNonFinite = !allFinite(direction);
    let accepted: { x: Float64Array; g: Float64Array; f: number; slope: number; step: number } | undefined;
    const dtd = dot(direction, direction);
    const dnorm = Math.sqrt(dtd);
    if (slope0 < 0) {
      const maxStep = constrained ? (iterations === 0 ? 1 : largestFeasibleStep(x, direction, lower, upper)) : UNBOUNDED_STEP;
      // 1/‖d‖ on the first iteration: ‖d‖ = ‖g‖ there, so that the first step has length 1.
      const initialStep = Math.min(iterations === 0 && !boxed ? Math.min(1 / dnorm, maxStep) : 1, maxStep);
      if (initialStep > 0) {
        const search = new MoreThuenteSearch(f, slope0, initialStep, { ...LINE_SEARCH, maxStep });
        let trials = 0;
        let last: typeof accepted;
        while (search.status === "evaluate" && trials < options.maxLineSearchSteps) {
          trials++;
          const step = search.step;
          const point = new Float64Array(n);
          if (step === 1) point.set(target);
          else {
            for (let i = 0; i < n; i++) {
              const v = step * (direction[i] as number) + (x[i] as number);
              point[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, v));
            }
          }
          const trial = evaluate(point);
          if (!Number.isFinite(trial.value) || !allFinite(trial.gradient)) {
            failedNonFinite = true;
            search.reportNonFinite();
            continue;
          }
          failedNonFinite = false;
          const slope = dot(trial.gradient, direction);
          last = { x: point, g: trial.gradient, f: trial.value, slope, step };
          search.report(trial.value, slope);
        }
        if (search.status !== "evaluate") accepted = last;
      }
    }
    if (accepted === undefined) {
      if (memory.count > 0) {
        memory.clear();
        continue;
      }
      return finish(f, g, failedNonFinite ? "nonFinite" : "lineSearchFailed");
    }

    const { step, slope } = accepted;
    const fOld = f;
    const gOld = g;
    x = accepted.x;
    g = accepted.g;
    f = accepted.f;
    iterations++;
    // The budgets are checked after each iteration, before the convergence tests, as scipy's driver does.
    if (iterations >= options.maxIterations || evaluations > options.maxEvaluations) return finish(f, g, "maxIterations");
    if (projectedGradientNorm(x, g, lower, upper) <= options.gradientTolerance) return finish(f, g, "converged", "projectedGradient");
    if (fOld - f <= tolerance * Math.max(Math.abs(fOld), Math.abs(f), 1)) return finish(f, g, "converged", "relativeDecrease");

    // The pair s = step·d, y = ∇f(x₊) − ∇f(x), kept only if sᵀy > ε·(−∇f(x)ᵀs) (enough curvature along s).
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = (g[i] as number) - (gOld[i] as number);
    const s = step === 1 ? direction : direction.map((v) => step * v);
    const sy = step === 1 ? slope - slope0 : (slope - slope0) * step;
    const descent = step === 1 ? -slope0 : -slope0 * step;
    if (sy > Number.EPSILON * descent) memory.push(s, y, { sy, ss: step === 1 ? dtd : step * step * dtd });
  }
}

/**
 * The largest step α ≤ 1e10 keeping x + αd in the box (0 when a variable already on a bound would leave it).
 */
function largestFeasibleStep(x: Float64Array, d: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let step = UNBOUNDED_STEP;
  for (let i = 0; i < x.length; i++) {
    const di = d[i] as number;
    if (di < 0 && (lower[i] as number) > -Infinity) {
      const room = (lower[i] as number) - (x[i] as number);
      if (room >= 0) step = 0;
      else if (di * step < room) step = room / di;
    } else if (di > 0 && (upper[i] as number) < Infinity) {
      const room = (upper[i] as number) - (x[i] as number);
      if (room <= 0) step = 0;
      else if (di * step > room) step = room / di;
    }
  }
  return step;
}

function samePoint(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i] as number)) return false;
  return true;
}
