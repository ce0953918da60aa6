import { PgValidationError } from "@pg/core";
import { softBoxMask } from "@pg/numerics";
import { describe, expect, it } from "vitest";
import { heatRectangles, random, restoreRandom, type RandomStream } from "../src/index.js";

interface Rectangle {
  readonly center: readonly [number, number];
  readonly halfSize: readonly [number, number];
  readonly strength: number;
}

/** Re-draws one example's rectangles in the documented order (51 uniforms), independently of the implementation. */
function drawExample(stream: RandomStream, nx: number, ny: number): { count: number; rectangles: Rectangle[] } {
  const count = Math.floor(4 + 7 * stream.uniform());
  const centers: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const px = (stream.uniform() - 0.5) * nx * 0.8 + nx / 2;
    const py = (stream.uniform() - 0.5) * ny * 0.8 + ny / 2;
    centers.push([px, py]);
  }
  const rectangles: Rectangle[] = [];
  for (let i = 0; i < 10; i++) {
    const hx = 10 * stream.uniform();
    const hy = 10 * stream.uniform();
    const s = stream.uniform();
    const [px, py] = centers[i]!;
    const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    rectangles.push({ center: [clip(px, hx, nx - hx), clip(py, hy, ny - hy)], halfSize: [hx, hy], strength: i < count ? s : 0 });
  }
  return { count, rectangles };
}

describe("heatRectangles", () => {
  it("sums 4–10 soft rectangles per example, drawn in the documented order", () => {
    const seed = 17;
    const batch = 6;
    const x = heatRectangles(random(seed), { batch });
    const reference = random(seed);
    for (let b = 0; b < batch; b++) {
      const { count, rectangles } = drawExample(reference, 64, 64);
      expect(count).toBeGreaterThanOrEqual(4);
      expect(count).toBeLessThanOrEqual(10);
      const expected = new Float64Array(4096);
      let visible = 0;
      for (const { center, halfSize, strength } of rectangles) {
        const mask = softBoxMask({ shape: [64, 64], center: [center[0], center[1]], halfSize: [halfSize[0], halfSize[1]] });
        const mass = mask.reduce((s, v) => s + v, 0);
        if (strength > 0 && mass > 0) visible++;
        for (let c = 0; c < 4096; c++) expected[c] = (expected[c] as number) + strength * (mask[c] as number);
      }
      // Every rectangle of the count adds heat (strength > 0, a box of half-size h ≥ 0 still covers a cell centre).
      expect(visible).toBe(count);
      const got = x.subarray(b * 4096, (b + 1) * 4096);
      for (let c = 0; c < 4096; c++) expect(Math.abs((got[c] as number) - (expected[c] as number))).toBeLessThan(1e-12);
    }
  });

  it("keeps every value in [0, 10) and puts heat into every example", () => {
    const x = heatRectangles(random(3), { batch: 64 });
    expect(x.every((v) => v >= 0 && v < 10)).toBe(true);
    for (let b = 0; b < 64; b++) {
      const example = x.subarray(b * 4096, (b + 1) * 4096);
      expect(Math.max(...example)).toBeGreaterThan(0);
      // At least four rectangles: heat covers well over one cell.
      expect(example.filter((v) => v > 0).length).toBeGreaterThan(4);
    }
  });

  it("keeps every rectangle inside the domain: centres are clipped to [h, 64 − h] per axis", () => {
    const reference = random(5);
    for (let b = 0; b < 32; b++) {
      for (const { center, halfSize } of drawExample(reference, 64, 64).rectangles) {
        for (const axis of [0, 1] as const) {
          expect(center[axis] - halfSize[axis]).toBeGreaterThanOrEqual(0);
          expect(center[axis] + halfSize[axis]).toBeLessThanOrEqual(64);
        }
      }
    }
  });

  it("is deterministic: the same seed gives the same batch", () => {
    expect(heatRectangles(random(11), { batch: 4 })).toEqual(heatRectangles(random(11), { batch: 4 }));
    expect(heatRectangles(random(11), { batch: 4 })).not.toEqual(heatRectangles(random(12), { batch: 4 }));
  });

  it("advances the stream by exactly 51 draws per example, whatever counts were drawn", () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const stream = random(seed);
      heatRectangles(stream, { batch: 7 });
      const skipped = random(seed);
      for (let i = 0; i < 7 * 51; i++) skipped.uniform();
      expect(stream.state()).toEqual(skipped.state());
    }
  });

  it("draws batch b + 1 exactly as a fresh call continuing the stream would", () => {
    const stream = random(9);
    const whole = heatRectangles(stream, { batch: 3 });
    const again = random(9);
    const parts = [heatRectangles(again, { batch: 1 }), heatRectangles(again, { batch: 2 })];
    expect(whole).toEqual(Float64Array.from([...parts[0]!, ...parts[1]!]));
    expect(restoreRandom(stream.state()).uniform()).toBe(again.uniform());
  });

  it("supports other grids, with centres drawn from the middle 80 % of each axis", () => {
    const x = heatRectangles(random(2), { batch: 2, shape: [32, 16] });
    expect(x.length).toBe(2 * 32 * 16);
    expect(x.every((v) => v >= 0 && v < 10)).toBe(true);
  });
});

describe("heatRectangles exceptions", () => {
  it.each([
    [{ batch: 0 }, /heatRectangles: batch must be a positive integer; received 0\./],
    [{ batch: 2.5 }, /heatRectangles: batch must be a positive integer; received 2\.5\./],
    [{ batch: 1, shape: [64, 0] }, /heatRectangles: shape must be a pair \[nx, ny\] of positive integers; received Array\(2\) \[64, 0\]\./],
    [{ batch: 1, shape: [64] }, /heatRectangles: shape must be a pair \[nx, ny\] of positive integers; received Array\(1\) \[64\]\./],
  ])("refuses %j", (options, message) => {
    expect(() => heatRectangles(random(0), options as never)).toThrow(PgValidationError);
    expect(() => heatRectangles(random(0), options as never)).toThrow(message);
  });

  it("refuses something that is not a stream, and missing options", () => {
    expect(() => heatRectangles(Math as never, { batch: 1 })).toThrow(/heatRectangles: stream must be a RandomStream made by random\(seed\)/);
    expect(() => heatRectangles(random(0), undefined as never)).toThrow(/heatRectangles: options must be an object \{ batch, shape\? \}; received undefined\./);
  });
});
