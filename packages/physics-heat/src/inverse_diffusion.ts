import { PgNonFiniteError, PgValidationError, requireBatchArray, requireKnownKeys, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { fft2, ifft2 } from "@pg/numerics";
import { logKernelOf } from "./diffusion_log_kernel";
import { resolveDiffusivityTime, resolveShape } from "./heat_grid";

/** Options of {@link inverseDiffusion}. */
export interface InverseDiffusionOptions {
  /** Number of examples in `residual` and `uncertainty`; a positive integer. */
  readonly batch: number;
  /** Grid size [nx, ny] in cells of unit length (dx = 1), periodic. @defaultValue [64, 64] */
  readonly shape?: readonly [number, number];
  /** The ν·t the residual was diffused for; finite and ≥ 0. @defaultValue 8 */
  readonly diffusivityTime?: number;
  /**
   * Per-cell uncertainty U of the residual, batch × nx × ny finite numbers (training uses U = 1e-6·|r|). Only
   * σ_n = √(Σ_cells U²) per example enters: the noise amplitude assumed for every frequency.
   */
  readonly uncertainty: Float64Array;
}

/** Every key of {@link InverseDiffusionOptions}: anything else is refused as a misspelling. */
const INVERSE_DIFFUSION_OPTION_KEYS = ["batch", "shape", "diffusivityTime", "uncertainty"] as const satisfies readonly (keyof InverseDiffusionOptions)[];
// A compile error here means an option of InverseDiffusionOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<InverseDiffusionOptions, typeof INVERSE_DIFFUSION_OPTION_KEYS>;

/** What {@link inverseDiffusion} returns; every array is batch × nx × ny, bin (kx, ky) at kx·ny + ky. */
export interface InverseDiffusionResult {
  /** Δx = Re(IDFT(R·K̃)), the correction to add to the current x. */
  readonly correction: Float64Array;
  /** The damped inverse kernel K̃(k) = e^{ℓ(k)·a(k)} per example and frequency: 1 at DC, ≤ e^{ℓ}. */
  readonly kernel: Float64Array;
  /** P(signal | R(k)) = S/(S + N) per example and frequency (0 where S + N = 0; NaN where undefined, e.g. 0/0). */
  readonly signalProbability: Float64Array;
  /** σ_n per example. */
  readonly noiseAmplitude: Float64Array;
}

/** Below it a frequency is treated as noise and damped; at or above {@link AMPLIFY_THRESHOLD} it is amplified. */
const DAMP_THRESHOLD = 0.5;
/** "1σ of evidence is required to amplify" (the authors' code's threshold and its comment). */
const AMPLIFY_THRESHOLD = 0.68;
/** Equal priors of signal and noise. */
const PRIOR = 0.5;

/**
 * The probabilistic inverse of spectral diffusion used as the heat experiment's inverse-physics solver (the
 * authors' code's `heat/inv_diffuse.py`, with its constants), in Float64. Per example and DFT bin k of the residual r:
 * 1. σ_n = √(Σ_cells U²), the noise amplitude of every frequency;
 * 2. ℓ(k) = (2π)²|k|²·ν t, k = fftfreq per axis;  3. R = DFT(r), unnormalised;
 * 4. E(k) = N_x·e^{−ℓ(k)}, the amplitude a diffused "reasonable" signal would have (N_x = nx);
 * 5. S = ½·exp(−½(|R|/E)²) (non-finite S → 0), N = ½·exp(−½(|R|/σ_n)²);
 * 6. p = S/(S + N), p = 0 where S + N = 0;
 * 7. a = 2(p − ½) if p ≤ 0.5 or p ≥ 0.68, else 0 (also 0 where p is NaN, i.e. 0/0 with σ_n = 0 and R = 0);
 * 8. K̃ = exp(ℓ·a) with the unclamped ℓ;  9. Δx = Re(IDFT(R·K̃)).
 * So frequencies that look like signal are un-diffused (a → 1 gives the full inverse e^{ℓ}), ambiguous ones pass
 * unchanged and noise-dominated ones are damped further (a < 0). DC always passes (ℓ = 0).
 * @param residual - r, batch × nx × ny (typically y* − P(x)); finite.
 * @param options - {@link InverseDiffusionOptions}.
 * @returns an {@link InverseDiffusionResult}: the correction Δx, K̃, p and σ_n.
 * @throws {@link PgValidationError} for an unknown option (the closest known one is suggested) or an invalid `batch`,
 * `shape` or `diffusivityTime`; {@link PgShapeError} if
 * `residual` or `uncertainty` has the wrong length; {@link PgNonFiniteError} if either holds NaN or ±Infinity.
 * @example
 * import { heatPhysics, inverseDiffusion } from "@pg/physics-heat";
 * const physics = heatPhysics();                       // 64 × 64, ν·t = 8
 * const x = Float64Array.from({ length: 4096 }, (_, c) => 0.01 * Math.cos((2 * Math.PI * 3 * (c % 64)) / 64));
 * const r = physics.forward(x, 1);                     // a diffused, smooth, small field
 * const uncertainty = r.map((v) => 1e-6 * Math.abs(v));
 * const { correction } = inverseDiffusion(r, { batch: 1, uncertainty });
 * console.log((r[0] / x[0]).toFixed(4), (correction[0] / x[0]).toFixed(4)); // 0.4996 1.0000
 */
export function inverseDiffusion(residual: Float64Array, options: InverseDiffusionOptions): InverseDiffusionResult {
  const where = "inverseDiffusion";
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { batch, shape?, diffusivityTime?, uncertainty }", options);
  }
  requireKnownKeys(where, "options", options, INVERSE_DIFFUSION_OPTION_KEYS);
  const batch = requirePositiveInteger(where, "batch", options.batch);
  const shape = resolveShape(where, options.shape);
  const diffusivityTime = resolveDiffusivityTime(where, options.diffusivityTime);
  const fieldShape = [shape[0], shape[1]];
  requireFiniteField(where, "residual", residual, batch, fieldShape);
  if (options.uncertainty === undefined) {
    throw new PgValidationError(where, "uncertainty", "a Float64Array of per-cell uncertainties (training uses 1e-6·|r|)", undefined);
  }
  const uncertainty = requireFiniteField(where, "uncertainty", options.uncertainty, batch, fieldShape);
  return invertDiffusion(residual, uncertainty, batch, shape, logKernelOf(shape, diffusivityTime));
}

/** {@link inverseDiffusion} without validation, for a precomputed ℓ (internal). */
export function invertDiffusion(
  residual: Float64Array,
  uncertainty: Float64Array,
  batch: number,
  shape: readonly [number, number],
  logKernel: Float64Array,
): InverseDiffusionResult {
  const cells = shape[0] * shape[1];
  const expectedScale = shape[0]; // N_x of E(k) = N_x·e^{−ℓ(k)}
  const noiseAmplitude = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    let sum = 0;
    for (let i = b * cells; i < (b + 1) * cells; i++) sum += (uncertainty[i] as number) * (uncertainty[i] as number);
    noiseAmplitude[b] = Math.sqrt(sum);
  }
  const { real, imaginary } = fft2(residual, new Float64Array(residual.length), { batch, shape });
  const kernel = new Float64Array(residual.length);
  const signalProbability = new Float64Array(residual.length);
  for (let b = 0; b < batch; b++) {
    const sigma = noiseAmplitude[b] as number;
    const base = b * cells;
    for (let k = 0; k < cells; k++) {
      const at = base + k;
      const l = logKernel[k] as number;
      const re = real[at] as number;
      const im = imaginary[at] as number;
      const amplitude = Math.sqrt(re * re + im * im);
      const expected = expectedScale * Math.exp(-l);
      const signalRatio = amplitude / expected;
      let signal = PRIOR * Math.exp(-0.5 * signalRatio * signalRatio);
      if (!Number.isFinite(signal)) signal = 0;
      const noiseRatio = amplitude / sigma;
      const noise = (1 - PRIOR) * Math.exp(-0.5 * noiseRatio * noiseRatio);
      const total = signal + noise;
      const p = total === 0 ? 0 : signal / total;
      const action = p <= DAMP_THRESHOLD || p >= AMPLIFY_THRESHOLD ? 2 * (p - 0.5) : 0;
      const factor = Math.exp(l * action);
      signalProbability[at] = p;
      kernel[at] = factor;
      real[at] = re * factor;
      imaginary[at] = im * factor;
    }
  }
  const correction = ifft2(real, imaginary, { batch, shape }).real;
  return { correction, kernel, signalProbability, noiseAmplitude };
}

function requireFiniteField(where: string, parameter: string, array: unknown, batch: number, shape: readonly number[]): Float64Array {
  const field = requireBatchArray(where, parameter, array, batch, shape);
  for (let i = 0; i < field.length; i++) {
    const v = field[i] as number;
    if (!Number.isFinite(v)) throw new PgNonFiniteError(where, "input", i, v, undefined, `parameter ${parameter} must be finite`);
  }
  return field;
}
