import { PgValidationError } from "@pg/core";
import { relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { squareToyLoss, squareToyPhysics, squareToySteps, trajectory, type SquareToyPoint } from "../src/index.js";

const physics = squareToyPhysics();
const STEP_SIZES = [0.005, 0.05, 0.1, 0.5, 0.9];

/** Random points with x1, x2 ∈ [−3, 3], avoiding |x2| < 0.1 so the Hessian 12x2² stays well conditioned. */
function samplePoints(seed: number, count: number): SquareToyPoint[] {
  const draw = testRandom(seed);
  return Array.from({ length: count }, () => {
    const x2 = (0.1 + 2.9 * draw()) * (draw() < 0.5 ? -1 : 1);
    return [6 * draw() - 3, x2] as const;
  });
}

/** ∇L and the diagonal of its Hessian for L = ‖y‖², by central differences of squareToyLoss. */
function lossDerivatives(x: SquareToyPoint): { gradient: [number, number]; hessian: [number, number] } {
  const h = 1e-4;
  const at = (i: number, delta: number): number =>
    squareToyLoss(i === 0 ? [x[0] + delta, x[1]] : [x[0], x[1] + delta]);
  const gradient: [number, number] = [(at(0, h) - at(0, -h)) / (2 * h), (at(1, h) - at(1, -h)) / (2 * h)];
  const center = squareToyLoss(x);
  const hessian: [number, number] = [
    (at(0, h) - 2 * center + at(0, -h)) / (h * h),
    (at(1, h) - 2 * center + at(1, -h)) / (h * h),
  ];
  return { gradient, hessian };
}

function expectValidationError(run: () => unknown, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PgValidationError);
  expect((caught as PgValidationError).message).toBe(message);
}

describe("squareToySteps", () => {
  it("takes the physical step by scaling z = y(x) by (1 − η) and inverting y on the branch of x2", () => {
    for (const x of samplePoints(1, 200)) {
      for (const eta of STEP_SIZES) {
        const z = physics.forward(Float64Array.from(x), 1);
        const scaled = z.map((zi) => (1 - eta) * zi);
        const inverted = [scaled[0] as number, Math.sign(x[1]) * Math.sqrt(scaled[1] as number)];
        expect(relativeDifference(squareToySteps.physical(x, eta), inverted), `x = ${x}, η = ${eta}`).toBeLessThan(1e-14);
      }
    }
    // With x2 ≥ 0 the inverse is the plain square root x = (z1, √z2).
    expect(squareToySteps.physical([2, 4], 0.75)).toEqual([0.5, 2]);
  });

  it("takes the Newton step x − ηH⁻¹∇L with H = diag(2, 12x2²), ∇L and H by finite differences", () => {
    for (const x of samplePoints(2, 200)) {
      const { gradient, hessian } = lossDerivatives(x);
      expect(relativeDifference(hessian, [2, 12 * x[1] * x[1]])).toBeLessThan(1e-5);
      for (const eta of STEP_SIZES) {
        const expected = [x[0] - (eta * gradient[0]) / hessian[0], x[1] - (eta * gradient[1]) / hessian[1]];
        expect(relativeDifference(squareToySteps.newton(x, eta), expected), `x = ${x}, η = ${eta}`).toBeLessThan(1e-6);
      }
    }
  });

  it("takes the gradient-descent step x − η∇L, with ∇L = Jᵀ(2y) from the adjoint and by finite differences", () => {
    for (const x of samplePoints(3, 200)) {
      const point = Float64Array.from(x);
      const gradientFromAdjoint = physics.adjoint(point, physics.forward(point, 1).map((y) => 2 * y), 1);
      expect(relativeDifference(lossDerivatives(x).gradient, gradientFromAdjoint)).toBeLessThan(1e-7);
      for (const eta of STEP_SIZES) {
        const expected = point.map((xi, i) => xi - eta * (gradientFromAdjoint[i] as number));
        expect(relativeDifference(squareToySteps.gradientDescent(x, eta), expected), `x = ${x}, η = ${eta}`).toBeLessThan(1e-14);
      }
    }
  });

  it("takes the inverse-gradient step x − ηJ⁻¹y with J from jacobianDiagonal", () => {
    for (const x of samplePoints(4, 200)) {
      const point = Float64Array.from(x);
      const jacobian = physics.jacobianDiagonal(point, 1);
      const y = physics.forward(point, 1);
      for (const eta of STEP_SIZES) {
        const expected = point.map((xi, i) => xi - (eta * (y[i] as number)) / (jacobian[i] as number));
        expect(relativeDifference(squareToySteps.inverseGradient(x, eta), expected), `x = ${x}, η = ${eta}`).toBeLessThan(1e-14);
      }
    }
  });

  it("shrinks L by exactly (1 − η)² per step over 100 physical steps of η = 0.05 from (3, 3)", () => {
    const eta = 0.05;
    const points = trajectory(squareToySteps.physical, [3, 3], eta, 100);
    const losses = points.map(squareToyLoss);
    expect(losses[0]).toBe(90);
    for (let k = 1; k < losses.length; k++) {
      expect(Math.abs((losses[k] as number) / (losses[k - 1] as number) - (1 - eta) ** 2), `step ${k}`).toBeLessThan(1e-13);
    }
    expect(Math.abs((losses[100] as number) / (90 * (1 - eta) ** 200) - 1)).toBeLessThan(1e-12);
  });

  it("follows the paper's Newton markers from (3, 3): x1 = 3·0.5^k, x2 = 3·(5/6)^k for η = 0.5", () => {
    const points = trajectory(squareToySteps.newton, [3, 3], 0.5, 10);
    points.forEach((point, k) => {
      expect(relativeDifference(point, [3 * 0.5 ** k, 3 * (5 / 6) ** k]), `step ${k}`).toBeLessThan(1e-14);
    });
  });

  it("does not modify its input point", () => {
    const x: [number, number] = [3, 3];
    for (const rule of Object.values(squareToySteps)) rule(x, 0.5);
    expect(x).toEqual([3, 3]);
  });
});

describe("trajectory", () => {
  it("returns the start and every iterate of the rule", () => {
    const points = trajectory(squareToySteps.gradientDescent, [3, 3], 0.005, 1000);
    expect(points.length).toBe(1001);
    expect(points[0]).toEqual([3, 3]);
    for (let k = 1; k < points.length; k++) {
      expect(points[k]).toEqual(squareToySteps.gradientDescent(points[k - 1] as SquareToyPoint, 0.005));
    }
    expect(squareToyLoss(points[1000] as SquareToyPoint)).toBeLessThan(squareToyLoss([3, 3]));
  });

  it("returns only the start for zero steps", () => {
    expect(trajectory(squareToySteps.physical, [1, 2], 0.5, 0)).toEqual([[1, 2]]);
  });
});

describe("square toy exceptions", () => {
  it("rejects step sizes that are not finite and > 0, and physical step sizes above 1", () => {
    expectValidationError(() => squareToySteps.newton([3, 3], 0), "squareToySteps.newton: stepSize must be a finite number > 0; received 0.");
    expectValidationError(
      () => squareToySteps.gradientDescent([3, 3], Number.NaN),
      "squareToySteps.gradientDescent: stepSize must be a finite number > 0; received NaN.",
    );
    expectValidationError(() => squareToySteps.physical([3, 3], 1.5), "squareToySteps.physical: stepSize must be a number in (0, 1]; received 1.5.");
  });

  it("rejects points that are not two finite numbers", () => {
    expectValidationError(
      () => squareToySteps.inverseGradient([3] as unknown as SquareToyPoint, 0.1),
      "squareToySteps.inverseGradient: x must be a point [x1, x2] of two finite numbers; received Array(1) [3].",
    );
    expectValidationError(
      () => squareToySteps.physical([3, Number.NaN], 0.1),
      "squareToySteps.physical: x must be a point [x1, x2] of two finite numbers; received Array(2) [3, NaN].",
    );
    expectValidationError(
      () => squareToyLoss(Float64Array.of(1, 2) as unknown as SquareToyPoint),
      "squareToyLoss: x must be a point [x1, x2] of two finite numbers; received Float64Array(2) [1, 2].",
    );
  });

  it("rejects a trajectory with a bad rule, start or step count", () => {
    expectValidationError(
      () => trajectory("newton" as unknown as typeof squareToySteps.newton, [3, 3], 0.1, 5),
      'trajectory: rule must be a step rule (x, stepSize) => x, e.g. squareToySteps.physical; received "newton".',
    );
    expectValidationError(
      () => trajectory(squareToySteps.newton, [3, Number.POSITIVE_INFINITY], 0.1, 5),
      "trajectory: start must be a point [x1, x2] of two finite numbers; received Array(2) [3, Infinity].",
    );
    expectValidationError(() => trajectory(squareToySteps.newton, [3, 3], 0.1, -1), "trajectory: steps must be a non-negative integer; received -1.");
    expectValidationError(() => trajectory(squareToySteps.newton, [3, 3], -0.1, 5), "trajectory: stepSize must be a finite number > 0; received -0.1.");
  });
});
