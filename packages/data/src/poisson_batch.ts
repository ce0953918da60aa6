import { PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { noiseField } from "@pg/numerics";
import type { RandomStream } from "./random";

/** Options of {@link poissonBatch}. */
export interface PoissonBatchOptions {
  /** Number of examples; a positive integer (128 in the paper). */
  readonly batch: number;
  /** Grid [nx, ny] (axis 0 = x), positive integers; the authors' code 64 × 64, the paper 80 × 60. dx = 1, so the physical size is `shape`. */
  readonly shape: readonly [number, number];
}

/** Every key of {@link PoissonBatchOptions}: anything else is refused as a misspelling. */
const POISSON_BATCH_OPTION_KEYS = ["batch", "shape"] as const satisfies readonly (keyof PoissonBatchOptions)[];
// A compile error here means an option of PoissonBatchOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<PoissonBatchOptions, typeof POISSON_BATCH_OPTION_KEYS>;

/** One batch of Poisson ground truth x* (paper App. B.3); y* = P(x*) is the physics' business, not data's. */
export interface PoissonBatch {
  /** x*, Float64Array of length batch × nx × ny, example b's cell (i, j) at (b·nx + i)·ny + j (NHWC with C = 1). */
  readonly x: Float64Array;
  readonly batch: number;
  readonly shape: readonly [number, number];
}

/** Spectral scale s and smoothness σ of the Poisson noise: Noise(scale 10, smoothness 1), as in the authors' code. */
const POISSON_NOISE_SCALE = 10;
const POISSON_NOISE_SMOOTHNESS = 1;

/**
 * Draws the Poisson experiment's ground truth (paper App. B.3): x* = Noise(scale 10, smoothness 1) on the grid with
 * physical size equal to the resolution (dx = 1, so κ = j·10/N per axis and the 13 lowest modes of a 64 × 64 grid
 * are dropped), normalised to zero mean and unit population standard deviation per example (as PhiFlow's `Noise`). The stream
 * advances by exactly 2 × batch × nx × ny normal draws, whatever the grid's mask, so the same seed gives the same
 * batches for every method. The targets y* = P(x*) are computed by the caller with the physics.
 * @param stream - the seeded {@link RandomStream} of the run; advanced.
 * @param options - {@link PoissonBatchOptions}.
 * @returns a {@link PoissonBatch} with a new Float64Array x*.
 * @throws {@link PgValidationError} if `stream` is not a RandomStream, `options` has an unknown key (the closest
 *   known one is suggested), `batch` is not a positive integer or `shape` is not a pair of positive integers.
 * @example
 * import { poissonBatch, random } from "@pg/data";
 * const { x } = poissonBatch(random(0), { batch: 2, shape: [80, 60] });
 * const first = x.subarray(0, 4800);
 * const mean = first.reduce((sum, v) => sum + v, 0) / 4800;
 * const std = Math.sqrt(first.reduce((sum, v) => sum + (v - mean) ** 2, 0) / 4800);
 * console.log(x.length, Math.abs(mean) < 1e-12, Math.abs(std - 1) < 1e-12); // 9600 true true
 */
export function poissonBatch(stream: RandomStream, options: PoissonBatchOptions): PoissonBatch {
  const where = "poissonBatch";
  if (typeof stream !== "object" || stream === null || typeof stream.normal !== "function") {
    throw new PgValidationError(where, "stream", "a RandomStream made by random(seed)", stream);
  }
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { batch, shape }", options);
  }
  requireKnownKeys(where, "options", options, POISSON_BATCH_OPTION_KEYS);
  const batch = requirePositiveInteger(where, "batch", options.batch);
  const shape: unknown = options.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 1)) {
    throw new PgValidationError(where, "shape", "a pair [nx, ny] of positive integers", shape);
  }
  const grid: readonly [number, number] = [shape[0] as number, shape[1] as number];
  const x = noiseField(stream, {
    batch,
    shape: grid,
    size: grid,
    scale: POISSON_NOISE_SCALE,
    smoothness: POISSON_NOISE_SMOOTHNESS,
  });
  return { x, batch, shape: grid };
}
