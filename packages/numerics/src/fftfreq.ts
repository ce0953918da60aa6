import { requirePositive, requirePositiveInteger } from "@pg/core";

/**
 * The DFT sample frequencies of an axis of `n` cells, exactly as numpy.fft.fftfreq: f = (0, 1, …, ⌈n/2⌉ − 1,
 * −⌊n/2⌋, …, −1) · (1/(n·spacing)), in cycles per unit length (cycles per cell for spacing 1, the
 * unit of the heat kernel and the fluid loss). Entry k is the frequency of DFT bin k of {@link fft2}; `fftfreq(n)[k] · n` is the signed integer
 * index j used by the noise generator and the heat kernel.
 * @param n - number of cells along the axis; a positive integer.
 * @param spacing - cell size dx, a finite number > 0. @defaultValue 1
 * @returns a new Float64Array of length n.
 * @throws {@link PgValidationError} if `n` is not a positive integer or `spacing` is not a finite number > 0.
 * @example
 * import { fftfreq } from "@pg/numerics";
 * console.log(Array.from(fftfreq(5)).join(" ")); // 0 0.2 0.4 -0.4 -0.2
 * console.log(Array.from(fftfreq(4, 0.5)).join(" ")); // 0 0.5 -1 -0.5
 */
export function fftfreq(n: number, spacing = 1): Float64Array {
  requirePositiveInteger("fftfreq", "n", n);
  requirePositive("fftfreq", "spacing", spacing);
  const unit = 1 / (n * spacing);
  const positive = Math.ceil(n / 2); // numpy: (n − 1) // 2 + 1
  const frequencies = new Float64Array(n);
  for (let k = 0; k < n; k++) frequencies[k] = (k < positive ? k : k - n) * unit;
  return frequencies;
}
