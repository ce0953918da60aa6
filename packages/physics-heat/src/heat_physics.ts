import { requireBatchArray, requireFinite, requirePositiveInteger, type Physics, type OptionKeysCover } from "@pg/core";
import { fft2, ifft2 } from "@pg/numerics";
import { logKernelOf } from "./diffusion_log_kernel";
import { requireOptions, resolveDiffusivityTime, resolveShape } from "./heat_grid";

/** Options of {@link heatPhysics}. */
export interface HeatPhysicsOptions {
  /** Grid size [nx, ny] in cells of unit length (dx = 1), periodic. @defaultValue [64, 64] */
  readonly shape?: readonly [number, number];
  /** The product ν·t of diffusivity and time, in cell² units; finite and ≥ 0. @defaultValue 8 */
  readonly diffusivityTime?: number;
}

/** Every key of {@link HeatPhysicsOptions}: anything else is refused as a misspelling. */
const HEAT_PHYSICS_OPTION_KEYS = ["shape", "diffusivityTime"] as const satisfies readonly (keyof HeatPhysicsOptions)[];
// A compile error here means an option of HeatPhysicsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<HeatPhysicsOptions, typeof HEAT_PHYSICS_OPTION_KEYS>;

/**
 * The heat equation of the paper (§3.3, App. B.4) as a {@link Physics}: y = P(x) diffuses every example of x for ν·t on a periodic
 * grid. x and y are batch × nx × ny × 1 (NHWC, axis 0 = x, cell (i, j) at index i·ny + j of its example).
 */
export interface HeatPhysics extends Physics {
  /** [nx, ny]. */
  readonly shape: readonly [number, number];
  /** ν·t. */
  readonly diffusivityTime: number;
  /**
   * y = Re(IDFT(DFT(x)·K)) per example, K(k) = e^{−(2π)²|k|² ν t}.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `x` is not a
   * Float64Array of length batch × nx × ny; {@link PgNonFiniteError} naming `x` if it holds NaN or ±Infinity (the
   * forward contract; {@link heatInverse} turns such examples into the `nonFinite` stop reason instead).
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /**
   * (∂P/∂x)ᵀ·dy: P is linear with a real, even kernel, so it is self-adjoint and this is P(dy); `x` is not used but
   * checked like `dy` (length and finiteness).
   * @throws as {@link HeatPhysics.forward}, for `x` and `dy`.
   */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
}

/**
 * Spectral diffusion on a periodic grid of unit cells (PhiFlow `diffuse.fourier`): P(x) = Re(IDFT(DFT(x)·K)),
 * K(k) = exp(−(2π)²·|k|²·ν t) with k = fftfreq per axis, so every Fourier mode decays by its own factor and the mean
 * (k = 0) is kept exactly. The adjoint is P itself. Computed in Float64, as the authors' code
 * runs this experiment's physics.
 * @param options - {@link HeatPhysicsOptions}; validated once, here. The kernel is computed once, here.
 * @returns a {@link HeatPhysics} with xShape = yShape = [nx, ny, 1].
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested), `shape`
 * is not a pair of positive integers or `diffusivityTime` is not a finite number ≥ 0.
 * @example
 * import { heatPhysics } from "@pg/physics-heat";
 * const physics = heatPhysics({ shape: [8, 8], diffusivityTime: 1 });
 * const x = Float64Array.from({ length: 64 }, (_, cell) => Math.cos((2 * Math.PI * Math.floor(cell / 8)) / 8));
 * const y = physics.forward(x, 1);       // the mode kx = 1/8 decays by exp(−(2π/8)²) everywhere
 * console.log((y[0] / x[0]).toFixed(6)); // 0.539641
 * console.log(physics.xShape.join(" ")); // 8 8 1
 */
export function heatPhysics(options?: HeatPhysicsOptions): HeatPhysics {
  const where = "heatPhysics";
  const resolved = requireOptions(where, options, "{ shape?, diffusivityTime? }", HEAT_PHYSICS_OPTION_KEYS);
  const shape = resolveShape(where, resolved.shape);
  const diffusivityTime = resolveDiffusivityTime(where, resolved.diffusivityTime);
  const logKernel = logKernelOf(shape, diffusivityTime);
  const kernel = logKernel.map((l) => Math.exp(-l));
  const exampleShape: readonly number[] = Object.freeze([shape[0], shape[1], 1]);
  const check = (at: string, batch: number, arrays: Readonly<Record<string, Float64Array>>): void => {
    requirePositiveInteger(at, "batch", batch);
    for (const [parameter, array] of Object.entries(arrays)) {
      requireBatchArray(at, parameter, array, batch, exampleShape);
      requireFinite(at, "input", array, undefined, `parameter ${parameter} must be finite`);
    }
  };
  return {
    name: `heat(ν·t=${diffusivityTime}, ${shape[0]}×${shape[1]})`,
    xShape: exampleShape,
    yShape: exampleShape,
    shape,
    diffusivityTime,
    forward(x, batch) {
      check("heatPhysics.forward", batch, { x });
      return multiplySpectrum(x, batch, shape, kernel);
    },
    adjoint(x, dy, batch) {
      check("heatPhysics.adjoint", batch, { x, dy });
      return multiplySpectrum(dy, batch, shape, kernel);
    },
  };
}

/** Re(IDFT(DFT(u)·K)) per example for a real, even kernel K (internal; `u` already checked finite). */
export function multiplySpectrum(u: Float64Array, batch: number, shape: readonly [number, number], kernel: Float64Array): Float64Array {
  const cells = shape[0] * shape[1];
  const spectrum = fft2(u, new Float64Array(u.length), { batch, shape });
  const { real, imaginary } = spectrum;
  for (let b = 0; b < batch; b++) {
    const base = b * cells;
    for (let k = 0; k < cells; k++) {
      const factor = kernel[k] as number;
      real[base + k] = (real[base + k] as number) * factor;
      imaginary[base + k] = (imaginary[base + k] as number) * factor;
    }
  }
  return ifft2(real, imaginary, { batch, shape }).real;
}
