// Internal: the analytic inverse of sin(a/x) for one example, the minimum closest in phase to a guess.
// Used by SinPhysics.closestMinimum.

/**
 * Largest branch index |n| used. Beyond it the phase 3π/2 + 2πn (≈ 6.6e6 rad) would lose the digits that make
 * sin(a/x̃) = −1 to round-off, so x = ±0 and |x| < a / (2π·2^20) all map to the minimum with |n| = 2^20.
 */
export const MAX_BRANCH_INDEX = 2 ** 20;

/**
 * The minimum of sin(a/x) closest in phase a/x to the guess `x`, for a > 0:
 * n = round(a/(2πx) − ¾), clamped to n ≥ 0 for x > 0 and to n ≤ −1 for x < 0, then x̃ = a / (3π/2 + 2πn).
 * x = +0 and −0 are treated as 0⁺ (n = {@link MAX_BRANCH_INDEX}); x = ±Infinity gives the outermost minimum of that
 * sign (2a/(3π) or −2a/π); NaN gives NaN.
 */
export function sinClosestMinimum(a: number, x: number): number {
  let branch: number;
  if (x === 0) {
    branch = MAX_BRANCH_INDEX;
  } else {
    const rounded = Math.round(a / (2 * Math.PI * x) - 0.75);
    branch = x > 0 ? Math.min(Math.max(rounded, 0), MAX_BRANCH_INDEX) : Math.max(Math.min(rounded, -1), -MAX_BRANCH_INDEX);
  }
  return a / (1.5 * Math.PI + 2 * Math.PI * branch);
}
