import { PgValidationError, requireKnownKeys, requirePositiveInteger, type Objective, type OptionKeysCover } from "@pg/core";
import { fft2, fftfreq, ifft2 } from "@pg/numerics";
import { FLUID_GRID, requireFluidGrid, requireScalarField, type FluidGrid } from "./fluid_grid";

/** Default frequency falloff of the fluid loss (PhiFlow `frequency_falloff=80`, the authors' setting). */
export const FREQUENCY_LOSS_FALLOFF = 80;
/** Default floor of the squared weighted amplitudes (PhiFlow `threshold=1e-5`, the authors' setting). */
export const FREQUENCY_LOSS_THRESHOLD = 1e-5;

/** Options of {@link frequencyLoss}. */
export interface FrequencyLossOptions {
  /** Grid of the cell-centred scalar fields y and y*. @defaultValue {@link FLUID_GRID} (64 × 64, dx = 2) */
  readonly grid?: FluidGrid;
  /** The falloff f of the weights w(k) = exp(−½·f²·|k|²), k in cycles per cell; finite and ≥ 0. @defaultValue 80 */
  readonly falloff?: number;
  /** The floor θ in sqrt(max(a_k, θ)); finite and ≥ 0. @defaultValue 1e-5 */
  readonly threshold?: number;
}

/** Every key of {@link FrequencyLossOptions}: anything else is refused as a misspelling. */
const FREQUENCY_LOSS_OPTION_KEYS = ["grid", "falloff", "threshold"] as const satisfies readonly (keyof FrequencyLossOptions)[];
// A compile error here means an option of FrequencyLossOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<FrequencyLossOptions, typeof FREQUENCY_LOSS_OPTION_KEYS>;

/** The fluid objective returned by {@link frequencyLoss}: an {@link Objective} plus its resolved settings. */
export interface FrequencyLoss extends Objective {
  readonly grid: FluidGrid;
  readonly falloff: number;
  readonly threshold: number;
  /** w(k) per DFT bin, nx × ny, bin (kx, ky) at index kx·ny + ky (as {@link frequencyWeights} returns). */
  readonly weights: Float64Array;
  /**
   * L per example: Σ_k sqrt(max(a_k, θ)), a_k = |w_k·DFT(r − mean r)_k|², r = y − y*. An example holding a NaN or
   * ±Infinity gives NaN: like the core objectives it checks lengths, not values, so that a solver evaluating it at
   * every iterate sees the non-finite value and reports `nonFinite`.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `y` or `yTarget`
   * is not a Float64Array of length batch × nx × ny.
   */
  value(y: Float64Array, yTarget: Float64Array, batch: number): Float64Array;
  /**
   * The exact ∂L/∂y (zero through the bins with a_k ≤ θ), batch × nx × ny. An example holding a NaN or ±Infinity
   * gives an all-NaN example.
   * @throws as {@link FrequencyLoss.value}.
   */
  gradient(y: Float64Array, yTarget: Float64Array, batch: number): Float64Array;
}

/**
 * The Gaussian frequency weights of the fluid loss (PhiFlow's): w(kx, ky) = exp(−½·falloff²·(kx² + ky²)) with
 * kx = fftfreq(nx), ky = fftfreq(ny) in cycles per cell (independent of dx).
 * @param grid - the grid; nx, ny integers ≥ 2. @defaultValue {@link FLUID_GRID}
 * @param falloff - a finite number ≥ 0. @defaultValue 80
 * @returns a new Float64Array of nx × ny; bin (kx, ky) at index kx·ny + ky, the layout of `fft2` of @pg/numerics.
 * @throws {@link PgValidationError} if `grid` or `falloff` is invalid.
 * @example
 * import { frequencyWeights, FLUID_GRID } from "@pg/physics-fluid";
 * const w = frequencyWeights(FLUID_GRID, 80);
 * console.log(w[1 * 64 + 0].toFixed(6), w[1 * 64 + 1].toFixed(6), w[2 * 64 + 0].toFixed(7)); // 0.457833 0.209611 0.0439369
 * console.log(w[0], w[63 * 64] === w[64]); // 1 true
 */
export function frequencyWeights(grid: FluidGrid = FLUID_GRID, falloff: number = FREQUENCY_LOSS_FALLOFF): Float64Array {
  const where = "frequencyWeights";
  const { nx, ny } = requireFluidGrid(where, grid);
  return weightsOf(nx, ny, requireNonNegative(where, "falloff", falloff, "(the Gaussian falloff, in cells)"));
}

/**
 * The frequency-weighted L1 loss of the fluid experiment (PhiFlow `frequency_loss(x, n=1,
 * frequency_falloff=80, threshold=1e-5, ignore_mean=True)`) as a per-example {@link Objective} on cell-centred scalar
 * fields (batch × nx × ny). Per example: r = y − y*, r ← r − mean(r), R = DFT(r) unnormalised, a_k = |R_k·w_k|² with
 * w from {@link frequencyWeights}, and L = Σ_k sqrt(max(a_k, θ)). A zero residual gives nx·ny·√θ (12.95269 on
 * 64 × 64). There is no ½ and no square: it is an L1 norm of weighted Fourier amplitudes.
 *
 * The gradient is exact. With g_k = w_k²/sqrt(a_k) where a_k > θ and g_k = 0 elsewhere,
 * ∂L/∂y = Π·Re(Fᴴ(g ⊙ R)) = Π·(nx·ny)·Re(IDFT(g ⊙ R)), where Fᴴ is the adjoint of the unnormalised DFT and
 * Π = I − 11ᵀ/(nx·ny) is the (symmetric) mean removal. (From da_k = 2·w_k²·Re(conj(R_k)·dR_k) and dR = F·dr.)
 * @param options - {@link FrequencyLossOptions}; validated and the weights computed once, here.
 * @returns a {@link FrequencyLoss}.
 * @throws {@link PgValidationError} if `options` is not an object or undefined, has an unknown key (the closest known
 * one is suggested), or `grid`, `falloff` or `threshold` is invalid.
 * @example
 * import { frequencyLoss } from "@pg/physics-fluid";
 * const loss = frequencyLoss();
 * const zero = new Float64Array(4096);
 * console.log(loss.value(zero, zero, 1)[0].toFixed(9)); // 12.952689296
 * const y = Float64Array.from({ length: 4096 }, (_, cell) => Math.cos((2 * Math.PI * Math.floor(cell / 64)) / 64));
 * // the mode (1, 0): two bins of |R| = 2048, weight w(1, 0), plus 4094 bins at the floor
 * console.log(loss.value(y, zero, 1)[0].toFixed(4)); // 1888.2318
 * console.log(loss.gradient(y, zero, 1)[0].toFixed(6)); // 0.915667
 */
export function frequencyLoss(options?: FrequencyLossOptions): FrequencyLoss {
  const where = "frequencyLoss";
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new PgValidationError(where, "options", "an object { grid?, falloff?, threshold? }", options);
  }
  requireKnownKeys(where, "options", options, FREQUENCY_LOSS_OPTION_KEYS);
  const grid = requireFluidGrid(where, options?.grid ?? FLUID_GRID);
  const falloff = requireNonNegative(where, "falloff", options?.falloff ?? FREQUENCY_LOSS_FALLOFF, "(the Gaussian falloff, in cells)");
  const threshold = requireNonNegative(where, "threshold", options?.threshold ?? FREQUENCY_LOSS_THRESHOLD, "(the floor of |R·w|²)");
  const weights = weightsOf(grid.nx, grid.ny, falloff);
  const check = (at: string, y: Float64Array, yTarget: Float64Array, batch: number): void => {
    requirePositiveInteger(at, "batch", batch);
    requireScalarField(at, "y", y, batch, grid);
    requireScalarField(at, "yTarget", yTarget, batch, grid);
  };
  return {
    name: `frequencyLoss(falloff=${falloff}, threshold=${threshold}, ${grid.nx}×${grid.ny})`,
    grid,
    falloff,
    threshold,
    weights,
    value(y, yTarget, batch) {
      check("frequencyLoss.value", y, yTarget, batch);
      const { real, imaginary, bad } = weightedSpectrum(y, yTarget, batch, grid, weights);
      const cells = grid.nx * grid.ny;
      const out = new Float64Array(batch);
      for (let b = 0; b < batch; b++) {
        let sum = 0;
        for (let k = b * cells; k < (b + 1) * cells; k++) {
          const wr = real[k] as number;
          const wi = imaginary[k] as number;
          sum += Math.sqrt(Math.max(wr * wr + wi * wi, threshold));
        }
        out[b] = sum;
      }
      for (const b of bad) out[b] = Number.NaN;
      return out;
    },
    gradient(y, yTarget, batch) {
      check("frequencyLoss.gradient", y, yTarget, batch);
      const { real, imaginary, bad } = weightedSpectrum(y, yTarget, batch, grid, weights);
      const cells = grid.nx * grid.ny;
      // real/imaginary hold w_k·R_k; turn them into g_k·R_k = w_k·(w_k R_k)/sqrt(a_k), or 0 at or below the floor.
      for (let b = 0; b < batch; b++) {
        for (let k = 0; k < cells; k++) {
          const at = b * cells + k;
          const wr = real[at] as number;
          const wi = imaginary[at] as number;
          const a = wr * wr + wi * wi;
          const factor = a > threshold ? (weights[k] as number) / Math.sqrt(a) : 0;
          real[at] = wr * factor;
          imaginary[at] = wi * factor;
        }
      }
      const out = ifft2(real, imaginary, { batch, shape: [grid.nx, grid.ny] }).real;
      for (let b = 0; b < batch; b++) {
        let sum = 0;
        for (let i = b * cells; i < (b + 1) * cells; i++) sum += out[i] as number;
        const mean = sum / cells;
        for (let i = b * cells; i < (b + 1) * cells; i++) out[i] = ((out[i] as number) - mean) * cells;
      }
      for (const b of bad) out.fill(Number.NaN, b * cells, (b + 1) * cells);
      return out;
    },
  };
}

/** w(k) per bin (internal; arguments already validated). */
function weightsOf(nx: number, ny: number, falloff: number): Float64Array {
  const fx = fftfreq(nx);
  const fy = fftfreq(ny);
  const weights = new Float64Array(nx * ny);
  const c = -0.5 * falloff * falloff;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const kx = fx[i] as number;
      const ky = fy[j] as number;
      weights[i * ny + j] = Math.exp(c * (kx * kx + ky * ky));
    }
  }
  return weights;
}

/**
 * w ⊙ DFT(r − mean r) per example, r = y − y* (internal). Examples holding a non-finite entry are transformed as zeros
 * and listed in `bad`.
 */
function weightedSpectrum(
  y: Float64Array,
  yTarget: Float64Array,
  batch: number,
  grid: FluidGrid,
  weights: Float64Array,
): { real: Float64Array; imaginary: Float64Array; bad: number[] } {
  const cells = grid.nx * grid.ny;
  const residual = new Float64Array(y.length);
  const bad: number[] = [];
  for (let b = 0; b < batch; b++) {
    let sum = 0;
    for (let i = b * cells; i < (b + 1) * cells; i++) {
      const r = (y[i] as number) - (yTarget[i] as number);
      residual[i] = r;
      sum += r;
    }
    if (!Number.isFinite(sum)) {
      bad.push(b);
      residual.fill(0, b * cells, (b + 1) * cells);
      continue;
    }
    const mean = sum / cells;
    for (let i = b * cells; i < (b + 1) * cells; i++) residual[i] = (residual[i] as number) - mean;
  }
  const { real, imaginary } = fft2(residual, new Float64Array(residual.length), { batch, shape: [grid.nx, grid.ny] });
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < cells; k++) {
      const w = weights[k] as number;
      real[b * cells + k] = (real[b * cells + k] as number) * w;
      imaginary[b * cells + k] = (imaginary[b * cells + k] as number) * w;
    }
  }
  return { real, imaginary, bad };
}

/** Throws unless `value` is a finite number ≥ 0 (internal). */
function requireNonNegative(where: string, parameter: string, value: unknown, note: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(where, parameter, `a finite number ≥ 0 ${note}`, value);
  }
  return value;
}
