import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { WAVE_PACKET_DATA, WAVE_PACKET_SAMPLES, random, wavePackets, type RandomStream } from "../src/index.js";

/** The paper's packet (App. B.1), written out independently: A·sin(4ξ)·exp(−½(ξ − ξ₀)²/20²). */
function packet(xi: number, center: number, amplitude: number): number {
  return amplitude * Math.sin(4 * xi) * Math.exp(-0.5 * ((xi - center) / 20) ** 2);
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

describe("wavePackets", () => {
  it("states the data of the paper's App. B.1", () => {
    expect(WAVE_PACKET_SAMPLES).toBe(256);
    expect(WAVE_PACKET_DATA).toEqual({ center: { low: 25.6, high: 230.4 }, amplitude: { low: 1, high: 4 }, frequency: 4, width: 20 });
    expect(Object.isFrozen(WAVE_PACKET_DATA)).toBe(true);
    expect(Object.isFrozen(WAVE_PACKET_DATA.center)).toBe(true);
  });

  it("draws ξ₀ in [25.6, 230.4) and A in [1, 4), covering both ranges with uniform means", () => {
    const { parameters, y } = wavePackets(random(0), { batch: 5000 });
    expect(parameters).toBeInstanceOf(Float64Array);
    expect(parameters).toHaveLength(10000);
    expect(y).toHaveLength(5000 * 256);
    let centerSum = 0;
    let amplitudeSum = 0;
    let centerMin = Infinity;
    let centerMax = -Infinity;
    let amplitudeMin = Infinity;
    let amplitudeMax = -Infinity;
    for (let b = 0; b < 5000; b++) {
      const center = parameters[2 * b] as number;
      const amplitude = parameters[2 * b + 1] as number;
      expect(center >= 25.6 && center < 230.4, `ξ₀ = ${center}`).toBe(true);
      expect(amplitude >= 1 && amplitude < 4, `A = ${amplitude}`).toBe(true);
      centerSum += center;
      amplitudeSum += amplitude;
      centerMin = Math.min(centerMin, center);
      centerMax = Math.max(centerMax, center);
      amplitudeMin = Math.min(amplitudeMin, amplitude);
      amplitudeMax = Math.max(amplitudeMax, amplitude);
    }
    // Means within 5 standard errors (σ of U[a, b) is (b − a)/√12).
    expect(Math.abs(centerSum / 5000 - 128)).toBeLessThan((5 * 204.8) / Math.sqrt(12 * 5000));
    expect(Math.abs(amplitudeSum / 5000 - 2.5)).toBeLessThan((5 * 3) / Math.sqrt(12 * 5000));
    expect(centerMin).toBeLessThan(27);
    expect(centerMax).toBeGreaterThan(229);
    expect(amplitudeMin).toBeLessThan(1.01);
    expect(amplitudeMax).toBeGreaterThan(3.99);
  });

  it("adds i.i.d. N(0, noise²) to the clean packet: residual mean ≈ 0, std ≈ noise, uncorrelated neighbours", () => {
    for (const noise of [1, 0.5]) {
      const batch = 400;
      const { parameters, y } = wavePackets(random(11), { batch, noise });
      const count = batch * 256;
      let sum = 0;
      let squares = 0;
      let fourth = 0;
      let lagOne = 0;
      for (let b = 0; b < batch; b++) {
        let previous: number | undefined;
        for (let i = 0; i < 256; i++) {
          const r = (y[b * 256 + i] as number) - packet(i, parameters[2 * b] as number, parameters[2 * b + 1] as number);
          sum += r;
          squares += r * r;
          fourth += r ** 4;
          if (previous !== undefined) lagOne += r * previous;
          previous = r;
        }
      }
      const variance = squares / count;
      // Standard errors: mean σ/√n; variance σ²·√(2/n); E r⁴ = 3σ⁴ with standard error σ⁴·√(96/n).
      expect(Math.abs(sum / count), `noise ${noise}`).toBeLessThan((5 * noise) / Math.sqrt(count));
      expect(Math.abs(variance - noise ** 2), `noise ${noise}`).toBeLessThan(5 * noise ** 2 * Math.sqrt(2 / count));
      expect(Math.abs(fourth / count / noise ** 4 - 3)).toBeLessThan(5 * Math.sqrt(96 / count));
      expect(Math.abs(lagOne / (batch * 255)) / noise ** 2).toBeLessThan(5 / Math.sqrt(batch * 255));
    }
  });

  it("gives the clean packet for noise 0, yet consumes the same draws", () => {
    const stream = random(3);
    const clean = wavePackets(stream, { batch: 4, noise: 0 });
    for (let b = 0; b < 4; b++) {
      for (let i = 0; i < 256; i++) {
        expect(clean.y[b * 256 + i]).toBeCloseTo(packet(i, clean.parameters[2 * b] as number, clean.parameters[2 * b + 1] as number), 13);
      }
    }
    const noisy = random(3);
    const withNoise = wavePackets(noisy, { batch: 4 });
    expect(withNoise.parameters).toEqual(clean.parameters);
    expect(stream.state()).toEqual(noisy.state());
  });

  it("draws in the documented order: per example uniform ξ₀, uniform A, then 256 standard normals", () => {
    const { parameters, y } = wavePackets(random(21), { batch: 3, noise: 2 });
    const reference: RandomStream = random(21);
    for (let b = 0; b < 3; b++) {
      const center = reference.uniform(25.6, 230.4);
      const amplitude = reference.uniform(1, 4);
      expect(parameters[2 * b]).toBe(center);
      expect(parameters[2 * b + 1]).toBe(amplitude);
      for (let i = 0; i < 256; i++) {
        const expected = packet(i, center, amplitude) + 2 * reference.normal();
        expect(y[b * 256 + i]).toBeCloseTo(expected, 12);
      }
    }
  });

  it("is deterministic: the same seed gives the same batches, and consecutive batches join into one", () => {
    const first = wavePackets(random(7), { batch: 10 });
    const again = wavePackets(random(7), { batch: 10 });
    expect(again.parameters).toEqual(first.parameters);
    expect(again.y).toEqual(first.y);
    const stream = random(7);
    const head = wavePackets(stream, { batch: 4 });
    const tail = wavePackets(stream, { batch: 6 });
    expect(Array.from(head.parameters).concat(Array.from(tail.parameters))).toEqual(Array.from(first.parameters));
    expect(Array.from(head.y).concat(Array.from(tail.y))).toEqual(Array.from(first.y));
    const next = wavePackets(stream, { batch: 10 });
    expect(next.parameters).not.toEqual(first.parameters);
  });

  it("refuses invalid arguments, naming the parameter and the value received", () => {
    const stream = random(0);
    expectValidationError(() => wavePackets(stream, { batch: 0 }), "wavePackets: batch must be a positive integer; received 0.");
    expectValidationError(() => wavePackets(stream, { batch: 1.5 }), "wavePackets: batch must be a positive integer; received 1.5.");
    expectValidationError(
      () => wavePackets(stream, { batch: 2, noise: -1 }),
      "wavePackets: noise must be a finite number ≥ 0 (the noise standard deviation); received -1.",
    );
    expectValidationError(
      () => wavePackets(stream, { batch: 2, noise: Number.POSITIVE_INFINITY }),
      "wavePackets: noise must be a finite number ≥ 0 (the noise standard deviation); received Infinity.",
    );
    expectValidationError(
      () => wavePackets({} as RandomStream, { batch: 2 }),
      "wavePackets: stream must be a RandomStream made by random(seed); received {}.",
    );
    expectValidationError(
      () => wavePackets(stream, null as unknown as { batch: number }),
      "wavePackets: options must be an object { batch, noise? }; received null.",
    );
  });
});
