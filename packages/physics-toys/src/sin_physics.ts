import {
  PgValidationError,
  requireBatchArray,
  requireFinite,
  requireKnownKeys,
  requirePositiveInteger,
  type NewtonDerivatives,
  type Physics,
  type OptionKeysCover,
} from "@pg/core";
import { sinClosestMinimum } from "./sin_closest_minimum";

const SHAPE: readonly number[] = Object.freeze([1]);

/** Options of {@link sinPhysics}. */
export interface SinPhysicsOptions {
  /**
   * The frequency parameter a of each example (the network input; the paper draws a ~ U[0.1, 10.1)). Length = batch;
   * every entry finite and > 0. Copied, so later changes to the caller's array have no effect.
   */
  readonly a: Float64Array;
}

/** Every key of {@link SinPhysicsOptions}: anything else is refused as a misspelling. */
const SIN_PHYSICS_OPTION_KEYS = ["a"] as const satisfies readonly (keyof SinPhysicsOptions)[];
// A compile error here means an option of SinPhysicsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<SinPhysicsOptions, typeof SIN_PHYSICS_OPTION_KEYS>;

/**
 * The single-parameter problem y = P_a(x) = sin(a/x) of the paper (§3.1, App. B.2) for one batch of parameters a.
 * x and y have one entry per example (xShape = yShape = [1]); `batch` must equal `a.length` in every call.
 */
export interface SinPhysics extends Physics {
  /** A copy of the parameters a, one per example. */
  readonly a: Float64Array;
  /**
   * y = sin(a/x) per example.
   * @throws {@link PgValidationError} if `batch` ≠ a.length; {@link PgShapeError} if `x` is not a Float64Array of length
   * batch; {@link PgNonFiniteError} naming `x` if it holds NaN or ±Infinity (the forward contract: an error, not a
   * NaN passed on).
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /**
   * dx = dy · (−a/x²) cos(a/x), the vector–Jacobian product (∂P/∂x)ᵀ dy per example.
   * @throws {@link PgValidationError} / {@link PgShapeError} / {@link PgNonFiniteError} as for `forward`, also for `dy`.
   */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
  /**
   * ∂P/∂x = (−a/x²) cos(a/x) per example (P acts element-wise, so the Jacobian is diagonal).
   * @throws as `forward`.
   */
  jacobianDiagonal(x: Float64Array, batch: number): Float64Array;
  /**
   * First and second derivative of f(x) = sin(a/x) itself, not of L (the paper's Newton variant): gradient f′ = −(a/x²)cos(a/x),
   * curvature f″ = (2a/x³)cos(a/x) − (a²/x⁴)sin(a/x). The paper runs Newton on P because y* = −1 is the minimum
   * of P, so minimising P and minimising L = ½(P + 1)² have the same solutions. `yTarget` does not enter the
   * formulas but is checked like `x`: length batch and finite.
   * @throws as `forward`, also for `yTarget`.
   */
  newtonDerivatives(x: Float64Array, yTarget: Float64Array, batch: number): NewtonDerivatives;
  /**
   * The analytic inverse ("Adam + PG (Inv.phys.)" in the paper): for each example the minimum x̃ = a/(3π/2 + 2πn) of
   * sin(a/x) closest in phase a/x to the guess x, with n = round(a/(2πx) − ¾) clamped to n ≥ 0 for x > 0 and
   * n ≤ −1 for x < 0. x̃ has the sign of x; x = ±0 counts as 0⁺ (a very large n, |n| ≤ 2²⁰, also the cap for
   * tiny |x|); a very large |x| gives the outermost minimum 2a/(3π) or −2a/π.
   * @param x - guesses, one per example (length a.length); finite.
   * @returns a new Float64Array of proposals x̃.
   * @throws {@link PgShapeError} if `x` is not a Float64Array of length a.length; {@link PgNonFiniteError} naming `x`
   * if it holds NaN or ±Infinity (the inverse refuses them like the forward does).
   */
  closestMinimum(x: Float64Array): Float64Array;
}

class SinPhysicsImplementation implements SinPhysics {
  readonly name = "sin(a/x)";
  readonly xShape = SHAPE;
  readonly yShape = SHAPE;
  readonly a: Float64Array;

  constructor(a: Float64Array) {
    this.a = a;
  }

  forward(x: Float64Array, batch: number): Float64Array {
    this.requireInputs("sinPhysics.forward", batch, { x });
    const y = new Float64Array(batch);
    for (let i = 0; i < batch; i++) y[i] = Math.sin((this.a[i] as number) / evaluationPoint(x[i] as number));
    return y;
  }

  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array {
    this.requireInputs("sinPhysics.adjoint", batch, { x, dy });
    const dx = new Float64Array(batch);
    for (let i = 0; i < batch; i++) {
      const a = this.a[i] as number;
      const xi = evaluationPoint(x[i] as number);
      const d = dy[i] as number;
      // A zero cotangent gives zero even where the Jacobian overflows (x ≈ 0), instead of 0·∞ = NaN.
      dx[i] = d === 0 ? 0 : d * (-a / (xi * xi)) * Math.cos(a / xi);
    }
    return dx;
  }

  jacobianDiagonal(x: Float64Array, batch: number): Float64Array {
    this.requireInputs("sinPhysics.jacobianDiagonal", batch, { x });
    const diagonal = new Float64Array(batch);
    for (let i = 0; i < batch; i++) {
      const a = this.a[i] as number;
      const xi = evaluationPoint(x[i] as number);
      diagonal[i] = (-a / (xi * xi)) * Math.cos(a / xi);
    }
    return diagonal;
  }

  newtonDerivatives(x: Float64Array, yTarget: Float64Array, batch: number): NewtonDerivatives {
    this.requireInputs("sinPhysics.newtonDerivatives", batch, { x, yTarget });
    const gradient = new Float64Array(batch);
    const curvature = new Float64Array(batch);
    for (let i = 0; i < batch; i++) {
      const a = this.a[i] as number;
      const xi = evaluationPoint(x[i] as number);
      const phase = a / xi;
      const cosine = Math.cos(phase);
      const x2 = xi * xi;
      // f′ = −(a/x²)cos(a/x); f″ = (2a/x³)cos(a/x) − (a²/x⁴)sin(a/x).
      gradient[i] = (-a / x2) * cosine;
      curvature[i] = ((2 * a) / (x2 * xi)) * cosine - ((a * a) / (x2 * x2)) * Math.sin(phase);
    }
    return { gradient, curvature };
  }

  closestMinimum(x: Float64Array): Float64Array {
    const batch = this.a.length;
    requireBatchArray("sinPhysics.closestMinimum", "x", x, batch, SHAPE);
    requireFinite("sinPhysics.closestMinimum", "input", x, undefined, "parameter x must be finite");
    const xTilde = new Float64Array(batch);
    for (let i = 0; i < batch; i++) xTilde[i] = sinClosestMinimum(this.a[i] as number, x[i] as number);
    return xTilde;
  }

  /** Checks `batch` against a.length and every named array against batch × 1 and for NaN/±Infinity. */
  private requireInputs(where: string, batch: number, arrays: Readonly<Record<string, Float64Array>>): void {
    requirePositiveInteger(where, "batch", batch);
    if (batch !== this.a.length) {
      throw new PgValidationError(where, "batch", `equal to a.length = ${this.a.length} (one a per example)`, batch);
    }
    for (const [parameter, array] of Object.entries(arrays)) {
      requireBatchArray(where, parameter, array, batch, SHAPE);
      requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
    }
  }
}

/**
 * Builds the sin(a/x) physics of the paper (§3.1) for one batch of parameters a: forward y = sin(a/x), its adjoint, the
 * diagonal Jacobian, Newton derivatives of P and the analytic inverse to the closest minimum.
 * @param options - {@link SinPhysicsOptions}; `a` is validated and copied here.
 * @returns a {@link SinPhysics} whose batch is `a.length`.
 * @throws {@link PgValidationError} if `options` has a key other than `a` (the closest known one is suggested), `a` is
 * not a non-empty Float64Array, or an entry is not finite or not > 0 (the message names the first bad index).
 * @example
 * import { sinPhysics, sinTargets } from "@pg/physics-toys";
 * const physics = sinPhysics({ a: Float64Array.of(1, 3) });
 * const x = Float64Array.of(0.5, -2);
 * console.log(Array.from(physics.forward(x, 2), (y) => y.toFixed(4)).join(" ")); // 0.9093 -0.9975
 * const xTilde = physics.closestMinimum(x);
 * console.log(Array.from(xTilde, (v) => v.toFixed(4)).join(" ")); // 0.2122 -1.9099
 * console.log(Array.from(physics.forward(xTilde, 2)).join(" ")); // -1 -1
 * console.log(sinTargets(2).join(" ")); // -1 -1
 */
export function sinPhysics(options: SinPhysicsOptions): SinPhysics {
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError("sinPhysics", "options", "an object { a: Float64Array }", options);
  }
  requireKnownKeys("sinPhysics", "options", options, SIN_PHYSICS_OPTION_KEYS);
  const a: unknown = options.a;
  if (!(a instanceof Float64Array) || a.length === 0) {
    throw new PgValidationError("sinPhysics", "a", "a non-empty Float64Array (one parameter per example)", a);
  }
  for (let i = 0; i < a.length; i++) {
    const value = a[i] as number;
    if (!(Number.isFinite(value) && value > 0)) {
      throw new PgValidationError(
        "sinPhysics",
        "a",
        "a Float64Array of finite numbers > 0",
        a,
        `a[${i}] is ${String(value)}.`,
      );
    }
  }
  return new SinPhysicsImplementation(Float64Array.from(a));
}

/**
 * Where sin(a/x) and its derivatives are evaluated for a prediction x: x itself, except that ±0 is taken as +0⁺
 * (the convention of the analytic inverse), represented by 1e-300 so that a/x stays finite for every a < 1e8. A float32 network can
 * output exactly 0; without this the objective there would be sin(±∞) = NaN.
 */
function evaluationPoint(x: number): number {
  return x === 0 ? POSITIVE_ZERO_PLUS : x;
}

const POSITIVE_ZERO_PLUS = 1e-300;
