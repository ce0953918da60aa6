import { PgNonFiniteError, PgValidationError, requireKnownKeys, requirePositiveInteger, type StopReason } from "@pg/core";
import { generalizedCauchyPoint } from "./lbfgsb_cauchy_point";
import { strongWolfeLineSearch, type LineSearchTrial } from "./lbfgsb_line_search";
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
  /** Most objective evaluations, line searches included (scipy `maxfun`). @defaultValue 15000 */
  readonly maxEvaluations?: number;
  /** Stop when max_i |proj g_i| ≤ this (scipy `gtol`). @defaultValue 1e-5 */
  readonly gradientTolerance?: number;
  /**
   * Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this (scipy `ftol` = factr · ε).
   * @defaultValue 2.220446049250313e-9
   */
  readonly relativeDecreaseTolerance?: number;
  /** Most trials per line search (scipy `maxls`). @defaultValue 20 */
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
  /** Objective evaluations, including rejected line-search trials. */
  readonly evaluations: number;
  /**
   * `converged` (see `convergedBy`), `maxIterations` (iteration or evaluation budget spent), `lineSearchFailed`
   * (no acceptable step even along the projected steepest descent), `nonFinite` (NaN/±Infinity in x0, or from the
   * objective at the start or on every trial of a line search; x is then the last finite iterate, or x0 itself when
   * x0 was not finite).
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

/** c₁ and c₂ of the strong Wolfe conditions, as in the original L-BFGS-B code. */
const SUFFICIENT_DECREASE = 1e-3;
const CURVATURE = 0.9;
/** Largest step along an unbounded direction. */
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
 * Minimises f over the box l ≤ x ≤ u with L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995), following scipy's
 * `minimize(method='L-BFGS-B')` contract. Each iteration
 * 1. finds the generalized Cauchy point along the projected steepest-descent path of the quadratic model
 *    m(z) = gᵀz + ½zᵀBz with the compact limited-memory B = θI − WMWᵀ (§3, §4);
 * 2. minimises the model over the variables still free there (direct primal method, §5.1), backtracking into the box;
 * 3. searches along d = x̄ − x for a step satisfying the strong Wolfe conditions (c₁ = 1e-3, c₂ = 0.9), no longer than
 *    the largest feasible step (the first step is 1/‖d‖ while the memory is empty, else 1);
 * 4. stores (s, y) unless sᵀy ≤ ε yᵀy.
 * If a line search fails, the memory is cleared and the iteration retried from steepest descent; a second failure
 * ends the run. x0 is first projected onto the box, and every point the objective sees lies in the box.
 *
 * Never throws for NaN/±Infinity: as a solver it reports them with the stop reason `nonFinite`, which the caller can
 * act on per run, rather than an error. A non-finite x0 stops the run before the first evaluation (x0 is returned);
 * a non-finite value or gradient from the objective, or a {@link PgNonFiniteError} it throws (e.g. a physics refusing
 * an overflowing residual), counts as a non-finite trial: the line search steps back, and the run ends with
 * `nonFinite` at the last finite iterate only when it cannot.
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
  let g: Float64Array = new Float64Array(n);
  let f = objective(Float64Array.from(x), g);
  evaluations++;
  if (!Number.isFinite(f) || !allFinite(g)) return finish(f, g, "nonFinite");
  if (projectedGradientNorm(x, g, lower, upper) <= options.gradientTolerance) return finish(f, g, "converged", "projectedGradient");

  let boxed = true;
  for (let i = 0; i < n; i++) if (!Number.isFinite(lower[i] as number) || !Number.isFinite(upper[i] as number)) boxed = false;
  const memory = new LbfgsbMemory(n, options.historySize);
  const lineSearch = { decrease: SUFFICIENT_DECREASE, curvature: CURVATURE, maxSteps: options.maxLineSearchSteps };

  for (;;) {
    if (iterations >= options.maxIterations || evaluations >= options.maxEvaluations) return finish(f, g, "maxIterations");

    // Search direction d = x̄ − x from the Cauchy point and the subspace minimisation.
    const cauchy = generalizedCauchyPoint(x, g, lower, upper, memory);
    const target = subspaceMinimum(x, g, lower, upper, memory, cauchy);
    if (target === undefined) {
      // A singular 2k × 2k system, or an overflowing step: retry from steepest descent, then give up.
      if (memory.count > 0) {
        memory.clear();
        continue;
      }
      return finish(f, g, "nonFinite");
    }
    const direction = new Float64Array(n);
    for (let i = 0; i < n; i++) direction[i] = (target[i] as number) - (x[i] as number);
    const slope0 = dot(g, direction);
    if (!(slope0 < 0)) {
      if (memory.count > 0) {
        memory.clear();
        continue;
      }
      return finish(f, g, "lineSearchFailed");
    }

    // Largest feasible step along d (≥ 1 up to rounding, since x̄ is feasible).
    let maxStep = UNBOUNDED_STEP;
    for (let i = 0; i < n; i++) {
      const di = direction[i] as number;
      if (di > 0) maxStep = Math.min(maxStep, ((upper[i] as number) - (x[i] as number)) / di);
      else if (di < 0) maxStep = Math.min(maxStep, ((lower[i] as number) - (x[i] as number)) / di);
    }
    const initialStep = memory.count === 0 && !boxed ? Math.min(1 / Math.sqrt(dot(direction, direction)), maxStep) : Math.min(1, maxStep);

    const points = new Map<LineSearchTrial, { x: Float64Array; g: Float64Array }>();
    const xCurrent = x;
    const evaluate = (step: number): LineSearchTrial | undefined => {
      if (evaluations >= options.maxEvaluations) return undefined;
      const trialX = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = (xCurrent[i] as number) + step * (direction[i] as number);
        trialX[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, v));
      }
      const trialG = new Float64Array(n);
      const value = objective(Float64Array.from(trialX), trialG);
      evaluations++;
      const finite = Number.isFinite(value) && allFinite(trialG);
      const trial: LineSearchTrial = { step, value: finite ? value : NaN, slope: finite ? dot(trialG, direction) : NaN, finite };
      points.set(trial, { x: trialX, g: trialG });
      return trial;
    };
    const outcome = strongWolfeLineSearch(evaluate, f, slope0, initialStep, maxStep, lineSearch);

    let accepted: LineSearchTrial | undefined;
    if (outcome.status === "accepted") accepted = outcome.trial;
    else if (outcome.status === "budget") {
      if (outcome.trial === undefined) return finish(f, g, "maxIterations");
      accepted = outcome.trial;
    } else {
      if (memory.count > 0) {
        memory.clear();
        continue;
      }
      return finish(f, g, outcome.status === "nonFinite" ? "nonFinite" : "lineSearchFailed");
    }

    const next = points.get(accepted) as { x: Float64Array; g: Float64Array };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (next.x[i] as number) - (x[i] as number);
      y[i] = (next.g[i] as number) - (g[i] as number);
    }
    const fOld = f;
    x = next.x;
    g = next.g;
    f = accepted.value;
    iterations++;
    const sy = dot(s, y);
    if (sy > Number.EPSILON * dot(y, y)) memory.push(s, y);

    if (projectedGradientNorm(x, g, lower, upper) <= options.gradientTolerance) return finish(f, g, "converged", "projectedGradient");
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= options.relativeDecreaseTolerance) {
      return finish(f, g, "converged", "relativeDecrease");
    }
  }
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i] as number)) return false;
  return true;
}
