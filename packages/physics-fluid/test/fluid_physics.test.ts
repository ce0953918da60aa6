import { PgValidationError, type Physics } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { FLUID_GRID, fluidEstimator, fluidInverse, fluidPhysics, simulateFluid, swirlField, uniformVelocity, type FluidGrid } from "../src/index";

const small: FluidGrid = { nx: 12, ny: 10, dx: 2 };
const cells = small.nx * small.ny;
// Near-exact projections, so that P is a smooth function of v₀ for the finite differences.
const exact = { grid: small, steps: 3, initialTolerance: 1e-13, stepTolerance: 1e-13 };

/** A smooth blob (no clamp kinks inside the finite-difference step) or a 0/1 block (clamps everywhere), per example. */
function marker(kind: "blob" | "block", batch: number): Float64Array {
  const m = new Float64Array(batch * cells);
  for (let e = 0; e < batch; e++) {
    for (let i = 0; i < small.nx; i++) {
      for (let j = 0; j < small.ny; j++) {
        const d2 = (i - 5 - e) ** 2 + (j - 4) ** 2;
        m[e * cells + i * small.ny + j] = kind === "blob" ? Math.exp(-d2 / 6) : i >= 3 + e && i < 7 + e && j >= 3 && j < 6 ? 1 : 0;
      }
    }
  }
  return m;
}

/** A smooth cell-centred velocity: a few low modes with random amplitudes of order 1. */
function smoothVelocity(batch: number, seed: number): Float64Array {
  const random = testRandom(seed);
  const v = new Float64Array(batch * cells * 2);
  for (let e = 0; e < batch; e++) {
    const a = Array.from({ length: 8 }, () => 2 * random() - 1);
    for (let i = 0; i < small.nx; i++) {
      for (let j = 0; j < small.ny; j++) {
        const px = (2 * Math.PI * i) / small.nx;
        const py = (2 * Math.PI * j) / small.ny;
        const k = ((e * small.nx + i) * small.ny + j) * 2;
        v[k] = 0.7 + a[0]! * Math.sin(py) + a[1]! * Math.cos(px + py) + 0.3 * a[2]! * Math.sin(2 * px);
        v[k + 1] = -0.4 + a[3]! * Math.cos(px) + a[4]! * Math.sin(px - py) + 0.3 * a[5]! * Math.cos(2 * py);
      }
    }
  }
  return v;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

/** ⟨adjoint(x, w), d⟩ against the central difference of ⟨w, P(x + h·d)⟩. */
function directionalCheck(physics: Physics, x: Float64Array, batch: number, seed: number, h: number) {
  const random = testRandom(seed);
  const w = Float64Array.from({ length: batch * cells }, () => 2 * random() - 1);
  const d = Float64Array.from({ length: x.length }, () => 2 * random() - 1);
  const adjoint = dot(physics.adjoint(x, w, batch), d);
  const plus = dot(w, physics.forward(x.map((v, i) => v + h * (d[i] as number)), batch));
  const minus = dot(w, physics.forward(x.map((v, i) => v - h * (d[i] as number)), batch));
  const fd = (plus - minus) / (2 * h);
  return { adjoint, fd, relative: Math.abs(adjoint - fd) / Math.max(Math.abs(fd), 1e-300) };
}

describe("fluidPhysics", () => {
  it("forward is m(t = 2) of simulateFluid from the stored m₀", () => {
    const m0 = marker("block", 2);
    const v0 = smoothVelocity(2, 1);
    const physics = fluidPhysics(m0, 2, { grid: small });
    expect(Array.from(physics.forward(v0, 2))).toEqual(Array.from(simulateFluid(m0, v0, small, 2).markers[8]!));
    expect(physics.lastUnconverged).toBe(0);
  });

  it("adjoint matches central finite differences for a smooth marker (every map smooth)", () => {
    const physics = fluidPhysics(marker("blob", 2), 2, exact);
    const check = directionalCheck(physics, smoothVelocity(2, 2), 2, 3, 1e-5);
    expect(check.relative).toBeLessThan(1e-6);
  });

  it("adjoint matches finite differences with the clamps active (a 0/1 block marker)", () => {
    const physics = fluidPhysics(marker("block", 2), 2, exact);
    const check = directionalCheck(physics, smoothVelocity(2, 4), 2, 5, 1e-6);
    expect(check.relative).toBeLessThan(1e-5);
  });

  it("the objective's gradient through P agrees with finite differences of L(v₀) (64 × 64, 2 steps)", () => {
    // The frequency loss only sees the lowest modes of a 64 × 64 grid (w(1,0) = 0.458, w(4,0) = 4e-6), so this
    // check runs on the experiment's grid: a wide blob moved by a drift plus a swirl.
    const n = 64 * 64;
    const m0 = new Float64Array(n);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) m0[i * 64 + j] = Math.exp(-((i - 26) ** 2 + (j - 36) ** 2) / 40);
    const physics = fluidPhysics(m0, 1, { steps: 2, initialTolerance: 1e-12, stepTolerance: 1e-12 });
    const drift = uniformVelocity(Float64Array.of(3, -2), FLUID_GRID, 1);
    const target = physics.forward(swirlField(Float64Array.of(1.5), FLUID_GRID, 1).map((v, k) => v + (drift[k] as number)), 1);
    const x = swirlField(Float64Array.of(0.5), FLUID_GRID, 1).map((v, k) => v + (drift[k] as number));
    const loss = (v: Float64Array) => physics.objective.value(physics.forward(v, 1), target, 1)[0] as number;
    const gradient = physics.adjoint(x, physics.objective.gradient(physics.forward(x, 1), target, 1), 1);
    const random = testRandom(8);
    const d = Float64Array.from({ length: x.length }, () => 2 * random() - 1);
    const h = 1e-6;
    const fd = (loss(x.map((v, i) => v + h * (d[i] as number))) - loss(x.map((v, i) => v - h * (d[i] as number)))) / (2 * h);
    expect(Math.abs(fd)).toBeGreaterThan(1e-3);
    expect(Math.abs(dot(gradient, d) - fd) / Math.abs(fd)).toBeLessThan(1e-5);
  });

  it("refuses another batch size and a wrong x, naming them", () => {
    const physics = fluidPhysics(marker("blob", 2), 2, { grid: small });
    expect(() => physics.forward(smoothVelocity(1, 1), 1)).toThrow(PgValidationError);
    expect(() => physics.forward(smoothVelocity(1, 1), 1)).toThrow(/fluidPhysics\.forward: batch must be 2 \(the batch of m₀/);
    expect(() => physics.forward(new Float64Array(cells), 2)).toThrow(/fluidPhysics\.forward: x must have length/);
  });
});

describe("fluidInverse", () => {
  it("moves the swirl strength toward the truth on data made by P (64 × 64)", () => {
    const batch = 1;
    const m0 = new Float64Array(64 * 64);
    for (let i = 20; i < 28; i++) for (let j = 34; j < 42; j++) m0[i * 64 + j] = 1;
    const physics = fluidPhysics(m0, batch);
    // The experiment's v₀* without fluctuations: the drift that brings the centre of mass to (64, 64) plus a swirl of 1.
    const drift = uniformVelocity(Float64Array.of((64 - 48) / 2, (64 - 76) / 2), FLUID_GRID, batch);
    const truth = swirlField(Float64Array.of(1), FLUID_GRID, batch).map((v, k) => v + (drift[k] as number));
    const yTarget = physics.forward(truth, batch);
    const result = fluidInverse().solve({ physics, x: drift, yTarget, batch });
    const strength = (v: Float64Array) => {
      let s = 0;
      for (let k = 0; k < v.length; k++) s += Math.abs((v[k] as number) - (drift[k] as number));
      return s;
    };
    // From ω = 0 the estimate's swirl part is nearer the true one than the guess's (which has none).
    expect(strength(result.x.map((v, k) => v - (truth[k] as number) + (drift[k] as number)))).toBeLessThan(strength(truth));
    expect(result.reasons).toEqual(["exact"]);
    expect(result.objective![0]).toBeGreaterThan(12.95);
  });

  it("uses the physics' own forward run: the same estimate as a fresh simulation, and no second run for the loss", () => {
    const m0 = marker("block", 2);
    const physics = fluidPhysics(m0, 2, { grid: small });
    const yTarget = physics.forward(smoothVelocity(2, 11), 2);
    const x = smoothVelocity(2, 12);
    const result = fluidInverse().solve({ physics, x, yTarget, batch: 2 });
    const fresh = fluidEstimator(m0, yTarget, x, small, 2);
    expect(Array.from(result.x)).toEqual(Array.from(fresh.x));
    expect(Array.from(result.objective!)).toEqual(Array.from(fresh.loss));
    expect(physics.trajectory(x, 2)).toBe(physics.trajectory(Float64Array.from(x), 2));
  });

  it("reports nonFinite with an all-NaN estimate for an example whose x or y* is not finite, and estimates the others", () => {
    const m0 = marker("block", 3);
    const physics = fluidPhysics(m0, 3, { grid: small });
    const yTarget = physics.forward(smoothVelocity(3, 21), 3);
    const x = smoothVelocity(3, 22);
    x[2 * cells + 7] = Number.NaN; // example 1: x
    yTarget[2 * cells + 3] = Infinity; // example 2: y*
    const result = fluidInverse().solve({ physics, x, yTarget, batch: 3 });
    expect(result.reasons).toEqual(["exact", "nonFinite", "nonFinite"]);
    expect(result.x.subarray(2 * cells).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(result.objective![1]) && Number.isNaN(result.objective![2])).toBe(true);
    const alone = fluidEstimator(m0.subarray(0, cells), yTarget.subarray(0, cells), x.subarray(0, 2 * cells), small, 1);
    const difference = Math.max(...result.x.subarray(0, 2 * cells).map((v, k) => Math.abs(v - (alone.x[k] as number))));
    expect(difference).toBeLessThan(1e-12);
    expect(Number.isNaN(x[2 * cells + 7])).toBe(true); // the caller's arrays are left alone
  });
});
