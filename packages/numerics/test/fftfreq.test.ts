import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { fftfreq } from "../src/index";

/** numpy.fft.fftfreq as documented: results = [0, …, N−1, −(n//2), …, −1] * (1/(n·d)), N = (n − 1)//2 + 1. */
function numpyFftfreq(n: number, d = 1): number[] {
  const val = 1 / (n * d);
  const positive = Math.floor((n - 1) / 2) + 1;
  const indices = [...Array.from({ length: positive }, (_, k) => k), ...Array.from({ length: Math.floor(n / 2) }, (_, k) => -Math.floor(n / 2) + k)];
  return indices.map((k) => k * val);
}

const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "fft2", "fft2.json"), "utf8")) as {
  readonly fftfreq: { readonly n: number; readonly spacing: number; readonly expected: number[] }[];
};

describe("fftfreq", () => {
  it.each([1, 4, 5, 64])("equals numpy's definition for n = %i", (n) => {
    expect(Array.from(fftfreq(n))).toEqual(numpyFftfreq(n));
    expect(Array.from(fftfreq(n, 0.1))).toEqual(numpyFftfreq(n, 0.1));
  });

  it("gives the documented values for n = 4 and n = 5", () => {
    expect(Array.from(fftfreq(4))).toEqual([0, 0.25, -0.5, -0.25]);
    expect(Array.from(fftfreq(5))).toEqual([0, 0.2, 0.4, -0.4, -0.2]);
    expect(Array.from(fftfreq(1))).toEqual([0]);
  });

  it.each(fixture.fftfreq.map((c) => [c.n, c.spacing, c] as const))("equals numpy.fft.fftfreq(%i, %f) bit for bit", (_, __, c) => {
    expect(Array.from(fftfreq(c.n, c.spacing))).toEqual(c.expected);
  });

  it("reproduces the heat kernel K(j) = exp(−(2π)²·f²·8) of the heat experiment (ν·t = 8) on a 64-cell axis", () => {
    const f = fftfreq(64);
    const kernel = (j: number) => Math.exp(-((2 * Math.PI) ** 2) * f[j]! ** 2 * 8);
    expect(kernel(1)).toBeCloseTo(0.925791, 6);
    expect(kernel(2)).toBeCloseTo(0.734603, 6);
    expect(kernel(4)).toBeCloseTo(0.291213, 6);
    expect(kernel(8) / 7.19188e-3).toBeCloseTo(1, 5);
    expect(kernel(16) / 2.6753e-9).toBeCloseTo(1, 4);
    expect(kernel(64 - 4)).toBe(kernel(4)); // negative frequencies −4/64 give the same attenuation
  });

  it("puts the largest heat log-attenuation ℓ_max = 157.9137 at the corner (32, 32)", () => {
    const f = fftfreq(64);
    let largest = 0;
    let at = [-1, -1];
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const attenuation = (2 * Math.PI) ** 2 * (f[i]! ** 2 + f[j]! ** 2) * 8;
        if (attenuation > largest) [largest, at] = [attenuation, [i, j]];
      }
    }
    expect(largest).toBeCloseTo(157.9137, 4);
    expect(at).toEqual([32, 32]);
    expect(f[32]).toBe(-0.5);
  });

  it("throws PgValidationError naming n when it is not a positive integer", () => {
    expect(() => fftfreq(0)).toThrow(PgValidationError);
    expect(() => fftfreq(0)).toThrow("fftfreq: n must be a positive integer; received 0.");
    expect(() => fftfreq(2.5)).toThrow("fftfreq: n must be a positive integer; received 2.5.");
  });

  it("throws PgValidationError naming spacing when it is not positive", () => {
    expect(() => fftfreq(4, 0)).toThrow("fftfreq: spacing must be a finite number > 0; received 0.");
    expect(() => fftfreq(4, -1)).toThrow("fftfreq: spacing must be a finite number > 0; received -1.");
  });
});
