/** One trial of the line search: φ(step) = f(x + step·d) and φ′(step) = ∇f(x + step·d)ᵀd. */
export interface LineSearchTrial {
  readonly step: number;
  /** f at the trial point; NaN/±Infinity when the objective or its gradient was not finite there. */
  readonly value: number;
  /** φ′(step); NaN when the trial is not finite. */
  readonly slope: number;
  /** Whether the value and every gradient component were finite. */
  readonly finite: boolean;
}

/**
 * How a line search ended. `accepted`: `trial` satisfies the strong Wolfe conditions, or sufficient decrease at
 * the largest feasible step. `failed`: no acceptable step within the trial budget or the bracket collapsed.
 * `nonFinite`: like `failed`, but the last trial was NaN/±Infinity. `budget`: the evaluation budget ran out;
 * `trial` is then the best point with sufficient decrease found so far, if any.
 */
export type LineSearchOutcome =
  | { readonly status: "accepted"; readonly trial: LineSearchTrial }
  | { readonly status: "failed" | "nonFinite" }
  | { readonly status: "budget"; readonly trial: LineSearchTrial | undefined };

/** Settings of {@link strongWolfeLineSearch}. */
export interface LineSearchSettings {
  /** Sufficient-decrease constant c₁ (1e-3 in L-BFGS-B). */
  readonly decrease: number;
  /** Curvature constant c₂ (0.9 in L-BFGS-B). */
  readonly curvature: number;
  /** Most trials (function and gradient evaluations) per search. */
  readonly maxSteps: number;
}

/**
 * A line search for a step satisfying the strong Wolfe conditions
 *
 *   φ(α) ≤ φ(0) + c₁ α φ′(0),   |φ′(α)| ≤ c₂ |φ′(0)|,
 *
 * restricted to 0 < α ≤ `maxStep` (the largest step keeping x + αd in the box). A bracketing phase extrapolates from
 * `initialStep` until the interval contains acceptable points, then a zoom phase shrinks it with safeguarded cubic
 * interpolation (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithms 3.5 and 3.6). If `maxStep` is reached
 * with sufficient decrease and a still negative slope, that step is accepted: no Wolfe point exists inside the box.
 * Non-finite trials are treated as too long: the search steps back toward the last finite point.
 *
 * `evaluate(step)` returns the trial, or undefined when the caller's evaluation budget is exhausted.
 */
export function strongWolfeLineSearch(
  evaluate: (step: number) => LineSearchTrial | undefined,
  value0: number,
  slope0: number,
  initialStep: number,
  maxStep: number,
  settings: LineSearchSettings,
): LineSearchOutcome {
  const { decrease, curvature, maxSteps } = settings;
  const start: LineSearchTrial = { step: 0, value: value0, slope: slope0, finite: true };
  const sufficient = (t: LineSearchTrial): boolean => t.value <= value0 + decrease * t.step * slope0;
  const flat = (t: LineSearchTrial): boolean => Math.abs(t.slope) <= -curvature * slope0;
  let trials = 0;
  let previous = start;
  let step = Math.min(initialStep, maxStep);

  // Bracketing: extrapolate until φ rises, sufficient decrease fails, or φ′ turns non-negative.
  let lo: LineSearchTrial;
  let hi: LineSearchTrial;
  for (;;) {
    if (trials >= maxSteps) return { status: "failed" };
    const trial = evaluate(step);
    trials++;
    if (trial === undefined) return { status: "budget", trial: previous.step > 0 ? previous : undefined };
    if (!trial.finite || !sufficient(trial) || (previous.step > 0 && trial.value >= previous.value)) {
      lo = previous;
      hi = trial;
      break;
    }
    if (flat(trial)) return { status: "accepted", trial };
    if (trial.slope >= 0) {
      lo = trial;
      hi = previous;
      break;
    }
    if (trial.step >= maxStep) return { status: "accepted", trial };
    // Extrapolate with the cubic through (previous, trial), kept within [α + 1.1Δ, α + 4Δ] and below maxStep.
    const width = trial.step - previous.step;
    const low = trial.step + 1.1 * width;
    const high = trial.step + 4 * width;
    const cubic = cubicMinimizer(previous, trial);
    const next = Number.isFinite(cubic) && cubic > low ? Math.min(cubic, high) : high;
    previous = trial;
    step = Math.min(next, maxStep);
  }

  // Zoom: lo has sufficient decrease and the lowest value so far; φ′(lo)·(hi − lo) < 0 or hi violates decrease.
  for (;;) {
    const width = Math.abs(hi.step - lo.step);
    if (trials >= maxSteps || width <= Number.EPSILON * Math.max(Math.abs(lo.step), Math.abs(hi.step))) {
      return { status: hi.finite ? "failed" : "nonFinite" };
    }
    let next: number;
    if (!hi.finite) {
      next = lo.step + 0.5 * (hi.step - lo.step);
    } else {
      const margin = 0.1 * width;
      const left = Math.min(lo.step, hi.step) + margin;
      const right = Math.max(lo.step, hi.step) - margin;
      const cubic = cubicMinimizer(lo, hi);
      next = Number.isFinite(cubic) ? Math.min(right, Math.max(left, cubic)) : 0.5 * (lo.step + hi.step);
    }
    const trial = evaluate(next);
    trials++;
    if (trial === undefined) return { status: "budget", trial: lo.step > 0 ? lo : undefined };
    if (!trial.finite || !sufficient(trial) || trial.value >= lo.value) {
      hi = trial;
      continue;
    }
    if (flat(trial)) return { status: "accepted", trial };
    if (trial.slope * (hi.step - lo.step) >= 0) hi = lo;
    lo = trial;
  }
}

/**
 * Minimiser of the cubic interpolating φ and φ′ at two trials, or NaN when the cubic has no local minimum.
 * With d₁ = φ′_a + φ′_b − 3(φ_a − φ_b)/(a − b) and d₂ = sign(b − a)·√(d₁² − φ′_a φ′_b):
 * α = b − (b − a)(φ′_b + d₂ − d₁)/(φ′_b − φ′_a + 2d₂).
 */
export function cubicMinimizer(a: LineSearchTrial, b: LineSearchTrial): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.step - b.step);
  const discriminant = d1 * d1 - a.slope * b.slope;
  if (!(discriminant >= 0)) return NaN;
  const d2 = Math.sign(b.step - a.step) * Math.sqrt(discriminant);
  const denominator = b.slope - a.slope + 2 * d2;
  if (denominator === 0) return NaN;
  return b.step - ((b.step - a.step) * (b.slope + d2 - d1)) / denominator;
}
