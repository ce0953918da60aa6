import { PgValidationError, requireNonNegativeInteger, requirePositiveInteger } from "@pg/core";
import { requireFiniteField, requireOptionsObject } from "./grid_validation";

/**
 * A linear operator on one example: writes A·x into `out`. `x` and `out` are distinct Float64Arrays of length `size`
 * (views into larger buffers are allowed); `example` is the index of the example in the batch, for operators that
 * differ per example. It must not keep references to `x` or `out`.
 */
export type LinearOperator = (x: Float64Array, out: Float64Array, example: number) => void;

/**
 * Why conjugate gradient stopped for one example: the residual test passed, the iteration budget ran out, or the
 * residual grew (‖r‖²/‖r₀‖² > 1e5 after ≥ 8 iterations) or the iteration broke down (dᵀAd = 0 or non-finite values).
 */
export type ConjugateGradientStopReason = "converged" | "maxIterations" | "diverged";

/** Options of {@link conjugateGradient}: the operator, the right-hand sides and the stopping rule. */
export interface ConjugateGradientOptions {
  /** A·x for one example at a time; must be symmetric and definite (positive or negative). */
  readonly apply: LinearOperator;
  /** Right-hand sides, Float64Array of length batch × size, example-major; not modified. */
  readonly b: Float64Array;
  /** Unknowns per example (nx × ny for a grid); a positive integer. */
  readonly size: number;
  /** Number of independent systems; a positive integer. */
  readonly batch: number;
  /** rtol in the stopping test ‖r‖ ≤ max(rtol·‖b‖, atol); a finite number ≥ 0. */
  readonly relativeTolerance: number;
  /** atol in the stopping test; a finite number ≥ 0. @defaultValue 0 */
  readonly absoluteTolerance?: number;
  /** Iteration budget per example; a non-negative integer. @defaultValue 1000 */
  readonly maxIterations?: number;
  /** Starting point x₀ (warm start), batch × size; not modified. @defaultValue zeros */
  readonly initialGuess?: Float64Array;
}

/** Every key of {@link ConjugateGradientOptions}: anything else is refused as a misspelling. */
const CONJUGATE_GRADIENT_OPTION_KEYS = ["apply", "b", "size", "batch", "relativeTolerance", "absoluteTolerance", "maxIterations", "initialGuess"] as const satisfies readonly (keyof ConjugateGradientOptions)[];
// A compile error here means an option of ConjugateGradientOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof ConjugateGradientOptions, (typeof CONJUGATE_GRADIENT_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** Result of {@link conjugateGradient}; every array has one entry per example except `x`. */
export interface ConjugateGradientResult {
  /** The approximate solutions, Float64Array of length batch × size. */
  readonly x: Float64Array;
  /** Iterations (operator applications in the loop) per example. */
  readonly iterations: Int32Array;
  /** `reasons[e] === 'converged'`. */
  readonly converged: readonly boolean[];
  /** Why each example stopped; non-convergence is reported here, never thrown. */
  readonly reasons: readonly ConjugateGradientStopReason[];
  /** Final ‖r‖₂ per example, of the recursively updated residual the stopping test used. */
  readonly residualNorms: Float64Array;
}

/** Divergence test of PhiFlow's CG, which the authors' code solves with: ‖r‖²/‖r₀‖² above this after at least {@link DIVERGENCE_MIN_ITERATIONS}. */
const DIVERGENCE_RATIO = 1e5;
const DIVERGENCE_MIN_ITERATIONS = 8;
/** The residual is recomputed as b − A·x every this many iterations, to shed accumulated rounding (Shewchuk §B2). */
const RESIDUAL_REFRESH_INTERVAL = 50;

function requireTolerance(parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError("conjugateGradient", parameter, "a finite number ≥ 0", value);
  }
  return value;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}

/**
 * Solves A·x = b for every example of a batch by the conjugate gradient method (Shewchuk 1994, "An Introduction to
 * the Conjugate Gradient Method Without the Agonizing Pain", §B2), each example with its own α, β and stopping test
 * (PhiFlow's rule): stop when ‖r‖² ≤ max(rtol²·‖b‖², atol²), when ‖r‖²/‖r₀‖² > 1e5 after ≥ 8 iterations ('diverged'), or
 * after `maxIterations` ('maxIterations'). A negative definite A such as the Dirichlet {@link laplacianOperator}
 * works as is. The loop allocates nothing; `apply` is called on one example at a time.
 *
 * Non-finite values: `b` and `initialGuess` are inputs of the physics this kernel serves (a Poisson forward, a
 * pressure projection), whose contract is an error for NaN/±Infinity, so they throw a {@link PgNonFiniteError}
 * naming the parameter. NaN/±Infinity that arise during the iteration (from `apply`) are reported as the example's
 * stop reason `'diverged'` with x as far as the iteration got, never thrown (the Poisson inverse maps it to the solver
 * reason `nonFinite`). `apply`'s output is not validated per call: it is the hot loop.
 * @param options - {@link ConjugateGradientOptions}; validated once, here.
 * @returns a {@link ConjugateGradientResult}; non-convergence is reported per example, never thrown.
 * @throws {@link PgValidationError} if `options` is not an object or has an unknown key (the closest known one is
 * suggested), `apply` is not a function, `size`/`batch` are not positive integers, a tolerance is negative or not
 * finite, or `maxIterations` is not a non-negative integer.
 * @throws {@link PgShapeError} if `b` or `initialGuess` is not a Float64Array of length batch × size.
 * @throws {@link PgNonFiniteError} if `b` or `initialGuess` contains NaN or ±Infinity.
 * @example
 * import { conjugateGradient, laplacianOperator } from "@pg/numerics";
 * const apply = laplacianOperator({ shape: [16, 16], boundary: "dirichlet" }); // ∇², negative definite
 * const b = new Float64Array(2 * 256).fill(1, 0, 256); // example 1 has b = 0
 * const result = conjugateGradient({ apply, b, size: 256, batch: 2, relativeTolerance: 1e-8 });
 * console.log(result.reasons.join(" "), result.iterations[1]); // converged converged 0
 */
export function conjugateGradient(options: ConjugateGradientOptions): ConjugateGradientResult {
  const where = "conjugateGradient";
  requireOptionsObject(where, options, "{ apply, b, size, batch, relativeTolerance, … }", CONJUGATE_GRADIENT_OPTION_KEYS);
  const { apply } = options;
  if (typeof apply !== "function") {
    throw new PgValidationError(where, "apply", "a function (x, out, example) => void", apply);
  }
  const size = requirePositiveInteger(where, "size", options.size);
  const batch = requirePositiveInteger(where, "batch", options.batch);
  const b = requireFiniteField(where, "b", options.b, batch, [size]);
  const relativeTolerance = requireTolerance("relativeTolerance", options.relativeTolerance);
  const absoluteTolerance = requireTolerance("absoluteTolerance", options.absoluteTolerance ?? 0);
  const maxIterations = requireNonNegativeInteger(where, "maxIterations", options.maxIterations ?? 1000);
  const initialGuess =
    options.initialGuess === undefined ? undefined : requireFiniteField(where, "initialGuess", options.initialGuess, batch, [size]);

  const x = initialGuess === undefined ? new Float64Array(batch * size) : Float64Array.from(initialGuess);
  const iterations = new Int32Array(batch);
  const reasons: ConjugateGradientStopReason[] = [];
  const residualNorms = new Float64Array(batch);
  const residual = new Float64Array(size);
  const direction = new Float64Array(size);
  const product = new Float64Array(size);

  for (let e = 0; e < batch; e++) {
    const xe = x.subarray(e * size, (e + 1) * size);
    const be = b.subarray(e * size, (e + 1) * size);
    // r₀ = b − A·x₀ (A·0 = 0 needs no application); d₀ = r₀.
    if (initialGuess === undefined) {
      residual.set(be);
    } else {
      apply(xe, product, e);
      for (let k = 0; k < size; k++) residual[k] = (be[k] as number) - (product[k] as number);
    }
    direction.set(residual);
    let delta = dot(residual, residual);
    const initialDelta = delta;
    const threshold = Math.max(relativeTolerance * relativeTolerance * dot(be, be), absoluteTolerance * absoluteTolerance);
    let iteration = 0;
    let reason: ConjugateGradientStopReason;
    for (;;) {
      if (delta <= threshold) {
        reason = "converged";
        break;
      }
      if (!Number.isFinite(delta) || (iteration >= DIVERGENCE_MIN_ITERATIONS && delta > DIVERGENCE_RATIO * initialDelta)) {
        reason = "diverged";
        break;
      }
      if (iteration >= maxIterations) {
        reason = "maxIterations";
        break;
      }
      apply(direction, product, e); // q = A·d
      const alpha = delta / dot(direction, product);
      if (!Number.isFinite(alpha)) {
        reason = "diverged"; // dᵀAd = 0 (A indefinite or singular) or non-finite A·d
        break;
      }
      for (let k = 0; k < size; k++) xe[k] = (xe[k] as number) + alpha * (direction[k] as number);
      iteration++;
      if (iteration % RESIDUAL_REFRESH_INTERVAL === 0) {
        apply(xe, product, e);
        for (let k = 0; k < size; k++) residual[k] = (be[k] as number) - (product[k] as number);
      } else {
        for (let k = 0; k < size; k++) residual[k] = (residual[k] as number) - alpha * (product[k] as number);
      }
      const nextDelta = dot(residual, residual);
      const beta = nextDelta / delta;
      for (let k = 0; k < size; k++) direction[k] = (residual[k] as number) + beta * (direction[k] as number);
      delta = nextDelta;
    }
    iterations[e] = iteration;
    reasons.push(reason);
    residualNorms[e] = Math.sqrt(delta);
  }
  return { x, iterations, converged: reasons.map((r) => r === "converged"), reasons, residualNorms };
}
