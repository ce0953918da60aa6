import { PgShapeError, PgValidationError } from "@pg/core";
import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { squareToyPhysics, squareToySteps } from "../src/index.js";

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

describe("squareToyPhysics", () => {
  const physics = squareToyPhysics();

  it("computes y = (x1, x2²) per example and declares shapes [2]", () => {
    expect(Array.from(physics.forward(Float64Array.of(3, 3, -1.5, -2, 0, 0.5), 3))).toEqual([3, 9, -1.5, 4, 0, 0.25]);
    expect(physics.xShape).toEqual([2]);
    expect(physics.yShape).toEqual([2]);
  });

  it("computes the adjoint (dy1, 2·x2·dy2)", () => {
    const dx = physics.adjoint(Float64Array.of(3, 3, -1.5, -2), Float64Array.of(0.5, 2, 1, -1), 2);
    expect(Array.from(dx)).toEqual([0.5, 12, 1, 4]);
  });

  it("has an adjoint that matches central finite differences (relative 1e-6)", () => {
    for (const [seed, batch] of [
      [1, 1],
      [2, 8],
      [3, 50],
    ] as const) {
      const check = checkFiniteDifferences(physics, { batch, seed, samplePoint: (r) => 6 * r() - 3 });
      expect(check.relativeError, `seed ${seed}, batch ${batch}`).toBeLessThan(1e-6);
    }
  });

  it("satisfies ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ (relative 1e-6)", () => {
    for (const [seed, batch] of [
      [4, 1],
      [5, 8],
      [6, 50],
    ] as const) {
      const check = checkAdjoint(physics, { batch, seed, samplePoint: (r) => 6 * r() - 3 });
      expect(check.relativeError, `seed ${seed}, batch ${batch}: ${check.jvDotW} vs ${check.vDotJtw}`).toBeLessThan(1e-6);
    }
  });

  it("has a jacobianDiagonal (1, 2x2) that matches finite differences of forward", () => {
    const draw = testRandom(9);
    const batch = 20;
    const x = Float64Array.from({ length: 2 * batch }, () => 6 * draw() - 3);
    const h = 1e-6;
    const finiteDifference = new Float64Array(2 * batch);
    for (let i = 0; i < 2 * batch; i++) {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      finiteDifference[i] = ((physics.forward(plus, batch)[i] as number) - (physics.forward(minus, batch)[i] as number)) / (2 * h);
    }
    expect(relativeDifference(physics.jacobianDiagonal(x, batch), finiteDifference)).toBeLessThan(1e-8);
  });

  it("returns Newton derivatives of L = ½‖y − y*‖² that match finite differences", () => {
    const draw = testRandom(10);
    const batch = 20;
    const x = Float64Array.from({ length: 2 * batch }, () => 6 * draw() - 3);
    const yTarget = Float64Array.from({ length: 2 * batch }, () => 4 * draw() - 1);
    const loss = (point: Float64Array): number => {
      const y = physics.forward(point, batch);
      return y.reduce((sum, yi, i) => sum + 0.5 * (yi - (yTarget[i] as number)) ** 2, 0);
    };
    const { gradient, curvature } = physics.newtonDerivatives(x, yTarget, batch);
    const h = 1e-4;
    const firstDifference = new Float64Array(2 * batch);
    const secondDifference = new Float64Array(2 * batch);
    for (let i = 0; i < 2 * batch; i++) {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      firstDifference[i] = (loss(plus) - loss(minus)) / (2 * h);
      secondDifference[i] = (loss(plus) - 2 * loss(x) + loss(minus)) / (h * h);
    }
    expect(relativeDifference(gradient, firstDifference)).toBeLessThan(1e-7);
    expect(relativeDifference(curvature, secondDifference)).toBeLessThan(1e-5);
  });

  it("gives the Newton rule of Fig. 2a as −gradient/curvature for y* = 0", () => {
    const x = Float64Array.of(3, 3, -0.7, 1.9);
    const { gradient, curvature } = physics.newtonDerivatives(x, new Float64Array(4), 2);
    const newtonPoint = x.map((xi, i) => xi - (gradient[i] as number) / (curvature[i] as number));
    expect(relativeDifference(newtonPoint.subarray(0, 2), squareToySteps.newton([3, 3], 1))).toBeLessThan(1e-15);
    expect(relativeDifference(newtonPoint.subarray(2, 4), squareToySteps.newton([-0.7, 1.9], 1))).toBeLessThan(1e-15);
  });
});

describe("squareToyPhysics exceptions", () => {
  const physics = squareToyPhysics();

  it("rejects x of the wrong length or type, naming x", () => {
    expectError(
      () => physics.forward(new Float64Array(3), 2),
      PgShapeError,
      "squareToyPhysics.forward: x must have length batch × 2 = 4 (batch = 2); received Float64Array(3) [0, 0, 0].",
    );
    expectError(
      () => physics.forward([1, 2] as unknown as Float64Array, 1),
      PgShapeError,
      "squareToyPhysics.forward: x must have type Float64Array of length batch × 2; received Array(2) [1, 2].",
    );
  });

  it("rejects dy of the wrong length and a batch that is not a positive integer", () => {
    expectError(
      () => physics.adjoint(new Float64Array(2), new Float64Array(4), 1),
      PgShapeError,
      "squareToyPhysics.adjoint: dy must have length batch × 2 = 2 (batch = 1); received Float64Array(4) [0, 0, 0, 0].",
    );
    expectError(
      () => physics.jacobianDiagonal(new Float64Array(2), 0),
      PgValidationError,
      "squareToyPhysics.jacobianDiagonal: batch must be a positive integer; received 0.",
    );
  });
});
