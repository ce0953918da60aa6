import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { fft2, ifft2, type ComplexField } from "../src/index";

/** The O(N²) 2-D DFT F_{kx,ky} = Σ_{i,j} u_{ij} e^{−2πi(kx·i/nx + ky·j/ny)}, with exact angles from (k·n) mod N. */
function directDft2(real: Float64Array, imaginary: Float64Array, batch: number, nx: number, ny: number): ComplexField {
  const tableX = Array.from({ length: nx }, (_, t) => [Math.cos((2 * Math.PI * t) / nx), -Math.sin((2 * Math.PI * t) / nx)] as const);
  const tableY = Array.from({ length: ny }, (_, t) => [Math.cos((2 * Math.PI * t) / ny), -Math.sin((2 * Math.PI * t) / ny)] as const);
  const outReal = new Float64Array(real.length);
  const outImaginary = new Float64Array(real.length);
  for (let b = 0; b < batch; b++) {
    const base = b * nx * ny;
    for (let kx = 0; kx < nx; kx++) {
      for (let ky = 0; ky < ny; ky++) {
        let re = 0;
        let im = 0;
        for (let i = 0; i < nx; i++) {
          const [cx, sx] = tableX[(kx * i) % nx]!;
          for (let j = 0; j < ny; j++) {
            const [cy, sy] = tableY[(ky * j) % ny]!;
            const c = cx * cy - sx * sy;
            const s = cx * sy + sx * cy;
            const ur = real[base + i * ny + j]!;
            const ui = imaginary[base + i * ny + j]!;
            re += ur * c - ui * s;
            im += ur * s + ui * c;
          }
        }
        outReal[base + kx * ny + ky] = re;
        outImaginary[base + kx * ny + ky] = im;
      }
    }
  }
  return { real: outReal, imaginary: outImaginary };
}

/** max |a − b| over both parts, divided by the largest magnitude of b. */
function relativeError(a: ComplexField, b: ComplexField): number {
  let error = 0;
  let magnitude = 0;
  for (let k = 0; k < a.real.length; k++) {
    error = Math.max(error, Math.hypot(a.real[k]! - b.real[k]!, a.imaginary[k]! - b.imaginary[k]!));
    magnitude = Math.max(magnitude, Math.hypot(b.real[k]!, b.imaginary[k]!));
  }
  return error / magnitude;
}

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

interface FixtureCase {
  readonly name: string;
  readonly batch: number;
  readonly shape: [number, number];
  readonly inputReal: number[];
  readonly inputImaginary: number[];
  readonly expectedReal: number[];
  readonly expectedImaginary: number[];
}
const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "fft2", "fft2.json"), "utf8")) as {
  readonly tolerance: number;
  readonly cases: FixtureCase[];
};

describe("fft2", () => {
  it.each([
    [1, 8, 8],
    [3, 16, 4],
    [1, 80, 60],
    [2, 5, 3],
    [1, 2, 2],
    [2, 1, 7],
    [1, 6, 1],
    [1, 130, 3],
    [1, 17, 15],
  ])("matches the direct O(N²) DFT on a random batch of %i × %i × %i", (batch, nx, ny) => {
    const length = batch * nx * ny;
    const real = randomField(nx * 1000 + ny, length);
    const imaginary = randomField(nx * 1000 + ny + 1, length);
    const error = relativeError(fft2(real, imaginary, { batch, shape: [nx, ny] }), directDft2(real, imaginary, batch, nx, ny));
    expect(error, `batch ${batch}, shape ${nx} × ${ny}`).toBeLessThanOrEqual(1e-10);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))("matches numpy.fft.fft2 on fixture %s", (_, c) => {
    const result = fft2(Float64Array.from(c.inputReal), Float64Array.from(c.inputImaginary), { batch: c.batch, shape: c.shape });
    const expected = { real: Float64Array.from(c.expectedReal), imaginary: Float64Array.from(c.expectedImaginary) };
    expect(relativeError(result, expected)).toBeLessThanOrEqual(fixture.tolerance);
  });

  it("leaves its inputs unchanged", () => {
    const real = randomField(1, 64);
    const imaginary = randomField(2, 64);
    const [realCopy, imaginaryCopy] = [real.slice(), imaginary.slice()];
    fft2(real, imaginary, { batch: 1, shape: [8, 8] });
    ifft2(real, imaginary, { batch: 1, shape: [8, 8] });
    expect(real).toEqual(realCopy);
    expect(imaginary).toEqual(imaginaryCopy);
  });

  it.each([
    [4, 64, 64],
    [2, 80, 60],
    [3, 5, 3],
    [1, 100, 1],
  ])("ifft2 inverts fft2 on %i × %i × %i", (batch, nx, ny) => {
    const real = randomField(11, batch * nx * ny);
    const imaginary = randomField(12, batch * nx * ny);
    const spectrum = fft2(real, imaginary, { batch, shape: [nx, ny] });
    const back = ifft2(spectrum.real, spectrum.imaginary, { batch, shape: [nx, ny] });
    expect(relativeError(back, { real, imaginary })).toBeLessThanOrEqual(1e-13);
  });

  it("is linear: fft2(αu + βv) = α·fft2(u) + β·fft2(v)", () => {
    const options = { batch: 2, shape: [16, 12] as const };
    const n = 2 * 16 * 12;
    const [ur, ui, vr, vi] = [randomField(21, n), randomField(22, n), randomField(23, n), randomField(24, n)];
    const [alpha, beta] = [1.7, -0.3];
    const combined = fft2(
      ur.map((u, k) => alpha * u + beta * vr[k]!),
      ui.map((u, k) => alpha * u + beta * vi[k]!),
      options,
    );
    const fu = fft2(ur, ui, options);
    const fv = fft2(vr, vi, options);
    const expected = {
      real: fu.real.map((f, k) => alpha * f + beta * fv.real[k]!),
      imaginary: fu.imaginary.map((f, k) => alpha * f + beta * fv.imaginary[k]!),
    };
    expect(relativeError(combined, expected)).toBeLessThanOrEqual(1e-13);
  });

  it("puts a pure cosine mode cos(2π(3i/nx + 5j/ny)) into bins (3, 5) and (−3, −5) with weight nx·ny/2", () => {
    const [nx, ny] = [16, 12];
    const real = new Float64Array(nx * ny);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) real[i * ny + j] = Math.cos(2 * Math.PI * ((3 * i) / nx + (5 * j) / ny));
    const spectrum = fft2(real, new Float64Array(nx * ny), { batch: 1, shape: [nx, ny] });
    const peaks = [3 * ny + 5, (nx - 3) * ny + (ny - 5)];
    for (let k = 0; k < nx * ny; k++) {
      const expected = peaks.includes(k) ? (nx * ny) / 2 : 0;
      expect(spectrum.real[k]!, `bin ${k}`).toBeCloseTo(expected, 10);
      expect(spectrum.imaginary[k]!, `bin ${k}`).toBeCloseTo(0, 10);
    }
  });

  it("puts a constant field into the DC bin only, and ifft2 divides by nx·ny", () => {
    const spectrum = fft2(new Float64Array(80 * 60).fill(2), new Float64Array(80 * 60), { batch: 1, shape: [80, 60] });
    expect(spectrum.real[0]).toBeCloseTo(2 * 4800, 9);
    expect(Math.max(...Array.from(spectrum.real.subarray(1), Math.abs))).toBeLessThan(1e-9);
    const delta = ifft2(new Float64Array(80 * 60).fill(1), new Float64Array(80 * 60), { batch: 1, shape: [80, 60] });
    expect(delta.real[0]).toBeCloseTo(1, 12);
    expect(Math.max(...Array.from(delta.real.subarray(1), Math.abs))).toBeLessThan(1e-12);
  });

  it("transforms the examples of a batch independently", () => {
    const [nx, ny] = [8, 6];
    const real = randomField(31, 3 * nx * ny);
    const imaginary = randomField(32, 3 * nx * ny);
    const batched = fft2(real, imaginary, { batch: 3, shape: [nx, ny] });
    const middle = fft2(real.slice(nx * ny, 2 * nx * ny), imaginary.slice(nx * ny, 2 * nx * ny), { batch: 1, shape: [nx, ny] });
    expect(batched.real.slice(nx * ny, 2 * nx * ny)).toEqual(middle.real);
    expect(batched.imaginary.slice(nx * ny, 2 * nx * ny)).toEqual(middle.imaginary);
  });
});

describe("fft2 and ifft2 exceptions", () => {
  const zeros = new Float64Array(12);

  it("throws PgShapeError naming real and the batch arithmetic when the length does not match", () => {
    const call = () => fft2(new Float64Array(10), zeros, { batch: 1, shape: [4, 3] });
    expect(call).toThrow(PgShapeError);
    expect(call).toThrow("fft2: real must have length batch × 12 (4 × 3) = 12 (batch = 1); received Float64Array(10)");
  });

  it("throws PgShapeError naming imaginary when it is not a Float64Array", () => {
    const call = () => ifft2(zeros, [0, 0] as unknown as Float64Array, { batch: 1, shape: [4, 3] });
    expect(call).toThrow(PgShapeError);
    expect(call).toThrow("ifft2: imaginary must have type Float64Array of length batch × 12; received Array(2) [0, 0].");
  });

  it("throws PgValidationError naming shape and its value", () => {
    const call = () => fft2(zeros, zeros, { batch: 1, shape: [4, 0] as unknown as [number, number] });
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("fft2: shape must be a pair [nx, ny] of positive integers; received Array(2) [4, 0].");
  });

  it("throws PgValidationError naming batch and its value", () => {
    expect(() => fft2(zeros, zeros, { batch: 1.5, shape: [4, 3] })).toThrow("fft2: batch must be a positive integer; received 1.5.");
  });

  it("throws PgNonFiniteError naming the parameter and the index of a NaN", () => {
    const real = new Float64Array(12);
    real[7] = Number.NaN;
    const call = () => fft2(real, zeros, { batch: 1, shape: [4, 3] });
    expect(call).toThrow(PgNonFiniteError);
    expect(call).toThrow("fft2: input is NaN (first non-finite entry at index 7); parameter real must be finite.");
  });

  it("has the stable error codes", () => {
    try {
      fft2(new Float64Array(1), zeros, { batch: 1, shape: [4, 3] });
    } catch (error) {
      expect((error as PgShapeError).code).toBe("invalid-shape");
    }
    expect.assertions(1);
  });
});
