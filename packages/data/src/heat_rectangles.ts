import { PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { softBoxMask } from "@pg/numerics";
import type { RandomStream } from "./random";

/** Options of {@link heatRectangles}. */
export interface HeatRectanglesOptions {
  /** Number of examples; a positive integer (the paper uses 128). */
  readonly batch: number;
  /** Grid size [nx, ny] in cells of unit length (dx = 1), domain [0, nx] × [0, ny]. @defaultValue [64, 64] */
  readonly shape?: readonly [number, number];
}

/** Every key of {@link HeatRectanglesOptions}: anything else is refused as a misspelling. */
const HEAT_RECTANGLES_OPTION_KEYS = ["batch", "shape"] as const satisfies readonly (keyof HeatRectanglesOptions)[];
// A compile error here means an option of HeatRectanglesOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<HeatRectanglesOptions, typeof HEAT_RECTANGLES_OPTION_KEYS>;

/** Candidate rectangles per example: always drawn, whatever the count, so the stream does not depend on it. */
const CANDIDATES = 10;
/** Largest half-size per axis: h ~ U[0, 10). */
const MAX_HALF_SIZE = 10;
/** Centres are drawn from the middle 80 % of each axis. */
const POSITION_SPREAD = 0.8;
/** Uniform draws per example: 1 count + 10 × 2 centres + 10 × (2 half-sizes + 1 strength). */
const DRAWS_PER_EXAMPLE = 1 + 2 * CANDIDATES + 3 * CANDIDATES;

/**
 * Ground-truth initial heat x* of the heat experiment (as the authors' code's `generate_heat_example` draws it; paper App. B.4): per
 * example, 4–10 overlapping soft-edged rectangles of additive heat in [0, 1) each, on a periodic grid of unit cells.
 * Each example takes exactly 51 `stream.uniform()` draws, in this fixed order:
 * 1. count = ⌊4 + 7·U⌋ ∈ {4, …, 10};
 * 2. for i = 0…9: the centre p_i = ((U − ½)·0.8·nx + nx/2, (U − ½)·0.8·ny + ny/2), x then y (U[6.4, 57.6) on 64 cells);
 * 3. for i = 0…9: the half-size h = (10·U, 10·U), x then y, then the strength s = U (used only when i < count, else
 *    0); the centre is clipped to [h, n − h] per axis and x* += s·SoftMask(p_i, h) (the soft box mask, dx = 1).
 * So the stream position after a batch is always 51·batch draws on, whatever counts were drawn. Every value is in
 * [0, 10): each of at most 10 terms is a mask ≤ 1 times a strength < 1. Unlike the authors' code, which draws each quantity for
 * the whole batch at once, draws are grouped per example (our random stream differs from theirs anyway, so the
 * numbers cannot match draw for draw).
 * @param stream - the seeded stream to advance (see {@link random}); re-seed it per method for identical data.
 * @param options - {@link HeatRectanglesOptions}.
 * @returns a new Float64Array of batch × nx × ny, example b's cell (i, j) at (b·nx + i)·ny + j (NHWC, one channel).
 * @throws {@link PgValidationError} if `stream` is not a RandomStream, `options` has an unknown key (the closest
 * known one is suggested: `{ shap }` would otherwise give the default 64 × 64), `batch` is not a positive integer or
 * `shape` is not a pair of positive integers.
 * @example
 * import { heatRectangles, random } from "@pg/data";
 * const xStar = heatRectangles(random(0), { batch: 2 });
 * console.log(xStar.length, xStar.every((v) => v >= 0 && v < 10)); // 8192 true
 */
export function heatRectangles(stream: RandomStream, options: HeatRectanglesOptions): Float64Array {
  const where = "heatRectangles";
  if (typeof stream !== "object" || stream === null || typeof stream.uniform !== "function") {
    throw new PgValidationError(where, "stream", "a RandomStream made by random(seed)", stream);
  }
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { batch, shape? }", options);
  }
  requireKnownKeys(where, "options", options, HEAT_RECTANGLES_OPTION_KEYS);
  const batch = requirePositiveInteger(where, "batch", options.batch);
  const shape = options.shape ?? ([64, 64] as const);
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1)) {
    throw new PgValidationError(where, "shape", "a pair [nx, ny] of positive integers", shape);
  }
  const [nx, ny] = shape as readonly [number, number];
  const cells = nx * ny;
  const x = new Float64Array(batch * cells);
  const draws = new Float64Array(DRAWS_PER_EXAMPLE);
  for (let b = 0; b < batch; b++) {
    stream.fillUniform(draws);
    const count = Math.floor(4 + 7 * (draws[0] as number));
    const example = x.subarray(b * cells, (b + 1) * cells);
    for (let i = 0; i < CANDIDATES; i++) {
      const px = ((draws[1 + 2 * i] as number) - 0.5) * POSITION_SPREAD * nx + nx / 2;
      const py = ((draws[2 + 2 * i] as number) - 0.5) * POSITION_SPREAD * ny + ny / 2;
      const at = 1 + 2 * CANDIDATES + 3 * i;
      const hx = MAX_HALF_SIZE * (draws[at] as number);
      const hy = MAX_HALF_SIZE * (draws[at + 1] as number);
      const strength = i < count ? (draws[at + 2] as number) : 0;
      if (strength === 0) continue; // adds nothing; the draws above were taken all the same
      const mask = softBoxMask({ shape: [nx, ny], center: [clip(px, hx, nx - hx), clip(py, hy, ny - hy)], halfSize: [hx, hy] });
      for (let c = 0; c < cells; c++) example[c] = (example[c] as number) + strength * (mask[c] as number);
    }
  }
  return x;
}

/** min(max(v, low), high): the upper bound wins when low > high (a box wider than half the domain). */
function clip(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
