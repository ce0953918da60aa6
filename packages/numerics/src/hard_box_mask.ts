import { PgValidationError } from "@pg/core";
import { requireOptionsObject, requirePair, requireShape, resolveSpacing } from "./grid_validation";

/** Options of {@link hardBoxMask}. */
export interface HardBoxMaskOptions {
  /** Grid size [nx, ny]; positive integers. */
  readonly shape: readonly [number, number];
  /** Cell size dx; a finite number > 0. @defaultValue 1 */
  readonly spacing?: number;
  /** Lower corner [x, y] of the box, in physical units (domain lower corner at 0); finite. */
  readonly lower: readonly [number, number];
  /** Upper corner [x, y]; finite, ≥ `lower` on each axis. */
  readonly upper: readonly [number, number];
}

/** Every key of {@link HardBoxMaskOptions}: anything else is refused as a misspelling. */
const HARD_BOX_MASK_OPTION_KEYS = ["shape", "spacing", "lower", "upper"] as const satisfies readonly (keyof HardBoxMaskOptions)[];
// A compile error here means an option of HardBoxMaskOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof HardBoxMaskOptions, (typeof HARD_BOX_MASK_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * The hard mask of an axis-aligned box (as PhiFlow samples a box): 1 where the cell centre c = ((i + ½)·dx, (j + ½)·dx) satisfies
 * lower ≤ c ≤ upper on both axes (both bounds inclusive), else 0.
 * @param options - {@link HardBoxMaskOptions}.
 * @returns a new Float64Array of length nx × ny with entries 0 or 1, index i·ny + j.
 * @throws {@link PgValidationError} if `options` is not an object or has an unknown key (the closest known one is
 * suggested), if `shape`, `spacing`, `lower` or `upper` is invalid, or `upper < lower` on an axis.
 * @example
 * import { hardBoxMask } from "@pg/numerics";
 * const mask = hardBoxMask({ shape: [1, 6], lower: [0, 1.5], upper: [1, 3.5] }); // centres 0.5, 1.5, …, 5.5
 * console.log(Array.from(mask).join(" ")); // 0 1 1 1 0 0
 */
export function hardBoxMask(options: HardBoxMaskOptions): Float64Array {
  const where = "hardBoxMask";
  requireOptionsObject(where, options, "{ shape, spacing?, lower, upper }", HARD_BOX_MASK_OPTION_KEYS);
  const [nx, ny] = requireShape(where, options.shape);
  const spacing = resolveSpacing(where, options.spacing);
  const [lowerX, lowerY] = requirePair(where, "lower", options.lower);
  const [upperX, upperY] = requirePair(where, "upper", options.upper);
  if (upperX < lowerX || upperY < lowerY) {
    throw new PgValidationError(where, "upper", `≥ lower = [${lowerX}, ${lowerY}] on both axes`, options.upper);
  }
  const mask = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    const cx = (i + 0.5) * spacing;
    if (cx < lowerX || cx > upperX) continue;
    for (let j = 0; j < ny; j++) {
      const cy = (j + 0.5) * spacing;
      if (cy >= lowerY && cy <= upperY) mask[i * ny + j] = 1;
    }
  }
  return mask;
}
