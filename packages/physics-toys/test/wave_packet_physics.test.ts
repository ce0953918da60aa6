import { PgShapeError, PgValidationError, evaluateObjective } from "@pg/core";
import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { wavePacketPhysics } from "../src/index.js";

/** The paper's formula (App. B.1), written out independently of the implementation. */
function packet(xi: number, center: number, amplitude: number, frequency = 4, width = 20): number {
  return amplitude * Math.sin(frequency * xi) * Math.exp(-0.5 * ((xi - center) / width) ** 2);
}

/** Points for the derivative checks: ξ₀ ∈ [20, 236] (the data range and a little beyond), A ∈ [0.5, 4.5]. */
function packetParameters(randomValue: () => number, index: number): number {
  return index % 2 === 0 ? 20 + 216 * randomValue() : 0.5 + 4 * randomValue();
}

function expectError(run: () => unknown, errorClass: typeof PgValidationError | typeof PgShapeError, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(errorClass);
  expect((caught as Error).message).toBe(message);
}

describe("wavePacketPhysics", () => {
  it("has the paper's defaults: 256 samples, f = 4, σ = 20, x = (ξ₀, A)", () => {
    const physics = wavePacketPhysics();
    expect(physics.samples).toBe(256);
    expect(physics.frequency).toBe(4);
    expect(physics.width).toBe(20);
    expect(physics.xShape).toEqual([2]);
    expect(physics.yShape).toEqual([256]);
    expect(physics.objective.name).toBe("squaredError");
  });

  it("evaluates y = A·sin(f·ξ)·exp(−½(ξ − ξ₀)²/σ²) on ξ = 0…255 for every example of a batch", () => {
    const physics = wavePacketPhysics();
    const x = Float64Array.of(128, 2, 25.6, 1, 230.3, 3.9);
    const y = physics.forward(x, 3);
    expect(y).toHaveLength(3 * 256);
    const expected = new Float64Array(3 * 256);
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < 256; i++) expected[b * 256 + i] = packet(i, x[2 * b] as number, x[2 * b + 1] as number);
    }
    expect(relativeDifference(y, expected)).toBeLessThan(1e-14);
  });

  it("honours samples, frequency and width", () => {
    const physics = wavePacketPhysics({ samples: 40, frequency: 0.5, width: 3 });
    expect(physics.yShape).toEqual([40]);
    const y = physics.forward(Float64Array.of(17.5, -1.5), 1);
    expect(y).toHaveLength(40);
    for (let i = 0; i < 40; i++) expect(y[i]).toBeCloseTo(packet(i, 17.5, -1.5, 0.5, 3), 14);
  });

  it("is linear in A and moves only the envelope with ξ₀ (the carrier phase is absolute)", () => {
    const physics = wavePacketPhysics();
    const y = physics.forward(Float64Array.of(100, 1, 100, 3), 2);
    for (let i = 0; i < 256; i++) expect(y[256 + i]).toBeCloseTo(3 * (y[i] as number), 12);
    // Zeros of the carrier stay where sin(4ξ) vanishes, wherever the packet sits: ξ = 0 is one.
    const shifted = physics.forward(Float64Array.of(10, 2, 200, 2), 2);
    expect(shifted[0]).toBe(0);
    expect(shifted[256]).toBe(0);
  });

  it("gives zero output and a zero, finite gradient for a packet far outside the window", () => {
    const physics = wavePacketPhysics();
    const x = Float64Array.of(1e6, 3);
    const y = physics.forward(x, 1);
    expect(y.every((v) => v === 0)).toBe(true);
    const dx = physics.adjoint(x, new Float64Array(256).fill(1), 1);
    expect(Array.from(dx)).toEqual([0, 0]);
  });

  it.each([1, 3, 8])("satisfies the adjoint identity ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ (batch %i)", (batch) => {
    const physics = wavePacketPhysics();
    for (const seed of [1, 2, 3]) {
      const check = checkAdjoint(physics, { batch, seed, samplePoint: packetParameters, step: 1e-5 });
      expect(check.relativeError, `seed ${seed}, batch ${batch}: ${check.jvDotW} vs ${check.vDotJtw}`).toBeLessThan(1e-8);
    }
  });

  it.each([1, 4])("matches central finite differences of ⟨w, P(x)⟩ entry by entry (batch %i)", (batch) => {
    for (const physics of [wavePacketPhysics(), wavePacketPhysics({ samples: 64, frequency: 1.3, width: 7 })]) {
      for (const seed of [4, 5]) {
        const check = checkFiniteDifferences(physics, { batch, seed, samplePoint: packetParameters, step: 1e-5 });
        expect(check.relativeError, `seed ${seed}, batch ${batch}, samples ${physics.samples}`).toBeLessThan(1e-6);
      }
    }
  });

  it("declares the objective L = ‖y − y*‖² without the ½, with ∂L/∂y = 2(y − y*)", () => {
    const physics = wavePacketPhysics({ samples: 3 });
    const y = Float64Array.of(1, 2, 3, 0, 0, 0);
    const target = Float64Array.of(0, 0, 1, 1, 1, 1);
    expect(Array.from(physics.objective.value(y, target, 2))).toEqual([1 + 4 + 4, 3]);
    expect(Array.from(physics.objective.gradient(y, target, 2))).toEqual([2, 4, 4, -2, -2, -2]);
  });

  it("checks the objective's lengths but passes NaN on, like the core objectives, for solvers to report nonFinite", () => {
    const physics = wavePacketPhysics({ samples: 3 });
    const y = Float64Array.of(1, Number.NaN, 3);
    expect(Number.isNaN(physics.objective.value(y, new Float64Array(3), 1)[0])).toBe(true);
    expect(() => physics.objective.value(y, new Float64Array(2), 1)).toThrow(/^wavePacketPhysics\.objective\.value: yTarget must have length/);
  });

  it("gives ∂L/∂x through the adjoint that matches finite differences of L(P(x))", () => {
    const physics = wavePacketPhysics();
    const random = testRandom(9);
    const batch = 3;
    const target = new Float64Array(batch * 256);
    for (let i = 0; i < target.length; i++) target[i] = 2 * random() - 1;
    const x = new Float64Array(2 * batch);
    for (let i = 0; i < x.length; i++) x[i] = packetParameters(random, i);
    const { value, gradient } = evaluateObjective(physics, x, target, batch);
    const h = 1e-5;
    for (let i = 0; i < x.length; i++) {
      const b = i >> 1;
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const fd =
        ((physics.objective.value(physics.forward(plus, batch), target, batch)[b] as number) -
          (physics.objective.value(physics.forward(minus, batch), target, batch)[b] as number)) /
        (2 * h);
      expect(Math.abs((gradient[i] as number) - fd), `entry ${i}: ${gradient[i]} vs ${fd}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    // Value: the sum of squared residuals, no ½.
    const y = physics.forward(x, batch);
    let first = 0;
    for (let i = 0; i < 256; i++) first += ((y[i] as number) - (target[i] as number)) ** 2;
    expect(value[0]).toBeCloseTo(first, 10);
  });

  it("refuses invalid options, naming the option and the value received", () => {
    expectError(() => wavePacketPhysics({ samples: 0 }), PgValidationError, "wavePacketPhysics: samples must be a positive integer; received 0.");
    expectError(() => wavePacketPhysics({ samples: 2.5 }), PgValidationError, "wavePacketPhysics: samples must be a positive integer; received 2.5.");
    expectError(
      () => wavePacketPhysics({ frequency: Number.NaN }),
      PgValidationError,
      "wavePacketPhysics: frequency must be a finite number (radians per sample); received NaN.",
    );
    expectError(() => wavePacketPhysics({ width: 0 }), PgValidationError, "wavePacketPhysics: width must be a finite number > 0 (samples); received 0.");
    expectError(
      () => wavePacketPhysics({ width: Infinity }),
      PgValidationError,
      "wavePacketPhysics: width must be a finite number > 0 (samples); received Infinity.",
    );
    expectError(
      () => wavePacketPhysics(null as unknown as object),
      PgValidationError,
      "wavePacketPhysics: options must be an object { samples?, frequency?, width? }; received null.",
    );
  });

  it("refuses a batch that is not a positive integer and arrays of the wrong length", () => {
    const physics = wavePacketPhysics();
    expectError(() => physics.forward(Float64Array.of(128, 2), 0), PgValidationError, "wavePacketPhysics.forward: batch must be a positive integer; received 0.");
    expectError(
      () => physics.forward(Float64Array.of(128, 2, 3), 1),
      PgShapeError,
      "wavePacketPhysics.forward: x must have length batch × 2 = 2 (batch = 1); received Float64Array(3) [128, 2, 3].",
    );
    expectError(
      () => physics.adjoint(Float64Array.of(128, 2), new Float64Array(255), 1),
      PgShapeError,
      "wavePacketPhysics.adjoint: dy must have length batch × 256 = 256 (batch = 1); received Float64Array(255) [0, 0, 0, 0, …].",
    );
    expectError(
      () => physics.adjoint([128, 2] as unknown as Float64Array, new Float64Array(256), 1),
      PgShapeError,
      "wavePacketPhysics.adjoint: x must have type Float64Array of length batch × 2; received Array(2) [128, 2].",
    );
  });
});
