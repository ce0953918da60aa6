import { PgValidationError, requireFiniteNumber, requirePositive, requirePositiveInteger } from "@pg/core";
import { transformInPlace } from "./fft2";
import { requireBatch, requireOptionsObject, requirePositivePair, requireShape } from "./grid_validation";

/** Any source of standard normal draws, e.g. the `RandomStream` of @pg/data (only `normal()` is used). */
export interface NormalSource {
  /** One draw from N(0, 1); advances the source. */
  normal(): number;
}

/** Options of {@link noiseMask}: the grid and the spectral scale. */
export interface NoiseMaskOptions {
  /** Grid resolution [nx, ny]; positive integers. */
  readonly shape: readonly [number, number];
  /** Physical domain size [Lx, Ly] (cell size dx = L/n); finite numbers > 0. */
  readonly size: readonly [number, number];
  /** Spectral scale s in κ_d = j_d·s/L_d; a finite number > 0. @defaultValue 10 */
  readonly scale?: number;
}

/** Options of {@link noiseField}. */
export interface NoiseFieldOptions extends NoiseMaskOptions {
  /** Number of fields; a positive integer. */
  readonly batch: number;
  /** Exponent σ in the spectrum weight (1/κ²)^σ; a finite number. @defaultValue 1 */
  readonly smoothness?: number;
  /** Components per cell (2 for a velocity), stored last (NHWC); a positive integer. @defaultValue 1 */
  readonly channels?: number;
}

/** Every key of {@link NoiseMaskOptions}: anything else is refused as a misspelling. */
const NOISE_MASK_OPTION_KEYS = ["shape", "size", "scale"] as const satisfies readonly (keyof NoiseMaskOptions)[];
// A compile error here means an option of NoiseMaskOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof NoiseMaskOptions, (typeof NOISE_MASK_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** Every key of {@link NoiseFieldOptions}: anything else is refused as a misspelling. */
const NOISE_FIELD_OPTION_KEYS = ["batch", "shape", "size", "scale", "smoothness", "channels"] as const satisfies readonly (keyof NoiseFieldOptions)[];
// A compile error here means an option of NoiseFieldOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof NoiseFieldOptions, (typeof NOISE_FIELD_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** Modes with κ² at or below this are dropped, DC and the lowest modes (as PhiFlow's `Noise`). */
const LOWEST_WAVE_NUMBER_SQUARED = 0.1;

/** Signed integer DFT index of bin k on an axis of n cells: fftfreq(n)[k]·n. */
function signedIndex(k: number, n: number): number {
  return k < Math.ceil(n / 2) ? k : k - n;
}

interface ResolvedMask {
  readonly nx: number;
  readonly ny: number;
  readonly scale: number;
  /** κ² per DFT bin (kx·ny + ky). */
  readonly waveNumberSquared: Float64Array;
  readonly keptModes: number;
}

function resolveMask(where: string, options: NoiseMaskOptions): ResolvedMask {
  const [nx, ny] = requireShape(where, options.shape);
  const [lx, ly] = requirePositivePair(where, "size", options.size);
  const scale = requirePositive(where, "scale", options.scale ?? 10);
  const waveNumberSquared = new Float64Array(nx * ny);
  let keptModes = 0;
  for (let i = 0; i < nx; i++) {
    const kappaX = (signedIndex(i, nx) * scale) / lx;
    for (let j = 0; j < ny; j++) {
      const kappaY = (signedIndex(j, ny) * scale) / ly;
      const k2 = kappaX * kappaX + kappaY * kappaY;
      waveNumberSquared[i * ny + j] = k2;
      if (k2 > LOWEST_WAVE_NUMBER_SQUARED) keptModes++;
    }
  }
  return { nx, ny, scale, waveNumberSquared, keptModes };
}

/**
 * The spectral mask of {@link noiseField} (PhiFlow's `Noise`): 1 for DFT bins with κ² = κx² + κy² > 0.1, where
 * κ_d = j_d·scale/L_d and j_d = fftfreq(n_d)·n_d is the signed integer index, else 0 (DC and the lowest modes).
 * @param options - {@link NoiseMaskOptions}.
 * @returns a new Uint8Array of length nx × ny; bin (kx, ky) at index kx·ny + ky, as in {@link fft2}.
 * @throws {@link PgValidationError} if `options` is not an object or has an unknown key (the closest known one is
 * suggested), or if `shape`, `size` or `scale` is invalid.
 * @example
 * import { noiseMask } from "@pg/numerics";
 * const mask = noiseMask({ shape: [64, 64], size: [64, 64], scale: 10 }); // Poisson x*: dx = 1
 * console.log(mask.length - mask.reduce((sum, kept) => sum + kept, 0)); // 13
 */
export function noiseMask(options: NoiseMaskOptions): Uint8Array {
  requireOptionsObject("noiseMask", options, "{ shape, size, scale? }", NOISE_MASK_OPTION_KEYS);
  const { waveNumberSquared } = resolveMask("noiseMask", options);
  return Uint8Array.from(waveNumberSquared, (k2) => (k2 > LOWEST_WAVE_NUMBER_SQUARED ? 1 : 0));
}

/**
 * A batch of smooth random fields with zero mean and unit standard deviation per example (PhiFlow's
 * `Noise`, which the authors' code draws data with): a white complex spectrum R = a + ib, a, b ~ N(0, 1), is weighted by (1/κ²)^smoothness on the modes
 * kept by {@link noiseMask} (0 elsewhere), transformed by the inverse DFT, and its real part is normalised per
 * example over all cells and channels: divided by the population standard deviation, then the mean is subtracted.
 *
 * Draw order: 2 × batch × nx × ny × channels normals, in the memory order of the output (example, x, y, channel),
 * a then b for each mode; masked modes draw too, so the stream advances by the same amount for any scale, and
 * example e of a batch equals a single field drawn after the first e examples.
 * @param stream - a {@link NormalSource}, advanced by 2 × batch × nx × ny × channels draws.
 * @param options - {@link NoiseFieldOptions}.
 * @returns a new Float64Array of length batch × nx × ny × channels, index ((b·nx + i)·ny + j)·channels + c.
 * @throws {@link PgValidationError} if an option is invalid or unknown, no mode survives the mask, or `stream.normal()` returns
 * a non-finite value.
 * @example
 * import { noiseField } from "@pg/numerics";
 * let seed = 7; // a toy Box–Muller source for the example; use random(seed) from @pg/data in experiments
 * const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
 * const stream = { normal: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) };
 * const field = noiseField(stream, { batch: 2, shape: [64, 64], size: [64, 64] });
 * const first = field.subarray(0, 4096);
 * const mean = first.reduce((sum, v) => sum + v, 0) / 4096;
 * const variance = first.reduce((sum, v) => sum + v * v, 0) / 4096 - mean * mean;
 * console.log(field.length, Math.abs(mean) < 1e-12, Math.abs(variance - 1) < 1e-12); // 8192 true true
 */
export function noiseField(stream: NormalSource, options: NoiseFieldOptions): Float64Array {
  const where = "noiseField";
  if (typeof stream !== "object" || stream === null || typeof stream.normal !== "function") {
    throw new PgValidationError(where, "stream", "an object with a normal(): number method", stream);
  }
  requireOptionsObject(where, options, "{ batch, shape, size, scale?, smoothness?, channels? }", NOISE_FIELD_OPTION_KEYS);
  const batch = requireBatch(where, options.batch);
  const { nx, ny, scale, waveNumberSquared, keptModes } = resolveMask(where, options);
  const smoothness = requireFiniteNumber(where, "smoothness", options.smoothness ?? 1);
  const channels = requirePositiveInteger(where, "channels", options.channels ?? 1);
  if (keptModes === 0) {
    throw new PgValidationError(
      where,
      "scale",
      `large enough to keep a mode with κ² > ${LOWEST_WAVE_NUMBER_SQUARED} on a ${nx} × ${ny} grid`,
      scale,
      "Increase scale or the resolution.",
    );
  }
  const cells = nx * ny;
  const weight = Float64Array.from(waveNumberSquared, (k2) =>
    k2 > LOWEST_WAVE_NUMBER_SQUARED ? Math.pow(1 / k2, smoothness) : 0,
  );
  // Spectra channel-first ([b][c][kx][ky]) so each channel is one contiguous 2-D transform.
  const real = new Float64Array(batch * channels * cells);
  const imaginary = new Float64Array(batch * channels * cells);
  for (let e = 0; e < batch; e++) {
    for (let m = 0; m < cells; m++) {
      const w = weight[m] as number;
      for (let c = 0; c < channels; c++) {
        const a = stream.normal();
        const b = stream.normal();
        if (!Number.isFinite(a) || !Number.isFinite(b)) {
          const received = Number.isFinite(a) ? b : a;
          throw new PgValidationError(where, "stream", "a NormalSource whose normal() returns finite numbers", received);
        }
        const at = (e * channels + c) * cells + m;
        real[at] = a * w;
        imaginary[at] = b * w;
      }
    }
  }
  transformInPlace(real, imaginary, batch * channels, nx, ny, true);
  const field = new Float64Array(batch * cells * channels);
  const perExample = cells * channels;
  for (let e = 0; e < batch; e++) {
    const base = e * perExample;
    for (let m = 0; m < cells; m++) {
      for (let c = 0; c < channels; c++) field[base + m * channels + c] = real[(e * channels + c) * cells + m] as number;
    }
    normaliseExample(field.subarray(base, base + perExample));
  }
  return field;
}

/** Divides by the population standard deviation, then subtracts the mean, in that order as PhiFlow does. */
function normaliseExample(values: Float64Array): void {
  const n = values.length;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += values[k] as number;
  mean /= n;
  let variance = 0;
  for (let k = 0; k < n; k++) {
    const d = (values[k] as number) - mean;
    variance += d * d;
  }
  const std = Math.sqrt(variance / n);
  // A constant field (possible only on degenerate grids) has std 0: it becomes 0 instead of NaN.
  const inverse = std > 0 ? 1 / std : 0;
  let scaledMean = 0;
  for (let k = 0; k < n; k++) {
    const v = (values[k] as number) * inverse;
    values[k] = v;
    scaledMean += v;
  }
  scaledMean /= n;
  for (let k = 0; k < n; k++) values[k] = (values[k] as number) - scaledMean;
}
