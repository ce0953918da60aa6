// L-BFGS-B and its line search against scipy's, on the trajectories recorded in fixtures/lbfgsb_scipy.json (written
// by fixtures/generate_lbfgsb_fixtures.py; see fixtures/README.md for the command and the scipy version).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StopReason } from "@pg/core";
import { minimizeLbfgsb, type LbfgsbConvergence, type LbfgsbObjective, type MinimizeLbfgsbOptions } from "../src/index";
import { MoreThuenteSearch, safeguardedStep, type SearchInterval } from "../src/lbfgsb_line_search";

type Bound = (number | null)[] | null;
interface ObjectiveSpec {
  readonly kind: string;
  readonly [parameter: string]: unknown;
}
interface ScipyProblem {
  readonly name: string;
  readonly description: string;
  readonly objective: ObjectiveSpec;
  readonly x0: number[];
  readonly lower: Bound;
  readonly upper: Bound;
  readonly options: Required<Omit<MinimizeLbfgsbOptions, "lower" | "upper">>;
  readonly iterates: { readonly x: number[]; readonly f: number; readonly evaluations: number }[];
  readonly x: number[];
  readonly f: number;
  readonly nit: number;
  readonly nfev: number;
  readonly message: string;
}
interface ScipyLineSearch {
  readonly name: string;
  readonly function: ObjectiveSpec;
  readonly ftol: number;
  readonly gtol: number;
  readonly xtol: number;
  readonly stpmin: number;
  readonly stpmax: number;
  readonly firstStep: number;
  readonly trials: number[];
  readonly step: number;
  readonly task: string;
}
const fixture = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "lbfgsb_scipy.json"), "utf8")) as {
  readonly reference: string;
  readonly generator: string;
  readonly problems: ScipyProblem[];
  readonly lineSearches: ScipyLineSearch[];
};

// The objectives of the generator, with the same operations in the same order (bit-identical values).
function objectiveOf(spec: ObjectiveSpec): LbfgsbObjective {
  switch (spec.kind) {
    case "rosenbrock":
      return (x, g) => {
        let f = 0;
        g.fill(0);
        for (let i = 0; i + 1 < x.length; i++) {
          const xi = x[i] as number;
          const a = (x[i + 1] as number) - xi * xi;
          const b = 1 - xi;
          f += 100 * a * a + b * b;
          g[i] = (g[i] as number) - 400 * xi * a - 2 * b;
          g[i + 1] = (g[i + 1] as number) + 200 * a;
        }
        return f;
      };
    case "quadratic": {
      const a = spec.a as number[][];
      const b = spec.b as number[];
      return (x, g) => {
        let f = 0;
        for (let i = 0; i < b.length; i++) {
          let ax = 0;
          for (let j = 0; j < b.length; j++) ax += (a[i]![j] as number) * (x[j] as number);
          g[i] = ax - (b[i] as number);
          f += 0.5 * ax * (x[i] as number) - (b[i] as number) * (x[i] as number);
        }
        return f;
      };
    }
    case "beale":
      return (x, g) => {
        const u = x[0] as number;
        const v = x[1] as number;
        const t1 = 1.5 - u + u * v;
        const t2 = 2.25 - u + u * v * v;
        const t3 = 2.625 - u + u * v * v * v;
        g[0] = 2 * t1 * (v - 1) + 2 * t2 * (v * v - 1) + 2 * t3 * (v * v * v - 1);
        g[1] = 2 * t1 * u + 2 * t2 * (2 * u * v) + 2 * t3 * (3 * u * v * v);
        return t1 * t1 + t2 * t2 + t3 * t3;
      };
    case "absolute": {
      const c = spec.c as number[];
      return (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const t = (x[i] as number) - (c[i] as number);
          f += Math.abs(t);
          g[i] = t > 0 ? 1 : t < 0 ? -1 : 0;
        }
        return f;
      };
    }
    case "rosenbrockLyingBelow": {
      const rosenbrock = objectiveOf({ kind: "rosenbrock" });
      const threshold = spec.threshold as number;
      return (x, g) => {
        const f = rosenbrock(x, g);
        if (f < threshold) for (let i = 0; i < g.length; i++) g[i] = -(g[i] as number);
        return f;
      };
    }
    case "flippedGradient":
      return (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          f += 0.5 * (x[i] as number) * (x[i] as number);
          g[i] = -(x[i] as number);
        }
        return f;
      };
    default:
      throw new Error(`unknown objective ${spec.kind}`);
  }
}

/** φ and φ′ of the line-search test functions of Moré and Thuente (1994), as the generator writes them. */
function lineFunctionOf(spec: ObjectiveSpec): [(a: number) => number, (a: number) => number] {
  switch (spec.kind) {
    case "rational": {
      const beta = spec.beta as number;
      return [(a) => -a / (a * a + beta), (a) => (a * a - beta) / ((a * a + beta) * (a * a + beta))];
    }
    case "quintic": {
      const beta = spec.beta as number;
      return [
        (a) => {
          const t = a + beta;
          const t2 = t * t;
          return t2 * t2 * t - 2 * (t2 * t2);
        },
        (a) => {
          const t = a + beta;
          const t2 = t * t;
          return 5 * (t2 * t2) - 8 * (t2 * t);
        },
      ];
    }
    case "wiggly": {
      const beta = spec.beta as number;
      const l = spec.l as number;
      return [
        (a) => {
          const base = a <= 1 - beta ? 1 - a : a >= 1 + beta ? a - 1 : ((a - 1) * (a - 1)) / (2 * beta) + beta / 2;
          return base + ((2 * (1 - beta)) / (l * Math.PI)) * Math.sin((l * Math.PI * a) / 2);
        },
        (a) => {
          const base = a <= 1 - beta ? -1 : a >= 1 + beta ? 1 : (a - 1) / beta;
          return base + (1 - beta) * Math.cos((l * Math.PI * a) / 2);
        },
      ];
    }
    case "hyperbolic": {
      const b1 = spec.beta1 as number;
      const b2 = spec.beta2 as number;
      const g1 = Math.sqrt(1 + b1 * b1) - b1;
      const g2 = Math.sqrt(1 + b2 * b2) - b2;
      return [
        (a) => g1 * Math.sqrt((1 - a) * (1 - a) + b2 * b2) + g2 * Math.sqrt(a * a + b1 * b1),
        (a) => (g1 * (a - 1)) / Math.sqrt((1 - a) * (1 - a) + b2 * b2) + (g2 * a) / Math.sqrt(a * a + b1 * b1),
      ];
    }
    case "kink":
      return [(a) => Math.abs(a - 1), (a) => (a > 1 ? 1 : -1)];
    default:
      throw new Error(`unknown line function ${spec.kind}`);
  }
}

/** scipy's stop message → our stop reason and convergence test. */
function reasonOf(message: string): [StopReason, LbfgsbConvergence | undefined] {
  switch (message) {
    case "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL":
      return ["converged", "projectedGradient"];
    case "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH":
      return ["converged", "relativeDecrease"];
    case "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT":
    case "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT":
      return ["maxIterations", undefined];
    case "ABNORMAL: ":
      return ["lineSearchFailed", undefined];
    default:
      throw new Error(`unknown scipy message ${message}`);
  }
}

/** One side of the box; null (no bounds at all, or none on this variable) becomes ±Infinity. */
const bound = (values: Bound, size: number, missing: number): Float64Array =>
  values === null ? new Float64Array(size).fill(missing) : Float64Array.from(values, (v) => (v === null ? missing : v));
const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
};
/** |a − b| ≤ tolerance · max(1, |b|). */
const closeTo = (a: number, b: number, tolerance: number): boolean => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

function runProblem(problem: ScipyProblem, maxIterations = problem.options.maxIterations) {
  return minimizeLbfgsb(objectiveOf(problem.objective), Float64Array.from(problem.x0), {
    ...problem.options,
    maxIterations,
    lower: bound(problem.lower, problem.x0.length, -Infinity),
    upper: bound(problem.upper, problem.x0.length, Infinity),
  });
}

describe("the scipy fixtures", () => {
  it("record scipy's version and the command that wrote them, for bounded and unbounded problems and every stop", () => {
    expect(fixture.reference).toMatch(/^scipy \d+\.\d+/);
    expect(fixture.generator).toBe("python3 packages/solvers/fixtures/generate_lbfgsb_fixtures.py");
    expect(fixture.problems.length).toBeGreaterThanOrEqual(5);
    expect(fixture.problems.some((p) => p.lower === null)).toBe(true);
    expect(fixture.problems.some((p) => p.lower !== null)).toBe(true);
    const reasons = new Set(fixture.problems.map((p) => reasonOf(p.message).join("/")));
    expect([...reasons].sort()).toEqual(["converged/projectedGradient", "converged/relativeDecrease", "lineSearchFailed/", "maxIterations/"]);
  });
});

describe("minimizeLbfgsb follows scipy's L-BFGS-B", () => {
  for (const problem of fixture.problems) {
    const count = problem.iterates.length;
    it(`${problem.name} (${problem.description}): all ${count} iterates within 1e-8, with scipy's evaluation counts`, () => {
      expect(count).toBe(problem.nit);
      for (let k = 1; k <= count; k++) {
        const reference = problem.iterates[k - 1]!;
        // The run stopped after k iterations has taken the first k iterates of the full run.
        const run = runProblem(problem, Math.min(k, problem.options.maxIterations));
        expect(run.iterations, `iteration ${k}`).toBe(k);
        expect(maxDifference(run.x, reference.x), `|x − x_scipy| at iteration ${k}`).toBeLessThanOrEqual(1e-8);
        expect(closeTo(run.value, reference.f, 1e-8), `f at iteration ${k}: ${run.value} vs ${reference.f}`).toBe(true);
        expect(run.evaluations, `evaluations after iteration ${k}`).toBe(reference.evaluations);
      }
    });

    it(`${problem.name}: stops after ${problem.nit} iterations and ${problem.nfev} evaluations with "${problem.message.trim()}"`, () => {
      const result = runProblem(problem);
      const [reason, convergedBy] = reasonOf(problem.message);
      expect([result.reason, result.convergedBy]).toEqual([reason, convergedBy]);
      expect(result.iterations).toBe(problem.nit);
      expect(result.evaluations).toBe(problem.nfev);
      expect(maxDifference(result.x, problem.x)).toBeLessThanOrEqual(1e-8);
      // After ABNORMAL scipy reports the last trial's value beside the restored iterate; ours is f at that iterate.
      const f = reason === "lineSearchFailed" ? (problem.iterates.at(-1)?.f ?? objectiveOf(problem.objective)(Float64Array.from(problem.x0), new Float64Array(problem.x0.length))) : problem.f;
      expect(closeTo(result.value, f, 1e-8)).toBe(true);
    });
  }

  it("ends 2-D Rosenbrock limited to 16 iterations where scipy does (f = 1.0499…, the old search ended at 1.0377)", () => {
    const problem = fixture.problems.find((p) => p.name === "rosenbrock2d_maxiter16")!;
    const result = runProblem(problem);
    expect(result.reason).toBe("maxIterations");
    expect(Math.abs(result.value - problem.f)).toBeLessThan(1e-10);
    expect(problem.f).toBeCloseTo(1.0499, 4);
  });
});

describe("MoreThuenteSearch follows MINPACK-2's dcsrch", () => {
  const statusOf = (task: string): string =>
    task === "CONVERGENCE"
      ? "converged"
      : ({
          "WARNING: ROUNDING ERRORS PREVENT PROGRESS": "warning roundingErrors",
          "WARNING: XTOL TEST SATISFIED": "warning stepTolerance",
          "WARNING: STP = STPMAX": "warning maxStep",
          "WARNING: STP = STPMIN": "warning minStep",
        }[task] ?? `unknown ${task}`);

  it("the fixtures cover convergence and every warning", () => {
    expect(new Set(fixture.lineSearches.map((s) => statusOf(s.task)))).toEqual(
      new Set(["converged", "warning roundingErrors", "warning stepTolerance", "warning maxStep", "warning minStep"]),
    );
  });

  for (const reference of fixture.lineSearches) {
    const label = `${reference.name} from ${reference.firstStep} (xtol ${reference.xtol}, steps in [${reference.stpmin}, ${reference.stpmax}])`;
    it(`${label}: the same ${reference.trials.length} trials, then ${statusOf(reference.task)}`, () => {
      const [phi, dphi] = lineFunctionOf(reference.function);
      const search = new MoreThuenteSearch(phi(0), dphi(0), reference.firstStep, {
        decrease: reference.ftol,
        curvature: reference.gtol,
        stepTolerance: reference.xtol,
        minStep: reference.stpmin,
        maxStep: reference.stpmax,
      });
      const trials: number[] = [];
      while (search.status === "evaluate" && trials.length < 100) {
        trials.push(search.step);
        search.report(phi(search.step), dphi(search.step));
      }
      // sin and cos may differ from Python's in the last bit; everything else is the same arithmetic.
      expect(trials.length).toBe(reference.trials.length);
      trials.forEach((step, i) => expect(closeTo(step, reference.trials[i]!, 1e-10), `trial ${i}: ${step} vs ${reference.trials[i]}`).toBe(true));
      expect(search.status === "converged" ? "converged" : `warning ${search.warning}`).toBe(statusOf(reference.task));
      expect(closeTo(search.step, reference.step, 1e-10)).toBe(true);
      if (search.status === "converged") {
        const step = search.step;
        expect(phi(step)).toBeLessThanOrEqual(phi(0) + reference.ftol * step * dphi(0));
        expect(Math.abs(dphi(step))).toBeLessThanOrEqual(reference.gtol * Math.abs(dphi(0)));
      }
    });
  }
});

describe("MoreThuenteSearch", () => {
  const settings = { decrease: 1e-3, curvature: 0.9, stepTolerance: 0.1, minStep: 0, maxStep: 1e10 };

  it("finds a step with sufficient decrease and curvature on φ(α) = (α − 3)² from α = 1e-3, by extrapolating", () => {
    const phi = (a: number): number => (a - 3) * (a - 3);
    const dphi = (a: number): number => 2 * (a - 3);
    const search = new MoreThuenteSearch(phi(0), dphi(0), 1e-3, { ...settings, curvature: 0.1 });
    const trials: number[] = [];
    while (search.status === "evaluate") {
      trials.push(search.step);
      search.report(phi(search.step), dphi(search.step));
    }
    expect(search.status).toBe("converged");
    const step = search.step;
    expect(phi(step)).toBeLessThanOrEqual(phi(0) + 1e-3 * step * dphi(0));
    expect(Math.abs(dphi(step))).toBeLessThanOrEqual(0.1 * Math.abs(dphi(0)));
    // Until the minimiser is bracketed every trial extrapolates by at least 1.1 times the last step.
    expect(trials[1]!).toBeGreaterThanOrEqual(trials[0]! + 1.1 * trials[0]!);
  });

  it("accepts the first step at once when it already satisfies both conditions", () => {
    const search = new MoreThuenteSearch(9, -6, 2.9, settings);
    expect(search.report((2.9 - 3) ** 2, 2 * (2.9 - 3))).toBe("converged");
    expect(search.step).toBe(2.9);
  });

  it("halves the step after a non-finite trial and brackets the minimiser below it", () => {
    // φ(α) = (α − 1)², NaN beyond α = 2: the first trial (α = 10) is not finite.
    const phi = (a: number): number => (a > 2 ? NaN : (a - 1) * (a - 1));
    const dphi = (a: number): number => 2 * (a - 1);
    const search = new MoreThuenteSearch(1, -2, 10, settings);
    expect(search.reportNonFinite()).toBe("evaluate");
    expect(search.step).toBe(5);
    expect(search.interval.bracketed).toBe(true);
    expect(search.interval.sty).toBe(10);
    while (search.status === "evaluate") {
      const value = phi(search.step);
      if (Number.isNaN(value)) search.reportNonFinite();
      else search.report(value, dphi(search.step));
    }
    expect(search.status).toBe("converged");
    expect(search.step).toBeLessThanOrEqual(2);
    expect(Math.abs(dphi(search.step))).toBeLessThanOrEqual(0.9 * 2);
  });

  it("refuses an ascent direction and a first step outside [minStep, maxStep]", () => {
    expect(() => new MoreThuenteSearch(0, 1, 1, settings)).toThrow(RangeError);
    expect(() => new MoreThuenteSearch(0, -1, 2, { ...settings, maxStep: 1 })).toThrow(RangeError);
    const ended = new MoreThuenteSearch(9, -6, 2.9, settings);
    ended.report(0.01, -0.2);
    expect(() => ended.report(0, 0)).toThrow(RangeError);
  });
});

describe("safeguardedStep: the four cases of dcstep", () => {
  // With φ a polynomial of degree ≤ 3 the cubic interpolant is φ itself, so the cubic step is φ's minimiser.
  const interval = (stx: number, fx: number, dx: number, sty = stx, fy = fx, dy = dx, bracketed = false): SearchInterval => ({
    stx,
    fx,
    dx,
    sty,
    fy,
    dy,
    bracketed,
  });

  it("case 1, a higher value: the minimiser is bracketed between α_x and α; the step is the cubic/quadratic one", () => {
    // φ(α) = (α − 1)²: α_x = 0 (φ = 1, φ′ = −2), α = 3 (φ = 4, φ′ = 4); cubic and quadratic steps both give 1.
    const state = interval(0, 1, -2);
    const next = safeguardedStep(state, 3, 4, 4, 0, 15);
    expect(next).toBeCloseTo(1, 12);
    expect(state).toEqual({ stx: 0, fx: 1, dx: -2, sty: 3, fy: 4, dy: 4, bracketed: true });
  });

  it("case 1 takes the average of the cubic and quadratic steps when the quadratic one is closer to α_x", () => {
    // φ(α) = α³ − α (φ(0) = 0, φ′(0) = −1) and α = 2 (φ = 6, φ′ = 11): cubic minimiser 1/√3, quadratic step 1/4.
    const state = interval(0, 0, -1);
    const next = safeguardedStep(state, 2, 6, 11, 0, 10);
    expect(next).toBeCloseTo((1 / Math.sqrt(3) + 1 / 4) / 2, 12);
    expect(state.bracketed).toBe(true);
  });

  it("case 2, a lower value and a sign change: bracketed between α and the old α_x, which α replaces", () => {
    // φ(α) = (α − 1)²: α_x = 0 (1, −2), α = 1.5 (0.25, 1); cubic and secant steps both give 1.
    const state = interval(0, 1, -2);
    const next = safeguardedStep(state, 1.5, 0.25, 1, 0, 7.5);
    expect(next).toBeCloseTo(1, 12);
    expect(state).toEqual({ stx: 1.5, fx: 0.25, dx: 1, sty: 0, fy: 1, dy: -2, bracketed: true });
  });

  it("case 3, the slope shrinks without changing sign: extrapolates to the cubic's minimiser within the limits", () => {
    // φ(α) = (α − 4)²: α_x = 0 (16, −8), α = 1 (9, −6); the minimiser 4 lies in [2.1, 5] but not in [2.1, 3].
    const state = interval(0, 16, -8);
    expect(safeguardedStep(state, 1, 9, -6, 2.1, 5)).toBeCloseTo(4, 12);
    expect(state).toEqual({ stx: 1, fx: 9, dx: -6, sty: 0, fy: 16, dy: -8, bracketed: false });
    expect(safeguardedStep(interval(0, 16, -8), 1, 9, -6, 2.1, 3)).toBe(3);
  });

  it("case 3, bracketed: the step goes at most 66 % of the way to α_y", () => {
    // The same data with α_y = 2 (φ(2) = 4): the minimiser 4 lies beyond α_y, so the step stops at 1 + 0.66·(2 − 1).
    const state = interval(0, 16, -8, 2, 4, -4, true);
    expect(safeguardedStep(state, 1, 9, -6, 0, 2)).toBeCloseTo(1.66, 12);
    expect([state.stx, state.sty, state.bracketed]).toEqual([1, 2, true]);
  });

  it("case 4, the slope does not shrink: the step limit if not bracketed, else the cubic through α and α_y", () => {
    // φ(α) = −α − α²: α_x = 0 (0, −1), α = 1 (−2, −3): steeper, so the search jumps to the upper limit.
    expect(safeguardedStep(interval(0, 0, -1), 1, -2, -3, 2.1, 5)).toBe(5);
    // φ(α) = α³/3 − 2.5α² + 4α: α_x = 1.5, α = 2.5 (steeper descent), α_y = 5; the cubic's minimiser is 4.
    const phi = (a: number): number => a ** 3 / 3 - 2.5 * a * a + 4 * a;
    const dphi = (a: number): number => a * a - 5 * a + 4;
    const state = interval(1.5, phi(1.5), dphi(1.5), 5, phi(5), dphi(5), true);
    expect(safeguardedStep(state, 2.5, phi(2.5), dphi(2.5), 1.5, 5)).toBeCloseTo(4, 12);
    expect([state.stx, state.sty]).toEqual([2.5, 5]);
  });

  it("case 4 with a non-finite far end halves the distance to it instead", () => {
    const state = interval(0, 0, -1, 6, NaN, NaN, true);
    expect(safeguardedStep(state, 2, -4, -3, 0, 6)).toBe(4);
  });
});
