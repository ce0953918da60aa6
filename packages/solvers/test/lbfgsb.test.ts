import { describe, expect, it } from "vitest";
import { PgNonFiniteError, PgValidationError, evaluateObjective, type Physics } from "@pg/core";
import { lbfgsb, minimizeLbfgsb, type BoundedSolveProblem, type LbfgsbObjective, type MinimizeLbfgsbOptions } from "../src/index";
import { generalizedCauchyPoint } from "../src/lbfgsb_cauchy_point";
import { LbfgsbMemory } from "../src/lbfgsb_memory";
import { multiplyCompact } from "../src/lbfgsb_subspace";

/** Chained Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², as scipy.optimize.rosen. */
const rosenbrock: LbfgsbObjective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = (x[i + 1] as number) - (x[i] as number) ** 2;
    const b = 1 - (x[i] as number);
    f += 100 * a * a + b * b;
    g[i] = (g[i] as number) - 400 * (x[i] as number) * a - 2 * b;
    g[i + 1] = (g[i + 1] as number) + 200 * a;
  }
  return f;
};

/** Wraps an objective so that every evaluation point is recorded (copied). */
function recording(objective: LbfgsbObjective): { objective: LbfgsbObjective; points: Float64Array[] } {
  const points: Float64Array[] = [];
  return {
    points,
    objective: (x, g) => {
      points.push(Float64Array.from(x));
      return objective(x, g);
    },
  };
}

function expectInsideBox(points: readonly Float64Array[], lower: Float64Array, upper: Float64Array): void {
  expect(points.length).toBeGreaterThan(0);
  for (const p of points) {
    for (let i = 0; i < p.length; i++) {
      expect(p[i]).toBeGreaterThanOrEqual(lower[i] as number);
      expect(p[i]).toBeLessThanOrEqual(upper[i] as number);
    }
  }
}

const maxError = (x: Float64Array, expected: ArrayLike<number>): number =>
  Math.max(...Array.from(x, (v, i) => Math.abs(v - (expected[i] as number))));

/** Seeded uniform [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Solves A x = b (small, dense, Gaussian elimination with partial pivoting). */
function solveSmall(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * The KKT point of min ½xᵀAx − bᵀx on [l, u] for SPD A by enumerating which variables sit at which bound (3ⁿ cases):
 * the unique case whose free variables solve the reduced system inside the box with multipliers of the right sign.
 */
function boxQuadraticByEnumeration(a: number[][], b: number[], l: number[], u: number[]): { x: number[]; state: number[] } {
  const n = b.length;
  for (let code = 0; code < 3 ** n; code++) {
    const state = Array.from({ length: n }, (_, i) => Math.floor(code / 3 ** i) % 3); // 0 free, 1 lower, 2 upper
    const x = state.map((s, i) => (s === 1 ? l[i]! : s === 2 ? u[i]! : 0));
    const free = state.flatMap((s, i) => (s === 0 ? [i] : []));
    if (free.length > 0) {
      const reduced = free.map((i) => free.map((j) => a[i]![j]!));
      const rhs = free.map((i) => b[i]! - state.reduce((sum, s, j) => (s === 0 ? sum : sum + a[i]![j]! * x[j]!), 0));
      solveSmall(reduced, rhs).forEach((v, k) => (x[free[k]!] = v));
    }
    const gradient = x.map((_, i) => a[i]!.reduce((sum, aij, j) => sum + aij * x[j]!, 0) - b[i]!);
    const ok = state.every((s, i) =>
      s === 0 ? x[i]! > l[i]! && x[i]! < u[i]! : s === 1 ? gradient[i]! >= 0 : gradient[i]! <= 0,
    );
    if (ok) return { x, state };
  }
  throw new Error("no KKT point found");
}

describe("minimizeLbfgsb: unconstrained Rosenbrock", () => {
  it("reaches (1, 1) from (−1.2, 1) to 1e-6, in about as many iterations as scipy (36 with default tolerances)", () => {
    const tight = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 1e-10, relativeDecreaseTolerance: 0 });
    expect(tight.reason).toBe("converged");
    expect(tight.convergedBy).toBe("projectedGradient");
    expect(maxError(tight.x, [1, 1])).toBeLessThan(1e-6);
    expect(tight.projectedGradientNorm).toBeLessThanOrEqual(1e-10);

    const scipyLike = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1));
    expect(scipyLike.reason).toBe("converged");
    expect(scipyLike.iterations).toBeGreaterThanOrEqual(25);
    expect(scipyLike.iterations).toBeLessThanOrEqual(50);
    expect(scipyLike.evaluations).toBeLessThanOrEqual(60);
    expect(maxError(scipyLike.x, [1, 1])).toBeLessThan(1e-4);
  });

  it("reaches (1, …, 1) in 10 dimensions from (−1.2, 1, −1.2, 1, …) to 1e-6", () => {
    const x0 = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const result = minimizeLbfgsb(rosenbrock, x0, { gradientTolerance: 1e-10, relativeDecreaseTolerance: 0 });
    expect(result.reason).toBe("converged");
    expect(maxError(result.x, new Array(10).fill(1))).toBeLessThan(1e-6);
    expect(result.iterations).toBeLessThan(150);
    expect(Array.from(x0)).toEqual([-1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1]); // x0 untouched
  });
});

describe("minimizeLbfgsb: bound constraints", () => {
  it("clips a separable quadratic ½‖x − c‖² to [0, 1]ⁿ exactly, with the right active set", () => {
    const c = Float64Array.of(-0.5, 0.3, 1.7, 0.9, 2, -3, 0.5, 0);
    const { objective, points } = recording((x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = (x[i] as number) - (c[i] as number);
        f += 0.5 * (g[i] as number) ** 2;
      }
      return f;
    });
    const lower = new Float64Array(c.length).fill(0);
    const upper = new Float64Array(c.length).fill(1);
    const result = minimizeLbfgsb(objective, new Float64Array(c.length).fill(0.5), { lower: 0, upper: 1 });
    expect(result.reason).toBe("converged");
    const expected = Array.from(c, (v) => Math.min(1, Math.max(0, v)));
    expect(maxError(result.x, expected)).toBeLessThan(1e-6);
    // Variables whose target lies outside the box sit exactly on the bound.
    c.forEach((v, i) => {
      if (v < 0) expect(result.x[i]).toBe(0);
      if (v > 1) expect(result.x[i]).toBe(1);
    });
    expectInsideBox(points, lower, upper);
  });

  it("finds the KKT point of a coupled quadratic ½xᵀAx − bᵀx on a box (checked by enumerating active sets)", () => {
    const rng = random(7);
    const n = 5;
    const r = Array.from({ length: n }, () => Array.from({ length: n }, () => rng() - 0.5));
    const a = r.map((_, i) => r.map((_, j) => r.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 0.3 : 0)));
    const b = Array.from({ length: n }, () => 4 * (rng() - 0.5));
    const l = [-0.5, -1, -0.2, -Infinity, -0.4];
    const u = [0.5, 0.3, Infinity, 0.6, 0.4];
    const reference = boxQuadraticByEnumeration(a, b, l, u);
    const activeCount = reference.state.filter((s) => s !== 0).length;
    expect(activeCount).toBeGreaterThanOrEqual(2); // the example is genuinely constrained…
    expect(activeCount).toBeLessThan(n); // …and coupled through its free variables

    const { objective, points } = recording((x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let ax = 0;
        for (let j = 0; j < n; j++) ax += a[i]![j]! * (x[j] as number);
        g[i] = ax - b[i]!;
        f += 0.5 * ax * (x[i] as number) - b[i]! * (x[i] as number);
      }
      return f;
    });
    const lower = Float64Array.from(l);
    const upper = Float64Array.from(u);
    const result = minimizeLbfgsb(objective, new Float64Array(n), { lower, upper, gradientTolerance: 1e-12, relativeDecreaseTolerance: 0 });
    expect(result.reason).toBe("converged");
    expect(maxError(result.x, reference.x)).toBeLessThan(1e-6);
    reference.state.forEach((s, i) => {
      if (s === 1) expect(result.x[i]).toBe(l[i]);
      else if (s === 2) expect(result.x[i]).toBe(u[i]);
      else {
        expect(result.x[i]).toBeGreaterThan(l[i]!);
        expect(result.x[i]).toBeLessThan(u[i]!);
      }
    });
    expectInsideBox(points, lower, upper);
  });

  it("stops Rosenbrock at x₁ ≤ 0.5 on the analytic constrained optimum (0.5, 0.25)", () => {
    // f ≥ (1 − x₁)² ≥ 0.25 for x₁ ≤ 0.5, with equality at x₂ = x₁² = 0.25.
    const upper = Float64Array.of(0.5, Infinity);
    const lower = Float64Array.of(-Infinity, -Infinity);
    const { objective, points } = recording(rosenbrock);
    const result = minimizeLbfgsb(objective, Float64Array.of(-1.2, 1), { upper, gradientTolerance: 1e-10, relativeDecreaseTolerance: 0 });
    expect(result.reason).toBe("converged");
    expect(result.x[0]).toBe(0.5);
    expect(maxError(result.x, [0.5, 0.25])).toBeLessThan(1e-6);
    expect(result.value).toBeCloseTo(0.25, 12);
    expectInsideBox(points, lower, upper);
  });

  it("stops Rosenbrock at x₂ ≤ 0.2 on the optimum of the 1-D problem along the bound", () => {
    // On x₂ = 0.2: h(t) = 100(0.2 − t²)² + (1 − t)², minimised by Newton's method on h′.
    let t = 0.45;
    for (let k = 0; k < 50; k++) {
      const h1 = -400 * t * (0.2 - t * t) - 2 * (1 - t);
      const h2 = -80 + 1200 * t * t + 2;
      t -= h1 / h2;
    }
    expect(200 * (0.2 - t * t)).toBeLessThan(0); // ∂f/∂x₂ < 0 there: the bound is active (KKT)
    const upper = Float64Array.of(Infinity, 0.2);
    const { objective, points } = recording(rosenbrock);
    // f ≈ 0.3 there: its rounding (≈ 1e-17) hides decreases once the gradient is below ~1e-8, so ask for 1e-7
    // (|x₁ − t| ≤ 1e-7 / h″(t) ≈ 6e-10).
    const result = minimizeLbfgsb(objective, Float64Array.of(-1.2, 1), { upper, gradientTolerance: 1e-7, relativeDecreaseTolerance: 0 });
    expect(result.reason).toBe("converged");
    expect(result.x[1]).toBe(0.2);
    expect(Math.abs((result.x[0] as number) - t)).toBeLessThan(1e-6);
    expectInsideBox(points, Float64Array.of(-Infinity, -Infinity), upper);
  });

  it("projects a start outside the box, and never evaluates outside it on a 30-dimensional bounded Rosenbrock", () => {
    const n = 30;
    const rng = random(3);
    const lower = Float64Array.from({ length: n }, () => -2 + rng());
    const upper = Float64Array.from({ length: n }, () => 0.2 + rng());
    const x0 = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -5 : 5)); // outside on every side
    const { objective, points } = recording(rosenbrock);
    const result = minimizeLbfgsb(objective, x0, { lower, upper, historySize: 5 });
    expect(points[0]).toEqual(Float64Array.from(x0, (v, i) => Math.min(upper[i] as number, Math.max(lower[i] as number, v))));
    expectInsideBox(points, lower, upper);
    expect(result.reason).toBe("converged");
    expect(result.value).toBeLessThan(rosenbrock(points[0] as Float64Array, new Float64Array(n)));
  });

  it("agrees with the KKT conditions on a 60-dimensional box-constrained quadratic with many breakpoints", () => {
    const n = 60;
    const rng = random(11);
    // A = I + 0.3·(tridiagonal coupling) is SPD; b is large so that many bounds are active.
    const b = Float64Array.from({ length: n }, () => 6 * (rng() - 0.5));
    const objective: LbfgsbObjective = (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        const ax = 2 * (x[i] as number) + (i > 0 ? 0.6 * (x[i - 1] as number) : 0) + (i < n - 1 ? 0.6 * (x[i + 1] as number) : 0);
        g[i] = ax - (b[i] as number);
        f += 0.5 * ax * (x[i] as number) - (b[i] as number) * (x[i] as number);
      }
      return f;
    };
    // f = O(1) at the minimum, so its rounding limits the reachable gradient to about √ε: ask for 1e-7.
    const result = minimizeLbfgsb(objective, new Float64Array(n), { lower: -1, upper: 1, gradientTolerance: 1e-7, relativeDecreaseTolerance: 0 });
    expect(result.reason).toBe("converged");
    expect(result.convergedBy).toBe("projectedGradient");
    const active = Array.from(result.x).filter((v) => Math.abs(v) === 1).length;
    expect(active).toBeGreaterThan(5);
    // Convex problem: a (near-)zero projected gradient x − P(x − g) identifies the unique minimiser.
    const g = new Float64Array(n);
    objective(result.x, g);
    result.x.forEach((v, i) => {
      if (v === -1) expect(g[i]).toBeGreaterThanOrEqual(0);
      else if (v === 1) expect(g[i]).toBeLessThanOrEqual(0);
      else expect(Math.abs(v - Math.min(1, Math.max(-1, v - (g[i] as number))))).toBeLessThanOrEqual(1e-7);
    });
  });
});

describe("minimizeLbfgsb: stop reasons", () => {
  it("maxIterations: stops after exactly maxIterations accepted steps", () => {
    const result = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3 });
    expect(result.reason).toBe("maxIterations");
    expect(result.convergedBy).toBeUndefined();
    expect(result.iterations).toBe(3);
    expect(result.value).toBeLessThan(24.2); // f(x0) = 24.2
  });

  it("maxIterations also when the evaluation budget runs out, checked after each iteration as scipy's maxfun", () => {
    const result = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { maxEvaluations: 10 });
    expect(result.reason).toBe("maxIterations");
    // A line search is never cut short: the run stops after the first iteration that ends beyond the budget.
    expect(result.evaluations).toBeGreaterThan(10);
    expect(result.evaluations).toBeLessThanOrEqual(10 + 20);
    const before = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: result.iterations - 1 });
    expect(before.evaluations).toBeLessThanOrEqual(10);
  });

  it("converged by the projected gradient, including at the start", () => {
    const result = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 1e-3, relativeDecreaseTolerance: 0 });
    expect(result.reason).toBe("converged");
    expect(result.convergedBy).toBe("projectedGradient");
    expect(result.projectedGradientNorm).toBeLessThanOrEqual(1e-3);

    // At (1, 1) nothing needs to be done; at x₁ = 0.5 against the bound neither (∂f/∂x₁ = −1 points out of the box).
    const atMinimum = minimizeLbfgsb(rosenbrock, Float64Array.of(1, 1));
    expect([atMinimum.reason, atMinimum.convergedBy, atMinimum.iterations, atMinimum.evaluations]).toEqual(["converged", "projectedGradient", 0, 1]);
    const atBound = minimizeLbfgsb(rosenbrock, Float64Array.of(0.5, 0.25), { upper: Float64Array.of(0.5, Infinity) });
    expect([atBound.reason, atBound.iterations]).toEqual(["converged", 0]);
  });

  it("converged by the relative decrease of f", () => {
    const result = minimizeLbfgsb(rosenbrock, Float64Array.of(-1.2, 1), { gradientTolerance: 0, relativeDecreaseTolerance: 1e-6 });
    expect(result.reason).toBe("converged");
    expect(result.convergedBy).toBe("relativeDecrease");
    expect(result.projectedGradientNorm).toBeGreaterThan(0);
  });

  it("nonFinite at the start: no step is taken, nothing throws", () => {
    const nan = minimizeLbfgsb(() => NaN, Float64Array.of(1, 2));
    expect([nan.reason, nan.iterations, nan.evaluations]).toEqual(["nonFinite", 0, 1]);
    expect(Array.from(nan.x)).toEqual([1, 2]);
    const badGradient = minimizeLbfgsb((_x, g) => {
      g[1] = Infinity;
      return 0;
    }, Float64Array.of(1, 2));
    expect(badGradient.reason).toBe("nonFinite");
    const badStart = minimizeLbfgsb(rosenbrock, Float64Array.of(NaN, 1));
    expect([badStart.reason, badStart.evaluations]).toEqual(["nonFinite", 0]);
  });

  it("nonFinite during the search: returns the last finite iterate", () => {
    let calls = 0;
    const accepted: Float64Array[] = [];
    const result = minimizeLbfgsb((x, g) => {
      calls++;
      if (calls > 6) return NaN; // the objective breaks down for good
      accepted.push(Float64Array.from(x));
      return rosenbrock(x, g);
    }, Float64Array.of(-1.2, 1));
    expect(result.reason).toBe("nonFinite");
    expect(result.iterations).toBeGreaterThan(0);
    expect(Number.isFinite(result.value)).toBe(true);
    expect(accepted.some((p) => p[0] === result.x[0] && p[1] === result.x[1])).toBe(true);
    expect(result.value).toBe(rosenbrock(result.x, new Float64Array(2)));
  });

  it("steps back from a NaN region instead of stopping when a finite decrease exists", () => {
    // f = 50(x − 0.5)² on [−10, 10], NaN for x > 2: the first trial (x = 10) lands in the NaN region.
    const { objective, points } = recording((x, g) => {
      const v = x[0] as number;
      if (v > 2) return NaN;
      g[0] = 100 * (v - 0.5);
      return 50 * (v - 0.5) ** 2;
    });
    const result = minimizeLbfgsb(objective, Float64Array.of(0), { lower: -10, upper: 10 });
    expect(points[1]).toEqual(Float64Array.of(10));
    expect(result.reason).toBe("converged");
    expect(result.x[0]).toBeCloseTo(0.5, 6);
  });

  it("a PgNonFiniteError thrown by the objective counts as a non-finite trial: it steps back, or stops at the start", () => {
    // As above, but the objective throws, as a physics refusing an overflowing residual does.
    const result = minimizeLbfgsb((x, g) => {
      const v = x[0] as number;
      if (v > 2) throw new PgNonFiniteError("demo.adjoint", "input", 0, Infinity);
      g[0] = 100 * (v - 0.5);
      return 50 * (v - 0.5) ** 2;
    }, Float64Array.of(0), { lower: -10, upper: 10 });
    expect(result.reason).toBe("converged");
    expect(result.x[0]).toBeCloseTo(0.5, 6);
    const atStart = minimizeLbfgsb(() => {
      throw new PgNonFiniteError("demo.forward", "input", 0, NaN);
    }, Float64Array.of(1));
    expect([atStart.reason, atStart.evaluations, atStart.x[0]]).toEqual(["nonFinite", 1, 1]);
    expect(() => minimizeLbfgsb(() => {
      throw new PgValidationError("demo", "x", "something", 0);
    }, Float64Array.of(1))).toThrow(PgValidationError);
  });

  it("a non-finite x0 is nonFinite even where the box would project it to a finite point", () => {
    const result = minimizeLbfgsb(rosenbrock, Float64Array.of(-Infinity, 1), { lower: -2, upper: 2 });
    expect([result.reason, result.evaluations, result.x[0]]).toEqual(["nonFinite", 0, -Infinity]);
  });

  it("lineSearchFailed when the gradient is wrong (sign flipped): no step is accepted", () => {
    const { objective, points } = recording((x, g) => {
      for (let i = 0; i < x.length; i++) g[i] = -(x[i] as number);
      return 0.5 * ((x[0] as number) ** 2 + (x[1] as number) ** 2);
    });
    const result = minimizeLbfgsb(objective, Float64Array.of(1, 1));
    expect(result.reason).toBe("lineSearchFailed");
    expect(result.iterations).toBe(0);
    expect(Array.from(result.x)).toEqual([1, 1]);
    expect(result.value).toBe(1);
    // The start, then at most maxLineSearchSteps trials (a trial at the point just evaluated is not evaluated again).
    expect(result.evaluations).toBe(points.length);
    expect(result.evaluations).toBeGreaterThan(1);
    expect(result.evaluations).toBeLessThanOrEqual(1 + 20);
    const shorter = minimizeLbfgsb(objective, Float64Array.of(1, 1), { maxLineSearchSteps: 3 });
    expect([shorter.reason, shorter.evaluations]).toEqual(["lineSearchFailed", 1 + 3]);
  });
});

describe("L-BFGS-B building blocks", () => {
  it("the compact form θI − WMWᵀ equals BFGS updates of θI applied pair by pair", () => {
    const n = 6;
    const rng = random(5);
    const memory = new LbfgsbMemory(n, 3);
    const pairs: [Float64Array, Float64Array][] = [];
    const spd = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 + i : 0.3 / (1 + Math.abs(i - j)))));
    for (let p = 0; p < 5; p++) {
      const s = Float64Array.from({ length: n }, () => rng() - 0.5);
      const y = Float64Array.from(spd, (row) => row.reduce((sum, a, j) => sum + a * (s[j] as number), 0));
      pairs.push([s, y]);
      expect(memory.push(s, y)).toBe(true);
    }
    expect(memory.count).toBe(3); // the oldest two were dropped
    // Dense BFGS from B₀ = θI over the last three pairs: B ← B − BssᵀB/(sᵀBs) + yyᵀ/(yᵀs).
    const theta = memory.theta;
    let dense = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? theta : 0)));
    for (const [s, y] of pairs.slice(2)) {
      const bs = dense.map((row) => row.reduce((sum, a, j) => sum + a * (s[j] as number), 0));
      const sBs = bs.reduce((sum, v, i) => sum + v * (s[i] as number), 0);
      const ys = Array.from(y).reduce((sum, v, i) => sum + v * (s[i] as number), 0);
      dense = dense.map((row, i) => row.map((a, j) => a - (bs[i]! * bs[j]!) / sBs + ((y[i] as number) * (y[j] as number)) / ys));
    }
    const v = Float64Array.from({ length: n }, () => rng() - 0.5);
    const compact = new Float64Array(n);
    multiplyCompact(memory, v, compact);
    const expected = dense.map((row) => row.reduce((sum, a, j) => sum + a * (v[j] as number), 0));
    expect(maxError(compact, expected)).toBeLessThan(1e-12);
  });

  it("the generalized Cauchy point with B = I is the projected steepest-descent point x − t g at its model minimum", () => {
    // With B = I the model along P(x − t g) is minimised at t = 1 when every breakpoint comes earlier: x^c = P(x − g).
    const x = Float64Array.of(0.5, 0.5, 0.5);
    const g = Float64Array.of(2, -0.2, -3);
    const lower = new Float64Array(3).fill(0);
    const upper = new Float64Array(3).fill(1);
    const cauchy = generalizedCauchyPoint(x, g, lower, upper, new LbfgsbMemory(3, 5));
    expect(cauchy.x[0]).toBe(0);
    // t accumulates over the breakpoints, and f′ cancels from ‖g‖² ≈ 13 to 0.04: a few dozen ulps of t are rounding.
    expect(cauchy.x[1]).toBeCloseTo(0.7, 12);
    expect(cauchy.x[2]).toBe(1);
    expect(Array.from(cauchy.free)).toEqual([0, 1, 0]);
  });
});

/** Element-wise P(x) = x³ with three components per example. */
const cube: Physics = {
  name: "x³",
  xShape: [3],
  yShape: [3],
  forward: (x) => x.map((v) => v ** 3),
  adjoint: (x, dy) => x.map((v, i) => 3 * v * v * (dy[i] as number)),
};

describe("lbfgsb: InverseSolver", () => {
  it("fits every example separately, with its own iteration count and reason", () => {
    const xStar = Float64Array.of(1, -0.5, 2, 0.3, 0.7, -1.1, 1.5, 1.5, 1.5);
    const yTarget = cube.forward(xStar, 3);
    const x = Float64Array.of(0.8, -0.8, 1.5, 0.3, 0.7, -1.1, 0.2, 0.2, 0.2); // example 1 starts at its solution
    const xBefore = Float64Array.from(x);
    const solver = lbfgsb({ gradientTolerance: 1e-12, relativeDecreaseTolerance: 0 });
    const result = solver.solve({ physics: cube, x, yTarget, batch: 3 });
    expect(Array.from(x)).toEqual(Array.from(xBefore));
    expect(result.reasons).toEqual(["converged", "converged", "converged"]);
    expect(maxError(result.x, xStar)).toBeLessThan(1e-6);
    expect(result.iterations[1]).toBe(0);
    expect(result.iterations[0]).toBeGreaterThan(0);
    expect(result.iterations[2]).toBeGreaterThan(0);
    expect(result.iterations[2]).not.toBe(result.iterations[0]);
    const { value } = evaluateObjective(cube, result.x, yTarget, 3);
    expect(Array.from(result.objective ?? [])).toEqual(Array.from(value));

    // The same per-example fit as the stand-alone minimiser.
    const alone = minimizeLbfgsb((xb, g) => {
      const e = evaluateObjective(cube, xb, yTarget.subarray(6, 9), 1);
      g.set(e.gradient);
      return e.value[0] as number;
    }, x.subarray(6, 9), { gradientTolerance: 1e-12, relativeDecreaseTolerance: 0 });
    expect(Array.from(result.x.subarray(6, 9))).toEqual(Array.from(alone.x));
    expect(result.iterations[2]).toBe(alone.iterations);
  });

  it("stops each example after maxIterations (heat PG: 32) and reports it", () => {
    const yTarget = Float64Array.of(8, -1, 5, 1, 1, 1);
    const x = Float64Array.of(0.1, 0.2, -0.3, 1, 1, 1);
    const result = lbfgsb({ maxIterations: 2 }).solve({ physics: cube, x, yTarget, batch: 2 });
    expect(result.reasons).toEqual(["maxIterations", "converged"]);
    expect(Array.from(result.iterations)).toEqual([2, 0]);
    expect(lbfgsb({ maxIterations: 32 }).name).toBe("lbfgsb(historySize=10, maxIterations=32)");
  });

  it("respects bounds from the options, and the problem's bounds take precedence", () => {
    const physics: Physics = {
      name: "linear 2×3",
      xShape: [3],
      yShape: [2],
      forward: (x, batch) => {
        const y = new Float64Array(2 * batch);
        for (let b = 0; b < batch; b++) {
          const [p, q, r] = [x[3 * b] as number, x[3 * b + 1] as number, x[3 * b + 2] as number];
          y[2 * b] = p + 2 * q;
          y[2 * b + 1] = q - r;
        }
        return y;
      },
      adjoint: (_x, dy, batch) => {
        const g = new Float64Array(3 * batch);
        for (let b = 0; b < batch; b++) {
          const [u, v] = [dy[2 * b] as number, dy[2 * b + 1] as number];
          g[3 * b] = u;
          g[3 * b + 1] = 2 * u + v;
          g[3 * b + 2] = -v;
        }
        return g;
      },
    };
    const yTarget = Float64Array.of(10, 10);
    const x = Float64Array.of(0, 0, 0);
    const boxed = lbfgsb({ bounds: { lower: 0, upper: 1 } });
    const fromOptions = boxed.solve({ physics, x, yTarget, batch: 1 });
    // On [0,1]³ the best is p = q = 1 (pushing y₀ = p + 2q up) and r = 0 (y₁ = q − r as large as possible).
    expect(Array.from(fromOptions.x)).toEqual([1, 1, 0]);
    const problem: BoundedSolveProblem = { physics, x, yTarget, batch: 1, bounds: { lower: 0, upper: Float64Array.of(2, 1, 1) } };
    const fromProblem = boxed.solve(problem);
    expect(Array.from(fromProblem.x)).toEqual([2, 1, 0]);
  });

  it("accepts one box per example (batch × size(xShape))", () => {
    const yTarget = Float64Array.of(8, 8, 8, 8, 8, 8);
    const x = Float64Array.of(1, 1, 1, 1, 1, 1);
    const upper = Float64Array.of(1.5, 3, 3, 3, 3, 1.2);
    const result = lbfgsb({ bounds: { lower: -Infinity, upper } }).solve({ physics: cube, x, yTarget, batch: 2 });
    expect(result.x[0]).toBe(1.5);
    expect(result.x[5]).toBe(1.2);
    expect(maxError(result.x.subarray(1, 5), [2, 2, 2, 2])).toBeLessThan(1e-4);
  });
});

describe("L-BFGS-B validation", () => {
  const rosen2 = Float64Array.of(-1.2, 1);
  const cases: [string, MinimizeLbfgsbOptions, string][] = [
    ["historySize 0", { historySize: 0 }, "minimizeLbfgsb: historySize must be a positive integer; received 0."],
    ["maxIterations 1.5", { maxIterations: 1.5 }, "minimizeLbfgsb: maxIterations must be a positive integer; received 1.5."],
    ["maxEvaluations -1", { maxEvaluations: -1 }, "minimizeLbfgsb: maxEvaluations must be a positive integer; received -1."],
    ["maxLineSearchSteps 0", { maxLineSearchSteps: 0 }, "minimizeLbfgsb: maxLineSearchSteps must be a positive integer; received 0."],
    ["gradientTolerance -1e-5", { gradientTolerance: -1e-5 }, "minimizeLbfgsb: gradientTolerance must be a finite number ≥ 0; received -0.00001."],
    [
      "relativeDecreaseTolerance NaN",
      { relativeDecreaseTolerance: NaN },
      "minimizeLbfgsb: relativeDecreaseTolerance must be a finite number ≥ 0; received NaN.",
    ],
    ["lower > upper", { lower: Float64Array.of(0, 2), upper: 1 }, "minimizeLbfgsb: lower[1] must be ≤ upper[1] = 1; received 2."],
    ["lower +Infinity", { lower: Infinity }, "minimizeLbfgsb: lower must be a number < Infinity; received Infinity."],
    ["upper NaN entry", { upper: Float64Array.of(1, NaN) }, "minimizeLbfgsb: upper[1] must be a number > -Infinity; received NaN."],
    ["wrong length", { lower: Float64Array.of(0, 0, 0) }, "minimizeLbfgsb: lower must be a number or a Float64Array of length 2; received Float64Array(3) [0, 0, 0]."],
  ];
  for (const [label, options, message] of cases) {
    it(`minimizeLbfgsb throws for ${label}`, () => {
      expect(() => minimizeLbfgsb(rosenbrock, rosen2, options)).toThrow(PgValidationError);
      expect(() => minimizeLbfgsb(rosenbrock, rosen2, options)).toThrow(message);
    });
  }

  it("lbfgsb validates its options when built and its bounds when solving", () => {
    expect(() => lbfgsb({ historySize: 2.5 })).toThrow("lbfgsb: historySize must be a positive integer; received 2.5.");
    expect(() => lbfgsb({ bounds: { lower: 1, upper: 0 } })).toThrow("lbfgsb: bounds.lower[0] must be ≤ bounds.upper[0] = 0; received 1.");
    const problem: BoundedSolveProblem = {
      physics: cube,
      x: new Float64Array(6),
      yTarget: new Float64Array(6),
      batch: 2,
      bounds: { lower: Float64Array.of(0, 0, 0, 0, 5, 0), upper: 1 },
    };
    expect(() => lbfgsb().solve(problem)).toThrow("lbfgsb.solve: bounds.lower[4] must be ≤ bounds.upper[4] = 1; received 5.");
    expect(() => lbfgsb().solve({ ...problem, bounds: { lower: Float64Array.of(0, 0), upper: 1 } })).toThrow(
      "lbfgsb.solve: bounds.lower must be a number or a Float64Array of length size(xShape) = 3 or batch × size(xShape) = 6",
    );
    expect(() => lbfgsb().solve({ ...problem, x: new Float64Array(5) })).toThrow(/lbfgsb.solve: x must have length/);
  });
});
