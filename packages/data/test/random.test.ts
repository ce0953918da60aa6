import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { random, restoreRandom, type RandomState, type RandomStream } from "../src/index.js";

const DRAWS = 100_000;

/** Sample mean and central moments m2, m4 of `values`. */
function moments(values: Float64Array): { mean: number; variance: number; fourth: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  let fourth = 0;
  for (const v of values) {
    const d = v - mean;
    variance += d * d;
    fourth += d * d * d * d;
  }
  return { mean, variance: variance / values.length, fourth: fourth / values.length };
}

function draws(stream: RandomStream, count: number, draw: (stream: RandomStream) => number): number[] {
  return Array.from({ length: count }, () => draw(stream));
}

/** Asserts that `run` throws a PgValidationError whose message is exactly `message`. */
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

describe("random", () => {
  it("reproduces the xoshiro128** reference outputs and states of the C implementation", () => {
    // Test data of edorfaus/xoshiro-6502 (test-rom/testdata.asm), generated with Vigna's xoshiro128starstar.c.
    const stream = restoreRandom({
      algorithm: "xoshiro128**",
      words: [0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0],
      spareNormal: null,
    });
    const outputs = [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70];
    const states = [
      [0x72410269, 0xef382c52, 0x2e43bec7, 0x62432f20],
      [0xff3a011b, 0xb33a90fc, 0x2c5a18ae, 0xd81b946b],
      [0x941b058c, 0x605a8949, 0xa641e1b5, 0x0824bb59],
      [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343],
    ];
    for (let i = 0; i < outputs.length; i++) {
      expect(stream.uint32()).toBe(outputs[i]);
      expect(stream.state().words).toEqual(states[i]);
    }
  });

  it("gives the first outputs 11520, 0, 5927040, 70819200 from the state (1, 2, 3, 4)", () => {
    const stream = restoreRandom({ algorithm: "xoshiro128**", words: [1, 2, 3, 4], spareNormal: null });
    expect(draws(stream, 4, (s) => s.uint32())).toEqual([11520, 0, 5927040, 70819200]);
  });

  it("produces the same 1000 values for the same seed", () => {
    const mixed = (s: RandomStream): number => s.uniform(0.1, 10.1) + s.normal() + s.integer(1000);
    const first = draws(random(2024), 1000, mixed);
    const second = draws(random(2024), 1000, mixed);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(990);
  });

  it("produces different streams for different seeds, including seeds above 2^32", () => {
    const seeds = [0, 1, 2, 3, 42, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, Number.MAX_SAFE_INTEGER];
    const firstValues = seeds.map((seed) => draws(random(seed), 8, (s) => s.uint32()).join(","));
    expect(new Set(firstValues).size).toBe(seeds.length);
    // Two neighbouring seeds share no value among their first 1000 uniforms.
    const zero = new Set(draws(random(0), 1000, (s) => s.uniform()));
    expect(draws(random(1), 1000, (s) => s.uniform()).filter((v) => zero.has(v))).toEqual([]);
  });

  it("draws uniforms in [low, high) with the mean and variance of U[low, high) over 1e5 draws", () => {
    for (const [low, high] of [
      [0, 1],
      [0.1, 10.1],
      [-3, -2.5],
    ] as const) {
      const values = random(11).fillUniform(new Float64Array(DRAWS), low, high);
      expect(values.every((v) => v >= low && v < high)).toBe(true);
      const width = high - low;
      const { mean, variance } = moments(values);
      // 5 standard errors: σ_mean = w/√(12n); σ_var = w²·√((1/80 − 1/144)/n).
      expect(Math.abs(mean - (low + high) / 2)).toBeLessThan((5 * width) / Math.sqrt(12 * DRAWS));
      expect(Math.abs(variance - (width * width) / 12)).toBeLessThan(5 * width * width * Math.sqrt((1 / 80 - 1 / 144) / DRAWS));
    }
  });

  it("uses the defaults low = 0 and high = 1", () => {
    expect(draws(random(5), 10, (s) => s.uniform())).toEqual(draws(random(5), 10, (s) => s.uniform(0, 1)));
  });

  it("maps a draw that rounds up to high onto the largest double below high", () => {
    // With high − low one ulp of 1, about half the draws round to high before the guard.
    const high = 1 + Number.EPSILON;
    const values = random(3).fillUniform(new Float64Array(1000), 1, high);
    expect(values.every((v) => v === 1)).toBe(true);
  });

  it("draws standard normals with mean 0, standard deviation 1 and fourth moment 3 over 1e5 draws", () => {
    const values = random(12).fillNormal(new Float64Array(DRAWS));
    const { mean, variance, fourth } = moments(values);
    // 5 standard errors: σ_mean = 1/√n, σ_var = √(2/n), σ_m4 = √((105 − 9)/n).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(DRAWS));
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan((5 * Math.sqrt(2 / DRAWS)) / 2);
    expect(Math.abs(fourth - 3)).toBeLessThan(5 * Math.sqrt(96 / DRAWS));
    // Tails: P(|z| > 3) = 0.0027 for a normal; a uniform or a bug in the radius gives nothing like it.
    const tail = values.filter((v) => Math.abs(v) > 3).length / DRAWS;
    expect(tail).toBeGreaterThan(0.0027 - 5 * Math.sqrt(0.0027 / DRAWS));
    expect(tail).toBeLessThan(0.0027 + 5 * Math.sqrt(0.0027 / DRAWS));
  });

  it("shifts and scales normals by mean and standardDeviation", () => {
    const standard = draws(random(8), 101, (s) => s.normal());
    const scaled = draws(random(8), 101, (s) => s.normal(5, 2));
    scaled.forEach((v, i) => expect(v).toBeCloseTo(5 + 2 * (standard[i] as number), 12));
    expect(draws(random(8), 3, (s) => s.normal(-1, 0))).toEqual([-1, -1, -1]);
  });

  it("returns the cached Box–Muller spare on every second normal call", () => {
    const stream = random(9);
    stream.normal();
    const spare = stream.state().spareNormal;
    expect(spare).not.toBeNull();
    const words = stream.state().words;
    expect(stream.normal()).toBe(spare);
    expect(stream.state().words).toEqual(words); // the spare consumed no random bits
    expect(stream.state().spareNormal).toBeNull();
  });

  it("fills arrays exactly as repeated single draws would, for odd lengths too", () => {
    const single = random(21);
    const filled = random(21);
    for (const length of [1, 7, 64, 3]) {
      const normals = filled.fillNormal(new Float64Array(length), 1, 3);
      expect(Array.from(normals)).toEqual(draws(single, length, (s) => s.normal(1, 3)));
      const uniforms = filled.fillUniform(new Float64Array(length), -2, 2);
      expect(Array.from(uniforms)).toEqual(draws(single, length, (s) => s.uniform(-2, 2)));
    }
  });

  it("draws integers uniformly from [0, n) (chi-square over 1e5 draws)", () => {
    const stream = random(13);
    const counts = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < DRAWS; i++) {
      const k = stream.integer(10);
      if (Number.isInteger(k) && k >= 0 && k < 10) counts[k] = (counts[k] as number) + 1;
      else outOfRange++;
    }
    expect(outOfRange).toBe(0);
    const expected = DRAWS / 10;
    const chiSquare = counts.reduce((sum, c) => sum + ((c - expected) * (c - expected)) / expected, 0);
    expect(chiSquare).toBeLessThan(27.88); // 99.9% quantile of χ² with 9 degrees of freedom
    expect(draws(stream, 20, (s) => s.integer(1))).toEqual(new Array(20).fill(0));
  });

  it("draws integers above 2^32 from 53 random bits", () => {
    const n = 2 ** 40 + 3;
    const values = draws(random(14), 2000, (s) => s.integer(n));
    expect(values.every((k) => Number.isInteger(k) && k >= 0 && k < n)).toBe(true);
    expect(values.filter((k) => k >= 2 ** 32).length).toBeGreaterThan(1900);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - n / 2)).toBeLessThan((5 * n) / Math.sqrt(12 * values.length));
  });

  it("continues identically after a state round-trip through JSON, including a cached normal", () => {
    const original = random(31);
    draws(original, 17, (s) => s.uniform());
    original.normal(); // leaves a spare cached
    const checkpoint: RandomState = JSON.parse(JSON.stringify(original.state()));
    expect(checkpoint.spareNormal).not.toBeNull();
    const mixed = (s: RandomStream): number => s.normal() + s.uniform(2, 3) + s.integer(7) + s.uint32();
    const resumed = restoreRandom(checkpoint);
    expect(draws(resumed, 1000, mixed)).toEqual(draws(original, 1000, mixed));
    // The checkpoint is copied, so restoring it again replays the same values.
    expect(draws(restoreRandom(checkpoint), 5, mixed)).toEqual(draws(restoreRandom(checkpoint), 5, mixed));
  });

  it("does not advance the stream when taking its state", () => {
    const a = random(77);
    const b = random(77);
    a.state();
    a.state();
    expect(draws(a, 10, (s) => s.uniform())).toEqual(draws(b, 10, (s) => s.uniform()));
  });
});

describe("random exceptions", () => {
  it("rejects seeds that are not integers in [0, 2^53 − 1], naming the value", () => {
    const prefix = "random: seed must be an integer in [0, 2^53 − 1]; received";
    expectValidationError(() => random(Number.NaN), `${prefix} NaN.`);
    expectValidationError(() => random(-1), `${prefix} -1.`);
    expectValidationError(() => random(1.5), `${prefix} 1.5.`);
    expectValidationError(() => random(Number.POSITIVE_INFINITY), `${prefix} Infinity.`);
    expectValidationError(() => random(2 ** 53), `${prefix} 9007199254740992.`);
    expectValidationError(() => random("3" as unknown as number), `${prefix} "3".`);
  });

  it("rejects uniform bounds with high ≤ low or non-finite, naming the value", () => {
    const stream = random(1);
    expectValidationError(() => stream.uniform(1, 1), "RandomStream.uniform: high must be a finite number greater than low = 1; received 1.");
    expectValidationError(() => stream.uniform(2, 1), "RandomStream.uniform: high must be a finite number greater than low = 2; received 1.");
    expectValidationError(() => stream.uniform(Number.NaN, 1), "RandomStream.uniform: low must be a finite number; received NaN.");
    expectValidationError(
      () => stream.uniform(-Number.MAX_VALUE, Number.MAX_VALUE),
      `RandomStream.uniform: high must be a number with a finite width high − low (low = ${-Number.MAX_VALUE}); received ${Number.MAX_VALUE}.`,
    );
    expectValidationError(
      () => stream.fillUniform(new Float64Array(2), 0, Number.POSITIVE_INFINITY),
      "RandomStream.fillUniform: high must be a finite number; received Infinity.",
    );
  });

  it("rejects a negative or non-finite standardDeviation and a non-finite mean", () => {
    const stream = random(1);
    expectValidationError(() => stream.normal(0, -1), "RandomStream.normal: standardDeviation must be a finite number ≥ 0; received -1.");
    expectValidationError(() => stream.normal(Number.NaN), "RandomStream.normal: mean must be a finite number; received NaN.");
    expectValidationError(
      () => stream.fillNormal(new Float64Array(1), 0, Number.POSITIVE_INFINITY),
      "RandomStream.fillNormal: standardDeviation must be a finite number ≥ 0; received Infinity.",
    );
  });

  it("rejects fill targets that are not Float64Arrays", () => {
    const stream = random(1);
    expectValidationError(
      () => stream.fillUniform([0, 0] as unknown as Float64Array),
      "RandomStream.fillUniform: array must be a Float64Array; received Array(2) [0, 0].",
    );
    expectValidationError(
      () => stream.fillNormal(new Float32Array(3) as unknown as Float64Array),
      "RandomStream.fillNormal: array must be a Float64Array; received Float32Array(3) [0, 0, 0].",
    );
  });

  it("rejects integer(n) unless n is a positive safe integer", () => {
    const stream = random(1);
    expectValidationError(() => stream.integer(0), "RandomStream.integer: n must be a positive integer; received 0.");
    expectValidationError(() => stream.integer(2.5), "RandomStream.integer: n must be a positive integer; received 2.5.");
    expectValidationError(() => stream.integer(2 ** 53), "RandomStream.integer: n must be a positive integer ≤ 2^53 − 1; received 9007199254740992.");
  });

  it("rejects checkpoints with a wrong algorithm, malformed or all-zero words, or a non-finite spare", () => {
    const good = random(1).state();
    expectValidationError(
      () => restoreRandom({ ...good, algorithm: "pcg32" } as unknown as RandomState),
      'restoreRandom: state.algorithm must be "xoshiro128**"; received "pcg32".',
    );
    expectValidationError(
      () => restoreRandom({ ...good, words: [1, 2, 3] } as unknown as RandomState),
      "restoreRandom: state.words must be four integers in [0, 2^32); received Array(3) [1, 2, 3].",
    );
    expectValidationError(
      () => restoreRandom({ ...good, words: [1, 2, 3, 2 ** 32] }),
      "restoreRandom: state.words must be four integers in [0, 2^32); received Array(4) [1, 2, 3, 4294967296].",
    );
    expectValidationError(
      () => restoreRandom({ ...good, words: [0, 0, 0, 0] }),
      "restoreRandom: state.words must be not all zero (xoshiro128** would stay at zero); received Array(4) [0, 0, 0, 0].",
    );
    expectValidationError(
      () => restoreRandom({ ...good, spareNormal: Number.NaN }),
      "restoreRandom: state.spareNormal must be null or a finite number; received NaN.",
    );
    expectValidationError(
      () => restoreRandom(null as unknown as RandomState),
      "restoreRandom: state must be an object returned by RandomStream.state(); received null.",
    );
  });
});
