import {
  PgValidationError,
  requireBatchArray,
  requireFinite,
  requireFiniteNumber,
  requireKnownKeys,
  requirePositive,
  requirePositiveInteger,
  type OptionKeysCover,
  type Physics,
} from "@pg/core";

const SHAPE: readonly number[] = Object.freeze([2]);

/**
 * The π with which the rotated sin converts its angle from degrees to radians: 3.1415, the constant of the degree
 * conversion in the framework the published experiment was run with, so φ = 45° is 0.785375 rad there and here. The
 * closest-solution metric uses the same conversion to rotate back, so it is exactly the inverse of the rotation; the
 * phases of sin (arcsin, the period 2π) use the true π.
 */
export const DEGREES_PI = 3.1415;

/** Options of {@link rotatedSinPhysics}; the defaults are the published experiment's. */
export interface RotatedSinPhysicsOptions {
  /** The ill-conditioning ξ: u₁ is scaled by S/ξ and u₂ by S·ξ. A finite number > 0. @defaultValue 10 */
  readonly illConditioning?: number;
  /** The rotation φ in degrees, counter-clockwise, converted with {@link DEGREES_PI}. Finite. @defaultValue 45 */
  readonly angle?: number;
  /** The global scale S. A finite number > 0. @defaultValue 10 */
  readonly scale?: number;
}

/** Every key of {@link RotatedSinPhysicsOptions}: anything else is refused as a misspelling. */
const ROTATED_SIN_OPTION_KEYS = ["illConditioning", "angle", "scale"] as const satisfies readonly (keyof RotatedSinPhysicsOptions)[];
// A compile error here means an option of RotatedSinPhysicsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<RotatedSinPhysicsOptions, typeof ROTATED_SIN_OPTION_KEYS>;

/** Gradient and Hessian of L = ½‖P(x) − y*‖² with respect to x, per example. */
export interface RotatedSinLossDerivatives {
  /** ∂L/∂x, batch × 2. */
  readonly gradient: Float64Array;
  /** ∂²L/∂x², batch × 4, row-major per example: [H₁₁, H₁₂, H₂₁, H₂₂] (symmetric). */
  readonly hessian: Float64Array;
}

/**
 * The rotated, ill-conditioned sin of the published version's characterisation experiment as a batched
 * {@link Physics}: x ∈ ℝ² (xShape [2]); u = R(φ)x with R the counter-clockwise rotation, then u₁ ← u₁·S/ξ and
 * u₂ ← u₂·S·ξ; y = P(x) = (sin u₁, u₂) (yShape [2]). Its objective is the core default L = ½‖P(x) − y*‖². Every
 * y* with |y₁*| ≤ 1 has infinitely many solutions, u₁ = arcsin y₁* + 2πn or π − arcsin y₁* + 2πn; ξ stretches the
 * two directions of x against each other, which is what makes gradient descent on L slow for large ξ.
 */
export interface RotatedSinPhysics extends Physics {
  /** ξ. */
  readonly illConditioning: number;
  /** φ in degrees. */
  readonly angle: number;
  /** φ in radians: angle · {@link DEGREES_PI} / 180. */
  readonly angleRadians: number;
  /** S. */
  readonly scale: number;
  /** (S/ξ, S·ξ), the factors of u₁ and u₂. */
  readonly scales: readonly [number, number];
  /**
   * y = (sin u₁, u₂) per example.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `x` is not a
   * Float64Array of length batch × 2; {@link PgNonFiniteError} naming `x` if it holds NaN or ±Infinity.
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /** dx = Mᵀ(cos u₁·dy₁, dy₂) per example, M = diag(S/ξ, S·ξ)·R(φ). Validates as `forward`, also `dy`. */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
  /**
   * Gradient g = Mᵀ(r₁ cos u₁, r₂) and Hessian H = Mᵀ diag(cos²u₁ − r₁ sin u₁, 1) M of L = ½‖P(x) − y*‖² per
   * example, with r = P(x) − y*, in closed form (what a limited Newton step needs). Validates as `forward`, also
   * `yTarget` (length and finiteness).
   */
  lossDerivatives(x: Float64Array, yTarget: Float64Array, batch: number): RotatedSinLossDerivatives;
  /**
   * The exact solution closest to each prediction x, measured in u: with s₁ = arcsin y₁* ∈ [−π/2, π/2] and
   * s₂ = π − s₁, each family's n_f = (u₁ − s)/(2π) is rounded to n, the family with the smaller |n − n_f| wins (the
   * second on a tie), u_sol = (s + 2πn, y₂*), and x_sol is u_sol divided by the scales and rotated by −φ. So
   * P(x_sol) = y* and `closestSolution(x, forward(x))` returns x (to round-off).
   * @throws {@link PgValidationError} if `batch` is not a positive integer or some |y₁*| > 1 (no solution; the message
   * names the first such example); {@link PgShapeError} / {@link PgNonFiniteError} as `forward`, for `x` and
   * `yTarget`.
   */
  closestSolution(x: Float64Array, yTarget: Float64Array, batch: number): Float64Array;
}

/** Checks `batch` and every named array: length batch × 2, no NaN or ±Infinity. */
function requireInputs(where: string, batch: number, arrays: Readonly<Record<string, Float64Array>>): void {
  requirePositiveInteger(where, "batch", batch);
  for (const [parameter, array] of Object.entries(arrays)) {
    requireBatchArray(where, parameter, array, batch, SHAPE);
    requireFinite(where, "input", array, undefined, `parameter ${parameter} must be finite`);
  }
}

/**
 * Builds the rotated, ill-conditioned sin P(x) = (sin u₁, u₂), u = diag(S/ξ, S·ξ)·R(φ)·x, with its adjoint, the
 * gradient and Hessian of ½‖P(x) − y*‖² and the closest exact solution.
 * @param options - {@link RotatedSinPhysicsOptions}: ξ = 10, φ = 45°, S = 10 unless given.
 * @returns a {@link RotatedSinPhysics}; one instance serves every batch size.
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested), an `illConditioning` or
 * `scale` that is not a finite number > 0, or an `angle` that is not finite.
 * @example
 * import { DEGREES_PI, rotatedSinPhysics } from "@pg/physics-toys";
 * const physics = rotatedSinPhysics({ illConditioning: 1, angle: 90 });
 * // 90° is 90 · 3.1415 / 180 rad, a little less than π/2
 * console.log(DEGREES_PI, physics.angleRadians, physics.scales.join(" ")); // 3.1415 1.57075 10 10
 * // u = 10·R(90°)(0, 0.1) ≈ (−1, 0): y ≈ (sin −1, 0)
 * const y = physics.forward(Float64Array.of(0, 0.1), 1);
 * console.log(Array.from(y, (v) => v.toFixed(4)).join(" ")); // -0.8415 0.0000
 * const solution = physics.closestSolution(Float64Array.of(0, 0.1), Float64Array.of(0, 0.5), 1);
 * console.log(Array.from(physics.forward(solution, 1), (v) => v.toFixed(4)).join(" ")); // 0.0000 0.5000
 */
export function rotatedSinPhysics(options: RotatedSinPhysicsOptions = {}): RotatedSinPhysics {
  const where = "rotatedSinPhysics";
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an options object { illConditioning?, angle?, scale? }", options);
  }
  requireKnownKeys(where, "options", options, ROTATED_SIN_OPTION_KEYS);
  const illConditioning = requirePositive(where, "options.illConditioning", options.illConditioning ?? 10);
  const angle = requireFiniteNumber(where, "options.angle", options.angle ?? 45);
  const scale = requirePositive(where, "options.scale", options.scale ?? 10);
  const angleRadians = (angle * DEGREES_PI) / 180;
  const cos = Math.cos(angleRadians);
  const sin = Math.sin(angleRadians);
  const a1 = scale / illConditioning;
  const a2 = scale * illConditioning;
  // M = diag(a1, a2)·R(φ), R(φ) = [[cos, −sin], [sin, cos]].
  const m11 = a1 * cos;
  const m12 = -a1 * sin;
  const m21 = a2 * sin;
  const m22 = a2 * cos;

  return {
    name: "rotated sin",
    xShape: SHAPE,
    yShape: SHAPE,
    illConditioning,
    angle,
    angleRadians,
    scale,
    scales: Object.freeze([a1, a2]) as readonly [number, number],
    forward(x, batch) {
      requireInputs("rotatedSinPhysics.forward", batch, { x });
      const y = new Float64Array(2 * batch);
      for (let i = 0; i < 2 * batch; i += 2) {
        const x1 = x[i] as number;
        const x2 = x[i + 1] as number;
        y[i] = Math.sin(m11 * x1 + m12 * x2);
        y[i + 1] = m21 * x1 + m22 * x2;
      }
      return y;
    },
    adjoint(x, dy, batch) {
      requireInputs("rotatedSinPhysics.adjoint", batch, { x, dy });
      const dx = new Float64Array(2 * batch);
      for (let i = 0; i < 2 * batch; i += 2) {
        const du1 = Math.cos(m11 * (x[i] as number) + m12 * (x[i + 1] as number)) * (dy[i] as number);
        const du2 = dy[i + 1] as number;
        dx[i] = m11 * du1 + m21 * du2;
        dx[i + 1] = m12 * du1 + m22 * du2;
      }
      return dx;
    },
    lossDerivatives(x, yTarget, batch) {
      requireInputs("rotatedSinPhysics.lossDerivatives", batch, { x, yTarget });
      const gradient = new Float64Array(2 * batch);
      const hessian = new Float64Array(4 * batch);
      for (let b = 0; b < batch; b++) {
        const x1 = x[2 * b] as number;
        const x2 = x[2 * b + 1] as number;
        const u1 = m11 * x1 + m12 * x2;
        const u2 = m21 * x1 + m22 * x2;
        const sinU = Math.sin(u1);
        const cosU = Math.cos(u1);
        const r1 = sinU - (yTarget[2 * b] as number);
        const r2 = u2 - (yTarget[2 * b + 1] as number);
        // In u the Hessian is diagonal: d²/du₁² ½(sin u₁ − y₁*)² = cos²u₁ − r₁ sin u₁, d²/du₂² ½(u₂ − y₂*)² = 1.
        const g1 = r1 * cosU;
        const h1 = cosU * cosU - r1 * sinU;
        gradient[2 * b] = m11 * g1 + m21 * r2;
        gradient[2 * b + 1] = m12 * g1 + m22 * r2;
        const off = h1 * m11 * m12 + m21 * m22;
        hessian[4 * b] = h1 * m11 * m11 + m21 * m21;
        hessian[4 * b + 1] = off;
        hessian[4 * b + 2] = off;
        hessian[4 * b + 3] = h1 * m12 * m12 + m22 * m22;
      }
      return { gradient, hessian };
    },
    closestSolution(x, yTarget, batch) {
      const where = "rotatedSinPhysics.closestSolution";
      requireInputs(where, batch, { x, yTarget });
      for (let b = 0; b < batch; b++) {
        const target = yTarget[2 * b] as number;
        if (Math.abs(target) > 1) {
          throw new PgValidationError(where, "yTarget", "targets with |y₁*| ≤ 1 (sin u₁ = y₁* has no solution otherwise)", yTarget, `Example ${b} has y₁* = ${target}.`);
        }
      }
      const solution = new Float64Array(2 * batch);
      const twoPi = 2 * Math.PI;
      for (let b = 0; b < batch; b++) {
        const u1 = m11 * (x[2 * b] as number) + m12 * (x[2 * b + 1] as number);
        const first = Math.asin(yTarget[2 * b] as number);
        const second = Math.PI - first;
        const firstTurns = (u1 - first) / twoPi;
        const secondTurns = (u1 - second) / twoPi;
        const firstN = Math.round(firstTurns);
        const secondN = Math.round(secondTurns);
        const firstIsCloser = Math.abs(firstN - firstTurns) < Math.abs(secondN - secondTurns);
        const solvedU1 = firstIsCloser ? first + twoPi * firstN : second + twoPi * secondN;
        const v1 = solvedU1 / a1;
        const v2 = (yTarget[2 * b + 1] as number) / a2;
        // R(−φ) = R(φ)ᵀ.
        solution[2 * b] = cos * v1 + sin * v2;
        solution[2 * b + 1] = -sin * v1 + cos * v2;
      }
      return solution;
    },
  };
}
