import { describe, expect, it } from "vitest";
import { PgShapeError, PgValidationError, evaluateObjective, requireFinite, type InverseSolver, type Physics } from "@pg/core";
import { analyticInverse, gradientDescent, inverseGradient, lbfgsb, newton, repeated } from "../src/index";

/** Element-wise P(x) = x³ − x, with closed-form derivatives of L = ½(P − y*)². */
const cubic: Physics = {
  name: "x³−x",
  xShape: [1],
  yShape: [1],
  forward: (x) => x.map((v) => v ** 3 - v),
  adjoint: (x, dy) => x.map((v, i) => (3 * v * v - 1) * (dy[i] as number)),
  jacobianDiagonal: (x) => x.map((v) => 3 * v * v - 1),
  newtonDerivatives(x, yTarget) {
    // L = ½r², r = x³ − x − y*: L′ = r P′, L″ = P′² + r P″.
    const gradient = x.map((v, i) => (v ** 3 - v - (yTarget[i] as number)) * (3 * v * v - 1));
    const curvature = x.map((v, i) => (3 * v * v - 1) ** 2 + (v ** 3 - v - (yTarget[i] as number)) * 6 * v);
    return { gradient, curvature };
  },
};

const xs = Float64Array.from({ length: 401 }, (_, i) => -2 + i * 0.01 + 0.003);
const targets = Float64Array.from(xs, (_, i) => Math.sin(i));
const problem = { physics: cubic, x: xs, yTarget: targets, batch: xs.length };

describe("gradientDescent", () => {
  it("steps against ∂L/∂x by η and reports one iteration", () => {
    const result = gradientDescent({ stepSize: 0.1 }).solve(problem);
    const { gradient } = evaluateObjective(cubic, xs, targets, xs.length);
    result.x.forEach((v, i) => expect(v).toBeCloseTo((xs[i] as number) - 0.1 * (gradient[i] as number), 12));
    expect(result.iterations.every((n) => n === 1)).toBe(true);
    expect(result.reasons.every((r) => r === "maxIterations")).toBe(true);
  });
});

describe("newton", () => {
  it("always proposes a descent direction: (x̃ − x)·∂L/∂x ≤ 0", () => {
    const result = newton().solve(problem);
    const { gradient } = evaluateObjective(cubic, xs, targets, xs.length);
    let flipped = 0;
    const raw = cubic.newtonDerivatives!(xs, targets, xs.length);
    result.x.forEach((v, i) => {
      expect((v - (xs[i] as number)) * (gradient[i] as number)).toBeLessThanOrEqual(0);
      const rawStep = -(raw.gradient[i] as number) / (raw.curvature[i] as number);
      if (rawStep * (gradient[i] as number) > 0) flipped++;
      expect(Math.abs(v - (xs[i] as number))).toBeCloseTo(Math.abs(rawStep), 10);
    });
    expect(flipped).toBeGreaterThan(0); // the sample includes points of negative curvature
  });

  it("takes the raw Newton step when ensureDescent is off, and clips long steps", () => {
    const raw = newton({ ensureDescent: false }).solve(problem);
    const d = cubic.newtonDerivatives!(xs, targets, xs.length);
    raw.x.forEach((v, i) => expect(v).toBeCloseTo((xs[i] as number) - (d.gradient[i] as number) / (d.curvature[i] as number), 10));
    const clipped = newton({ clipStep: 0.05 }).solve(problem);
    clipped.x.forEach((v, i) => expect(Math.abs(v - (xs[i] as number))).toBeLessThanOrEqual(0.05 + 1e-15));
  });

  it("refuses physics without closed-form derivatives", () => {
    const { newtonDerivatives: _, ...plain } = cubic;
    expect(() => newton().solve({ ...problem, physics: plain })).toThrow(/newton.solve: physics must be a Physics with closed-form newtonDerivatives; received "x³−x"/);
  });
});

describe("inverseGradient", () => {
  it("applies the inverted Jacobian to the residual and lands on the root for linear physics", () => {
    const result = inverseGradient().solve(problem);
    const y = cubic.forward(xs, xs.length);
    result.x.forEach((v, i) => {
      const expected = (xs[i] as number) + ((targets[i] as number) - (y[i] as number)) / (3 * (xs[i] as number) ** 2 - 1);
      expect(v).toBeCloseTo(expected, 10);
    });
    const linear: Physics = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (_x, dy) => dy.map((v) => 2 * v), jacobianDiagonal: (x) => x.map(() => 2) };
    const exact = inverseGradient().solve({ physics: linear, x: Float64Array.of(5, -3), yTarget: Float64Array.of(1, 4), batch: 2 });
    expect(Array.from(exact.x)).toEqual([0.5, 2]);
  });

  it("reports nonFinite where the Jacobian vanishes", () => {
    const at = Float64Array.of(1 / Math.sqrt(3) + 0, 0.9);
    const flat: Physics = { ...cubic, jacobianDiagonal: (x) => x.map((_, i) => (i === 0 ? 0 : 1)) };
    const result = inverseGradient().solve({ physics: flat, x: at, yTarget: Float64Array.of(1, 1), batch: 2 });
    expect(result.reasons).toEqual(["nonFinite", "maxIterations"]);
  });
});

describe("analyticInverse and repeated", () => {
  it("reports exact per example and nonFinite where the inverse failed", () => {
    const solver = analyticInverse({ name: "cbrt", invert: ({ x }) => x.map((v, i) => (i === 1 ? Number.NaN : Math.cbrt(v))) });
    const result = solver.solve({ physics: cubic, x: Float64Array.of(8, 1, 27), yTarget: new Float64Array(3), batch: 3 });
    expect(Array.from(result.x.filter((v) => !Number.isNaN(v)))).toEqual([2, 3]);
    expect(result.reasons).toEqual(["exact", "nonFinite", "exact"]);
  });

  it("runs a solver n times from its own proposals and adds the iterations", () => {
    const three = repeated(gradientDescent({ stepSize: 0.05 }), { steps: 3 }).solve(problem);
    let x: Float64Array = xs;
    for (let k = 0; k < 3; k++) x = gradientDescent({ stepSize: 0.05 }).solve({ ...problem, x }).x;
    expect(Array.from(three.x)).toEqual(Array.from(x));
    expect(three.iterations.every((n) => n === 3)).toBe(true);
  });
});

describe("validation", () => {
  it("names the parameter and the value received", () => {
    expect(() => gradientDescent({ stepSize: -1 })).toThrow(/gradientDescent: stepSize must be a finite number > 0; received -1\./);
    expect(() => newton({ clipStep: 0 })).toThrow(PgValidationError);
    expect(() => repeated(newton(), { steps: 0 })).toThrow(/repeated: steps must be a positive integer; received 0\./);
    expect(() => gradientDescent().solve({ ...problem, batch: 0 })).toThrow(/gradientDescent.solve: batch must be a positive integer; received 0\./);
    expect(() => gradientDescent().solve({ ...problem, x: new Float64Array(3) })).toThrow(PgShapeError);
    expect(() => gradientDescent().solve({ ...problem, x: new Float64Array(3) })).toThrow(/x must have length batch × 1 = 401 \(batch = 401\); received Float64Array\(3\)/);
    expect(() => analyticInverse({ invert: undefined as never })).toThrow(/analyticInverse: invert must be a function/);
  });
});

describe("non-finite input and progress: the stop reason nonFinite, never an error", () => {
  /** The cubic, refusing non-finite arrays as every physics forward/adjoint must: the solvers must not pass them on. */
  const strict: Physics = {
    ...cubic,
    name: "strict x³−x",
    forward(x, batch) {
      requireFinite("strict.forward", "input", x);
      return cubic.forward(x, batch);
    },
    adjoint(x, dy, batch) {
      requireFinite("strict.adjoint", "input", x);
      requireFinite("strict.adjoint", "input", dy);
      return cubic.adjoint(x, dy, batch);
    },
    jacobianDiagonal(x, batch) {
      requireFinite("strict.jacobianDiagonal", "input", x);
      return cubic.jacobianDiagonal!(x, batch);
    },
    newtonDerivatives(x, yTarget, batch) {
      requireFinite("strict.newtonDerivatives", "input", x);
      requireFinite("strict.newtonDerivatives", "input", yTarget);
      return cubic.newtonDerivatives!(x, yTarget, batch);
    },
  };
  const solvers: [string, InverseSolver][] = [
    ["gradientDescent", gradientDescent({ stepSize: 0.1 })],
    ["newton", newton()],
    ["newton without descent check", newton({ ensureDescent: false })],
    ["inverseGradient", inverseGradient()],
    ["analyticInverse", analyticInverse({ invert: ({ x }) => x.map((v) => v / 2) })],
    ["repeated", repeated(gradientDescent({ stepSize: 0.1 }), { steps: 3 })],
    ["lbfgsb", lbfgsb({ maxIterations: 5 })],
  ];
  const x = Float64Array.of(0.3, NaN, 0.5, Infinity, 0.7, 0.9);
  const yTarget = Float64Array.of(0.1, 0.2, -Infinity, 0.4, NaN, 0.6);

  for (const [label, solver] of solvers) {
    it(`${label}: a bad example stops with nonFinite at its x and the others are solved as alone`, () => {
      const result = solver.solve({ physics: strict, x, yTarget, batch: 6 });
      for (const b of [1, 2, 3, 4]) {
        expect(result.reasons[b]).toBe("nonFinite");
        expect(Object.is(result.x[b], x[b])).toBe(true);
        expect(result.iterations[b]).toBe(0);
        if (result.objective !== undefined) expect(result.objective[b]).toBeNaN();
      }
      const alone = solver.solve({ physics: strict, x: Float64Array.of(0.3, 0.9), yTarget: Float64Array.of(0.1, 0.6), batch: 2 });
      expect([result.x[0], result.x[5]]).toEqual(Array.from(alone.x));
      expect([result.reasons[0], result.reasons[5]]).toEqual(alone.reasons);
      expect(alone.reasons).not.toContain("nonFinite");
    });

    it(`${label}: a batch without a finite example never reaches the physics`, () => {
      const result = solver.solve({ physics: strict, x: Float64Array.of(NaN, 1), yTarget: Float64Array.of(0, Infinity), batch: 2 });
      expect(result.reasons).toEqual(["nonFinite", "nonFinite"]);
      expect(Array.from(result.iterations)).toEqual([0, 0]);
    });
  }

  it("gradientDescent: NaN in x was returned with maxIterations (issue 12); now nonFinite", () => {
    const result = gradientDescent().solve({ physics: cubic, x: Float64Array.of(NaN, 1), yTarget: Float64Array.of(0, 0), batch: 2 });
    expect(result.reasons).toEqual(["nonFinite", "maxIterations"]);
  });

  it("gradientDescent and newton: an overflowing proposal or objective stops with nonFinite", () => {
    const huge = Float64Array.of(1e200, 1);
    expect(gradientDescent().solve({ physics: cubic, x: huge, yTarget: Float64Array.of(0, 0), batch: 2 }).reasons).toEqual(["nonFinite", "maxIterations"]);
    expect(inverseGradient().solve({ physics: cubic, x: huge, yTarget: Float64Array.of(0, 0), batch: 2 }).reasons).toEqual(["nonFinite", "maxIterations"]);
  });

  it("a physics that refuses an overflowing intermediate stops the batch with nonFinite at x", () => {
    // (1e200)³ overflows: the strict adjoint refuses the infinite residual the objective hands it.
    const start = Float64Array.of(1e200, 1);
    for (const solver of [gradientDescent(), newton()]) {
      const result = solver.solve({ physics: strict, x: start, yTarget: Float64Array.of(0, 0), batch: 2 });
      expect(result.reasons).toEqual(["nonFinite", "nonFinite"]);
      expect(Array.from(result.x)).toEqual([1e200, 1]);
    }
    // Per example, L-BFGS-B tells the examples apart.
    expect(lbfgsb().solve({ physics: strict, x: start, yTarget: Float64Array.of(0, 0), batch: 2 }).reasons).toEqual(["nonFinite", "converged"]);
  });

  it("other errors of the physics still propagate", () => {
    const failing: Physics = { ...cubic, forward: () => { throw new PgValidationError("failing.forward", "x", "something", 0); } };
    expect(() => gradientDescent().solve({ ...problem, physics: failing })).toThrow(PgValidationError);
    expect(() => lbfgsb().solve({ physics: failing, x: Float64Array.of(1), yTarget: Float64Array.of(0), batch: 1 })).toThrow(PgValidationError);
  });

  it("lbfgsb: Infinity in x is not projected onto the box into a finite start", () => {
    const result = lbfgsb({ bounds: { lower: 0, upper: 1 } }).solve({ physics: cubic, x: Float64Array.of(Infinity, 0.5), yTarget: Float64Array.of(0.5, 0.5), batch: 2 });
    expect(result.reasons).toEqual(["nonFinite", "converged"]);
    expect(result.x[0]).toBe(Infinity);
  });
});
