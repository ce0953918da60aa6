import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { random, uniformSampler, type RandomStream } from "../src/index.js";

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

describe("uniformSampler", () => {
  it("samples the sin parameters a ~ U[0.1, 10.1) in range and with the right mean", () => {
    const sampler = uniformSampler({ low: 0.1, high: 10.1 });
    expect([sampler.low, sampler.high]).toEqual([0.1, 10.1]);
    const stream = random(0);
    let sum = 0;
    let count = 0;
    for (let batch = 0; batch < 100; batch++) {
      const a = sampler.sample(stream, 1000);
      expect(a).toBeInstanceOf(Float64Array);
      expect(a.length).toBe(1000);
      expect(a.every((value) => value >= 0.1 && value < 10.1)).toBe(true);
      for (const value of a) sum += value;
      count += a.length;
    }
    expect(Math.abs(sum / count - 5.1)).toBeLessThan((5 * 10) / Math.sqrt(12 * count));
  });

  it("draws exactly what stream.uniform(low, high) would, one value per draw", () => {
    const sampled = uniformSampler({ low: -1, high: 2 }).sample(random(4), 9);
    const reference = random(4);
    expect(Array.from(sampled)).toEqual(Array.from({ length: 9 }, () => reference.uniform(-1, 2)));
  });

  it("gives identical batches for the same seed and fresh batches as the stream advances", () => {
    const sampler = uniformSampler({ low: 0.1, high: 10.1 });
    const first = random(6);
    const second = random(6);
    const batchOne = sampler.sample(first, 100);
    expect(sampler.sample(second, 100)).toEqual(batchOne);
    expect(sampler.sample(first, 100)).not.toEqual(batchOne);
  });
});

describe("uniformSampler exceptions", () => {
  it("rejects high ≤ low, naming the value", () => {
    expectValidationError(
      () => uniformSampler({ low: 1, high: 1 }),
      "uniformSampler: high must be a finite number greater than low = 1; received 1.",
    );
    expectValidationError(
      () => uniformSampler({ low: 10.1, high: 0.1 }),
      "uniformSampler: high must be a finite number greater than low = 10.1; received 0.1.",
    );
  });

  it("rejects non-finite bounds and a missing options object", () => {
    expectValidationError(() => uniformSampler({ low: Number.NaN, high: 1 }), "uniformSampler: low must be a finite number; received NaN.");
    expectValidationError(
      () => uniformSampler({ low: 0, high: Number.POSITIVE_INFINITY }),
      "uniformSampler: high must be a finite number greater than low = 0; received Infinity.",
    );
    expectValidationError(
      () => uniformSampler(undefined as unknown as { low: number; high: number }),
      "uniformSampler: options must be an object { low, high }; received undefined.",
    );
  });

  it("rejects a count that is not a positive integer, naming the value", () => {
    const sampler = uniformSampler({ low: 0, high: 1 });
    expectValidationError(() => sampler.sample(random(0), 0), "UniformSampler.sample: count must be a positive integer; received 0.");
    expectValidationError(() => sampler.sample(random(0), 2.5), "UniformSampler.sample: count must be a positive integer; received 2.5.");
  });

  it("rejects a stream that is not a RandomStream", () => {
    const sampler = uniformSampler({ low: 0, high: 1 });
    expectValidationError(
      () => sampler.sample({} as RandomStream, 3),
      "UniformSampler.sample: stream must be a RandomStream made by random(seed); received {}.",
    );
  });
});
