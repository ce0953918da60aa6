import { PgNonFiniteError, PgShapeError, PgValidationError, type Physics } from "@pg/core";
import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { random, uniformSampler, type RandomStream } from "@pg/data";
import { describe, expect, it } from "vitest";
import { SIN_TARGET, sinPhysics, sinTargets } from "../src/index.js";

const TWO_PI = 2 * Math.PI;

/** a ~ U[0.1, 10.1), the sin parameters of the paper. */
function sampleParameters(stream: RandomStream, count: number): Float64Array {
  return uniformSampler({ low: 0.1, high: 10.1 }).sample(stream, count);
}

/** x ~ ±U[low, high) with a random sign. */
function sampleGuesses(stream: RandomStream, count: number, low: number, high: number): Float64Array {
  const x = new Float64Array(count);
  for (let i = 0; i < count; i++) x[i] = (stream.integer(2) === 0 ? -1 : 1) * stream.uniform(low, high);
  return x;
}

/** Points for the adjoint checks: |x| ∈ [0.2, 3] with a random sign, away from the singularity at 0. */
function awayFromZero(randomValue: () => number): number {
  const magnitude = 0.2 + 2.8 * randomValue();
  return randomValue() < 0.5 ? -magnitude : magnitude;
}

/** Central difference of `f` at x with step h. */
function centralDifference(f: (x: number) => number, x: number, h: number): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

function expectError(run: () => unknown, errorClass: typeof PgValidationError | typeof PgShapeError | typeof PgNonFiniteError, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(errorClass);
  expect((caught as Error).message).toBe(message);
}

// ---------------------------------------------------------------------------------------------------------------
// The invariants of the analytic inverse (a solution, the sign of x, within π in phase), as a checker that can be pointed at any inverse.
//
// Classification of the outermost positive branch: a pair (a, x) is on it when x > 0 and the phase a/x < π/2,
// i.e. x > 2a/π. There the unclamped rounding round(a/(2πx) − ¾) gives n = −1 (a negative x̃), the clamp gives
// n = 0, so x̃ must be exactly the outermost minimum 2a/(3π) and the phase distance 3π/2 − a/x lies in (π, 3π/2).
// Every other pair must be within phase distance π of x̃ (x̃ is the closest minimum of its sign).
// ---------------------------------------------------------------------------------------------------------------

interface InverseReport {
  readonly residualFailures: number;
  readonly signFailures: number;
  readonly innerFailures: number;
  readonly outerFailures: number;
  readonly innerCount: number;
  readonly outerCount: number;
  readonly maxResidual: number;
  readonly maxInnerDistance: number;
  readonly maxOuterDistance: number;
}

function checkSinInverse(a: Float64Array, x: Float64Array, xTilde: Float64Array): InverseReport {
  let residualFailures = 0;
  let signFailures = 0;
  let innerFailures = 0;
  let outerFailures = 0;
  let innerCount = 0;
  let outerCount = 0;
  let maxResidual = 0;
  let maxInnerDistance = 0;
  let maxOuterDistance = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i] as number;
    const xi = x[i] as number;
    const ti = xTilde[i] as number;
    const residual = Math.abs(Math.sin(ai / ti) + 1);
    maxResidual = Math.max(maxResidual, Number.isNaN(residual) ? Infinity : residual);
    if (!(residual <= 1e-12)) residualFailures++;
    if (Math.sign(ti) !== Math.sign(xi)) signFailures++;
    const distance = Math.abs(ai / ti - ai / xi);
    const isOuterBranch = xi > 0 && ai / xi < Math.PI / 2;
    if (isOuterBranch) {
      outerCount++;
      maxOuterDistance = Math.max(maxOuterDistance, distance);
      const outermost = (2 * ai) / (3 * Math.PI);
      if (!(distance <= 1.5 * Math.PI + 1e-9) || Math.abs(ti - outermost) > 1e-14 * outermost) outerFailures++;
    } else {
      innerCount++;
      maxInnerDistance = Math.max(maxInnerDistance, Number.isNaN(distance) ? Infinity : distance);
      if (!(distance <= Math.PI + 1e-9)) innerFailures++;
    }
  }
  return {
    residualFailures,
    signFailures,
    innerFailures,
    outerFailures,
    innerCount,
    outerCount,
    maxResidual,
    maxInnerDistance,
    maxOuterDistance,
  };
}

/** The closest-minimum formula with a pluggable rounding and clamp, to show the checker catches wrong variants. */
function variantInverse(
  a: Float64Array,
  x: Float64Array,
  branchOf: (phaseIndex: number, x: number) => number,
): Float64Array {
  return a.map((ai, i) => {
    const xi = x[i] as number;
    return ai / (1.5 * Math.PI + TWO_PI * branchOf(ai / (TWO_PI * xi), xi));
  });
}

function failures(report: InverseReport): number {
  return report.residualFailures + report.signFailures + report.innerFailures + report.outerFailures;
}

describe("sinPhysics", () => {
  it("computes y = sin(a/x) per example", () => {
    const physics = sinPhysics({ a: Float64Array.of(Math.PI, 1, 2.5) });
    const y = physics.forward(Float64Array.of(2, -0.25, 7), 3);
    expect(y[0]).toBe(Math.sin(Math.PI / 2));
    expect(y[1]).toBe(Math.sin(-4));
    expect(y[2]).toBe(Math.sin(2.5 / 7));
    expect(physics.name).toBe("sin(a/x)");
    expect(physics.xShape).toEqual([1]);
    expect(physics.yShape).toEqual([1]);
  });

  it("keeps its own copy of a", () => {
    const a = Float64Array.of(1, 2);
    const physics = sinPhysics({ a });
    a[0] = 100;
    expect(Array.from(physics.a)).toEqual([1, 2]);
  });

  it("has an adjoint that matches central finite differences (relative 1e-6, |x| ∈ [0.2, 3])", () => {
    for (const [seed, batch] of [
      [1, 1],
      [2, 16],
      [3, 64],
    ] as const) {
      const physics = sinPhysics({ a: sampleParameters(random(seed), batch) });
      const check = checkFiniteDifferences(physics, { batch, seed, samplePoint: awayFromZero });
      expect(check.relativeError, `seed ${seed}, batch ${batch}`).toBeLessThan(1e-6);
    }
  });

  it("satisfies ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ (relative 1e-6, |x| ∈ [0.2, 3])", () => {
    for (const [seed, batch] of [
      [4, 1],
      [5, 16],
      [6, 64],
    ] as const) {
      const physics = sinPhysics({ a: sampleParameters(random(seed), batch) });
      const check = checkAdjoint(physics, { batch, seed, samplePoint: awayFromZero });
      expect(check.relativeError, `seed ${seed}, batch ${batch}: ${check.jvDotW} vs ${check.vDotJtw}`).toBeLessThan(1e-6);
    }
  });

  it("has a jacobianDiagonal that matches finite differences of forward and the adjoint of ones", () => {
    const batch = 200;
    const a = sampleParameters(random(7), batch);
    const physics = sinPhysics({ a });
    const draw = testRandom(7);
    const x = Float64Array.from({ length: batch }, () => awayFromZero(draw));
    const diagonal = physics.jacobianDiagonal(x, batch);
    const finiteDifference = x.map((xi, i) => centralDifference((t) => Math.sin((a[i] as number) / t), xi, 1e-6));
    expect(relativeDifference(diagonal, finiteDifference)).toBeLessThan(1e-6);
    expect(Array.from(physics.adjoint(x, new Float64Array(batch).fill(1), batch))).toEqual(Array.from(diagonal));
  });

  it("returns Newton derivatives f′ and f″ of sin(a/x) that match finite differences", () => {
    const batch = 200;
    const a = sampleParameters(random(8), batch);
    const physics = sinPhysics({ a });
    const draw = testRandom(8);
    const x = Float64Array.from({ length: batch }, () => awayFromZero(draw));
    const { gradient, curvature } = physics.newtonDerivatives(x, sinTargets(batch), batch);
    const f = (i: number) => (t: number) => Math.sin((a[i] as number) / t);
    const h = 1e-5;
    const firstDifference = x.map((xi, i) => centralDifference(f(i), xi, h));
    const secondDifference = x.map((xi, i) => (f(i)(xi + h) - 2 * f(i)(xi) + f(i)(xi - h)) / (h * h));
    const gradientOfGradient = x.map((xi, i) =>
      centralDifference((t) => physics.jacobianDiagonal(Float64Array.from(x, (v, j) => (j === i ? t : v)), batch)[i] as number, xi, 1e-6),
    );
    expect(relativeDifference(gradient, firstDifference)).toBeLessThan(1e-6);
    expect(relativeDifference(curvature, gradientOfGradient)).toBeLessThan(1e-6);
    expect(relativeDifference(curvature, secondDifference)).toBeLessThan(1e-4); // second differences lose digits
  });

  it("gives the raw Newton step −f′/f″ = x²cos(a/x) / (2x·cos(a/x) − a·sin(a/x))", () => {
    const a = Float64Array.of(0.3, 1, 4.2, 9.9);
    const x = Float64Array.of(0.7, -1.3, 2.9, -0.45);
    const physics = sinPhysics({ a });
    const { gradient, curvature } = physics.newtonDerivatives(x, sinTargets(4), 4);
    const step = gradient.map((g, i) => -g / (curvature[i] as number));
    const closedForm = x.map((xi, i) => {
      const phase = (a[i] as number) / xi;
      return (xi * xi * Math.cos(phase)) / (2 * xi * Math.cos(phase) - (a[i] as number) * Math.sin(phase));
    });
    expect(relativeDifference(step, closedForm)).toBeLessThan(1e-13);
  });

  it("does not read the values of yTarget in newtonDerivatives (Newton runs on P itself)", () => {
    const physics = sinPhysics({ a: Float64Array.of(2, 5) });
    const x = Float64Array.of(0.8, -1.7);
    const atTarget = physics.newtonDerivatives(x, sinTargets(2), 2);
    const elsewhere = physics.newtonDerivatives(x, Float64Array.of(0.3, 0.9), 2);
    expect(elsewhere).toEqual(atTarget);
  });
});

describe("sinPhysics.closestMinimum", () => {
  const count = 10_000;
  const stream = random(2022);
  const a = sampleParameters(stream, count);
  const x = sampleGuesses(stream, count, 0.01, 20);
  const physics = sinPhysics({ a });
  const xTilde = physics.closestMinimum(x);

  it("lands on a minimum, keeps the sign and stays within phase distance π (3π/2 on the outer branch) for 10,000 pairs", () => {
    const report = checkSinInverse(a, x, xTilde);
    expect(report.maxResidual).toBeLessThan(1e-12);
    expect(report.residualFailures).toBe(0);
    expect(report.signFailures).toBe(0);
    expect(report.innerFailures).toBe(0);
    expect(report.outerFailures).toBe(0);
    // Both classes occur, and the bounds are nearly attained, so the sample really probes them.
    expect(report.innerCount).toBeGreaterThan(1000);
    expect(report.outerCount).toBeGreaterThan(1000);
    expect(report.maxInnerDistance).toBeGreaterThan(0.99 * Math.PI);
    expect(report.maxOuterDistance).toBeGreaterThan(1.4 * Math.PI);
    expect(report.maxOuterDistance).toBeLessThanOrEqual(1.5 * Math.PI);
  });

  it("reproduces the formula n = round(a/(2πx) − ¾) with its clamps exactly", () => {
    const reference = variantInverse(a, x, (phaseIndex, xi) => {
      const n = Math.round(phaseIndex - 0.75);
      return xi > 0 ? Math.max(n, 0) : Math.min(n, -1);
    });
    expect(Array.from(xTilde)).toEqual(Array.from(reference));
  });

  it("has an invariant check that fails for wrong roundings or a missing clamp", () => {
    const wrong: Record<string, (phaseIndex: number, x: number) => number> = {
      floor: (p, xi) => (xi > 0 ? Math.max(Math.floor(p - 0.75), 0) : Math.min(Math.floor(p - 0.75), -1)),
      ceil: (p, xi) => (xi > 0 ? Math.max(Math.ceil(p - 0.75), 0) : Math.min(Math.ceil(p - 0.75), -1)),
      "offset −¼": (p, xi) => (xi > 0 ? Math.max(Math.round(p - 0.25), 0) : Math.min(Math.round(p - 0.25), -1)),
      "no offset": (p, xi) => (xi > 0 ? Math.max(Math.round(p), 0) : Math.min(Math.round(p), -1)),
      "no clamp": (p) => Math.round(p - 0.75),
      "clamp at n ≥ 1": (p, xi) => (xi > 0 ? Math.max(Math.round(p - 0.75), 1) : Math.min(Math.round(p - 0.75), -1)),
      "n + 1": (p, xi) => (xi > 0 ? Math.max(Math.round(p - 0.75), 0) + 1 : Math.min(Math.round(p - 0.75), -1)),
    };
    for (const [name, branchOf] of Object.entries(wrong)) {
      expect(failures(checkSinInverse(a, x, variantInverse(a, x, branchOf))), name).toBeGreaterThan(0);
    }
  });

  it("maps a large positive x to the outermost minimum 2a/(3π) and a large negative x to −2a/π", () => {
    const parameters = Float64Array.of(0.1, 1, 5.5, 10.1);
    const physics = sinPhysics({ a: parameters });
    for (const magnitude of [1e3, 1e6, 1e300, Number.MAX_VALUE]) {
      const positive = physics.closestMinimum(new Float64Array(4).fill(magnitude));
      const negative = physics.closestMinimum(new Float64Array(4).fill(-magnitude));
      expect(relativeDifference(positive, parameters.map((ai) => (2 * ai) / (3 * Math.PI)))).toBeLessThan(1e-15);
      expect(relativeDifference(negative, parameters.map((ai) => (-2 * ai) / Math.PI))).toBeLessThan(1e-15);
    }
  });

  it("treats x = +0 and −0 as 0⁺ and caps tiny |x| at a far but exact minimum", () => {
    const parameters = Float64Array.of(1, 1, 1, 1);
    const physics = sinPhysics({ a: parameters });
    const result = physics.closestMinimum(Float64Array.of(0, -0, 1e-300, -1e-300));
    const [fromZero, fromNegativeZero, fromTiny, fromNegativeTiny] = Array.from(result) as [number, number, number, number];
    expect(fromZero).toBeGreaterThan(0);
    expect(fromNegativeZero).toBe(fromZero);
    expect(fromTiny).toBe(fromZero);
    expect(fromZero).toBe(1 / (1.5 * Math.PI + TWO_PI * 2 ** 20)); // n = 2^20
    expect(fromNegativeTiny).toBe(1 / (1.5 * Math.PI - TWO_PI * 2 ** 20)); // n = −2^20
    for (const value of result) expect(Math.abs(Math.sin(1 / value) + 1)).toBeLessThan(1e-12);
  });

  it("refuses NaN and ±Infinity guesses, naming x, like the forward does", () => {
    const physics = sinPhysics({ a: Float64Array.of(1, 2) });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expectError(
        () => physics.closestMinimum(Float64Array.of(0.5, bad)),
        PgNonFiniteError,
        `sinPhysics.closestMinimum: input is ${String(bad)} (first non-finite entry at index 1); parameter x must be finite.`,
      );
    }
  });
});

describe("sin targets", () => {
  it("is −1, the minimum of sin", () => {
    expect(SIN_TARGET).toBe(-1);
    const targets = sinTargets(5);
    expect(targets).toBeInstanceOf(Float64Array);
    expect(Array.from(targets)).toEqual([-1, -1, -1, -1, -1]);
  });
});

describe("sinPhysics exceptions", () => {
  const physics: Physics = sinPhysics({ a: Float64Array.of(1, 2, 3) });

  it("rejects a batch that differs from a.length", () => {
    expectError(
      () => physics.forward(new Float64Array(2), 2),
      PgValidationError,
      "sinPhysics.forward: batch must be equal to a.length = 3 (one a per example); received 2.",
    );
    expectError(
      () => physics.adjoint(new Float64Array(4), new Float64Array(4), 4),
      PgValidationError,
      "sinPhysics.adjoint: batch must be equal to a.length = 3 (one a per example); received 4.",
    );
  });

  it("rejects x of the wrong length or type, naming x", () => {
    expectError(
      () => physics.forward(new Float64Array(2), 3),
      PgShapeError,
      "sinPhysics.forward: x must have length batch × 1 = 3 (batch = 3); received Float64Array(2) [0, 0].",
    );
    expectError(
      () => physics.forward([1, 2, 3] as unknown as Float64Array, 3),
      PgShapeError,
      "sinPhysics.forward: x must have type Float64Array of length batch × 1; received Array(3) [1, 2, 3].",
    );
    expectError(
      () => physics.adjoint(new Float64Array(3), new Float32Array(3) as unknown as Float64Array, 3),
      PgShapeError,
      "sinPhysics.adjoint: dy must have type Float64Array of length batch × 1; received Float32Array(3) [0, 0, 0].",
    );
    expectError(
      () => sinPhysics({ a: Float64Array.of(1, 2, 3) }).closestMinimum(new Float64Array(5)),
      PgShapeError,
      "sinPhysics.closestMinimum: x must have length batch × 1 = 3 (batch = 3); received Float64Array(5) [0, 0, 0, 0, …].",
    );
    expectError(
      () => physics.newtonDerivatives?.(new Float64Array(3), new Float64Array(1), 3),
      PgShapeError,
      "sinPhysics.newtonDerivatives: yTarget must have length batch × 1 = 3 (batch = 3); received Float64Array(1) [0].",
    );
  });

  it("rejects NaN, infinite or non-positive entries of a, naming the index", () => {
    expectError(
      () => sinPhysics({ a: Float64Array.of(1, 2, 3, 4, 5, Number.NaN) }),
      PgValidationError,
      "sinPhysics: a must be a Float64Array of finite numbers > 0; received Float64Array(6) [1, 2, 3, 4, …]. a[5] is NaN.",
    );
    expectError(
      () => sinPhysics({ a: Float64Array.of(Number.POSITIVE_INFINITY) }),
      PgValidationError,
      "sinPhysics: a must be a Float64Array of finite numbers > 0; received Float64Array(1) [Infinity]. a[0] is Infinity.",
    );
    expectError(
      () => sinPhysics({ a: Float64Array.of(1, -0.5) }),
      PgValidationError,
      "sinPhysics: a must be a Float64Array of finite numbers > 0; received Float64Array(2) [1, -0.5]. a[1] is -0.5.",
    );
  });

  it("rejects a that is not a non-empty Float64Array, and missing options", () => {
    expectError(
      () => sinPhysics({ a: [1, 2] as unknown as Float64Array }),
      PgValidationError,
      "sinPhysics: a must be a non-empty Float64Array (one parameter per example); received Array(2) [1, 2].",
    );
    expectError(
      () => sinPhysics({ a: new Float64Array(0) }),
      PgValidationError,
      "sinPhysics: a must be a non-empty Float64Array (one parameter per example); received Float64Array(0) [].",
    );
    expectError(
      () => sinPhysics(undefined as unknown as { a: Float64Array }),
      PgValidationError,
      "sinPhysics: options must be an object { a: Float64Array }; received undefined.",
    );
  });

  it("rejects a non-integer batch and a non-positive target count", () => {
    expectError(() => physics.forward(new Float64Array(3), 1.5), PgValidationError, "sinPhysics.forward: batch must be a positive integer; received 1.5.");
    expectError(() => sinTargets(0), PgValidationError, "sinTargets: batch must be a positive integer; received 0.");
  });
});
