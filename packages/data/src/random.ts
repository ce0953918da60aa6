import { PgValidationError, requirePositiveInteger } from "@pg/core";
import { expandSeed, nextUint32, nextUnitDouble, type Xoshiro128Words } from "./xoshiro128";

const TWO_TO_32 = 4294967296;
const TWO_TO_53 = 9007199254740992;
const ALGORITHM = "xoshiro128**";

/**
 * A checkpoint of a {@link RandomStream}: plain JSON, so it can be stored next to a training checkpoint and
 * handed to {@link restoreRandom} to continue the stream exactly where it stopped.
 */
export interface RandomState {
  /** The bit generator; always `"xoshiro128**"`. */
  readonly algorithm: "xoshiro128**";
  /** The four unsigned 32-bit state words s0…s3 of xoshiro128**; never all zero. */
  readonly words: readonly [number, number, number, number];
  /** The second Box–Muller value, cached for the next `normal` call, or `null` when none is cached. */
  readonly spareNormal: number | null;
}

/**
 * A seeded stream of random numbers (xoshiro128** on 32-bit integers, seeded by splitmix32; normals by the
 * Box–Muller transform). It is the only source of randomness in @pg: the same seed gives the same stream for every
 * method, which is how the authors' code compares methods (it re-seeds the data before each method's run). All draws advance one
 * shared state; {@link RandomStream.state} checkpoints it.
 */
export interface RandomStream {
  /** The next raw 32-bit output of xoshiro128**, an integer in [0, 2³²). */
  uint32(): number;
  /**
   * One draw from U[low, high), built from 53 random bits (two 32-bit outputs).
   * @param low - lower bound, included. @defaultValue 0
   * @param high - upper bound, excluded; must exceed `low`. @defaultValue 1
   * @throws {@link PgValidationError} if a bound is not finite, `high ≤ low`, or `high − low` overflows.
   */
  uniform(low?: number, high?: number): number;
  /**
   * One draw from N(mean, standardDeviation²) by Box–Muller: each pair of uniforms gives two normals; the second is
   * cached and returned by the next call (it is part of {@link RandomState}).
   * @param mean - @defaultValue 0
   * @param standardDeviation - finite and ≥ 0. @defaultValue 1
   * @throws {@link PgValidationError} if `mean` is not finite or `standardDeviation` is negative or not finite.
   */
  normal(mean?: number, standardDeviation?: number): number;
  /**
   * Fills `array` with draws from U[low, high), exactly as `array.length` calls of `uniform(low, high)` would.
   * @returns `array` itself.
   * @throws {@link PgValidationError} if `array` is not a Float64Array or the bounds are invalid as for `uniform`.
   */
  fillUniform(array: Float64Array, low?: number, high?: number): Float64Array;
  /**
   * Fills `array` with draws from N(mean, standardDeviation²), exactly as `array.length` calls of `normal` would
   * (including the cached Box–Muller spare).
   * @returns `array` itself.
   * @throws {@link PgValidationError} if `array` is not a Float64Array or the parameters are invalid as for `normal`.
   */
  fillNormal(array: Float64Array, mean?: number, standardDeviation?: number): Float64Array;
  /**
   * A uniform integer in [0, n), without modulo bias (rejection of the top partial block of 2³², or of 2⁵³ when
   * n > 2³²).
   * @param n - number of outcomes, an integer in [1, 2⁵³ − 1].
   * @throws {@link PgValidationError} if `n` is not a positive safe integer.
   */
  integer(n: number): number;
  /** A JSON checkpoint of the stream; {@link restoreRandom} continues from it exactly. The stream is not advanced. */
  state(): RandomState;
}

/** The largest double below `value` (value finite). */
function previousDouble(value: number): number {
  if (value === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, value > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

function requireFiniteParameter(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PgValidationError(where, parameter, "a finite number", value);
  }
  return value;
}

function requireInterval(where: string, low: unknown, high: unknown): void {
  const lowValue = requireFiniteParameter(where, "low", low);
  const highValue = requireFiniteParameter(where, "high", high);
  if (!(highValue > lowValue)) {
    throw new PgValidationError(where, "high", `a finite number greater than low = ${lowValue}`, highValue);
  }
  if (!Number.isFinite(highValue - lowValue)) {
    throw new PgValidationError(
      where,
      "high",
      `a number with a finite width high − low (low = ${lowValue})`,
      highValue,
    );
  }
}

function requireNormalParameters(where: string, mean: unknown, standardDeviation: unknown): void {
  requireFiniteParameter(where, "mean", mean);
  if (typeof standardDeviation !== "number" || !Number.isFinite(standardDeviation) || standardDeviation < 0) {
    throw new PgValidationError(where, "standardDeviation", "a finite number ≥ 0", standardDeviation);
  }
}

function requireFloat64Array(where: string, array: unknown): Float64Array {
  if (!(array instanceof Float64Array)) throw new PgValidationError(where, "array", "a Float64Array", array);
  return array;
}

class XoshiroRandomStream implements RandomStream {
  private readonly words: Xoshiro128Words;
  private spareNormal: number | null;

  constructor(words: Xoshiro128Words, spareNormal: number | null) {
    this.words = words;
    this.spareNormal = spareNormal;
  }

  uint32(): number {
    return nextUint32(this.words);
  }

  uniform(low = 0, high = 1): number {
    requireInterval("RandomStream.uniform", low, high);
    return this.drawUniform(low, high);
  }

  normal(mean = 0, standardDeviation = 1): number {
    requireNormalParameters("RandomStream.normal", mean, standardDeviation);
    return mean + standardDeviation * this.drawStandardNormal();
  }

  fillUniform(array: Float64Array, low = 0, high = 1): Float64Array {
    requireFloat64Array("RandomStream.fillUniform", array);
    requireInterval("RandomStream.fillUniform", low, high);
    for (let i = 0; i < array.length; i++) array[i] = this.drawUniform(low, high);
    return array;
  }

  fillNormal(array: Float64Array, mean = 0, standardDeviation = 1): Float64Array {
    requireFloat64Array("RandomStream.fillNormal", array);
    requireNormalParameters("RandomStream.fillNormal", mean, standardDeviation);
    for (let i = 0; i < array.length; i++) array[i] = mean + standardDeviation * this.drawStandardNormal();
    return array;
  }

  integer(n: number): number {
    requirePositiveInteger("RandomStream.integer", "n", n);
    if (!Number.isSafeInteger(n)) {
      throw new PgValidationError("RandomStream.integer", "n", "a positive integer ≤ 2^53 − 1", n);
    }
    if (n <= TWO_TO_32) {
      // Accept u < limit, the largest multiple of n not above 2³², so u mod n is exactly uniform.
      const limit = TWO_TO_32 - (TWO_TO_32 % n);
      for (;;) {
        const u = nextUint32(this.words);
        if (u < limit) return u % n;
      }
    }
    const limit = TWO_TO_53 - (TWO_TO_53 % n);
    for (;;) {
      const u = (nextUint32(this.words) >>> 5) * 67108864 + (nextUint32(this.words) >>> 6);
      if (u < limit) return u % n;
    }
  }

  state(): RandomState {
    const [s0, s1, s2, s3] = this.words;
    return { algorithm: ALGORITHM, words: [s0, s1, s2, s3], spareNormal: this.spareNormal };
  }

  /** low + (high − low)·u with u ∈ [0, 1); rounding can reach `high`, which is mapped to the double below it. */
  private drawUniform(low: number, high: number): number {
    const value = low + (high - low) * nextUnitDouble(this.words);
    return value < high ? value : previousDouble(high);
  }

  /** Box–Muller: r = √(−2 ln u₁), θ = 2πu₂, returns r cos θ and caches r sin θ. u₁ ∈ (0, 1] avoids ln 0. */
  private drawStandardNormal(): number {
    const spare = this.spareNormal;
    if (spare !== null) {
      this.spareNormal = null;
      return spare;
    }
    const u1 = 1 - nextUnitDouble(this.words);
    const u2 = nextUnitDouble(this.words);
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/**
 * Creates a seeded {@link RandomStream}: xoshiro128** (Blackman & Vigna 2021) whose 128-bit state is filled by
 * splitmix32 from `seed`. Same seed → identical stream, on every platform (integer arithmetic only, except the
 * `Math.log`/`Math.sin`/`Math.cos` in Box–Muller normals).
 * @param seed - an integer in [0, 2⁵³ − 1].
 * @returns a fresh stream; draws advance its state.
 * @throws {@link PgValidationError} if `seed` is not a non-negative safe integer (NaN, ±Infinity, 1.5, −1, 2⁵³).
 * @example
 * import { random } from "@pg/data";
 * const stream = random(42);
 * console.log(stream.uniform().toFixed(6)); // 0.660616
 * console.log(stream.normal().toFixed(6)); // 0.427826
 * console.log(stream.integer(6)); // 4
 * console.log(random(42).uniform().toFixed(6)); // 0.660616
 */
export function random(seed: number): RandomStream {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new PgValidationError("random", "seed", "an integer in [0, 2^53 − 1]", seed);
  }
  return new XoshiroRandomStream(expandSeed(seed), null);
}

function isUint32(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < TWO_TO_32;
}

/** A fresh copy of `words` when it is an array of four unsigned 32-bit integers, else undefined. */
function readWords(words: unknown): Xoshiro128Words | undefined {
  if (!Array.isArray(words) || words.length !== 4) return undefined;
  const [s0, s1, s2, s3]: unknown[] = words;
  if (!isUint32(s0) || !isUint32(s1) || !isUint32(s2) || !isUint32(s3)) return undefined;
  return [s0, s1, s2, s3];
}

/**
 * Recreates a {@link RandomStream} from a {@link RandomState} taken by `stream.state()`; the new stream produces
 * exactly the draws the original would have produced next. The state is copied, so the checkpoint can be reused.
 * @param state - a checkpoint, e.g. parsed back from JSON.
 * @returns a stream continuing from `state`.
 * @throws {@link PgValidationError} if `algorithm` is not "xoshiro128**", `words` is not four unsigned 32-bit
 * integers (not all zero), or `spareNormal` is neither null nor a finite number.
 * @example
 * import { random, restoreRandom } from "@pg/data";
 * const stream = random(7);
 * const checkpoint = JSON.parse(JSON.stringify(stream.state()));
 * const next = stream.uniform();
 * console.log(restoreRandom(checkpoint).uniform() === next); // true
 */
export function restoreRandom(state: RandomState): RandomStream {
  if (typeof state !== "object" || state === null) {
    throw new PgValidationError("restoreRandom", "state", "an object returned by RandomStream.state()", state);
  }
  if (state.algorithm !== ALGORITHM) {
    throw new PgValidationError("restoreRandom", "state.algorithm", `"${ALGORITHM}"`, state.algorithm);
  }
  const words = readWords(state.words);
  if (words === undefined) {
    throw new PgValidationError("restoreRandom", "state.words", "four integers in [0, 2^32)", state.words);
  }
  if (words.every((word) => word === 0)) {
    throw new PgValidationError("restoreRandom", "state.words", "not all zero (xoshiro128** would stay at zero)", words);
  }
  const spareNormal: unknown = state.spareNormal;
  if (spareNormal !== null && (typeof spareNormal !== "number" || !Number.isFinite(spareNormal))) {
    throw new PgValidationError("restoreRandom", "state.spareNormal", "null or a finite number", spareNormal);
  }
  return new XoshiroRandomStream(words, spareNormal);
}
