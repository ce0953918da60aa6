import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { expPhysics } from "../src/index";

const physics = expPhysics();

/** Points x ∈ [−12, 2): the training range of x* and a little beyond. */
const samplePoint = (random: () => number) => -12 + 14 * random();

function points(seed: number, count: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length: count }, () => samplePoint(random));
}

/** L = ½(eˣ − y*)² of one example. */
const loss = (x: number, target: number) => 0.5 * (Math.exp(x) - target) ** 2;

describe("expPhysics", () => {
  it("has one entry per example in x and y", () => {
    expect(physics.xShape).toEqual([1]);
    expect(physics.yShape).toEqual([1]);
  });

  it("maps x to eˣ", () => {
    const x = Float64Array.of(0, 1, -1, -12, 3.5);
    expect(Array.from(physics.forward(x, 5))).toEqual([1, Math.E, 1 / Math.E, Math.exp(-12), Math.exp(3.5)]);
  });

  it.each([1, 7, 64])("passes the adjoint identity ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ and finite differences (batch %i)", (batch) => {
    expect(checkAdjoint(physics, { batch, samplePoint }).relativeError).toBeLessThan(1e-7);
    expect(checkFiniteDifferences(physics, { batch, samplePoint, step: 1e-6 }).relativeError).toBeLessThan(1e-6);
  });

  it("gives the Jacobian diagonal of central differences of the forward", () => {
    const x = points(3, 50);
    const h = 1e-6;
    const differences = x.map((v) => (Math.exp(v + h) - Math.exp(v - h)) / (2 * h));
    expect(relativeDifference(physics.jacobianDiagonal(x, 50), differences)).toBeLessThan(1e-7);
  });

  it("gives the gradient and curvature of ½(eˣ − y*)², against central differences of L and of its gradient", () => {
    const x = points(4, 200);
    const targets = points(5, 200).map(Math.exp);
    const { gradient, curvature } = physics.newtonDerivatives(x, targets, 200);
    const h = 1e-5;
    const gradientDifferences = x.map((v, i) => (loss(v + h, targets[i]!) - loss(v - h, targets[i]!)) / (2 * h));
    const exactGradient = (v: number, target: number) => (Math.exp(v) - target) * Math.exp(v);
    const curvatureDifferences = x.map((v, i) => (exactGradient(v + h, targets[i]!) - exactGradient(v - h, targets[i]!)) / (2 * h));
    // Per example relative to its own scale (eˣ spans 12 orders of magnitude over the points), plus the round-off of
    // differencing L itself, about 1e-16·L/h.
    for (let i = 0; i < 200; i++) {
      const scale = Math.exp(2 * x[i]!) + targets[i]! * Math.exp(x[i]!);
      const roundOff = (1e-15 * (1 + loss(x[i]!, targets[i]!))) / h;
      expect(Math.abs(gradient[i]! - gradientDifferences[i]!)).toBeLessThan(1e-6 * scale + roundOff);
      expect(Math.abs(curvature[i]! - curvatureDifferences[i]!) / scale).toBeLessThan(1e-6);
    }
    // The gradient is the adjoint applied to ∂L/∂y = eˣ − y*.
    const residual = physics.forward(x, 200).map((y, i) => y - targets[i]!);
    expect(relativeDifference(gradient, physics.adjoint(x, residual, 200))).toBeLessThan(1e-14);
  });

  it("has zero curvature at eˣ = ½y*, negative below and positive above", () => {
    const target = Float64Array.of(2, 2, 2);
    const { curvature } = physics.newtonDerivatives(Float64Array.of(0, -0.5, 0.5), target, 3);
    expect(curvature[0]).toBe(0);
    expect(curvature[1]).toBeLessThan(0);
    expect(curvature[2]).toBeGreaterThan(0);
  });

  it("inverts the forward: inverse(forward(x)) = x and forward(inverse(y)) = y", () => {
    const x = points(6, 1000);
    const roundTrip = physics.inverse(physics.forward(x, 1000), 1000);
    for (let i = 0; i < 1000; i++) expect(Math.abs(roundTrip[i]! - x[i]!)).toBeLessThan(1e-14);
    const y = x.map(Math.exp);
    expect(relativeDifference(physics.forward(physics.inverse(y, 1000), 1000), y)).toBeLessThan(1e-15);
  });

  it("overflows to Infinity beyond ln(Number.MAX_VALUE) and gives a zero adjoint for a zero cotangent there", () => {
    const x = Float64Array.of(710, 1);
    expect(physics.forward(x, 2)[0]).toBe(Infinity);
    expect(Array.from(physics.adjoint(x, Float64Array.of(0, 1), 2))).toEqual([0, Math.E]);
  });
});
