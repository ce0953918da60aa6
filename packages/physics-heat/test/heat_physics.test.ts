import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { diffusionLogKernel, heatPhysics } from "../src/index.js";

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

/** A 64 × 64 field cos(2π(jx·i + jy·j)/64) (axis 0 = x = i). */
function mode(jx: number, jy: number, amplitude = 1): Float64Array {
  return Float64Array.from({ length: 4096 }, (_, cell) => amplitude * Math.cos((2 * Math.PI * (jx * Math.floor(cell / 64) + jy * (cell % 64))) / 64));
}

describe("diffusionLogKernel", () => {
  const logKernel = diffusionLogKernel();

  // Expected: exp(−(2π)²·(j/64)²·8) to the digits quoted; tolerance half a unit in the last digit, relative.
  it.each([
    [1, 0.925791, 1e-6],
    [2, 0.734603, 1e-6],
    [4, 0.291213, 2e-6],
    [8, 7.19188e-3, 1e-6],
    [16, 2.6753e-9, 2e-5],
    [32, 5.12e-35, 1e-3],
  ])("attenuates axis index %i by exp(−(2π)²·(j/64)²·8) = %f", (j, expected, tolerance) => {
    // Along x (bin (j, 0)) and along y (bin (0, j)) alike, and for the negative frequency −j too.
    for (const at of [j * 64, j, ((64 - j) % 64) * 64, (64 - j) % 64]) {
      expect(Math.abs(Math.exp(-(logKernel[at] as number)) / expected - 1)).toBeLessThan(tolerance);
    }
  });

  it("is 0 at DC and largest, 157.9137, at the Nyquist corner (32, 32)", () => {
    expect(logKernel[0]).toBe(0);
    expect((logKernel[32 * 64 + 32] as number).toFixed(4)).toBe("157.9137");
    expect(Math.max(...logKernel)).toBe(logKernel[32 * 64 + 32]);
  });

  it("scales linearly with ν·t and follows the grid's own fftfreq", () => {
    const twice = diffusionLogKernel({ diffusivityTime: 16 });
    expect(relativeDifference(twice, logKernel.map((l) => 2 * l))).toBeLessThan(1e-15);
    const small = diffusionLogKernel({ shape: [4, 2], diffusivityTime: 1 });
    const c = 4 * Math.PI * Math.PI;
    // fftfreq(4) = 0, ¼, −½, −¼; fftfreq(2) = 0, −½.
    expect(Array.from(small)).toEqual([0, c / 4, c / 16, c / 16 + c / 4, c / 4, c / 4 + c / 4, c / 16, c / 16 + c / 4].map((v, i) => (i === 0 ? 0 : v)));
  });
});

describe("heatPhysics", () => {
  const physics = heatPhysics();

  it("declares the 64 × 64 × 1 grid and ν·t = 8 by default", () => {
    expect(physics.xShape).toEqual([64, 64, 1]);
    expect(physics.yShape).toEqual([64, 64, 1]);
    expect(physics.shape).toEqual([64, 64]);
    expect(physics.diffusivityTime).toBe(8);
  });

  it("damps each Fourier mode by its kernel value, along x (axis 0) and along y", () => {
    for (const [jx, jy, factor] of [
      [1, 0, 0.925791],
      [0, 2, 0.734603],
      [4, 0, 0.291213],
      [8, 0, 7.19188e-3],
      [1, 1, 0.925791 ** 2],
    ] as const) {
      const x = mode(jx, jy);
      const y = physics.forward(x, 1);
      expect(relativeDifference(y, x.map((v) => v * factor))).toBeLessThan(2e-6);
    }
  });

  it("keeps the mean of every example exactly and maps real fields to real fields", () => {
    const x = randomField(3, 3 * 4096);
    const y = physics.forward(x, 3);
    for (let b = 0; b < 3; b++) {
      const mean = (a: Float64Array) => a.subarray(b * 4096, (b + 1) * 4096).reduce((s, v) => s + v, 0) / 4096;
      expect(Math.abs(mean(y) - mean(x))).toBeLessThan(1e-15);
    }
  });

  it("treats every example of a batch separately", () => {
    const x = randomField(4, 2 * 4096);
    const both = physics.forward(x, 2);
    expect(relativeDifference(both.subarray(4096), physics.forward(x.slice(4096), 1))).toBeLessThan(1e-15);
  });

  it("satisfies the semigroup property: diffusing for t₁ then t₂ equals diffusing for t₁ + t₂", () => {
    const x = randomField(5, 2 * 4096);
    for (const [t1, t2] of [
      [3, 5],
      [0.5, 7.5],
      [8, 8],
    ] as const) {
      const twoSteps = heatPhysics({ diffusivityTime: t2 }).forward(heatPhysics({ diffusivityTime: t1 }).forward(x, 2), 2);
      const oneStep = heatPhysics({ diffusivityTime: t1 + t2 }).forward(x, 2);
      expect(relativeDifference(twoSteps, oneStep)).toBeLessThan(1e-13);
    }
  });

  it("is the identity for ν·t = 0", () => {
    const x = randomField(6, 4096);
    expect(relativeDifference(heatPhysics({ diffusivityTime: 0 }).forward(x, 1), x)).toBeLessThan(1e-15);
  });

  it("passes the adjoint identity ⟨Pv, w⟩ = ⟨v, Pᵀw⟩ on several grids", () => {
    for (const [shape, batch] of [
      [[64, 64], 3],
      [[16, 8], 2],
      [[5, 7], 2],
    ] as const) {
      const check = checkAdjoint(heatPhysics({ shape: [...shape], diffusivityTime: 2 }), { batch, seed: 11, step: 1 });
      expect(check.relativeError, `shape ${shape.join("×")}: ⟨Jv, w⟩ = ${check.jvDotW}, ⟨v, Jᵀw⟩ = ${check.vDotJtw}`).toBeLessThan(1e-10);
    }
  });

  it("has an adjoint that matches central finite differences entry by entry", () => {
    for (const shape of [
      [16, 8],
      [6, 10],
    ] as const) {
      const check = checkFiniteDifferences(heatPhysics({ shape: [...shape], diffusivityTime: 1.5 }), { batch: 2, seed: 12, step: 1e-3 });
      expect(check.relativeError, `shape ${shape.join("×")}`).toBeLessThan(1e-6);
    }
  });

  it("is self-adjoint: adjoint(x, dy) = forward(dy), whatever x", () => {
    const dy = randomField(7, 4096);
    expect(physics.adjoint(randomField(8, 4096), dy, 1)).toEqual(physics.forward(dy, 1));
  });

  it("refuses NaN or Infinity in x or dy with PgNonFiniteError naming the array and the first bad index", () => {
    const x = randomField(9, 3 * 4096);
    x[4096 + 17] = Number.NaN;
    x[2 * 4096 + 5] = Infinity;
    expect(() => physics.forward(x, 3)).toThrow(PgNonFiniteError);
    expect(() => physics.forward(x, 3)).toThrow("heatPhysics.forward: input is NaN (first non-finite entry at index 4113); parameter x must be finite.");
    expect(() => physics.adjoint(randomField(9, 4096), x.subarray(2 * 4096), 1)).toThrow(
      "heatPhysics.adjoint: input is Infinity (first non-finite entry at index 5); parameter dy must be finite.",
    );
  });
});

describe("heatPhysics exceptions", () => {
  it.each([
    [{ shape: [0, 64] }, /heatPhysics: shape must be a pair \[nx, ny\] of positive integers; received Array\(2\) \[0, 64\]\./],
    [{ shape: [64] }, /heatPhysics: shape must be a pair \[nx, ny\] of positive integers; received Array\(1\) \[64\]\./],
    [{ shape: [64, 6.5] }, /heatPhysics: shape must be .*received Array\(2\) \[64, 6\.5\]\./],
    [{ diffusivityTime: -1 }, /heatPhysics: diffusivityTime must be a finite number ≥ 0 \(ν·t in cell² units\); received -1\./],
    [{ diffusivityTime: Number.NaN }, /heatPhysics: diffusivityTime must be .*; received NaN\./],
    [{ diffusivityTime: Infinity }, /heatPhysics: diffusivityTime must be .*; received Infinity\./],
  ])("refuses %j", (options, message) => {
    const call = () => heatPhysics(options as never);
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow(message);
  });

  it("refuses options that are not an object", () => {
    expect(() => heatPhysics(3 as never)).toThrow(/heatPhysics: options must be an object \{ shape\?, diffusivityTime\? \}; received 3\./);
  });

  it("names the parameter and the batch arithmetic for arrays of the wrong length", () => {
    const physics = heatPhysics();
    expect(() => physics.forward(new Float64Array(4095), 1)).toThrow(PgShapeError);
    expect(() => physics.forward(new Float64Array(4096), 2)).toThrow(
      /heatPhysics\.forward: x must have length batch × 4096 \(64 × 64 × 1\) = 8192 \(batch = 2\); received Float64Array\(4096\)/,
    );
    expect(() => physics.adjoint(new Float64Array(4096), new Float64Array(10), 1)).toThrow(/heatPhysics\.adjoint: dy must have length/);
    expect(() => physics.forward(new Float64Array(4096), 0)).toThrow(/heatPhysics\.forward: batch must be a positive integer; received 0\./);
    expect(() => physics.forward([1, 2] as never, 1)).toThrow(/heatPhysics\.forward: x must have type Float64Array/);
  });

  it("refuses a bad diffusionLogKernel option, naming it", () => {
    expect(() => diffusionLogKernel({ diffusivityTime: -0.5 })).toThrow(/diffusionLogKernel: diffusivityTime must be a finite number ≥ 0/);
    expect(() => diffusionLogKernel({ shape: [64, 0] })).toThrow(/diffusionLogKernel: shape must be a pair/);
  });
});
