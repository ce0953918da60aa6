import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { DEGREES_PI, rotatedSinPhysics, type RotatedSinPhysics } from "../src/index";

/** The settings the tests run over: the published runs' ξ = 1 and 32 at 45°, the default 10, and others. */
const SETTINGS = [
  { illConditioning: 1, angle: 45 },
  { illConditioning: 10, angle: 45 },
  { illConditioning: 32, angle: 45 },
  { illConditioning: 3, angle: 0 },
  { illConditioning: 0.5, angle: -120, scale: 2 },
] as const;

/** x with u of order 1–10 on both axes: x ~ U(−1, 1)² / S (the scale a trained network predicts at). */
function points(physics: RotatedSinPhysics, seed: number, batch: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length: 2 * batch }, () => (2 * random() - 1) / physics.scale);
}

/** y* ~ U(−1, 1)², the published data. */
function targets(seed: number, batch: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length: 2 * batch }, () => 2 * random() - 1);
}

/** The forward written from its definition step by step: rotate counter-clockwise, scale, then (sin u₁, u₂). */
function reference(physics: RotatedSinPhysics, x1: number, x2: number): [number, number] {
  const phi = (physics.angle * DEGREES_PI) / 180;
  const rotated1 = Math.cos(phi) * x1 - Math.sin(phi) * x2;
  const rotated2 = Math.sin(phi) * x1 + Math.cos(phi) * x2;
  const u1 = (rotated1 * physics.scale) / physics.illConditioning;
  const u2 = rotated2 * physics.scale * physics.illConditioning;
  return [Math.sin(u1), u2];
}

function loss(physics: RotatedSinPhysics, x: Float64Array, target: Float64Array): number {
  const y = physics.forward(x, 1);
  return 0.5 * ((y[0]! - target[0]!) ** 2 + (y[1]! - target[1]!) ** 2);
}

describe("rotatedSinPhysics", () => {
  it("defaults to ξ = 10, φ = 45° = 0.785375 rad (π taken as 3.1415), S = 10", () => {
    const physics = rotatedSinPhysics();
    expect([physics.illConditioning, physics.angle, physics.scale]).toEqual([10, 45, 10]);
    expect(physics.angleRadians).toBeCloseTo(0.785375, 15);
    expect(physics.scales).toEqual([1, 100]);
    expect(physics.xShape).toEqual([2]);
    expect(physics.yShape).toEqual([2]);
  });

  it.each(SETTINGS)("computes (sin u₁, u₂) with u = diag(S/ξ, Sξ)·R(φ)·x (%o)", (options) => {
    const physics = rotatedSinPhysics(options);
    const x = points(physics, 1, 20);
    const y = physics.forward(x, 20);
    for (let b = 0; b < 20; b++) {
      const [y1, y2] = reference(physics, x[2 * b]!, x[2 * b + 1]!);
      expect(y[2 * b]).toBeCloseTo(y1, 14);
      expect(Math.abs(y[2 * b + 1]! - y2)).toBeLessThan(1e-13 * Math.max(1, Math.abs(y2)));
    }
  });

  it("rotates counter-clockwise: at φ = 90° with ξ = 1 the x₂ axis maps onto −u₁", () => {
    const physics = rotatedSinPhysics({ illConditioning: 1, angle: 90, scale: 1 });
    const y = physics.forward(Float64Array.of(0, 0.5), 1);
    // cos(1.57075) ≈ 4.6e-5, not 0: the angle is converted with π ≈ 3.1415.
    expect(y[0]).toBeCloseTo(Math.sin(-0.5 * Math.sin(1.57075)), 15);
    expect(y[1]).toBeCloseTo(0.5 * Math.cos(1.57075), 15);
    expect(y[1]).toBeGreaterThan(1e-5);
  });

  it.each(SETTINGS)("passes the adjoint identity and finite differences (%o)", (options) => {
    const physics = rotatedSinPhysics(options);
    const samplePoint = (random: () => number) => (2 * random() - 1) / physics.scale;
    for (const batch of [1, 5, 32]) {
      expect(checkAdjoint(physics, { batch, samplePoint, step: 1e-7 }).relativeError).toBeLessThan(1e-6);
      expect(checkFiniteDifferences(physics, { batch, samplePoint, step: 1e-7 }).relativeError).toBeLessThan(1e-6);
    }
  });

  it.each(SETTINGS)("gives the gradient and Hessian of ½‖P(x) − y*‖² (against finite differences; %o)", (options) => {
    const physics = rotatedSinPhysics(options);
    const batch = 16;
    const x = points(physics, 2, batch);
    const y = targets(3, batch);
    const { gradient, hessian } = physics.lossDerivatives(x, y, batch);
    const residual = physics.forward(x, batch).map((v, i) => v - y[i]!);
    expect(relativeDifference(gradient, physics.adjoint(x, residual, batch))).toBeLessThan(1e-13);
    const h = 1e-6 / physics.scale;
    for (let b = 0; b < batch; b++) {
      const xb = x.slice(2 * b, 2 * b + 2);
      const yb = y.slice(2 * b, 2 * b + 2);
      const finiteGradient: number[] = [];
      const finiteHessian: number[] = [];
      for (let j = 0; j < 2; j++) {
        const plus = Float64Array.from(xb);
        const minus = Float64Array.from(xb);
        plus[j] = plus[j]! + h;
        minus[j] = minus[j]! - h;
        finiteGradient.push((loss(physics, plus, yb) - loss(physics, minus, yb)) / (2 * h));
        const gPlus = physics.lossDerivatives(plus, yb, 1).gradient;
        const gMinus = physics.lossDerivatives(minus, yb, 1).gradient;
        // Row j of H: ∂g/∂x_j.
        finiteHessian.push((gPlus[0]! - gMinus[0]!) / (2 * h), (gPlus[1]! - gMinus[1]!) / (2 * h));
      }
      const own = hessian.slice(4 * b, 4 * b + 4);
      expect(own[1]).toBe(own[2]);
      expect(relativeDifference(gradient.slice(2 * b, 2 * b + 2), finiteGradient)).toBeLessThan(1e-5);
      // finiteHessian holds the columns ∂g/∂x_j; H is symmetric, so [∂g₁/∂x₁, ∂g₂/∂x₁, ∂g₁/∂x₂, ∂g₂/∂x₂] = H row-major.
      expect(relativeDifference(own, finiteHessian)).toBeLessThan(1e-5);
    }
  });

  it.each(SETTINGS)("closestSolution solves P(x_sol) = y* and returns x itself when x already solves it (%o)", (options) => {
    const physics = rotatedSinPhysics(options);
    const batch = 200;
    const x = points(physics, 4, batch);
    const y = targets(5, batch);
    const solution = physics.closestSolution(x, y, batch);
    const solved = physics.forward(solution, batch);
    for (let i = 0; i < 2 * batch; i++) expect(Math.abs(solved[i]! - y[i]!)).toBeLessThan(1e-12 * Math.max(1, physics.scales[1]));
    const again = physics.closestSolution(x, physics.forward(x, batch), batch);
    expect(relativeDifference(again, x)).toBeLessThan(1e-12);
  });

  it.each(SETTINGS)("closestSolution picks the solution nearest in u₁ among both families and every period (%o)", (options) => {
    const physics = rotatedSinPhysics(options);
    const batch = 300;
    // Predictions over several periods of u₁.
    const x = points(physics, 6, batch).map((v) => 8 * v);
    const y = targets(7, batch);
    const solution = physics.closestSolution(x, y, batch);
    const [a1] = physics.scales;
    const c = Math.cos(physics.angleRadians);
    const s = Math.sin(physics.angleRadians);
    const u1Of = (x1: number, x2: number) => a1 * (c * x1 - s * x2);
    for (let b = 0; b < batch; b++) {
      const u1 = u1Of(x[2 * b]!, x[2 * b + 1]!);
      const chosen = Math.abs(u1Of(solution[2 * b]!, solution[2 * b + 1]!) - u1);
      const first = Math.asin(y[2 * b]!);
      let best = Infinity;
      for (const family of [first, Math.PI - first]) {
        for (let n = -30; n <= 30; n++) best = Math.min(best, Math.abs(family + 2 * Math.PI * n - u1));
      }
      expect(chosen).toBeLessThan(best + 1e-9);
    }
  });

  it("closestSolution matches hand-computed cases (ξ = 1, φ = 0, S = 10: u = 10x)", () => {
    const physics = rotatedSinPhysics({ illConditioning: 1, angle: 0 });
    // u₁ = 2, y₁* = 0: family 1 (0 + 2πn) is 0.318 turns away, family 2 (π + 2πn) 0.182 → u₁ = π.
    // u₁ = 7, y₁* = ½: π/6 + 2π is 0.031 turns away, 5π/6 + 2π 0.303 → u₁ = π/6 + 2π.
    const solution = physics.closestSolution(Float64Array.of(0.2, 0.03, 0.7, 0), Float64Array.of(0, 0.5, 0.5, -1), 2);
    expect(solution[0]).toBeCloseTo(Math.PI / 10, 15);
    expect(solution[1]).toBeCloseTo(0.05, 15);
    expect(solution[2]).toBeCloseTo((Math.PI / 6 + 2 * Math.PI) / 10, 15);
    expect(solution[3]).toBeCloseTo(-0.1, 15);
  });

  it("closestSolution refuses a target with |y₁*| > 1, naming the example", () => {
    const physics = rotatedSinPhysics();
    expect(() => physics.closestSolution(Float64Array.of(0, 0, 0, 0), Float64Array.of(0.5, 0, -1.5, 0), 2)).toThrow(
      /rotatedSinPhysics\.closestSolution: yTarget must be targets with \|y₁\*\| ≤ 1 .*Example 1 has y₁\* = -1\.5\./,
    );
  });
});
