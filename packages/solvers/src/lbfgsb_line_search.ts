/**
 * The Moré–Thuente line search (J. J. Moré, D. J. Thuente, "Line search algorithms with guaranteed sufficient
 * decrease", ACM TOMS 20 (1994) 286–307), as MINPACK-2 organises it and as L-BFGS-B calls it.
 *
 * Along a descent direction, φ(α) = f(x + αd) with φ′(0) < 0, the search looks for a step satisfying
 *
 *   φ(α) ≤ φ(0) + μ α φ′(0)   (sufficient decrease)   and   |φ′(α)| ≤ η |φ′(0)|   (curvature),
 *
 * inside [minStep, maxStep]. It keeps an interval of uncertainty with endpoints α_x (the best step so far: lowest
 * value among the trials with sufficient decrease) and α_y, and chooses each new trial by
 * {@link safeguardedStep}. While no trial has shown both ψ(α) = φ(α) − φ(0) − μαφ′(0) ≤ 0 and φ′(α) ≥ 0 (stage 1), the
 * steps are chosen from ψ instead of φ whenever the trial lowered φ but not enough, which keeps the interval around
 * a point with sufficient decrease. Until the minimiser is bracketed, trials extrapolate to
 * [α + 1.1(α − α_x), α + 4(α − α_x)]; once it is bracketed, a trial that fails to shrink the interval by a factor
 * 0.66 over two trials is replaced by the midpoint.
 *
 * The search ends with `converged` (both conditions hold) or with a warning where no better step can be expected:
 * `roundingErrors` (the trial fell outside the interval, which only rounding can cause), `stepTolerance` (the
 * interval is shorter than `stepTolerance` times its right end), `maxStep` (the largest step still decreases φ
 * enough and φ′ < μφ′(0) there) or `minStep` (the smallest step does not). L-BFGS-B accepts the last trial in every
 * one of these cases; only running out of trials, or a direction that does not descend, is a failure.
 */

/** The constants of one search. L-BFGS-B uses μ = 1e-3, η = 0.9, stepTolerance = 0.1, minStep = 0. */
export interface MoreThuenteSettings {
  /** μ of the sufficient-decrease condition, 0 ≤ μ. */
  readonly decrease: number;
  /** η of the curvature condition, 0 ≤ η (μ < η guarantees that an acceptable step exists). */
  readonly curvature: number;
  /** Relative width below which the bracketed interval is considered collapsed. */
  readonly stepTolerance: number;
  /** Smallest step tried, ≥ 0. */
  readonly minStep: number;
  /** Largest step tried, ≥ minStep. */
  readonly maxStep: number;
}

/**
 * The interval of uncertainty of a search: α_x (`stx`) with φ and φ′ there (`fx`, `dx`), the other end α_y (`sty`,
 * `fy`, `dy`), and whether a minimiser is known to lie between them. `fy`/`dy` are NaN after a non-finite trial
 * became the far end.
 */
export interface SearchInterval {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  bracketed: boolean;
}

/**
 * One safeguarded step of the Moré–Thuente search (MINPACK-2 `dcstep`): from the trial (α, φ(α), φ′(α)) and the
 * interval, returns the next trial and updates the interval. α_x must have φ′ pointing towards α (φ′(α_x)(α − α_x)
 * < 0); when the interval is bracketed, α lies between its ends. With θ, γ the usual cubic quantities, α_c the
 * minimiser of the cubic through (α_x, α), α_q that of the quadratic through φ(α_x), φ′(α_x), φ(α) and α_s the secant
 * step (zero of the linear interpolant of φ′):
 *
 * 1. φ(α) > φ(α_x): a minimiser lies between them. Take α_c if it is closer to α_x than α_q, else (α_c + α_q)/2.
 * 2. φ(α) ≤ φ(α_x), φ′ changes sign: bracketed too. Take whichever of α_c and α_s lies farther from α.
 * 3. φ′ keeps its sign and decreases in magnitude: the cubic step if the cubic tends to infinity beyond α or its
 *    minimiser lies beyond α, else the limit in the step's direction; bracketed, the one of α_c and α_s closer to α,
 *    capped at 66 % of the way to α_y; not bracketed, the one farther from α, within [lowerLimit, upperLimit].
 * 4. φ′ keeps its sign and does not decrease in magnitude: bracketed, the minimiser of the cubic through α and α_y
 *    (the midpoint if α_y was not finite); otherwise the limit in the step's direction.
 *
 * The interval then becomes [α_x, α] in case 1, [α, α_x] in case 2 and [α, α_y] otherwise.
 */
export function safeguardedStep(
  interval: SearchInterval,
  stp: number,
  fp: number,
  dp: number,
  lowerLimit: number,
  upperLimit: number,
): number {
  const { stx, fx, dx, sty, fy, dy } = interval;
  // Whether φ′ changes sign between α_x and α.
  const signChange = dp * (dx / Math.abs(dx)) < 0;
  let next: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const cubic = stx + (p / q) * (stp - stx);
    const quadratic = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    next = Math.abs(cubic - stx) < Math.abs(quadratic - stx) ? cubic : cubic + (quadratic - cubic) / 2;
    interval.bracketed = true;
  } else if (signChange) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const cubic = stp + (p / q) * (stx - stp);
    const secant = stp + (dp / (dp - dx)) * (stx - stp);
    next = Math.abs(cubic - stp) > Math.abs(secant - stp) ? cubic : secant;
    interval.bracketed = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    // γ = 0 only when the cubic does not tend to infinity in the step's direction.
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let cubic: number;
    if (r < 0 && gamma !== 0) cubic = stp + r * (stx - stp);
    else cubic = stp > stx ? upperLimit : lowerLimit;
    const secant = stp + (dp / (dp - dx)) * (stx - stp);
    if (interval.bracketed) {
      next = Math.abs(cubic - stp) < Math.abs(secant - stp) ? cubic : secant;
      const cap = stp + 0.66 * (sty - stp);
      next = stp > stx ? Math.min(cap, next) : Math.max(cap, next);
    } else {
      next = Math.abs(cubic - stp) > Math.abs(secant - stp) ? cubic : secant;
      next = Math.max(lowerLimit, Math.min(upperLimit, next));
    }
  } else if (interval.bracketed) {
    if (Number.isFinite(fy) && Number.isFinite(dy)) {
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      next = stp + (p / q) * (sty - stp);
    } else {
      // The far end was a non-finite trial: no cubic through it, halve the distance instead.
      next = stp + 0.5 * (sty - stp);
    }
  } else {
    next = stp > stx ? upperLimit : lowerLimit;
  }

  if (fp > fx) {
    interval.sty = stp;
    interval.fy = fp;
    interval.dy = dp;
  } else {
    if (signChange) {
      interval.sty = stx;
      interval.fy = fx;
      interval.dy = dx;
    }
    interval.stx = stp;
    interval.fx = fp;
    interval.dx = dp;
  }
  return next;
}

/** Why a search stopped short of both conditions while still returning its last trial (see the module comment). */
export type LineSearchWarning = "roundingErrors" | "stepTolerance" | "maxStep" | "minStep";

/** What the search asks for next: `evaluate` φ and φ′ at `step`, or it has ended. */
export type LineSearchStatus = "evaluate" | "converged" | "warning";

/**
 * The Moré–Thuente search as a state machine (MINPACK-2 `dcsrch`): construct it with φ(0), φ′(0) and a first
 * step, evaluate φ and φ′ at {@link MoreThuenteSearch.step} while {@link MoreThuenteSearch.status} is `evaluate`,
 * and pass them to {@link MoreThuenteSearch.report}. When the status turns `converged` or `warning`, the step just
 * reported is the search's answer. A trial where φ or φ′ is not finite is reported with
 * {@link MoreThuenteSearch.reportNonFinite}: it becomes the far end of the interval and the next trial is the
 * midpoint towards the best step.
 *
 * Invalid arguments (φ′(0) ≥ 0, a first step outside [minStep, maxStep], negative tolerances) throw a RangeError:
 * the caller checks the direction before it starts a search.
 */
export class MoreThuenteSearch {
  /** The step to evaluate next, or the accepted step once the search has ended. */
  step: number;
  status: LineSearchStatus = "evaluate";
  /** Set with status `warning`. */
  warning: LineSearchWarning | undefined = undefined;
  /** The interval of uncertainty (exposed for tests). */
  readonly interval: SearchInterval;
  private readonly settings: MoreThuenteSettings;
  private readonly value0: number;
  private readonly slope0: number;
  /** μ φ′(0): the slope of the sufficient-decrease line. */
  private readonly decreaseSlope: number;
  /** Stage 1 until a trial has ψ ≤ 0 and φ′ ≥ 0. */
  private stage: 1 | 2 = 1;
  /** Trials are kept within [stepMin, stepMax]: the extrapolation range, then the interval. */
  private stepMin: number;
  private stepMax: number;
  /** Interval width now and two trials ago, for the bisection rule. */
  private width: number;
  private previousWidth: number;

  constructor(value0: number, slope0: number, initialStep: number, settings: MoreThuenteSettings) {
    const { decrease, curvature, stepTolerance, minStep, maxStep } = settings;
    if (!(slope0 < 0)) throw new RangeError(`MoreThuenteSearch: φ′(0) must be < 0; received ${slope0}.`);
    if (!(decrease >= 0 && curvature >= 0 && stepTolerance >= 0 && minStep >= 0 && maxStep >= minStep)) {
      throw new RangeError("MoreThuenteSearch: tolerances must be ≥ 0 and 0 ≤ minStep ≤ maxStep.");
    }
    if (!(initialStep >= minStep && initialStep <= maxStep)) {
      throw new RangeError(`MoreThuenteSearch: the first step must lie in [${minStep}, ${maxStep}]; received ${initialStep}.`);
    }
    this.settings = settings;
    this.value0 = value0;
    this.slope0 = slope0;
    this.decreaseSlope = decrease * slope0;
    this.step = initialStep;
    this.interval = { stx: 0, fx: value0, dx: slope0, sty: 0, fy: value0, dy: slope0, bracketed: false };
    this.width = maxStep - minStep;
    this.previousWidth = this.width / 0.5;
    this.stepMin = 0;
    this.stepMax = initialStep + 4 * initialStep;
  }

  /** Reports φ(step) and φ′(step) (both finite) and decides: another trial, or the end of the search. */
  report(value: number, slope: number): LineSearchStatus {
    if (this.status !== "evaluate") throw new RangeError("MoreThuenteSearch: the search has already ended.");
    const { curvature, stepTolerance, minStep, maxStep } = this.settings;
    const stp = this.step;
    const interval = this.interval;
    const decreaseLine = this.value0 + stp * this.decreaseSlope;
    if (this.stage === 1 && value <= decreaseLine && slope >= 0) this.stage = 2;

    // Warnings, then convergence; later tests take precedence, as in MINPACK-2.
    let ending: LineSearchStatus = "evaluate";
    let warning: LineSearchWarning | undefined;
    if (interval.bracketed && (stp <= this.stepMin || stp >= this.stepMax)) warning = "roundingErrors";
    if (interval.bracketed && this.stepMax - this.stepMin <= stepTolerance * this.stepMax) warning = "stepTolerance";
    if (stp === maxStep && value <= decreaseLine && slope <= this.decreaseSlope) warning = "maxStep";
    if (stp === minStep && (value > decreaseLine || slope >= this.decreaseSlope)) warning = "minStep";
    if (warning !== undefined) ending = "warning";
    if (value <= decreaseLine && Math.abs(slope) <= curvature * -this.slope0) {
      ending = "converged";
      warning = undefined;
    }
    if (ending !== "evaluate") {
      this.status = ending;
      this.warning = warning;
      return ending;
    }

    let next: number;
    if (this.stage === 1 && value <= interval.fx && value > decreaseLine) {
      // Lower than the best value, but not enough: step on ψ, whose minimiser has sufficient decrease.
      const shift = this.decreaseSlope;
      const modified: SearchInterval = {
        stx: interval.stx,
        fx: interval.fx - interval.stx * shift,
        dx: interval.dx - shift,
        sty: interval.sty,
        fy: interval.fy - interval.sty * shift,
        dy: interval.dy - shift,
        bracketed: interval.bracketed,
      };
      next = safeguardedStep(modified, stp, value - stp * shift, slope - shift, this.stepMin, this.stepMax);
      interval.stx = modified.stx;
      interval.sty = modified.sty;
      interval.fx = modified.fx + modified.stx * shift;
      interval.fy = modified.fy + modified.sty * shift;
      interval.dx = modified.dx + shift;
      interval.dy = modified.dy + shift;
      interval.bracketed = modified.bracketed;
    } else {
      next = safeguardedStep(interval, stp, value, slope, this.stepMin, this.stepMax);
    }
    this.advance(next, true);
    return this.status;
  }

  /**
   * Reports that φ or φ′ was NaN/±Infinity at `step`: the step is treated as too long. It becomes the far end of
   * a bracketed interval and the next trial is halfway back to the best step.
   */
  reportNonFinite(): LineSearchStatus {
    if (this.status !== "evaluate") throw new RangeError("MoreThuenteSearch: the search has already ended.");
    const interval = this.interval;
    interval.sty = this.step;
    interval.fy = NaN;
    interval.dy = NaN;
    interval.bracketed = true;
    this.advance(interval.stx + 0.5 * (interval.sty - interval.stx), false);
    return this.status;
  }

  /** Applies the bisection rule, the interval or extrapolation limits and [minStep, maxStep] to the next trial. */
  private advance(proposed: number, allowBisection: boolean): void {
    const { stepTolerance, minStep, maxStep } = this.settings;
    const interval = this.interval;
    let next = proposed;
    if (interval.bracketed) {
      // Bisect when two trials have not shrunk the interval to 66 %.
      if (allowBisection && Math.abs(interval.sty - interval.stx) >= 0.66 * this.previousWidth) {
        next = interval.stx + 0.5 * (interval.sty - interval.stx);
      }
      this.previousWidth = this.width;
      this.width = Math.abs(interval.sty - interval.stx);
      this.stepMin = Math.min(interval.stx, interval.sty);
      this.stepMax = Math.max(interval.stx, interval.sty);
    } else {
      this.stepMin = next + 1.1 * (next - interval.stx);
      this.stepMax = next + 4 * (next - interval.stx);
    }
    next = Math.min(Math.max(next, minStep), maxStep);
    // No further progress is possible: try the best step again (the next report ends the search).
    if (
      interval.bracketed &&
      (next <= this.stepMin || next >= this.stepMax || this.stepMax - this.stepMin <= stepTolerance * this.stepMax)
    ) {
      next = interval.stx;
    }
    this.step = next;
  }
}
