import { requireFiniteField, requireBatch, requireOptionsObject, requireShape } from "./grid_validation";
import { lineTransform, type LineTransform } from "./line_transform";

/** Options of {@link fft2} and {@link ifft2}. */
export interface Fft2Options {
  /** Number of fields in the batch; a positive integer. */
  readonly batch: number;
  /** Grid size [nx, ny]; positive integers of any size (powers of two are fastest). */
  readonly shape: readonly [number, number];
}

/** Every key of {@link Fft2Options}: anything else is refused as a misspelling. */
const FFT2_OPTION_KEYS = ["batch", "shape"] as const satisfies readonly (keyof Fft2Options)[];
// A compile error here means an option of Fft2Options is missing from the list (and would be refused).
true satisfies [Exclude<keyof Fft2Options, (typeof FFT2_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** A batch of complex fields as two Float64Arrays of length batch × nx × ny, row-major with axis 0 = x. */
export interface ComplexField {
  readonly real: Float64Array;
  readonly imaginary: Float64Array;
}

/**
 * Unnormalised forward 2-D DFT of a batch of complex fields (numpy's and PhiFlow's convention):
 * F_{kx,ky} = Σ_{i,j} u_{i,j} e^{−2πi (kx·i/nx + ky·j/ny)}, applied axis by axis (y, then x).
 * Power-of-two axis lengths use fft.js (radix-4); other lengths a direct DFT (n ≤ 16) or Bluestein's algorithm.
 * @param real - real parts, Float64Array of length batch × nx × ny, row-major (index (b·nx + i)·ny + j); not modified.
 * @param imaginary - imaginary parts, same layout; pass `new Float64Array(real.length)` for real input.
 * @param options - {@link Fft2Options}.
 * @returns a new {@link ComplexField}; bin (kx, ky) is at index (b·nx + kx)·ny + ky, frequencies as in {@link fftfreq}.
 * @throws {@link PgValidationError} if `options` is not an object, has an unknown key (the closest known one is
 * suggested), or `batch` or `shape` is invalid.
 * @throws {@link PgShapeError} if `real` or `imaginary` is not a Float64Array of length batch × nx × ny.
 * @throws {@link PgNonFiniteError} if an entry is NaN or ±Infinity.
 * @example
 * import { fft2 } from "@pg/numerics";
 * const field = Float64Array.of(1, 2, 3, 4); // one 2 × 2 field: u[0][0] = 1, u[0][1] = 2, u[1][0] = 3, u[1][1] = 4
 * const spectrum = fft2(field, new Float64Array(4), { batch: 1, shape: [2, 2] });
 * console.log(Array.from(spectrum.real).join(" ")); // 10 -2 -4 0
 */
export function fft2(real: Float64Array, imaginary: Float64Array, options: Fft2Options): ComplexField {
  return transform2("fft2", real, imaginary, options, false);
}

/**
 * Inverse 2-D DFT with the 1/(nx·ny) normalisation, so `ifft2(fft2(u)) = u` (numpy's convention):
 * u_{i,j} = (1/(nx·ny)) Σ_{kx,ky} F_{kx,ky} e^{+2πi (kx·i/nx + ky·j/ny)}.
 * @param real - real parts of the spectrum, Float64Array of length batch × nx × ny, layout as {@link fft2} returns.
 * @param imaginary - imaginary parts, same layout.
 * @param options - {@link Fft2Options}.
 * @returns a new {@link ComplexField}; for the spectrum of a real field `imaginary` is zero up to rounding.
 * @throws {@link PgValidationError} if `options` is not an object, has an unknown key (the closest known one is
 * suggested), or `batch` or `shape` is invalid.
 * @throws {@link PgShapeError} if `real` or `imaginary` is not a Float64Array of length batch × nx × ny.
 * @throws {@link PgNonFiniteError} if an entry is NaN or ±Infinity.
 * @example
 * import { ifft2 } from "@pg/numerics";
 * const field = ifft2(Float64Array.of(10, -2, -4, 0), new Float64Array(4), { batch: 1, shape: [2, 2] });
 * console.log(Array.from(field.real).join(" ")); // 1 2 3 4
 */
export function ifft2(real: Float64Array, imaginary: Float64Array, options: Fft2Options): ComplexField {
  return transform2("ifft2", real, imaginary, options, true);
}

function transform2(
  where: string,
  real: Float64Array,
  imaginary: Float64Array,
  options: Fft2Options,
  inverse: boolean,
): ComplexField {
  requireOptionsObject(where, options, "{ batch, shape }", FFT2_OPTION_KEYS);
  const batch = requireBatch(where, options.batch);
  const [nx, ny] = requireShape(where, options.shape);
  requireFiniteField(where, "real", real, batch, [nx, ny]);
  requireFiniteField(where, "imaginary", imaginary, batch, [nx, ny]);
  const outReal = Float64Array.from(real);
  const outImaginary = Float64Array.from(imaginary);
  transformInPlace(outReal, outImaginary, batch, nx, ny, inverse);
  return { real: outReal, imaginary: outImaginary };
}

/**
 * In-place batched 2-D DFT without validation (internal; also used by noiseField). The inverse is computed as
 * conj(DFT(conj(u))) per axis, then scaled by 1/(nx·ny).
 */
export function transformInPlace(
  real: Float64Array,
  imaginary: Float64Array,
  batch: number,
  nx: number,
  ny: number,
  inverse: boolean,
): void {
  const sign = inverse ? -1 : 1;
  const alongY = ny > 1 ? lineTransform(ny) : undefined;
  const alongX = nx > 1 ? (nx === ny && alongY !== undefined ? alongY : lineTransform(nx)) : undefined;
  const longest = Math.max(nx, ny);
  const input = new Float64Array(2 * longest);
  const output = new Float64Array(2 * longest);
  for (let b = 0; b < batch; b++) {
    const base = b * nx * ny;
    if (alongY !== undefined) {
      for (let i = 0; i < nx; i++) transformLine(alongY, real, imaginary, base + i * ny, 1, sign, input, output);
    }
    if (alongX !== undefined) {
      for (let j = 0; j < ny; j++) transformLine(alongX, real, imaginary, base + j, ny, sign, input, output);
    }
  }
  if (inverse) {
    const scale = 1 / (nx * ny);
    for (let k = 0; k < real.length; k++) {
      real[k] = (real[k] as number) * scale;
      imaginary[k] = (imaginary[k] as number) * scale;
    }
  }
}

/** Gathers one strided line into `input` (conjugated when sign = −1), transforms it, scatters it back. */
function transformLine(
  plan: LineTransform,
  real: Float64Array,
  imaginary: Float64Array,
  start: number,
  stride: number,
  sign: number,
  input: Float64Array,
  output: Float64Array,
): void {
  const n = plan.length;
  for (let k = 0, at = start; k < n; k++, at += stride) {
    input[2 * k] = real[at] as number;
    input[2 * k + 1] = sign * (imaginary[at] as number);
  }
  plan.forward(input, output);
  for (let k = 0, at = start; k < n; k++, at += stride) {
    real[at] = output[2 * k] as number;
    imaginary[at] = sign * (output[2 * k + 1] as number);
  }
}
