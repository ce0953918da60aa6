import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgShapeError, PgValidationError } from "@pg/core";
import { docExampleAnnotations, docExamplesOf, relativeDifference, runDocExample, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as fluidGrid from "../src/fluid_grid";
import { FLUID_GRID } from "../src/fluid_grid";
import * as swirl from "../src/swirl";
import { SWIRL_NORMALISATION, SWIRL_RADIUS, swirlField, swirlProjectionConstant, swirlStrength, uniformVelocity } from "../src/swirl";

const at = (b: number, i: number, j: number, c: number) => ((b * 64 + i) * 64 + j) * 2 + c;

describe("swirlProjectionConstant", () => {
  it("is the grid mean of |d|²·e^{−|d|²/800} = 120.519… on the fluid grid (the authors' code rounds it to 120.5)", () => {
    const constant = swirlProjectionConstant(FLUID_GRID);
    expect(constant.toFixed(4)).toBe("120.5187");
    // brute force, independently: cell centres are at odd offsets −63, −61, …, 63 from c₀ = (64, 64)
    let sum = 0;
    for (let p = -63; p <= 63; p += 2) for (let q = -63; q <= 63; q += 2) sum += (p * p + q * q) * Math.exp(-(p * p + q * q) / 800);
    expect(Math.abs(constant - sum / 4096) / constant).toBeLessThan(1e-14);
    expect(SWIRL_NORMALISATION).toBe(120.5);
    expect(SWIRL_RADIUS).toBe(20);
  });

  it("follows the centre and radius options", () => {
    const grid = { nx: 8, ny: 6, dx: 1 };
    let sum = 0;
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 6; j++) {
        const d2 = (i + 0.5 - 2) ** 2 + (j + 0.5 - 1) ** 2;
        sum += d2 * Math.exp(-d2 / 18);
      }
    }
    expect(Math.abs(swirlProjectionConstant(grid, { centre: [2, 1], radius: 3 }) - sum / 48)).toBeLessThan(1e-13);
  });
});

describe("swirlField", () => {
  it("is ω·exp(−½|d|²/20²)·(−d_y, d_x) at the cell centres, d = c − (64, 64)", () => {
    const omega = Float64Array.of(1.3, -0.7);
    const v = swirlField(omega, FLUID_GRID, 2);
    for (const [i, j] of [
      [32, 32],
      [0, 0],
      [40, 20],
      [63, 31],
    ] as const) {
      const dx = 2 * i + 1 - 64;
      const dy = 2 * j + 1 - 64;
      const envelope = Math.exp(-0.5 * (dx * dx + dy * dy) / 400);
      for (let b = 0; b < 2; b++) {
        const w = omega[b] as number;
        expect(Math.abs((v[at(b, i, j, 0)] as number) - -w * envelope * dy)).toBeLessThan(1e-14);
        expect(Math.abs((v[at(b, i, j, 1)] as number) - w * envelope * dx)).toBeLessThan(1e-14);
      }
    }
  });

  it("turns counter-clockwise for ω > 0, is linear in ω and has the rotational symmetry of the vortex", () => {
    const v = swirlField(Float64Array.of(1), FLUID_GRID, 1);
    expect(v[at(0, 42, 31, 1)]).toBeGreaterThan(0); // right of the centre: moving up (+y)
    expect(v[at(0, 31, 42, 0)]).toBeLessThan(0); // above the centre: moving left (−x)
    // rotating the cell offset d = (p, q) by 90° to (−q, p) rotates the velocity the same way
    for (const [i, j] of [
      [40, 35],
      [10, 50],
    ] as const) {
      const ri = 63 - j; // offsets: p = 2i + 1 − 64, q = 2j + 1 − 64; (−q, p) ↔ cell (63 − j, i)
      expect(Math.abs((v[at(0, ri, i, 0)] as number) + (v[at(0, i, j, 1)] as number))).toBeLessThan(1e-14);
      expect(Math.abs((v[at(0, ri, i, 1)] as number) - (v[at(0, i, j, 0)] as number))).toBeLessThan(1e-14);
    }
    const three = swirlField(Float64Array.of(3), FLUID_GRID, 1);
    expect(relativeDifference(three, v.map((x) => 3 * x))).toBeLessThan(1e-15);
  });

  it("follows the centre and radius options", () => {
    const v = swirlField(Float64Array.of(2), { nx: 4, ny: 4, dx: 1 }, 1, { centre: [1, 3], radius: 1.5 });
    // cell (2, 0) is at (2.5, 0.5): d = (1.5, −2.5)
    const envelope = Math.exp(-0.5 * (1.5 ** 2 + 2.5 ** 2) / 2.25);
    expect(Math.abs((v[(2 * 4 + 0) * 2] as number) - 2 * envelope * 2.5)).toBeLessThan(1e-15);
    expect(Math.abs((v[(2 * 4 + 0) * 2 + 1] as number) - 2 * envelope * 1.5)).toBeLessThan(1e-15);
  });
});

describe("swirlStrength", () => {
  it("returns ω·120.519/120.5 for a pure swirl, so ω to within the ratio 1.00016, and ω exactly with the exact constant", () => {
    const omega = Float64Array.of(1.5, -2, 0.25, 0);
    const v = swirlField(omega, FLUID_GRID, 4);
    const ratio = swirlProjectionConstant(FLUID_GRID) / 120.5;
    expect(ratio.toFixed(6)).toBe("1.000155");
    const estimate = swirlStrength(v, FLUID_GRID, 4);
    expect(relativeDifference(estimate, omega.map((w) => w * ratio))).toBeLessThan(1e-13);
    for (let b = 0; b < 4; b++) expect(Math.abs((estimate[b] as number) - (omega[b] as number))).toBeLessThanOrEqual(2 * 1.6e-4);
    const exact = swirlStrength(v, FLUID_GRID, 4, { normalisation: swirlProjectionConstant(FLUID_GRID) });
    expect(relativeDifference(exact, omega)).toBeLessThan(1e-13);
  });

  it("gives 0 for a uniform field and ignores the uniform part of a sum", () => {
    const u = Float64Array.of(3, -1, 0.125, 7);
    const uniform = uniformVelocity(u, FLUID_GRID, 2);
    for (const w of swirlStrength(uniform, FLUID_GRID, 2)) expect(Math.abs(w)).toBeLessThan(1e-14);
    const vortex = swirlField(Float64Array.of(0.8, -1.1), FLUID_GRID, 2);
    const sum = vortex.map((v, i) => v + (uniform[i] as number));
    expect(relativeDifference(swirlStrength(sum, FLUID_GRID, 2), swirlStrength(vortex, FLUID_GRID, 2))).toBeLessThan(1e-13);
  });

  it("is the angular-momentum projection of the estimator's first step on a random field, per example", () => {
    const random = testRandom(3);
    const v = Float64Array.from({ length: 2 * 4096 * 2 }, () => 2 * random() - 1);
    const estimate = swirlStrength(v, FLUID_GRID, 2);
    for (let b = 0; b < 2; b++) {
      let sum = 0;
      for (let i = 0; i < 64; i++) {
        for (let j = 0; j < 64; j++) sum += (v[at(b, i, j, 1)] as number) * (2 * i + 1 - 64) - (v[at(b, i, j, 0)] as number) * (2 * j + 1 - 64);
      }
      expect(Math.abs((estimate[b] as number) - sum / 4096 / 120.5)).toBeLessThan(1e-13);
      expect(swirlStrength(v.slice(b * 8192, (b + 1) * 8192), FLUID_GRID, 1)[0]).toBe(estimate[b]);
    }
  });

  it("uses the centre option for both the field and the projection", () => {
    const options = { centre: [40, 90] as const };
    const v = swirlField(Float64Array.of(1.25), FLUID_GRID, 1, options);
    const constant = swirlProjectionConstant(FLUID_GRID, options);
    expect(Math.abs((swirlStrength(v, FLUID_GRID, 1, { ...options, normalisation: constant })[0] as number) - 1.25)).toBeLessThan(1e-13);
  });
});

describe("uniformVelocity", () => {
  it("repeats (u_x, u_y) of each example in every cell of that example", () => {
    const v = uniformVelocity(Float64Array.of(1.5, -2, 0, 4), FLUID_GRID, 2);
    expect(v.length).toBe(2 * 4096 * 2);
    for (let k = 0; k < 4096; k++) {
      expect([v[2 * k], v[2 * k + 1], v[2 * (4096 + k)], v[2 * (4096 + k) + 1]]).toEqual([1.5, -2, 0, 4]);
    }
  });
});

describe("swirl exceptions", () => {
  it("names the parameter, the expectation and the received value", () => {
    const fail = (call: () => unknown, type: typeof PgValidationError | typeof PgShapeError, message: RegExp) => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    };
    fail(() => swirlField(new Float64Array(2), FLUID_GRID, 3), PgShapeError, /swirlField: strength must have length batch × 1 = 3 \(batch = 3\); received Float64Array\(2\)/);
    fail(() => swirlField(new Float64Array(1), FLUID_GRID, 1, { radius: 0 }), PgValidationError, /swirlField: radius must be a finite number > 0; received 0\./);
    fail(() => swirlField(new Float64Array(1), FLUID_GRID, 1, { centre: [1] as never }), PgValidationError, /swirlField: centre must be a pair \[x, y\] of finite numbers \(physical units\); received Array\(1\) \[1\]\./);
    fail(() => swirlField(new Float64Array(1), FLUID_GRID, 1, 5 as never), PgValidationError, /swirlField: options must be an object \{ centre\?, radius\? \}; received 5\./);
    fail(() => swirlStrength(new Float64Array(4096), FLUID_GRID, 1), PgShapeError, /swirlStrength: v0 must have length batch × 8192 \(64 × 64 × 2\) = 8192 \(batch = 1\); received Float64Array\(4096\)/);
    fail(() => swirlStrength(new Float64Array(8192), FLUID_GRID, 1, { normalisation: 0 }), PgValidationError, /swirlStrength: normalisation must be a finite non-zero number; received 0\./);
    fail(() => swirlStrength(new Float64Array(8192), FLUID_GRID, 0), PgValidationError, /swirlStrength: batch must be a positive integer; received 0\./);
    fail(() => swirlProjectionConstant({ nx: 64, ny: 64, dx: Number.NaN }), PgValidationError, /swirlProjectionConstant: grid\.dx must be a finite number > 0; received NaN\./);
    fail(() => uniformVelocity(new Float64Array(3), FLUID_GRID, 2), PgShapeError, /uniformVelocity: u must have length batch × 2 = 4 \(batch = 2\); received Float64Array\(3\)/);
  });
});
