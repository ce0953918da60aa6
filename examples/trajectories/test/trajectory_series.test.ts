import { squareToySteps } from "@pg/physics-toys";
import { describe, expect, it } from "vitest";
import { TRAJECTORY_START, trajectorySeries, type TrajectorySeries } from "../src/index";

function find(method: string, steps: number): TrajectorySeries {
  const found = trajectorySeries().find((s) => s.method === method && s.steps === steps);
  if (found === undefined) throw new Error(`no ${method} series of ${steps} steps`);
  return found;
}

/** |a − b| ≤ tolerance × max(1, |b|), entry by entry. */
function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - (expected[i] as number)), `entry ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i] as number))));
}

describe("the step rules of @pg/physics-toys are the figure's formulas", () => {
  // Points away from the start, so that a rule that only agrees at (3, 3) fails.
  const points: [number, number][] = [[3, 3], [-1.25, 0.4], [0.7, -2.2]];
  it("GD x ← x − η(2x₁, 4x₂³), Newton x ← x − η(x₁, x₂/3), PG x ← (x₁(1 − η), x₂√(1 − η))", () => {
    for (const [x1, x2] of points) {
      for (const eta of [0.005, 0.5 / 36, 0.1, 0.5]) {
        expectClose([...squareToySteps.gradientDescent([x1, x2], eta)], [x1 - eta * 2 * x1, x2 - eta * 4 * x2 ** 3]);
        expectClose([...squareToySteps.newton([x1, x2], eta)], [x1 - eta * x1, x2 - (eta * x2) / 3]);
        expectClose([...squareToySteps.physical([x1, x2], eta)], [x1 * (1 - eta), x2 * Math.sqrt(1 - eta)]);
      }
    }
  });

  it("Newton is η·H⁻¹∇L with ∇L = (2x₁, 4x₂³), H = diag(2, 12x₂²); PG scales y = (x₁, x₂²) by 1 − η", () => {
    for (const [x1, x2] of points) {
      const eta = 0.3;
      expectClose([...squareToySteps.newton([x1, x2], eta)], [x1 - (eta * 2 * x1) / 2, x2 - (eta * 4 * x2 ** 3) / (12 * x2 ** 2)]);
      const [p1, p2] = squareToySteps.physical([x1, x2], eta);
      expectClose([p1, p2 * p2], [(1 - eta) * x1, (1 - eta) * x2 * x2]);
      // the branch keeps the sign of x₂
      expect(Math.sign(p2)).toBe(Math.sign(x2));
    }
  });
});

describe("trajectorySeries", () => {
  it("draws five series from (3, 3): markers GD η = 0.5/36 and Newton η = 0.5 (10 steps), lines GD 0.005 × 1000, Newton 0.1 × 100, PG 0.05 × 100", () => {
    const series = trajectorySeries();
    expect(series.map((s) => [s.method, s.stepSize, s.steps, s.style])).toEqual([
      ["GD", 0.5 / 36, 10, "markers"],
      ["Newton", 0.5, 10, "markers"],
      ["GD", 0.005, 1000, "line"],
      ["Newton", 0.1, 100, "line"],
      ["PG", 0.05, 100, "line"],
    ]);
    for (const s of series) {
      expect(s.x).toHaveLength(s.steps + 1);
      expect(s.y).toHaveLength(s.steps + 1);
      expect(s.x[0]).toEqual([3, 3]);
      expect(s.label).toBe(`${s.method}, η = ${s.stepSizeText}, ${s.steps} steps`);
      const [numerator, denominator = "1"] = s.stepSizeText.split("/");
      expect(Number(numerator) / Number(denominator)).toBe(s.stepSize);
    }
    expect(new Set(series.map((s) => s.label)).size).toBe(5);
    expect(TRAJECTORY_START).toEqual([3, 3]);
    expect(Object.isFrozen(TRAJECTORY_START)).toBe(true);
  });

  it("Newton after k steps is the closed form (3(1 − η)^k, 3(1 − η/3)^k): η = 0.5 after 10 steps is (3·0.5¹⁰, 3·(5/6)¹⁰)", () => {
    const newton = find("Newton", 10);
    expectClose([...newton.x[10]!], [3 * 0.5 ** 10, 3 * (1 - 0.5 / 3) ** 10]);
    const line = find("Newton", 100);
    line.x.forEach((point, k) => expectClose([...point], [3 * 0.9 ** k, 3 * (1 - 0.1 / 3) ** k], 1e-11));
  });

  it("PG after k steps is (x₁(1 − η)^k, x₂(1 − η)^(k/2)), so in y space it runs straight to the origin: y_k = (1 − η)^k (3, 9)", () => {
    const pg = find("PG", 100);
    pg.x.forEach((point, k) => expectClose([...point], [3 * 0.95 ** k, 3 * 0.95 ** (k / 2)], 1e-11));
    pg.y.forEach((point, k) => expectClose([...point], [3 * 0.95 ** k, 9 * 0.95 ** k], 1e-11));
    // L = ‖y‖² shrinks by exactly (1 − η)² per step
    expect(pg.y[100]![0] ** 2 + pg.y[100]![1] ** 2).toBeCloseTo(90 * 0.95 ** 200, 12);
  });

  it("GD follows its recurrence; with η = 0.5/36 its first step halves x₂, and x₂ then crawls (4x₂³ vanishes faster than x₂)", () => {
    for (const [steps, eta] of [[10, 0.5 / 36], [1000, 0.005]] as const) {
      const gd = find("GD", steps);
      let [x1, x2] = [3, 3];
      gd.x.forEach((point, k) => {
        expectClose([...point], [x1, x2]);
        if (k < steps) [x1, x2] = [x1 - eta * 2 * x1, x2 - eta * 4 * x2 ** 3];
      });
    }
    const markers = find("GD", 10);
    expectClose([...markers.x[1]!], [3 * (1 - 1 / 36), 1.5]);
    // After 1000 steps of η = 0.005 (time t = 5 of the gradient flow) x₁ is down by 0.99¹⁰⁰⁰ ≈ 4e-5, while x₂ follows
    // the flow's x₂(t) = 1/√(1/9 + 8t) ≈ 0.158: x₂ is still 1200 times larger than x₁.
    const [x1End, x2End] = find("GD", 1000).x[1000]!;
    expect(x1End / 3).toBeCloseTo(0.99 ** 1000, 12);
    expect(Math.abs(x2End / (1 / Math.sqrt(1 / 9 + 8 * 5)) - 1)).toBeLessThan(0.01);
    expect(x2End / x1End).toBeGreaterThan(1000);
  });

  it("maps every iterate through y = (x₁, x₂²)", () => {
    for (const s of trajectorySeries()) {
      s.x.forEach(([x1, x2], k) => expect(s.y[k]).toEqual([x1, x2 * x2]));
    }
  });
});
