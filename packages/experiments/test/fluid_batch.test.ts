import { PgValidationError } from "@pg/core";
import { hardBoxMask, noiseField } from "@pg/numerics";
import { centerOfMass, FLUID_GRID, swirlField } from "@pg/physics-fluid";
import { describe, expect, it } from "vitest";
import { random } from "@pg/data";
import { fluidBatch, type FluidBatch } from "../src/index";

const CELLS = 4096;

function exampleOf(array: Float64Array, b: number, width: number): Float64Array {
  return array.subarray(b * width, (b + 1) * width);
}

function markedCount(batch: FluidBatch, b: number): number {
  return exampleOf(batch.marker, b, CELLS).reduce((sum, m) => sum + m, 0);
}

function boxMask(pos: ArrayLike<number>, b: number): Float64Array {
  const px = pos[2 * b] as number;
  const py = pos[2 * b + 1] as number;
  return hardBoxMask({ shape: [64, 64], spacing: 2, lower: [px - 28, py - 28], upper: [px + 28, py + 28] });
}

describe("fluidBatch", () => {
  const seed = 11;
  const batch = 64;
  const result = fluidBatch(random(seed), { batch });

  it("returns the documented shapes on FLUID_GRID by default", () => {
    expect(result.marker).toBeInstanceOf(Float64Array);
    expect(result.marker.length).toBe(batch * CELLS);
    expect(result.velocity.length).toBe(batch * CELLS * 2);
    expect(result.boxCentre.length).toBe(batch * 2);
    expect(result.strength.length).toBe(batch);
    expect(result.uniform.length).toBe(batch * 2);
    expect(typeof result.fillFraction).toBe("number");
    expect(result.batch).toBe(batch);
    expect(result.grid).toEqual(FLUID_GRID);
  });

  it("draws pos in [32, 96)², one ff in [0.05, 0.15) and ω in [−2, 2)", () => {
    expect(result.boxCentre.every((p) => p >= 32 && p < 96)).toBe(true);
    expect(result.fillFraction).toBeGreaterThanOrEqual(0.05);
    expect(result.fillFraction).toBeLessThan(0.15);
    expect(result.strength.every((w) => w >= -2 && w < 2)).toBe(true);
    expect(new Set(result.strength).size).toBe(batch);
  });

  it("marks 0/1 cells only inside each example's 28 × 28-cell box, at most round(4096·ff)", () => {
    expect(result.marker.every((m) => m === 0 || m === 1)).toBe(true);
    const limit = Math.round(CELLS * result.fillFraction);
    for (let b = 0; b < batch; b++) {
      const mask = boxMask(result.boxCentre, b);
      expect(mask.reduce((s, v) => s + v, 0)).toBe(784);
      const m = exampleOf(result.marker, b, CELLS);
      let outside = 0;
      for (let c = 0; c < CELLS; c++) if (mask[c] === 0) outside += m[c] as number;
      expect(outside).toBe(0);
      const count = markedCount(result, b);
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(limit);
      expect(count).toBeLessThanOrEqual(784);
    }
  });

  it("marks exactly the min(round(4096·ff), positive in-box) largest noise cells, redrawn in the documented order", () => {
    const reference = random(seed);
    const pos = reference.fillUniform(new Float64Array(2 * batch), 32, 96);
    const noise = noiseField(reference, { batch, shape: [64, 64], size: [128, 128], scale: 10 });
    const ff = reference.uniform(0.05, 0.15);
    const omega = reference.fillUniform(new Float64Array(batch), -2, 2);
    const fluctuations = noiseField(reference, { batch, shape: [64, 64], size: [128, 128], scale: 10, channels: 2 });
    expect(Array.from(result.boxCentre)).toEqual(Array.from(pos));
    expect(result.fillFraction).toBe(ff);
    expect(Array.from(result.strength)).toEqual(Array.from(omega));
    const k = Math.round(CELLS * ff);
    for (let b = 0; b < batch; b++) {
      const mask = boxMask(pos, b);
      const values = exampleOf(noise, b, CELLS);
      const positive: number[] = [];
      for (let c = 0; c < CELLS; c++) if (mask[c] === 1 && (values[c] as number) > 0) positive.push(c);
      positive.sort((i, j) => (values[j] as number) - (values[i] as number));
      const expected = new Float64Array(CELLS);
      for (const c of positive.slice(0, Math.min(k, positive.length))) expected[c] = 1;
      expect(Array.from(exampleOf(result.marker, b, CELLS))).toEqual(Array.from(expected));
      expect(markedCount(result, b)).toBe(Math.min(k, positive.length));
    }
    // v₀* − u_unif − Swirl(ω) is exactly 0.1 × the redrawn 2-channel noise.
    const swirl = swirlField(omega, FLUID_GRID, batch);
    for (let b = 0; b < batch; b += 7) {
      for (let c = 0; c < CELLS; c++) {
        for (let d = 0; d < 2; d++) {
          const at = (b * CELLS + c) * 2 + d;
          const rest = (result.velocity[at] as number) - (result.uniform[2 * b + d] as number) - (swirl[at] as number);
          expect(Math.abs(rest - 0.1 * (fluctuations[at] as number))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it("marks typically 200–400 cells (ff varies between batches)", () => {
    const counts: number[] = [];
    for (let s = 0; s < 8; s++) {
      const other = fluidBatch(random(100 + s), { batch: 8 });
      for (let b = 0; b < 8; b++) counts.push(markedCount(other, b));
    }
    counts.sort((a, b) => a - b);
    const median = counts[counts.length >> 1] as number;
    expect(median).toBeGreaterThanOrEqual(200);
    expect(median).toBeLessThanOrEqual(450);
    expect(counts[0]).toBeGreaterThanOrEqual(100);
    expect(counts[counts.length - 1]).toBeLessThanOrEqual(614);
  });

  it("moves the marker's centre of mass to (64, 64) in TIME = 2: com(m₀) + 2·u_unif = c₀", () => {
    const com = centerOfMass(result.marker, FLUID_GRID, batch);
    for (let k = 0; k < 2 * batch; k++) {
      expect(Math.abs((com[k] as number) + 2 * (result.uniform[k] as number) - 64)).toBeLessThan(1e-9);
    }
  });

  it("adds fluctuations of joint std 0.1 and mean 0 per example on top of u_unif + Swirl(ω)", () => {
    const swirl = swirlField(result.strength, FLUID_GRID, batch);
    for (let b = 0; b < batch; b++) {
      let sum = 0;
      let sumSquares = 0;
      for (let c = 0; c < CELLS; c++) {
        for (let d = 0; d < 2; d++) {
          const at = (b * CELLS + c) * 2 + d;
          const rest = (result.velocity[at] as number) - (result.uniform[2 * b + d] as number) - (swirl[at] as number);
          sum += rest;
          sumSquares += rest * rest;
        }
      }
      const n = 2 * CELLS;
      const mean = sum / n;
      expect(Math.abs(mean)).toBeLessThan(1e-9);
      expect(Math.abs(Math.sqrt(sumSquares / n - mean * mean) - 0.1)).toBeLessThan(1e-9);
    }
  });

  it("is reproducible from the seed and differs between seeds", () => {
    const again = fluidBatch(random(seed), { batch });
    const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, k) => Object.is(v, b[k]));
    expect(same(again.marker, result.marker)).toBe(true);
    expect(same(again.velocity, result.velocity)).toBe(true);
    expect(again.boxCentre).toEqual(result.boxCentre);
    expect(again.fillFraction).toBe(result.fillFraction);
    expect(again.strength).toEqual(result.strength);
    expect(again.uniform).toEqual(result.uniform);
    const other = fluidBatch(random(seed + 1), { batch });
    expect(other.fillFraction).not.toBe(result.fillFraction);
    expect(same(other.marker, result.marker)).toBe(false);
    expect(same(other.velocity, result.velocity)).toBe(false);
  });

  it("advances the stream by 3·batch + 1 uniforms and 6·batch·nx·ny normals", () => {
    const stream = random(5);
    fluidBatch(stream, { batch: 3 });
    const reference = random(5);
    reference.fillUniform(new Float64Array(6));
    reference.fillNormal(new Float64Array(2 * 3 * CELLS));
    reference.fillUniform(new Float64Array(1 + 3));
    reference.fillNormal(new Float64Array(4 * 3 * CELLS));
    expect(stream.state()).toEqual(reference.state());
  });

  it("scales the box, centres and c₀ with a custom grid", () => {
    const grid = { nx: 32, ny: 48, dx: 1 };
    const custom = fluidBatch(random(2), { batch: 4, grid });
    expect(custom.marker.length).toBe(4 * 32 * 48);
    expect(custom.velocity.length).toBe(4 * 32 * 48 * 2);
    const com = centerOfMass(custom.marker, grid, 4);
    for (let b = 0; b < 4; b++) {
      expect(custom.boxCentre[2 * b]).toBeGreaterThanOrEqual(8);
      expect(custom.boxCentre[2 * b]).toBeLessThan(24);
      expect(custom.boxCentre[2 * b + 1]).toBeGreaterThanOrEqual(12);
      expect(custom.boxCentre[2 * b + 1]).toBeLessThan(36);
      expect(Math.abs((com[2 * b] as number) + 2 * (custom.uniform[2 * b] as number) - 16)).toBeLessThan(1e-9);
      expect(Math.abs((com[2 * b + 1] as number) + 2 * (custom.uniform[2 * b + 1] as number) - 24)).toBeLessThan(1e-9);
    }
  });

  it("names the bad parameter", () => {
    const bad: [unknown, unknown, string][] = [
      [null, { batch: 1 }, "stream"],
      [{}, { batch: 1 }, "stream"],
      [random(0), null, "options"],
      [random(0), { batch: 0 }, "batch"],
      [random(0), { batch: 1.5 }, "batch"],
      [random(0), {}, "batch"],
      [random(0), { batch: 1, grid: 64 }, "grid"],
      [random(0), { batch: 1, grid: { nx: 1, ny: 64, dx: 2 } }, "grid.nx"],
      [random(0), { batch: 1, grid: { nx: 64, ny: 6.5, dx: 2 } }, "grid.ny"],
      [random(0), { batch: 1, grid: { nx: 64, ny: 64, dx: 0 } }, "grid.dx"],
      [random(0), { batch: 1, grid: { nx: 64, ny: 64, dx: Number.NaN } }, "grid.dx"],
    ];
    for (const [stream, options, parameter] of bad) {
      let caught: unknown;
      try {
        fluidBatch(stream as never, options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, parameter).toBeInstanceOf(PgValidationError);
      expect((caught as PgValidationError).parameter).toBe(parameter);
      expect((caught as Error).message).toMatch(/^fluidBatch: /);
    }
  });

  it("throws, naming the example, when a marker comes out empty", () => {
    // On a 2 × 2 grid round(4·ff) = 0 cells are marked, so example 0 has no centre of mass.
    expect(() => fluidBatch(random(0), { batch: 2, grid: { nx: 2, ny: 2, dx: 1 } })).toThrow(/marker of example 0/);
  });
});
