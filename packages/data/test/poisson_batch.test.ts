import { PgValidationError } from "@pg/core";
import { noiseField } from "@pg/numerics";
import { describe, expect, it } from "vitest";
import { poissonBatch, random, type RandomStream } from "../src/index.js";

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

function expectValidationError(run: () => unknown, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PgValidationError);
  expect((caught as PgValidationError).code).toBe("invalid-argument");
  expect((caught as PgValidationError).message).toBe(message);
}

describe("poissonBatch", () => {
  it("gives every example zero mean and unit standard deviation on the 64 × 64 and 80 × 60 grids", () => {
    for (const shape of [
      [64, 64],
      [80, 60],
    ] as const) {
      const { x, batch, shape: grid } = poissonBatch(random(0), { batch: 5, shape });
      expect(batch).toBe(5);
      expect(grid).toEqual(shape);
      expect(x).toBeInstanceOf(Float64Array);
      expect(x.length).toBe(5 * shape[0] * shape[1]);
      for (const { mean, std } of moments(x, shape[0] * shape[1])) {
        expect(Math.abs(mean)).toBeLessThan(1e-12);
        expect(Math.abs(std - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it("is Noise(scale 10, smoothness 1) with physical size equal to the resolution (paper App. B.3)", () => {
    const { x } = poissonBatch(random(3), { batch: 2, shape: [80, 60] });
    const reference = noiseField(random(3), { batch: 2, shape: [80, 60], size: [80, 60], scale: 10, smoothness: 1 });
    expect(Array.from(x)).toEqual(Array.from(reference));
  });

  it("is deterministic: the same seed gives the same batches, and consecutive batches differ", () => {
    const first = random(42);
    const second = random(42);
    const a1 = poissonBatch(first, { batch: 3, shape: [16, 12] }).x;
    const a2 = poissonBatch(first, { batch: 3, shape: [16, 12] }).x;
    const b1 = poissonBatch(second, { batch: 3, shape: [16, 12] }).x;
    const b2 = poissonBatch(second, { batch: 3, shape: [16, 12] }).x;
    expect(Array.from(b1)).toEqual(Array.from(a1));
    expect(Array.from(b2)).toEqual(Array.from(a2));
    expect(Array.from(a2)).not.toEqual(Array.from(a1));
    expect(Array.from(poissonBatch(random(43), { batch: 3, shape: [16, 12] }).x)).not.toEqual(Array.from(a1));
  });

  it("advances the stream by exactly 2 × batch × nx × ny normal draws", () => {
    const stream = random(7);
    poissonBatch(stream, { batch: 2, shape: [8, 6] });
    const reference = random(7);
    reference.fillNormal(new Float64Array(2 * 2 * 8 * 6));
    expect(stream.state()).toEqual(reference.state());
  });

  it("refuses a bad batch, shape or stream, naming the parameter and the value received", () => {
    expectValidationError(
      () => poissonBatch(random(0), { batch: 0, shape: [64, 64] }),
      "poissonBatch: batch must be a positive integer; received 0.",
    );
    expectValidationError(
      () => poissonBatch(random(0), { batch: 2, shape: [64] as unknown as [number, number] }),
      "poissonBatch: shape must be a pair [nx, ny] of positive integers; received Array(1) [64].",
    );
    expectValidationError(
      () => poissonBatch(random(0), { batch: 2, shape: [64, 0.5] }),
      "poissonBatch: shape must be a pair [nx, ny] of positive integers; received Array(2) [64, 0.5].",
    );
    expectValidationError(
      () => poissonBatch({} as RandomStream, { batch: 2, shape: [64, 64] }),
      "poissonBatch: stream must be a RandomStream made by random(seed); received {}.",
    );
  });
});
