import { PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import type { RandomStream } from "./random";

/** Options of {@link uniformSampler}. */
export interface UniformSamplerOptions {
  /** Lower bound of U[low, high), included; finite. */
  readonly low: number;
  /** Upper bound of U[low, high), excluded; finite and greater than `low`. */
  readonly high: number;
}

/** Every key of {@link UniformSamplerOptions}: anything else is refused as a misspelling. */
const UNIFORM_SAMPLER_OPTION_KEYS = ["low", "high"] as const satisfies readonly (keyof UniformSamplerOptions)[];
// A compile error here means an option of UniformSamplerOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<UniformSamplerOptions, typeof UNIFORM_SAMPLER_OPTION_KEYS>;

/** Draws batches of ground-truth parameters from U[low, high); made by {@link uniformSampler}. */
export interface UniformSampler {
  /** Lower bound, included. */
  readonly low: number;
  /** Upper bound, excluded. */
  readonly high: number;
  /**
   * Draws `count` values from U[low, high) off `stream` (one `stream.uniform(low, high)` per value, in order).
   * @param stream - the seeded stream to advance; see {@link random}.
   * @param count - number of values, a positive integer (the batch size).
   * @returns a new Float64Array of length `count`.
   * @throws {@link PgValidationError} if `count` is not a positive integer or `stream` is not a RandomStream.
   */
  sample(stream: RandomStream, count: number): Float64Array;
}

/**
 * A sampler of uniform parameters, the ground truth of the toy problems; for sin(a/x) a ~ U[0.1, 10.1) with a
 * fresh batch of 1000 per iteration (paper App. B.2).
 * @param options - {@link UniformSamplerOptions}; validated once, here.
 * @returns a {@link UniformSampler}.
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested), `low` or
 * `high` is not finite, or `high ≤ low`.
 * @example
 * import { random, uniformSampler } from "@pg/data";
 * const parameters = uniformSampler({ low: 0.1, high: 10.1 });
 * const a = parameters.sample(random(0), 1000);
 * console.log(a.length, a.every((value) => value >= 0.1 && value < 10.1)); // 1000 true
 */
export function uniformSampler(options: UniformSamplerOptions): UniformSampler {
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError("uniformSampler", "options", "an object { low, high }", options);
  }
  requireKnownKeys("uniformSampler", "options", options, UNIFORM_SAMPLER_OPTION_KEYS);
  const { low, high } = options;
  if (typeof low !== "number" || !Number.isFinite(low)) {
    throw new PgValidationError("uniformSampler", "low", "a finite number", low);
  }
  if (typeof high !== "number" || !Number.isFinite(high) || !(high > low)) {
    throw new PgValidationError("uniformSampler", "high", `a finite number greater than low = ${low}`, high);
  }
  if (!Number.isFinite(high - low)) {
    throw new PgValidationError("uniformSampler", "high", `a number with a finite width high − low (low = ${low})`, high);
  }
  return {
    low,
    high,
    sample(stream: RandomStream, count: number): Float64Array {
      requirePositiveInteger("UniformSampler.sample", "count", count);
      if (typeof stream !== "object" || stream === null || typeof stream.fillUniform !== "function") {
        throw new PgValidationError("UniformSampler.sample", "stream", "a RandomStream made by random(seed)", stream);
      }
      return stream.fillUniform(new Float64Array(count), low, high);
    },
  };
}
