import type { OptionKeysCover } from "@pg/core";
import { fftfreq } from "@pg/numerics";
import { requireOptions, resolveDiffusivityTime, resolveShape } from "./heat_grid";

/** Options of {@link diffusionLogKernel}. */
export interface DiffusionLogKernelOptions {
  /** Grid size [nx, ny] in cells of unit length (dx = 1). @defaultValue [64, 64] */
  readonly shape?: readonly [number, number];
  /** The product ν·t of diffusivity and time, in cell² units; finite and ≥ 0. @defaultValue 8 */
  readonly diffusivityTime?: number;
}

/** Every key of {@link DiffusionLogKernelOptions}: anything else is refused as a misspelling. */
const DIFFUSION_LOG_KERNEL_OPTION_KEYS = ["shape", "diffusivityTime"] as const satisfies readonly (keyof DiffusionLogKernelOptions)[];
// A compile error here means an option of DiffusionLogKernelOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<DiffusionLogKernelOptions, typeof DIFFUSION_LOG_KERNEL_OPTION_KEYS>;

/**
 * The log-attenuation ℓ(k) = (2π)²·|k|²·ν t of spectral diffusion (PhiFlow's `diffuse.fourier`; step 2 of
 * {@link inverseDiffusion}), with k = (fftfreq(nx), fftfreq(ny)) in cycles per cell: diffusion multiplies DFT bin k by K(k) = e^{−ℓ(k)}, and the full inverse by e^{ℓ(k)}.
 * ℓ is 0 at DC and largest at the Nyquist corner (157.9137 for 64 × 64 and ν t = 8).
 * @param options - {@link DiffusionLogKernelOptions}.
 * @returns a new Float64Array of length nx × ny; bin (kx, ky) at index kx·ny + ky, the layout of `fft2` (@pg/numerics).
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested), `shape`
 * is not a pair of positive integers or `diffusivityTime` is not a finite number ≥ 0.
 * @example
 * import { diffusionLogKernel } from "@pg/physics-heat";
 * const logKernel = diffusionLogKernel({ shape: [64, 64], diffusivityTime: 8 });
 * console.log(Math.exp(-logKernel[1 * 64 + 0]).toFixed(6)); // 0.925791
 * console.log(logKernel[32 * 64 + 32].toFixed(4)); // 157.9137
 */
export function diffusionLogKernel(options?: DiffusionLogKernelOptions): Float64Array {
  const where = "diffusionLogKernel";
  const resolved = requireOptions(where, options, "{ shape?, diffusivityTime? }", DIFFUSION_LOG_KERNEL_OPTION_KEYS);
  const shape = resolveShape(where, resolved.shape);
  const diffusivityTime = resolveDiffusivityTime(where, resolved.diffusivityTime);
  return logKernelOf(shape, diffusivityTime);
}

/** ℓ(k) without validation (internal). */
export function logKernelOf(shape: readonly [number, number], diffusivityTime: number): Float64Array {
  const [nx, ny] = shape;
  const kx = fftfreq(nx);
  const ky = fftfreq(ny);
  const factor = 4 * Math.PI * Math.PI * diffusivityTime;
  const logKernel = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    const kx2 = (kx[i] as number) * (kx[i] as number);
    for (let j = 0; j < ny; j++) logKernel[i * ny + j] = factor * (kx2 + (ky[j] as number) * (ky[j] as number));
  }
  return logKernel;
}
