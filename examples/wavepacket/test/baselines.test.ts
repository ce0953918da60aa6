import { WAVE_PACKET_DATA, random, wavePackets } from "@pg/data";
import { wavePacketPhysics } from "@pg/physics-toys";
import { minimizeLbfgsb } from "@pg/solvers";
import { describe, expect, it } from "vitest";
import {
  DIVERGENCE_LIMITS,
  binErrors,
  centerBins,
  evaluationSet,
  fitLbfgsb,
  hasDiverged,
  randomGuessing,
  summarizeErrors,
} from "../src/baselines";
import { trailingAverage } from "../src/figures";

/** L = ‖y(x) − y*‖² and its gradient through the physics' adjoint, for minimizeLbfgsb. */
function objectiveFor(target: Float64Array) {
  const physics = wavePacketPhysics();
  return (x: Float64Array, gradient: Float64Array): number => {
    const y = physics.forward(x, 1);
    gradient.set(physics.adjoint(x, physics.objective.gradient(y, target, 1), 1));
    return physics.objective.value(y, target, 1)[0] as number;
  };
}

describe("wave-packet recovery by L-BFGS-B", () => {
  // Lives here rather than in @pg/physics-toys: @pg/solvers already depends on @pg/physics-toys (dev), so the reverse
  // dependency would make a cycle.
  it("recovers noise-free packets from within 5 samples and 20 % amplitude", () => {
    const physics = wavePacketPhysics();
    const stream = random(8);
    const { parameters, y } = wavePackets(stream, { batch: 40, noise: 0 });
    for (let b = 0; b < 40; b++) {
      const center = parameters[2 * b] as number;
      const amplitude = parameters[2 * b + 1] as number;
      const start = Float64Array.of(center + stream.uniform(-5, 5), amplitude * stream.uniform(0.8, 1.2));
      const fit = minimizeLbfgsb(objectiveFor(y.subarray(b * 256, (b + 1) * 256)), start);
      expect(fit.reason, `example ${b}`).toBe("converged");
      expect(Math.abs((fit.x[0] as number) - center), `ξ₀ of example ${b}: ${fit.x[0]} vs ${center}`).toBeLessThan(1e-4);
      expect(Math.abs((fit.x[1] as number) - amplitude), `A of example ${b}: ${fit.x[1]} vs ${amplitude}`).toBeLessThan(1e-5);
      expect(fit.value).toBeLessThan(1e-9);
      expect(physics.objective.value(physics.forward(fit.x, 1), y.subarray(b * 256, (b + 1) * 256), 1)[0]).toBeCloseTo(fit.value, 12);
    }
  });

  it("fits central noisy packets from (128, 2) to the noise level, and misses far ones (the failure of Fig. 1)", () => {
    const physics = wavePacketPhysics();
    const set = evaluationSet(200, 3);
    const fits = fitLbfgsb(physics, set);
    const bins = binErrors(centerBins(8), fits.x, fits.objective, set.parameters, fits.diverged);
    // Bins 3 and 4 hold ξ₀ ∈ [102.4, 153.6): the packet overlaps the initial guess and is found to ≈ the noise limit.
    expect(bins[3]!.x_err).toBeLessThan(6);
    expect(bins[4]!.x_err).toBeLessThan(6);
    // Bins 0 and 7 hold packets near the edges: L-BFGS-B fits the noise near the centre instead.
    expect(bins[0]!.x_err).toBeGreaterThan(30);
    expect(bins[7]!.x_err).toBeGreaterThan(30);
  });
});

describe("references", () => {
  it("flags fits as diverged when non-finite or beyond 10× the data range", () => {
    expect(DIVERGENCE_LIMITS).toEqual({ center: 2304, amplitude: 40 });
    expect(hasDiverged(128, 2, 300)).toBe(false);
    expect(hasDiverged(-2000, 39, 300)).toBe(false);
    expect(hasDiverged(2305, 2, 300)).toBe(true);
    expect(hasDiverged(128, -41, 300)).toBe(true);
    expect(hasDiverged(Number.NaN, 2, 300)).toBe(true);
    expect(hasDiverged(128, 2, Number.POSITIVE_INFINITY)).toBe(true);
  });

  it("bins the true ξ₀ into 8 equal bins over [25.6, 230.4)", () => {
    const bins = centerBins(8);
    expect(bins.width).toBeCloseTo(25.6, 12);
    expect(bins.indexOf(25.6)).toBe(0);
    expect(bins.indexOf(51.19)).toBe(0);
    expect(bins.indexOf(51.21)).toBe(1);
    expect(bins.indexOf(230.39)).toBe(7);
    expect(bins.indexOf(1000)).toBe(7);
    const rows = binErrors(bins, Float64Array.of(30, 1, 100, 2, 0, 0), Float64Array.of(1, 2, 3), Float64Array.of(40, 2, 110, 2, 45, 1), Uint8Array.of(0, 0, 1));
    expect(rows[0]).toMatchObject({ examples: 2, diverged: 1, x_err: 10, amplitudeError: 1, loss: 1 });
    expect(rows[3]).toMatchObject({ examples: 1, diverged: 0, x_err: 10, amplitudeError: 0, loss: 2 });
  });

  it("summarises errors over the included examples only", () => {
    const summary = summarizeErrors(Float64Array.of(1, 1, 5, 5), Float64Array.of(10, 1000), Float64Array.of(0, 0, 0, 0), (b) => b === 0);
    expect(summary).toEqual({ loss: 10, x_err: 1, amplitudeError: 1, count: 1 });
  });

  it("gives random guessing the expected MAEs (68.27 for ξ₀, 1 for A) within sampling error", () => {
    const set = evaluationSet(2000, 5);
    const guessing = randomGuessing(wavePacketPhysics(), set, 10);
    expect(guessing.expectedCenterError).toBeCloseTo(68.2667, 4);
    expect(guessing.expectedAmplitudeError).toBeCloseTo(1, 12);
    // σ of |U − U′| is w/(3√2) ≈ 48.3 for ξ₀ and 0.707 for A; 20,000 guesses (correlated within an example).
    expect(Math.abs(guessing.errors.x_err - 68.2667)).toBeLessThan(2.5);
    expect(Math.abs(guessing.errors.amplitudeError - 1)).toBeLessThan(0.04);
    expect(guessing.errors.count).toBe(20000);
    for (let b = 0; b < 3; b++) {
      for (let k = 0; k < 10; k++) {
        const g = b * 10 + k;
        expect(guessing.guesses[2 * g]! >= WAVE_PACKET_DATA.center.low && guessing.guesses[2 * g]! < WAVE_PACKET_DATA.center.high).toBe(true);
        expect(guessing.guesses[2 * g + 1]! >= 1 && guessing.guesses[2 * g + 1]! < 4).toBe(true);
      }
    }
  });

  it("averages trailing windows as the run summary does", () => {
    expect(Array.from(trailingAverage([2, 4, 6, 8], 2))).toEqual([2, 3, 5, 7]);
    expect(Array.from(trailingAverage([1, 2, 3], 10))).toEqual([1, 1.5, 2]);
  });
});
