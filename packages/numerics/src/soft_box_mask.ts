import { requireOptionsObject, requirePair, requireShape, resolveSpacing } from "./grid_validation";

/** Options of {@link softBoxMask}. */
export interface SoftBoxMaskOptions {
  /** Grid size [nx, ny]; positive integers. */
  readonly shape: readonly [number, number];
  /** Cell size dx; a finite number > 0. @defaultValue 1 */
  readonly spacing?: number;
  /** Box centre p = [x, y], in physical units (domain lower corner at 0); finite. */
  readonly center: readonly [number, number];
  /** Half-size h = [hx, hy] of the box; finite numbers ≥ 0. */
  readonly halfSize: readonly [number, number];
}

/** Every key of {@link SoftBoxMaskOptions}: anything else is refused as a misspelling. */
const SOFT_BOX_MASK_OPTION_KEYS = ["shape", "spacing", "center", "halfSize"] as const satisfies readonly (keyof SoftBoxMaskOptions)[];
// A compile error here means an option of SoftBoxMaskOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof SoftBoxMaskOptions, (typeof SOFT_BOX_MASK_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * The soft (anti-aliased) mask of an axis-aligned box (PhiFlow `SoftGeometryMask` with balance ½): for
 * the cell centre c = ((i + ½)·dx, (j + ½)·dx), d = max_d(|c_d − p_d| − h_d) is the signed L∞ distance to the box
 * surface (negative inside), r = ‖(dx/2, dx/2)‖₂ = dx/√2, and the value is clip(½ − d/r, 0, 1).
 * @param options - {@link SoftBoxMaskOptions}.
 * @returns a new Float64Array of length nx × ny with entries in [0, 1], index i·ny + j.
 * @throws {@link PgValidationError} if `options` is not an object or has an unknown key (the closest known one is
 * suggested), or if `shape`, `spacing`, `center` or `halfSize` is invalid.
 * @example
 * import { softBoxMask } from "@pg/numerics";
 * const mask = softBoxMask({ shape: [20, 20], center: [10, 10], halfSize: [2.3, 1.2] });
 * console.log(mask[7 * 20 + 9].toFixed(5), mask[8 * 20 + 9], mask[12 * 20 + 11].toFixed(5)); // 0.21716 1 0.07574
 */
export function softBoxMask(options: SoftBoxMaskOptions): Float64Array {
  const where = "softBoxMask";
  requireOptionsObject(where, options, "{ shape, spacing?, center, halfSize }", SOFT_BOX_MASK_OPTION_KEYS);
  const [nx, ny] = requireShape(where, options.shape);
  const spacing = resolveSpacing(where, options.spacing);
  const [px, py] = requirePair(where, "center", options.center);
  const [hx, hy] = requirePair(where, "halfSize", options.halfSize, true);
  const radius = spacing / Math.SQRT2;
  const mask = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    const dx = Math.abs((i + 0.5) * spacing - px) - hx;
    for (let j = 0; j < ny; j++) {
      const dy = Math.abs((j + 0.5) * spacing - py) - hy;
      const value = 0.5 - Math.max(dx, dy) / radius;
      mask[i * ny + j] = value < 0 ? 0 : value > 1 ? 1 : value;
    }
  }
  return mask;
}
