import { describe, expect, it } from "vitest";
import { sinPhysics } from "../src/index";

describe("sinPhysics at x = 0", () => {
  it("evaluates ±0 as +0⁺, so a float32 network that outputs exactly 0 still gets a finite objective", () => {
    const a = Float64Array.of(0.1852468338658896, 10.1);
    const physics = sinPhysics({ a });
    const atZero = physics.forward(Float64Array.of(0, -0), 2);
    expect(Array.from(atZero).every(Number.isFinite)).toBe(true);
    expect(Array.from(atZero)).toEqual(Array.from(physics.forward(Float64Array.of(1e-300, 1e-300), 2)));
    expect(Array.from(physics.closestMinimum(Float64Array.of(0, 0))).every((v) => v > 0)).toBe(true);
  });

  it("returns a zero vector–Jacobian product for a zero cotangent even where the Jacobian overflows", () => {
    const physics = sinPhysics({ a: Float64Array.of(2, 3) });
    const dx = physics.adjoint(Float64Array.of(0, 1e-200), Float64Array.of(0, 0), 2);
    expect(Array.from(dx)).toEqual([0, 0]);
    const nonzero = physics.adjoint(Float64Array.of(0, 1e-200), Float64Array.of(1, 1), 2);
    expect(Array.from(nonzero).some((v) => !Number.isNaN(v))).toBe(true);
  });
});
