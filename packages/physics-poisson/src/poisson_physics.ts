import {
  PgValidationError,
  requireBatchArray,
  requireFinite,
  requireKnownKeys,
  requirePositive,
  requirePositiveInteger,
  type Physics,
  type OptionKeysCover,
} from "@pg/core";
import {
  conjugateGradient,
  laplacian,
  laplacianOperator,
  type ConjugateGradientStopReason,
  type LinearOperator,
} from "@pg/numerics";

/** Options of {@link poissonPhysics}: the grid and the CG settings of every solve (the authors' code's by default). */
export interface PoissonPhysicsOptions {
  /** Grid size [nx, ny] (axis 0 = x); positive integers. The authors' code uses 64 × 64, the paper 80 × 60. @defaultValue [64, 64] */
  readonly shape?: readonly [number, number];
  /** Cell size dx on both axes; a finite number > 0. @defaultValue 1 */
  readonly spacing?: number;
  /** rtol of the CG stopping test ‖r‖ ≤ max(rtol·‖b‖, atol); a finite number ≥ 0. @defaultValue 1e-5 */
  readonly relativeTolerance?: number;
  /** atol of the CG stopping test; a finite number ≥ 0. @defaultValue 0 */
  readonly absoluteTolerance?: number;
  /** CG iteration budget per example and solve; a positive integer. @defaultValue 1000 */
  readonly maxIterations?: number;
  /**
   * Called once per solve in which CG did not converge for some example (the authors' code raises an error; here the
   * last iterate is returned and the caller is told). Never called for a reused forward result.
   * @defaultValue none: non-convergence is then visible only through {@link PoissonPhysics.lastSolve}
   */
  readonly onWarning?: (warning: PoissonWarning) => void;
  /**
   * Return the stored result when `forward` is called again with the same batch and bit-identical x (only the most
   * recent forward call is kept). A PG step evaluates P at the prediction twice, in the inverse and for the logged
   * loss; with reuse it costs one solve, as in the authors' code. @defaultValue true
   */
  readonly reuseLastForward?: boolean;
}

/** Every key of {@link PoissonPhysicsOptions}: anything else is refused as a misspelling. */
const POISSON_PHYSICS_OPTION_KEYS = [
  "shape",
  "spacing",
  "relativeTolerance",
  "absoluteTolerance",
  "maxIterations",
  "onWarning",
  "reuseLastForward",
] as const satisfies readonly (keyof PoissonPhysicsOptions)[];
// A compile error here means an option of PoissonPhysicsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<PoissonPhysicsOptions, typeof POISSON_PHYSICS_OPTION_KEYS>;

/** What {@link PoissonPhysicsOptions.onWarning} receives when CG did not converge for some examples. */
export interface PoissonWarning {
  /** The public method that ran the solve, e.g. `poissonPhysics.forward`. */
  readonly where: string;
  /** Indices (in the batch) of the examples that did not converge, ascending. */
  readonly examples: readonly number[];
  /** Why each of those examples stopped (`maxIterations` or `diverged`), same order as `examples`. */
  readonly reasons: readonly ConjugateGradientStopReason[];
  /** CG iterations of each of those examples, same order as `examples`. */
  readonly iterations: readonly number[];
  /** The same in one sentence, for a log. */
  readonly message: string;
}

/** The record of the most recent CG solve of a {@link PoissonPhysics}, one entry per example. */
export interface PoissonSolveReport {
  /** The public method that asked for the solve: `poissonPhysics.forward`, `.adjoint` or `.inverse`. */
  readonly where: string;
  /** `forward` solves ∇²y = x; `adjoint` solves ∇²dx = dy (the same symmetric operator). */
  readonly operation: "forward" | "adjoint";
  readonly batch: number;
  /** CG iterations per example. */
  readonly iterations: Int32Array;
  /** Why CG stopped, per example. */
  readonly reasons: readonly ConjugateGradientStopReason[];
  /** Final ‖r‖₂ of CG's residual per example. */
  readonly residualNorms: Float64Array;
  /** True when `forward` returned the stored result of an identical previous call instead of solving again. */
  readonly reused: boolean;
}

/**
 * Poisson's equation as a physics (paper App. B.3): y = P(x) = ∇⁻²x, i.e. y solves ∇²y = x with the 5-point Laplacian and
 * zero Dirichlet ghost cells, by CG from y₀ = 0 per example. x and y are cell-centred scalar fields, xShape = yShape =
 * [nx, ny, 1], row-major (example b, cell (i, j) at (b·nx + i)·ny + j).
 */
export interface PoissonPhysics extends Physics {
  /** [nx, ny, 1]. */
  readonly xShape: readonly number[];
  /** [nx, ny, 1]. */
  readonly yShape: readonly number[];
  /** The grid [nx, ny]. */
  readonly shape: readonly [number, number];
  readonly spacing: number;
  readonly relativeTolerance: number;
  readonly absoluteTolerance: number;
  readonly maxIterations: number;
  /** The most recent solve (or reuse), `undefined` before the first; read it right after the call of interest. */
  readonly lastSolve: PoissonSolveReport | undefined;
  /**
   * y = ∇⁻²x per example by CG (rtol, atol, maxIterations of the options, y₀ = 0).
   * @param x - Float64Array of length batch × nx × ny, finite.
   * @returns a new Float64Array of the same layout.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `x` has the wrong
   *   type or length; {@link PgNonFiniteError} if `x` holds NaN or ±Infinity. Non-convergence never throws.
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /**
   * The vector–Jacobian product (∂P/∂x)ᵀdy = ∇⁻²dy: P is linear and ∇² symmetric, so the adjoint is one more CG
   * solve with the same settings and zero initial guess (the implicit gradient of a linear solve). `x` is validated but not otherwise used.
   * @throws as {@link PoissonPhysics.forward}, for `x` and `dy`.
   */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
  /**
   * The PG correction x̃ = x − ∇²(P(x) − y*) with the same discrete Laplacian as the solve (another stencil or
   * boundary would silently break the identity below). For
   * y* = P(x*) it equals x* up to the CG tolerance, whatever x is (Theorem 3 with λ = 1). One forward solve; the
   * report of that solve is in {@link PoissonPhysics.lastSolve}.
   * @throws as {@link PoissonPhysics.forward}, for `x` and `yTarget`.
   */
  inverse(x: Float64Array, yTarget: Float64Array, batch: number): Float64Array;
  /**
   * The discrete operator itself, ∇²y (5-point stencil, zero ghost cells, /dx²), per example.
   * @throws as {@link PoissonPhysics.forward}, for `y`.
   */
  laplacian(y: Float64Array, batch: number): Float64Array;
}

interface ResolvedPoissonOptions {
  readonly shape: readonly [number, number];
  readonly spacing: number;
  readonly relativeTolerance: number;
  readonly absoluteTolerance: number;
  readonly maxIterations: number;
  readonly onWarning: ((warning: PoissonWarning) => void) | undefined;
  readonly reuseLastForward: boolean;
}

const WHERE = "poissonPhysics";

function requireTolerance(parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(WHERE, parameter, "a finite number ≥ 0", value);
  }
  return value;
}

function resolvePoissonOptions(options: PoissonPhysicsOptions): ResolvedPoissonOptions {
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(WHERE, "options", "an object { shape?, spacing?, relativeTolerance?, … }", options);
  }
  requireKnownKeys(WHERE, "options", options, POISSON_PHYSICS_OPTION_KEYS);
  const shape: unknown = options.shape ?? [64, 64];
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1)) {
    throw new PgValidationError(WHERE, "shape", "a pair [nx, ny] of positive integers", shape);
  }
  const onWarning: unknown = options.onWarning;
  if (onWarning !== undefined && typeof onWarning !== "function") {
    throw new PgValidationError(WHERE, "onWarning", "a function (warning) => void or undefined", onWarning);
  }
  const reuseLastForward: unknown = options.reuseLastForward ?? true;
  if (typeof reuseLastForward !== "boolean") {
    throw new PgValidationError(WHERE, "reuseLastForward", "a boolean", reuseLastForward);
  }
  return {
    shape: [shape[0] as number, shape[1] as number],
    spacing: requirePositive(WHERE, "spacing", options.spacing ?? 1),
    relativeTolerance: requireTolerance("relativeTolerance", options.relativeTolerance ?? 1e-5),
    absoluteTolerance: requireTolerance("absoluteTolerance", options.absoluteTolerance ?? 0),
    maxIterations: requirePositiveInteger(WHERE, "maxIterations", options.maxIterations ?? 1000),
    onWarning: onWarning as ((warning: PoissonWarning) => void) | undefined,
    reuseLastForward,
  };
}

/** The stored most recent forward call. */
interface StoredForward {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly report: PoissonSolveReport;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

class PoissonPhysicsImplementation implements PoissonPhysics {
  readonly name: string;
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly shape: readonly [number, number];
  readonly spacing: number;
  readonly relativeTolerance: number;
  readonly absoluteTolerance: number;
  readonly maxIterations: number;
  private readonly onWarning: ((warning: PoissonWarning) => void) | undefined;
  private readonly reuseLastForward: boolean;
  private readonly apply: LinearOperator;
  private readonly cells: number;
  private stored: StoredForward | undefined;
  private report: PoissonSolveReport | undefined;

  constructor(resolved: ResolvedPoissonOptions) {
    const [nx, ny] = resolved.shape;
    this.shape = Object.freeze([nx, ny] as const);
    this.xShape = Object.freeze([nx, ny, 1]);
    this.yShape = this.xShape;
    this.name = `poisson ${nx}×${ny}`;
    this.spacing = resolved.spacing;
    this.relativeTolerance = resolved.relativeTolerance;
    this.absoluteTolerance = resolved.absoluteTolerance;
    this.maxIterations = resolved.maxIterations;
    this.onWarning = resolved.onWarning;
    this.reuseLastForward = resolved.reuseLastForward;
    this.cells = nx * ny;
    this.apply = laplacianOperator({ shape: this.shape, spacing: this.spacing, boundary: "dirichlet" });
  }

  get lastSolve(): PoissonSolveReport | undefined {
    return this.report;
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const where = `${WHERE}.forward`;
    this.requireField(where, "x", x, batch);
    return this.solveForward(where, x, batch);
  }

  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array {
    const where = `${WHERE}.adjoint`;
    this.requireField(where, "x", x, batch);
    this.requireField(where, "dy", dy, batch);
    return this.solve(where, "adjoint", dy, batch).y;
  }

  inverse(x: Float64Array, yTarget: Float64Array, batch: number): Float64Array {
    const where = `${WHERE}.inverse`;
    this.requireField(where, "x", x, batch);
    this.requireField(where, "yTarget", yTarget, batch);
    const y = this.solveForward(where, x, batch);
    // x̃ = x − ∇²(P(x) − y*): the same zero-ghost 5-point stencil and dx as the CG operator, else x̃ ≠ x*.
    const residual = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) residual[i] = (y[i] as number) - (yTarget[i] as number);
    const correction = this.applyLaplacian(residual, batch);
    const xTilde = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xTilde[i] = (x[i] as number) - (correction[i] as number);
    return xTilde;
  }

  laplacian(y: Float64Array, batch: number): Float64Array {
    this.requireField(`${WHERE}.laplacian`, "y", y, batch);
    return this.applyLaplacian(y, batch);
  }

  private applyLaplacian(field: Float64Array, batch: number): Float64Array {
    return laplacian(field, { batch, shape: this.shape, spacing: this.spacing, boundary: "dirichlet" });
  }

  /** Validation at the public boundary: batch, type, length (with the arithmetic), finiteness. */
  private requireField(where: string, parameter: string, array: Float64Array, batch: number): void {
    requirePositiveInteger(where, "batch", batch);
    requireBatchArray(where, parameter, array, batch, this.xShape);
    requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
  }

  /** P(x), reusing the stored result of an identical previous call when allowed. */
  private solveForward(where: string, x: Float64Array, batch: number): Float64Array {
    const stored = this.stored;
    if (this.reuseLastForward && stored !== undefined && stored.report.batch === batch && sameValues(stored.x, x)) {
      this.report = { ...stored.report, where, reused: true };
      return Float64Array.from(stored.y);
    }
    const { y, report } = this.solve(where, "forward", x, batch);
    if (this.reuseLastForward) this.stored = { x: Float64Array.from(x), y: Float64Array.from(y), report };
    return y;
  }

  /** One batched CG solve ∇²u = b from u₀ = 0; records the report and warns about non-converged examples. */
  private solve(where: string, operation: "forward" | "adjoint", b: Float64Array, batch: number): { y: Float64Array; report: PoissonSolveReport } {
    const result = conjugateGradient({
      apply: this.apply,
      b,
      size: this.cells,
      batch,
      relativeTolerance: this.relativeTolerance,
      absoluteTolerance: this.absoluteTolerance,
      maxIterations: this.maxIterations,
    });
    const report: PoissonSolveReport = {
      where,
      operation,
      batch,
      iterations: result.iterations,
      reasons: result.reasons,
      residualNorms: result.residualNorms,
      reused: false,
    };
    this.report = report;
    this.warnIfNotConverged(report);
    return { y: result.x, report };
  }

  private warnIfNotConverged(report: PoissonSolveReport): void {
    const examples: number[] = [];
    report.reasons.forEach((reason, example) => {
      if (reason !== "converged") examples.push(example);
    });
    if (examples.length === 0 || this.onWarning === undefined) return;
    const reasons = examples.map((e) => report.reasons[e] as ConjugateGradientStopReason);
    const iterations = examples.map((e) => report.iterations[e] as number);
    const counts = new Map<string, number>();
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const byReason = [...counts].map(([reason, count]) => `${reason}: ${count}`).join(", ");
    const message =
      `${report.where}: conjugate gradient did not converge for ${examples.length} of ${report.batch} examples (${byReason}; ` +
      `relativeTolerance ${this.relativeTolerance}, absoluteTolerance ${this.absoluteTolerance}, maxIterations ${this.maxIterations}); ` +
      `the last iterates are used.`;
    this.onWarning({ where: report.where, examples, reasons, iterations, message });
  }
}

/**
 * Builds Poisson's equation as a {@link Physics} (paper §3.2, App. B.3): P(x) = ∇⁻²x with the 5-point
 * Laplacian (zero Dirichlet ghost cells, /dx², as in the authors' code) solved per example by conjugate gradient from zero, its
 * adjoint (one more CG solve) and the PG correction x − ∇²(P(x) − y*) (`inverse`).
 * @param options - {@link PoissonPhysicsOptions}; validated once, here.
 * @returns a {@link PoissonPhysics} with xShape = yShape = [nx, ny, 1].
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested: `{ shap }`
 *   would otherwise give the default 64 × 64), `shape` is not a pair of positive integers, `spacing` is not a finite
 *   number > 0, a tolerance is negative or not finite, `maxIterations` is not a positive integer, `onWarning` is not a
 *   function or `reuseLastForward` is not a boolean.
 * @example
 * import { poissonPhysics } from "@pg/physics-poisson";
 * const physics = poissonPhysics({ shape: [3, 3], relativeTolerance: 1e-12 });
 * const x = Float64Array.of(0, 0, 0, 0, -4, 0, 0, 0, 0);
 * const y = physics.forward(x, 1); // ∇²y = x with zero ghost cells
 * console.log(Array.from(physics.laplacian(y, 1), (v) => v.toFixed(6)).join(" ")); // 0.000000 0.000000 0.000000 0.000000 -4.000000 0.000000 0.000000 0.000000 0.000000
 * console.log(physics.lastSolve.reasons[0], physics.lastSolve.iterations[0]); // converged 3
 * const xStar = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
 * const xTilde = physics.inverse(x, physics.forward(xStar, 1), 1); // the PG correction is x*
 * console.log(Array.from(xTilde, (v) => v.toFixed(6)).join(" ")); // 1.000000 2.000000 3.000000 4.000000 5.000000 6.000000 7.000000 8.000000 9.000000
 */
export function poissonPhysics(options: PoissonPhysicsOptions = {}): PoissonPhysics {
  return new PoissonPhysicsImplementation(resolvePoissonOptions(options));
}
