import { PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { fft2, noiseField, noiseMask, type NormalSource } from "../src/index";

/** A seeded N(0, 1) source (Box–Muller on mulberry32) that counts its draws. */
function normalSource(seed: number): NormalSource & { draws: number } {
  const random = testRandom(seed);
  return {
    draws: 0,
    normal() {
      this.draws++;
      const u = 1 - random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    },
  };
}

/** Mean and population standard deviation of each consecutive block of `perExample` values. */
function moments(field: Float64Array, perExample: number): { mean: number; std: number }[] {
  const result: { mean: number; std: number }[] = [];
  for (let start = 0; start < field.length; start += perExample) {
    const block = field.subarray(start, start + perExample);
    const mean = block.reduce((s, v) => s + v, 0) / perExample;
    const std = Math.sqrt(block.reduce((s, v) => s + (v - mean) ** 2, 0) / perExample);
    result.push({ mean, std });
  }
  return result;
}

function signedIndex(k: number, n: number): number {
  return k < Math.ceil(n / 2) ? k : k - n;
}

/**
 * The noise recipe written out directly: white complex spectrum drawn in (example, x, y, channel) order, weights
 * (1/κ²)^smoothness on the kept modes, O(N²) inverse DFT, normalisation.
 */
function referenceNoise(
  stream: NormalSource,
  batch: number,
  [nx, ny]: readonly [number, number],
  [lx, ly]: readonly [number, number],
  scale: number,
  smoothness: number,
  channels: number,
): Float64Array {
  const cells = nx * ny;
  const spectrum = Array.from({ length: batch * cells * channels }, () => [stream.normal(), stream.normal()] as const);
  const field = new Float64Array(batch * cells * channels);
  for (let e = 0; e < batch; e++) {
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let kx = 0; kx < nx; kx++) {
            for (let ky = 0; ky < ny; ky++) {
              const k2 = (signedIndex(kx, nx) * scale / lx) ** 2 + (signedIndex(ky, ny) * scale / ly) ** 2;
              if (!(k2 > 0.1)) continue;
              const [a, b] = spectrum[((e * nx + kx) * ny + ky) * channels + c]!;
              const angle = 2 * Math.PI * ((kx * i) / nx + (ky * j) / ny);
              sum += (1 / k2) ** smoothness * (a * Math.cos(angle) - b * Math.sin(angle)); // Re((a + ib)e^{iθ})
            }
          }
          field[((e * nx + i) * ny + j) * channels + c] = sum / cells;
        }
      }
    }
    const block = field.subarray(e * cells * channels, (e + 1) * cells * channels);
    const { mean, std } = moments(block, block.length)[0]!;
    for (let k = 0; k < block.length; k++) block[k] = block[k]! / std - mean / std;
  }
  return field;
}

describe("noiseMask", () => {
  it("drops exactly the 13 modes with jx² + jy² ≤ 4 for the Poisson x* (64 × 64, L = 64, scale 10)", () => {
    const mask = noiseMask({ shape: [64, 64], size: [64, 64], scale: 10 });
    expect(mask.length).toBe(4096);
    expect(mask.length - mask.reduce((s, v) => s + v, 0)).toBe(13);
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const dropped = signedIndex(i, 64) ** 2 + signedIndex(j, 64) ** 2 <= 4;
        expect(mask[i * 64 + j], `bin (${i}, ${j})`).toBe(dropped ? 0 : 1);
      }
    }
  });

  it("drops exactly the modes with jx² + jy² ≤ 16 for the fluid (64 × 64, L = 128)", () => {
    const mask = noiseMask({ shape: [64, 64], size: [128, 128] });
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        const dropped = signedIndex(i, 64) ** 2 + signedIndex(j, 64) ** 2 <= 16;
        expect(mask[i * 64 + j], `bin (${i}, ${j})`).toBe(dropped ? 0 : 1);
      }
    }
    expect(mask.length - mask.reduce((s, v) => s + v, 0)).toBe(49);
  });

  it("uses κ_d = j_d·scale/L_d per axis on a non-square grid (80 × 60, L = (80, 60))", () => {
    const mask = noiseMask({ shape: [80, 60], size: [80, 60], scale: 10 });
    for (let i = 0; i < 80; i++) {
      for (let j = 0; j < 60; j++) {
        const k2 = ((signedIndex(i, 80) * 10) / 80) ** 2 + ((signedIndex(j, 60) * 10) / 60) ** 2;
        expect(mask[i * 60 + j]).toBe(k2 > 0.1 ? 1 : 0);
      }
    }
    expect(mask[1 * 60 + 0]).toBe(0); // κ² = 0.015625
    expect(mask[0 * 60 + 2]).toBe(1); // κ² = 0.1111
  });
});

describe("noiseField", () => {
  it("matches the noise recipe written out directly (6 × 5, 2 channels, 2 examples, smoothness 1.5)", () => {
    const options = { batch: 2, shape: [6, 5] as const, size: [6, 5] as const, scale: 1.5, smoothness: 1.5, channels: 2 };
    const field = noiseField(normalSource(1), options);
    const expected = referenceNoise(normalSource(1), 2, [6, 5], [6, 5], 1.5, 1.5, 2);
    for (let k = 0; k < field.length; k++) expect(field[k]).toBeCloseTo(expected[k]!, 11);
  });

  it.each([
    [3, 64, 64, 64, 64, 1],
    [2, 32, 32, 64, 64, 2],
    [2, 80, 60, 80, 60, 1],
  ])("has mean 0 and std 1 per example (batch %i, %i × %i, L = %i × %i, %i channels)", (batch, nx, ny, lx, ly, channels) => {
    const field = noiseField(normalSource(2), { batch, shape: [nx, ny], size: [lx, ly], channels });
    expect(field.length).toBe(batch * nx * ny * channels);
    for (const { mean, std } of moments(field, nx * ny * channels)) {
      expect(Math.abs(mean)).toBeLessThan(1e-13);
      expect(std).toBeCloseTo(1, 12);
    }
  });

  it.each([
    [64, 64, 64, 64],
    [64, 64, 128, 128],
    [80, 60, 80, 60],
  ])("has no energy in the masked modes (%i × %i, L = %i × %i)", (nx, ny, lx, ly) => {
    const field = noiseField(normalSource(3), { batch: 2, shape: [nx, ny], size: [lx, ly] });
    const spectrum = fft2(field, new Float64Array(field.length), { batch: 2, shape: [nx, ny] });
    const mask = noiseMask({ shape: [nx, ny], size: [lx, ly] });
    const magnitude = spectrum.real.map((re, k) => Math.hypot(re, spectrum.imaginary[k]!));
    const largest = Math.max(...magnitude);
    for (let k = 0; k < field.length; k++) {
      if (mask[k % (nx * ny)] === 0) expect(magnitude[k]!, `bin ${k}`).toBeLessThan(1e-12 * largest);
    }
  });

  it("gives the same field for the same stream and a different one for another seed", () => {
    const options = { batch: 2, shape: [32, 16] as const, size: [32, 16] as const };
    const first = noiseField(normalSource(4), options);
    expect(noiseField(normalSource(4), options)).toEqual(first);
    expect(noiseField(normalSource(5), options)).not.toEqual(first);
  });

  it("draws 2 × batch × nx × ny × channels normals, in example order", () => {
    const stream = normalSource(6);
    const options = { shape: [16, 8] as const, size: [16, 8] as const, channels: 2 };
    const batched = noiseField(stream, { ...options, batch: 3 });
    expect(stream.draws).toBe(2 * 3 * 16 * 8 * 2);
    // Example 2 of the batch equals a single field drawn after skipping two examples' draws.
    const skipped = normalSource(6);
    for (let k = 0; k < 2 * 2 * 16 * 8 * 2; k++) skipped.normal();
    const third = noiseField(skipped, { ...options, batch: 1 });
    const perExample = 16 * 8 * 2;
    expect(Array.from(batched.subarray(2 * perExample))).toEqual(Array.from(third));
  });

  it("is smoother for a larger smoothness: the mean squared difference of neighbours decreases", () => {
    const roughness = (smoothness: number) => {
      const field = noiseField(normalSource(7), { batch: 1, shape: [64, 64], size: [64, 64], smoothness });
      let sum = 0;
      for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) sum += (field[(i + 1) * 64 + j]! - field[i * 64 + j]!) ** 2;
      return sum;
    };
    expect(roughness(0)).toBeGreaterThan(roughness(0.5));
    expect(roughness(0.5)).toBeGreaterThan(roughness(1));
  });
});

describe("noiseField and noiseMask exceptions", () => {
  const options = { batch: 1, shape: [8, 8] as const, size: [8, 8] as const };

  it("throws PgValidationError naming stream when it has no normal method", () => {
    const call = () => noiseField({} as NormalSource, options);
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("noiseField: stream must be an object with a normal(): number method; received {}.");
  });

  it("throws PgValidationError naming size when an entry is not positive", () => {
    expect(() => noiseField(normalSource(1), { ...options, size: [8, 0] })).toThrow(
      "noiseField: size must be a pair [x, y] of finite numbers > 0; received Array(2) [8, 0].",
    );
  });

  it("throws PgValidationError naming scale when it is not positive", () => {
    expect(() => noiseMask({ shape: [8, 8], size: [8, 8], scale: -1 })).toThrow(
      "noiseMask: scale must be a finite number > 0; received -1.",
    );
  });

  it("throws PgValidationError naming channels when it is not a positive integer", () => {
    expect(() => noiseField(normalSource(1), { ...options, channels: 0 })).toThrow(
      "noiseField: channels must be a positive integer; received 0.",
    );
  });

  it("throws PgValidationError naming smoothness when it is not finite", () => {
    expect(() => noiseField(normalSource(1), { ...options, smoothness: Number.POSITIVE_INFINITY })).toThrow(
      "noiseField: smoothness must be a finite number; received Infinity.",
    );
  });

  it("throws PgValidationError naming shape when it is not a pair of positive integers", () => {
    expect(() => noiseField(normalSource(1), { ...options, shape: [8, 2.5] })).toThrow(
      "noiseField: shape must be a pair [nx, ny] of positive integers; received Array(2) [8, 2.5].",
    );
  });

  it("throws PgValidationError naming scale when the mask keeps no mode", () => {
    const call = () => noiseField(normalSource(1), { batch: 1, shape: [2, 2], size: [64, 64], scale: 1 });
    expect(call).toThrow("noiseField: scale must be large enough to keep a mode with κ² > 0.1 on a 2 × 2 grid; received 1.");
  });

  it("throws PgValidationError naming stream when it returns a non-finite draw", () => {
    expect(() => noiseField({ normal: () => Number.NaN }, options)).toThrow(
      "noiseField: stream must be a NormalSource whose normal() returns finite numbers; received NaN.",
    );
  });
});
