import { PgValidationError, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import type { RandomStream } from "./random";

/** Samples per wave packet, at ξ = 0, 1, …, 255 (the paper says "256 entries"; integer positions are our reading). */
export const WAVE_PACKET_SAMPLES = 256;

/**
 * The ranges the ground truth is drawn from (paper App. B.1): ξ₀ ~ U[25.6, 230.4) (= [0.1, 0.9)·256), A ~ U[1, 4); and the
 * fixed carrier frequency f = 4 rad/sample and envelope width σ = 20 samples of every packet.
 */
export const WAVE_PACKET_DATA = Object.freeze({
  center: Object.freeze({ low: 25.6, high: 230.4 }),
  amplitude: Object.freeze({ low: 1, high: 4 }),
  frequency: 4,
  width: 20,
});

/** Options of {@link wavePackets}. */
export interface WavePacketsOptions {
  /** Number of examples, a positive integer. */
  readonly batch: number;
  /** Standard deviation of the i.i.d. Gaussian noise added to every sample (finite, ≥ 0; 0 gives clean packets). @defaultValue 1 */
  readonly noise?: number;
}

/** Every key of {@link WavePacketsOptions}: anything else is refused as a misspelling. */
const WAVE_PACKETS_OPTION_KEYS = ["batch", "noise"] as const satisfies readonly (keyof WavePacketsOptions)[];
// A compile error here means an option of WavePacketsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<WavePacketsOptions, typeof WAVE_PACKETS_OPTION_KEYS>;

/** One batch of wave-packet data made by {@link wavePackets}. */
export interface WavePacketBatch {
  /** Ground truth (ξ₀, A) per example, batch × 2, stored [ξ₀, A] back to back. */
  readonly parameters: Float64Array;
  /** Observations y* = A·sin(4ξ)·exp(−½(ξ − ξ₀)²/20²) + n(ξ), n ~ N(0, noise²) i.i.d., batch × 256. */
  readonly y: Float64Array;
}

/**
 * Draws a batch of noisy wave packets (paper App. B.1): per example ξ₀ ~ U[25.6, 230.4), A ~ U[1, 4) and
 * y*(ξ) = A·sin(4ξ)·exp(−½(ξ − ξ₀)²/20²) + n(ξ) with n(ξ) ~ N(0, noise²) i.i.d. at ξ = 0…255.
 *
 * Draw order, fixed: example by example, `stream.uniform(25.6, 230.4)` for ξ₀, then `stream.uniform(1, 4)` for A, then
 * 256 standard normal draws for the noise in sample order (one `stream.fillNormal` of 256, the same draws as 256
 * `stream.normal()` calls; drawn even when `noise` is 0, so the stream does not depend on it). Each example consumes an even number of normals, so a batch of B followed by a batch of C gives
 * exactly the examples of one batch of B + C.
 * @param stream - the seeded stream to advance; see {@link random}.
 * @param options - {@link WavePacketsOptions}; validated here.
 * @returns a {@link WavePacketBatch} of new arrays.
 * @throws {@link PgValidationError} if `stream` is not a RandomStream, `options` has an unknown key (the closest
 * known one is suggested), `batch` is not a positive integer, or `noise` is negative or not finite.
 * @example
 * import { random, wavePackets } from "@pg/data";
 * const { parameters, y } = wavePackets(random(0), { batch: 100 });
 * console.log(parameters.length, y.length); // 200 25600
 * const centers = parameters.filter((_, i) => i % 2 === 0);
 * console.log(centers.every((c) => c >= 25.6 && c < 230.4)); // true
 */
export function wavePackets(stream: RandomStream, options: WavePacketsOptions): WavePacketBatch {
  const where = "wavePackets";
  if (typeof stream !== "object" || stream === null || typeof stream.fillNormal !== "function" || typeof stream.uniform !== "function") {
    throw new PgValidationError(where, "stream", "a RandomStream made by random(seed)", stream);
  }
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { batch, noise? }", options);
  }
  requireKnownKeys(where, "options", options, WAVE_PACKETS_OPTION_KEYS);
  const batch = requirePositiveInteger(where, "batch", options.batch);
  const noise = options.noise ?? 1;
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0) {
    throw new PgValidationError(where, "noise", "a finite number ≥ 0 (the noise standard deviation)", noise);
  }
  const n = WAVE_PACKET_SAMPLES;
  const { center, amplitude, frequency, width } = WAVE_PACKET_DATA;
  const carrier = new Float64Array(n);
  for (let i = 0; i < n; i++) carrier[i] = Math.sin(frequency * i);
  const inverseVariance = 1 / (width * width);
  const parameters = new Float64Array(2 * batch);
  const y = new Float64Array(batch * n);
  // One fillNormal per example instead of a normal() per sample: the stream checks its arguments once per call.
  const normals = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    const xi0 = stream.uniform(center.low, center.high);
    const a = stream.uniform(amplitude.low, amplitude.high);
    parameters[2 * b] = xi0;
    parameters[2 * b + 1] = a;
    stream.fillNormal(normals);
    for (let i = 0; i < n; i++) {
      const d = i - xi0;
      const clean = a * (carrier[i] as number) * Math.exp(-0.5 * d * d * inverseVariance);
      y[b * n + i] = clean + noise * (normals[i] as number);
    }
  }
  return { parameters, y };
}
