import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { diffusionLogKernel, heatPhysics, inverseDiffusion } from "../src/index.js";

function randomField(seed: number, length: number, scale = 1): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => scale * (2 * random() - 1));
}

/** Normal noise by Box–Muller from the seeded test generator. */
function noiseField(seed: number, length: number, standardDeviation: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => standardDeviation * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

function sumOf(a: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] as number;
  return s;
}

/** A 64 × 64 sum of cosine modes a·cos(2π(jx·i + jy·j)/64 + φ). */
function modes(terms: readonly (readonly [number, number, number, number])[]): Float64Array {
  return Float64Array.from({ length: 4096 }, (_, cell) => {
    const i = Math.floor(cell / 64);
    const j = cell % 64;
    return terms.reduce((s, [jx, jy, a, phase]) => s + a * Math.cos((2 * Math.PI * (jx * i + jy * j)) / 64 + phase), 0);
  });
}

/**
 * The nine steps of `inverseDiffusion` (as the authors' `heat/inv_diffuse.py` computes them) written out with a
 * direct O(n²) DFT, one example, as an independent reference: no FFT, no shared code with the package.
 */
function referenceInverse(r: Float64Array, u: Float64Array, nx: number, ny: number, diffusivityTime: number): Float64Array {
  const sigma = Math.sqrt(u.reduce((s, v) => s + v * v, 0));
  const freq = (k: number, n: number) => (k < Math.ceil(n / 2) ? k : k - n) / n;
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  for (let kx = 0; kx < nx; kx++) {
    for (let ky = 0; ky < ny; ky++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny; j++) {
          const angle = -2 * Math.PI * ((kx * i) / nx + (ky * j) / ny);
          a += (r[i * ny + j] as number) * Math.cos(angle);
          b += (r[i * ny + j] as number) * Math.sin(angle);
        }
      }
      const l = 4 * Math.PI ** 2 * (freq(kx, nx) ** 2 + freq(ky, ny) ** 2) * diffusivityTime;
      const amplitude = Math.hypot(a, b);
      let s = 0.5 * Math.exp(-0.5 * (amplitude / (nx * Math.exp(-l))) ** 2);
      if (!Number.isFinite(s)) s = 0;
      const n = 0.5 * Math.exp(-0.5 * (amplitude / sigma) ** 2);
      const p = s + n === 0 ? 0 : s / (s + n);
      const action = p <= 0.5 || p >= 0.68 ? 2 * (p - 0.5) : 0;
      const kernel = Math.exp(l * action);
      re[kx * ny + ky] = a * kernel;
      im[kx * ny + ky] = b * kernel;
    }
  }
  const out = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      let a = 0;
      for (let kx = 0; kx < nx; kx++) {
        for (let ky = 0; ky < ny; ky++) {
          const angle = 2 * Math.PI * ((kx * i) / nx + (ky * j) / ny);
          a += (re[kx * ny + ky] as number) * Math.cos(angle) - (im[kx * ny + ky] as number) * Math.sin(angle);
        }
      }
      out[i * ny + j] = a / (nx * ny);
    }
  }
  return out;
}

describe("inverseDiffusion", () => {
  const physics = heatPhysics();
  const logKernel = diffusionLogKernel();

  it("matches the nine steps of the authors' inverse computed with a direct DFT, example by example", () => {
    for (const [shape, diffusivityTime, scale] of [
      [[8, 6], 0.5, 0.05],
      [[7, 8], 1, 0.3],
      [[8, 8], 0.2, 2],
    ] as const) {
      const [nx, ny] = shape;
      const cells = nx * ny;
      const r = randomField(21, 2 * cells, scale);
      const u = randomField(22, 2 * cells, 0.02).map(Math.abs);
      const { correction } = inverseDiffusion(r, { batch: 2, shape: [nx, ny], diffusivityTime, uncertainty: u });
      for (let b = 0; b < 2; b++) {
        const expected = referenceInverse(r.slice(b * cells, (b + 1) * cells), u.slice(b * cells, (b + 1) * cells), nx, ny, diffusivityTime);
        expect(relativeDifference(correction.subarray(b * cells, (b + 1) * cells), expected), `shape ${nx}×${ny}, example ${b}`).toBeLessThan(1e-9);
      }
    }
  });

  it("keeps the DC component: Σ Δx = Σ r per example, with kernel 1 at k = 0", () => {
    const r = randomField(23, 3 * 4096, 0.1);
    for (const uncertainty of [r.map((v) => 1e-6 * Math.abs(v)), r.map(Math.abs), new Float64Array(r.length).fill(0.3)]) {
      const { correction, kernel } = inverseDiffusion(r, { batch: 3, uncertainty });
      for (let b = 0; b < 3; b++) {
        expect(kernel[b * 4096]).toBe(1);
        const dc = sumOf(r, b * 4096, (b + 1) * 4096);
        expect(Math.abs(sumOf(correction, b * 4096, (b + 1) * 4096) - dc)).toBeLessThan(1e-10 * Math.max(1, Math.abs(dc)));
      }
    }
  });

  it("reproduces a band-limited x from its diffused field as the noise goes to 0 (p ≥ 0.68 on the band)", () => {
    const band: (readonly [number, number, number, number])[] = [
      [0, 0, 0.02, 0],
      [1, 0, 0.01, 0.3],
      [0, 2, 0.008, -1.1],
      [3, 5, 0.006, 2],
      [8, 0, 0.01, 0.7],
      [5, -6, 0.004, 0],
    ];
    const x = modes(band);
    const r = physics.forward(x, 1);
    for (const relative of [1e-6, 1e-9]) {
      const { correction, kernel, signalProbability } = inverseDiffusion(r, { batch: 1, uncertainty: r.map((v) => relative * Math.abs(v)) });
      expect(relativeDifference(correction, x)).toBeLessThan(1e-9);
      for (const [jx, jy] of band) {
        const at = (((jx % 64) + 64) % 64) * 64 + (((jy % 64) + 64) % 64);
        expect(signalProbability[at]).toBeGreaterThanOrEqual(0.68);
        expect(Math.abs((kernel[at] as number) / Math.exp(logKernel[at] as number) - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it("never amplifies a pure-noise residual (|R| ≈ σ_n ≥ N_x·e^{−ℓ}): kernel ≤ 1 and p ≤ ½ everywhere", () => {
    for (const standardDeviation of [1.5, 5]) {
      const r = noiseField(24, 2 * 4096, standardDeviation);
      const { correction, kernel, signalProbability, noiseAmplitude } = inverseDiffusion(r, { batch: 2, uncertainty: r.map(Math.abs) });
      for (const sigma of noiseAmplitude) expect(sigma).toBeGreaterThan(64);
      expect(Math.max(...kernel)).toBeLessThanOrEqual(1);
      expect(Math.max(...signalProbability)).toBeLessThanOrEqual(0.5);
      const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
      expect(norm(correction)).toBeLessThanOrEqual(norm(r));
    }
  });

  it("damps (p ≤ 0.5), passes (0.5 < p < 0.68) or amplifies (p ≥ 0.68) a mode as steps 5–8 of the inverse say", () => {
    // One cosine mode at bin (2, 0): |R| = 2048·a there; a constant U = c gives σ_n = 64·c.
    const at = 2 * 64;
    const l = logKernel[at] as number;
    const expected = 64 * Math.exp(-l);
    const seen = new Set<string>();
    for (const [ratioToExpected, ratioToNoise] of [
      [1, 0.5],
      [1, 1.2],
      [1, 2],
      [0.3, 3],
      [3, 0.8],
    ] as const) {
      const amplitude = ratioToExpected * expected;
      const r = modes([[2, 0, amplitude / 2048, 0]]);
      const uncertainty = new Float64Array(4096).fill(amplitude / ratioToNoise / 64);
      const { kernel, signalProbability } = inverseDiffusion(r, { batch: 1, uncertainty });
      const s = 0.5 * Math.exp(-0.5 * ratioToExpected ** 2);
      const n = 0.5 * Math.exp(-0.5 * ratioToNoise ** 2);
      const p = s / (s + n);
      const action = p <= 0.5 || p >= 0.68 ? 2 * (p - 0.5) : 0;
      seen.add(action < 0 ? "damp" : action === 0 ? "pass" : "amplify");
      expect(Math.abs((signalProbability[at] as number) - p)).toBeLessThan(1e-9);
      expect(Math.abs((kernel[at] as number) / Math.exp(l * action) - 1)).toBeLessThan(1e-9);
    }
    expect([...seen].sort()).toEqual(["amplify", "damp", "pass"]);
  });

  it("uses the unclamped ℓ: the full inverse at the highest frequencies exceeds e^88", () => {
    // A tiny mode at (24, 24), ℓ ≈ 88.8: pure signal (σ_n → 0) is amplified by e^ℓ, not by e^88.
    const at = 24 * 64 + 24;
    const l = logKernel[at] as number;
    expect(l).toBeGreaterThan(88);
    const amplitude = 64 * Math.exp(-l) * 0.5;
    const r = modes([[24, 24, amplitude / 2048, 0]]);
    const { kernel } = inverseDiffusion(r, { batch: 1, uncertainty: new Float64Array(4096).fill(amplitude * 1e-3) });
    // |R|/E = ½ and |R|/σ_n ≈ 15.6, so p = 1 to double precision and a = 1.
    expect(Math.abs((kernel[at] as number) / Math.exp(l) - 1)).toBeLessThan(1e-6);
    expect(kernel[at]).toBeGreaterThan(Math.exp(88));
  });

  it("reports σ_n = √(Σ U²) per example", () => {
    const uncertainty = new Float64Array(2 * 4096);
    uncertainty.fill(0.5, 0, 4096);
    uncertainty[4096 + 3] = 3;
    uncertainty[4096 + 9] = 4;
    const { noiseAmplitude } = inverseDiffusion(new Float64Array(2 * 4096), { batch: 2, uncertainty });
    expect(Array.from(noiseAmplitude)).toEqual([32, 5]);
  });

  it("returns a zero correction for a zero residual, even with zero uncertainty (0/0 counts as a = 0)", () => {
    const { correction, kernel } = inverseDiffusion(new Float64Array(4096), { batch: 1, uncertainty: new Float64Array(4096) });
    expect(correction.every((v) => v === 0)).toBe(true);
    expect(kernel.every((v) => v === 1)).toBe(true);
  });
});

describe("inverseDiffusion exceptions", () => {
  const r = new Float64Array(4096);
  const uncertainty = new Float64Array(4096);

  it("names a missing or mis-sized uncertainty", () => {
    expect(() => inverseDiffusion(r, { batch: 1 } as never)).toThrow(PgValidationError);
    expect(() => inverseDiffusion(r, { batch: 1 } as never)).toThrow(/inverseDiffusion: uncertainty must be a Float64Array of per-cell uncertainties/);
    expect(() => inverseDiffusion(r, { batch: 1, uncertainty: new Float64Array(10) })).toThrow(PgShapeError);
    expect(() => inverseDiffusion(r, { batch: 1, uncertainty: new Float64Array(10) })).toThrow(/inverseDiffusion: uncertainty must have length batch × 4096/);
  });

  it("names a mis-sized residual and the batch arithmetic", () => {
    expect(() => inverseDiffusion(r, { batch: 2, uncertainty })).toThrow(/inverseDiffusion: residual must have length batch × 4096 \(64 × 64\) = 8192 \(batch = 2\); received Float64Array\(4096\)/);
  });

  it("refuses non-finite entries, naming the parameter and index", () => {
    const bad = new Float64Array(4096);
    bad[7] = Number.NaN;
    expect(() => inverseDiffusion(bad, { batch: 1, uncertainty })).toThrow(PgNonFiniteError);
    expect(() => inverseDiffusion(bad, { batch: 1, uncertainty })).toThrow(/inverseDiffusion: input is NaN \(first non-finite entry at index 7\); parameter residual must be finite/);
    expect(() => inverseDiffusion(r, { batch: 1, uncertainty: bad })).toThrow(/parameter uncertainty must be finite/);
  });

  it.each([
    [{ batch: 0 }, /inverseDiffusion: batch must be a positive integer; received 0\./],
    [{ batch: 1, diffusivityTime: -8 }, /inverseDiffusion: diffusivityTime must be a finite number ≥ 0 .*received -8\./],
    [{ batch: 1, shape: [64, 64, 1] }, /inverseDiffusion: shape must be a pair \[nx, ny\] of positive integers/],
  ])("refuses %j", (options, message) => {
    expect(() => inverseDiffusion(r, { uncertainty, ...options } as never)).toThrow(message);
  });

  it("refuses options that are not an object", () => {
    expect(() => inverseDiffusion(r, undefined as never)).toThrow(/inverseDiffusion: options must be an object/);
  });
});
