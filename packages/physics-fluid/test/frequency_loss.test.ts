import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgShapeError, PgValidationError, type Objective, type Physics } from "@pg/core";
import { checkAdjoint, checkFiniteDifferences, docExampleAnnotations, docExamplesOf, relativeDifference, runDocExample, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as fluidGrid from "../src/fluid_grid";
import { FLUID_GRID, type FluidGrid } from "../src/fluid_grid";
import * as frequency from "../src/frequency_loss";
import { frequencyLoss, frequencyWeights } from "../src/frequency_loss";

function randomField(seed: number, length: number, amplitude = 1): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => amplitude * (2 * random() - 1));
}

/** A 64 × 64 field A·cos(2π(jx·i + jy·j)/64) (axis 0 = x = i). */
function mode(jx: number, jy: number, amplitude = 1): Float64Array {
  return Float64Array.from({ length: 4096 }, (_, cell) => amplitude * Math.cos((2 * Math.PI * (jx * Math.floor(cell / 64) + jy * (cell % 64))) / 64));
}

/** The loss as a Physics x ↦ L(x − y*) with yShape [1], so core's adjoint checks apply to its gradient. */
function lossAsPhysics(loss: ReturnType<typeof frequencyLoss>, grid: FluidGrid, target: Float64Array): Physics {
  return {
    name: loss.name,
    xShape: [grid.nx, grid.ny],
    yShape: [1],
    forward: (x, batch) => loss.value(x, target, batch),
    adjoint(x, dy, batch) {
      const g = loss.gradient(x, target, batch);
      const cells = grid.nx * grid.ny;
      for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * (dy[Math.floor(i / cells)] as number);
      return g;
    },
  };
}

describe("frequencyWeights", () => {
  const w = frequencyWeights(FLUID_GRID, 80);
  const at = (jx: number, jy: number) => w[(((jx % 64) + 64) % 64) * 64 + (((jy % 64) + 64) % 64)] as number;

  // exp(−½·80²·((jx/64)² + (jy/64)²)), evaluated separately, and the number of significant digits quoted
  it.each([
    [1, 0, 0.45783, 5],
    [1, 1, 0.20961, 5],
    [2, 0, 0.043937, 5],
    [2, 1, 0.020116, 5],
    [3, 0, 8.838e-4, 4],
    [4, 0, 3.727e-6, 4],
  ])("w(%i, %i) matches the closed form to the digits quoted (%f)", (jx, jy, printed, digits) => {
    // every sign and axis order of the frequency gives the same weight
    for (const [a, b] of [
      [jx, jy],
      [-jx, jy],
      [jx, -jy],
      [jy, jx],
      [-jy, -jx],
    ] as const) {
      expect(Number(at(a, b).toPrecision(digits))).toBe(printed);
    }
  });

  it("matches the closed form to six digits and is 1 at DC", () => {
    expect(at(1, 0).toFixed(6)).toBe("0.457833");
    expect(at(1, 1).toFixed(6)).toBe("0.209611");
    expect(at(2, 0).toFixed(7)).toBe("0.0439369");
    expect(at(0, 0)).toBe(1);
    expect(frequencyWeights()).toEqual(w);
  });

  it("uses fftfreq in cycles per cell on any grid, independent of dx", () => {
    const small = frequencyWeights({ nx: 4, ny: 3, dx: 7 }, 2);
    // fftfreq(4) = 0, ¼, −½, −¼; fftfreq(3) = 0, ⅓, −⅓
    const expected = [0, 0.25, -0.5, -0.25].flatMap((kx) => [0, 1 / 3, -1 / 3].map((ky) => Math.exp(-0.5 * 4 * (kx * kx + ky * ky))));
    expect(relativeDifference(small, expected)).toBeLessThan(1e-15);
    expect(frequencyWeights({ nx: 4, ny: 3, dx: 1 }, 0).every((v) => v === 1)).toBe(true);
  });
});

describe("frequencyLoss", () => {
  const loss = frequencyLoss();

  it("declares its defaults and is usable as a core Objective", () => {
    const objective: Objective = loss;
    expect(objective.name).toBe("frequencyLoss(falloff=80, threshold=0.00001, 64×64)");
    expect([loss.falloff, loss.threshold]).toEqual([80, 1e-5]);
    expect(loss.grid).toEqual(FLUID_GRID);
    expect(loss.weights).toEqual(frequencyWeights());
  });

  it("gives the floor 4096·√1e-5 = 12.952689296… for a zero residual (float64), with a zero gradient", () => {
    const y = randomField(1, 4096);
    const value = loss.value(y, Float64Array.from(y), 1)[0] as number;
    expect(value.toFixed(9)).toBe("12.952689296");
    expect(Math.abs(value - 4096 * Math.sqrt(1e-5))).toBeLessThan(1e-12);
    expect(loss.gradient(y, Float64Array.from(y), 1).every((g) => g === 0)).toBe(true);
  });

  it("is an L1 norm of weighted amplitudes: one cosine mode gives 2·(N/2)·A·w(k) above the floor", () => {
    for (const [jx, jy, w] of [
      [1, 0, Math.exp(-0.5 * 6400 * (1 / 4096))],
      [0, 2, Math.exp(-0.5 * 6400 * (4 / 4096))],
      [1, 1, Math.exp(-0.5 * 6400 * (2 / 4096))],
    ] as const) {
      const value = loss.value(mode(jx, jy, 3), new Float64Array(4096), 1)[0] as number;
      expect(Math.abs(value - (2 * 2048 * 3 * w + 4094 * Math.sqrt(1e-5))) / value).toBeLessThan(1e-12);
    }
  });

  it("has the analytic gradient of one cosine mode: 2·w(k)·cos, zero through the bins at the floor", () => {
    const y = mode(1, 0, 0.5);
    const expected = mode(1, 0, 2 * Math.exp(-0.78125));
    expect(relativeDifference(loss.gradient(y, new Float64Array(4096), 1), expected)).toBeLessThan(1e-13);
  });

  it("ignores the mean: adding a constant to the residual changes neither value nor gradient", () => {
    const y = randomField(2, 2 * 4096, 3);
    const target = randomField(3, 2 * 4096);
    const shifted = y.map((v, i) => v + (i < 4096 ? 17.25 : -0.8));
    expect(relativeDifference(loss.value(shifted, target, 2), loss.value(y, target, 2))).toBeLessThan(1e-12);
    expect(relativeDifference(loss.gradient(shifted, target, 2), loss.gradient(y, target, 2))).toBeLessThan(1e-12);
  });

  it("depends on y − y* only, and its gradient has zero mean per example", () => {
    const y = randomField(4, 2 * 4096, 2);
    const target = randomField(5, 2 * 4096);
    const g = loss.gradient(y, target, 2);
    expect(relativeDifference(g, loss.gradient(y.map((v, i) => v - (target[i] as number)), new Float64Array(8192), 2))).toBeLessThan(1e-12);
    for (let b = 0; b < 2; b++) expect(Math.abs(g.subarray(b * 4096, (b + 1) * 4096).reduce((s, v) => s + v, 0))).toBeLessThan(1e-12);
  });

  it("has a gradient that matches central finite differences on residuals well above the floor (64 × 64)", () => {
    const target = randomField(6, 4096);
    const physics = lossAsPhysics(loss, FLUID_GRID, target);
    const check = checkFiniteDifferences(physics, { batch: 1, seed: 7, step: 1e-3, samplePoint: (random) => 5 * (2 * random() - 1) });
    expect(check.relativeError).toBeLessThan(1e-6);
    // sanity: the check is not vacuous
    expect(Math.max(...check.finiteDifferenceGradient.map(Math.abs))).toBeGreaterThan(0.5);
  });

  it("has a gradient that matches finite differences on a small non-square grid, several settings, batch 2", () => {
    for (const [grid, falloff, threshold] of [
      [{ nx: 12, ny: 10, dx: 2 }, 4, 1e-3],
      [{ nx: 7, ny: 5, dx: 1 }, 1.5, 1e-2],
      [{ nx: 8, ny: 8, dx: 1 }, 0, 1e-5],
    ] as const) {
      const small = frequencyLoss({ grid, falloff, threshold });
      const target = randomField(8, 2 * grid.nx * grid.ny);
      const physics = lossAsPhysics(small, grid, target);
      const check = checkFiniteDifferences(physics, { batch: 2, seed: 9, step: 1e-4, samplePoint: (random) => 4 * (2 * random() - 1) });
      expect(check.relativeError, `${grid.nx}×${grid.ny}, falloff ${falloff}`).toBeLessThan(1e-6);
    }
  });

  it("gives the directional derivative ⟨∂L/∂y, v⟩ of a central difference", () => {
    const target = randomField(10, 3 * 4096);
    const check = checkAdjoint(lossAsPhysics(loss, FLUID_GRID, target), { batch: 3, seed: 11, step: 1e-4, samplePoint: (random) => 5 * (2 * random() - 1) });
    expect(check.relativeError, `⟨Jv, w⟩ = ${check.jvDotW}, ⟨v, Jᵀw⟩ = ${check.vDotJtw}`).toBeLessThan(1e-9);
    // and directly, along one random direction
    const y = randomField(12, 4096, 5);
    const v = randomField(13, 4096);
    const h = 1e-4;
    const zero = new Float64Array(4096);
    const difference =
      ((loss.value(y.map((yi, i) => yi + h * (v[i] as number)), zero, 1)[0] as number) - (loss.value(y.map((yi, i) => yi - h * (v[i] as number)), zero, 1)[0] as number)) /
      (2 * h);
    const directional = loss.gradient(y, zero, 1).reduce((s, g, i) => s + g * (v[i] as number), 0);
    expect(Math.abs(difference - directional) / Math.abs(directional)).toBeLessThan(1e-8);
  });

  it("treats every example of a batch separately", () => {
    const y = randomField(14, 3 * 4096, 2);
    const target = randomField(15, 3 * 4096);
    const value = loss.value(y, target, 3);
    const gradient = loss.gradient(y, target, 3);
    for (let b = 0; b < 3; b++) {
      const yb = y.slice(b * 4096, (b + 1) * 4096);
      const tb = target.slice(b * 4096, (b + 1) * 4096);
      expect(value[b]).toBe(loss.value(yb, tb, 1)[0]);
      expect(relativeDifference(gradient.subarray(b * 4096, (b + 1) * 4096), loss.gradient(yb, tb, 1))).toBeLessThan(1e-15);
    }
  });

  it("returns NaN for an example holding NaN or Infinity and leaves the others alone", () => {
    const y = randomField(16, 3 * 4096);
    y[4096 + 3] = Number.NaN;
    y[2 * 4096 + 9] = -Infinity;
    const zero = new Float64Array(3 * 4096);
    const value = loss.value(y, zero, 3);
    expect(Number.isNaN(value[1])).toBe(true);
    expect(Number.isNaN(value[2])).toBe(true);
    expect(value[0]).toBe(loss.value(y.slice(0, 4096), zero.slice(0, 4096), 1)[0]);
    const gradient = loss.gradient(y, zero, 3);
    expect(gradient.subarray(4096).every((g) => Number.isNaN(g))).toBe(true);
    expect(gradient.subarray(0, 4096).every((g) => Number.isFinite(g))).toBe(true);
  });
});

describe("frequencyLoss exceptions", () => {
  it.each([
    [3, /frequencyLoss: options must be an object \{ grid\?, falloff\?, threshold\? \}; received 3\./],
    [{ falloff: -1 }, /frequencyLoss: falloff must be a finite number ≥ 0 \(the Gaussian falloff, in cells\); received -1\./],
    [{ threshold: Number.NaN }, /frequencyLoss: threshold must be a finite number ≥ 0 \(the floor of \|R·w\|²\); received NaN\./],
    [{ grid: { nx: 1, ny: 64, dx: 2 } }, /frequencyLoss: grid\.nx must be an integer ≥ 2; received 1\./],
    [{ grid: { nx: 64, ny: 64, dx: 0 } }, /frequencyLoss: grid\.dx must be a finite number > 0; received 0\./],
  ])("refuses %j", (options, message) => {
    const call = () => frequencyLoss(options as never);
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow(message);
  });

  it("names the parameter and the batch arithmetic for arrays of the wrong length", () => {
    const loss = frequencyLoss();
    const field = new Float64Array(4096);
    expect(() => loss.value(new Float64Array(4095), field, 1)).toThrow(PgShapeError);
    expect(() => loss.value(field, field, 2)).toThrow(/frequencyLoss\.value: y must have length batch × 4096 \(64 × 64\) = 8192 \(batch = 2\); received Float64Array\(4096\)/);
    expect(() => loss.gradient(field, new Float64Array(10), 1)).toThrow(/frequencyLoss\.gradient: yTarget must have length/);
    expect(() => loss.value(field, field, 0)).toThrow(/frequencyLoss\.value: batch must be a positive integer; received 0\./);
    expect(() => loss.value([1, 2] as never, field, 1)).toThrow(/frequencyLoss\.value: y must have type Float64Array/);
  });

  it("refuses a bad frequencyWeights argument, naming it", () => {
    expect(() => frequencyWeights(FLUID_GRID, -2)).toThrow(/frequencyWeights: falloff must be a finite number ≥ 0/);
    expect(() => frequencyWeights({ nx: 64 } as never, 80)).toThrow(/frequencyWeights: grid\.ny must be a positive integer/);
  });
});
