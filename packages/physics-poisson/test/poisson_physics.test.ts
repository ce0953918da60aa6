import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom } from "@pg/core/testing";
import { poissonBatch, random } from "@pg/data";
import { describe, expect, it } from "vitest";
import { poissonPhysics, type PoissonWarning } from "../src/index.js";

function norm(v: ArrayLike<number>, start = 0, end = v.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += (v[i] as number) ** 2;
  return Math.sqrt(s);
}

/** max over examples of ‖a_b − b_b‖ / ‖b_b‖. */
function worstExampleRelativeError(a: Float64Array, b: Float64Array, batch: number): number {
  const size = a.length / batch;
  let worst = 0;
  for (let e = 0; e < batch; e++) {
    const difference = new Float64Array(size);
    for (let i = 0; i < size; i++) difference[i] = (a[e * size + i] as number) - (b[e * size + i] as number);
    worst = Math.max(worst, norm(difference) / norm(b, e * size, (e + 1) * size));
  }
  return worst;
}

/** U(−1, 1) test vector. */
function uniformVector(seed: number, length: number): Float64Array {
  const next = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * next() - 1);
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("poissonPhysics: options", () => {
  it("defaults to the authors' 64 × 64 grid, dx = 1 and CG rtol 1e-5, atol 0, 1000 iterations", () => {
    const physics = poissonPhysics();
    expect(physics.shape).toEqual([64, 64]);
    expect(physics.xShape).toEqual([64, 64, 1]);
    expect(physics.yShape).toEqual([64, 64, 1]);
    expect([physics.spacing, physics.relativeTolerance, physics.absoluteTolerance, physics.maxIterations]).toEqual([1, 1e-5, 0, 1000]);
    expect(physics.lastSolve).toBeUndefined();
    expect(poissonPhysics({ shape: [80, 60] }).xShape).toEqual([80, 60, 1]);
  });

  it.each([
    [{ shape: [64] }, "poissonPhysics: shape must be a pair [nx, ny] of positive integers; received Array(1) [64]."],
    [{ shape: [0, 64] }, "poissonPhysics: shape must be a pair [nx, ny] of positive integers; received Array(2) [0, 64]."],
    [{ spacing: 0 }, "poissonPhysics: spacing must be a finite number > 0; received 0."],
    [{ relativeTolerance: -1e-5 }, "poissonPhysics: relativeTolerance must be a finite number ≥ 0; received -0.00001."],
    [{ absoluteTolerance: Number.NaN }, "poissonPhysics: absoluteTolerance must be a finite number ≥ 0; received NaN."],
    [{ maxIterations: 0 }, "poissonPhysics: maxIterations must be a positive integer; received 0."],
    [{ maxIterations: 2.5 }, "poissonPhysics: maxIterations must be a positive integer; received 2.5."],
    [{ onWarning: "log" }, 'poissonPhysics: onWarning must be a function (warning) => void or undefined; received "log".'],
    [{ reuseLastForward: 1 }, "poissonPhysics: reuseLastForward must be a boolean; received 1."],
  ])("refuses %j with a message naming the option and the value", (options, message) => {
    const error = caught(() => poissonPhysics(options as never));
    expect(error).toBeInstanceOf(PgValidationError);
    expect((error as PgValidationError).code).toBe("invalid-argument");
    expect((error as Error).message).toBe(message);
  });
});

describe("poissonPhysics: input validation", () => {
  const physics = poissonPhysics({ shape: [4, 3] });

  it("refuses an x of the wrong length, spelling out the batch arithmetic", () => {
    const error = caught(() => physics.forward(new Float64Array(20), 2));
    expect(error).toBeInstanceOf(PgShapeError);
    expect((error as PgShapeError).code).toBe("invalid-shape");
    expect((error as Error).message).toBe(
      "poissonPhysics.forward: x must have length batch × 12 (4 × 3 × 1) = 24 (batch = 2); received Float64Array(20) [0, 0, 0, 0, …].",
    );
  });

  it("refuses NaN or Infinity in x, dy or yTarget, naming the parameter and the index", () => {
    const bad = new Float64Array(12);
    bad[5] = Number.NaN;
    const good = new Float64Array(12);
    const cases: [() => unknown, string][] = [
      [() => physics.forward(bad, 1), "poissonPhysics.forward: input is NaN (first non-finite entry at index 5); parameter x must be finite."],
      [() => physics.adjoint(good, bad, 1), "poissonPhysics.adjoint: input is NaN (first non-finite entry at index 5); parameter dy must be finite."],
      [() => physics.inverse(good, bad, 1), "poissonPhysics.inverse: input is NaN (first non-finite entry at index 5); parameter yTarget must be finite."],
      [() => physics.laplacian(Float64Array.from(good).fill(Infinity, 2, 3), 1), "poissonPhysics.laplacian: input is Infinity (first non-finite entry at index 2); parameter y must be finite."],
    ];
    for (const [run, message] of cases) {
      const error = caught(run);
      expect(error).toBeInstanceOf(PgNonFiniteError);
      expect((error as PgNonFiniteError).code).toBe("non-finite");
      expect((error as Error).message).toBe(message);
    }
  });

  it("refuses a batch that is not a positive integer, and a non-Float64Array", () => {
    const error = caught(() => physics.forward(new Float64Array(12), 0));
    expect(error).toBeInstanceOf(PgValidationError);
    expect((error as Error).message).toBe("poissonPhysics.forward: batch must be a positive integer; received 0.");
    const typed = caught(() => physics.adjoint(new Float64Array(12), new Float32Array(12) as unknown as Float64Array, 1));
    expect(typed).toBeInstanceOf(PgShapeError);
    expect((typed as Error).message).toBe(
      "poissonPhysics.adjoint: dy must have type Float64Array of length batch × 12; received Float32Array(12) [0, 0, 0, 0, …].",
    );
  });
});

describe("poissonPhysics: forward and adjoint", () => {
  it("inverts the Dirichlet Laplacian on its eigenfunctions sin(πp(i+1)/(nx+1))·sin(πq(j+1)/(ny+1)) (zero ghost cells)", () => {
    const [nx, ny, dx] = [12, 9, 0.5];
    const physics = poissonPhysics({ shape: [nx, ny], spacing: dx, relativeTolerance: 1e-13 });
    for (const [p, q] of [
      [1, 1],
      [3, 2],
      [12, 9],
    ] as const) {
      const u = new Float64Array(nx * ny);
      for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny; j++) u[i * ny + j] = Math.sin((Math.PI * p * (i + 1)) / (nx + 1)) * Math.sin((Math.PI * q * (j + 1)) / (ny + 1));
      }
      const eigenvalue = (2 * Math.cos((Math.PI * p) / (nx + 1)) - 2 + 2 * Math.cos((Math.PI * q) / (ny + 1)) - 2) / (dx * dx);
      const y = physics.forward(u, 1);
      expect(relativeDifference(y, u.map((v) => v / eigenvalue))).toBeLessThan(1e-12);
      expect(physics.lastSolve?.iterations[0]).toBe(1); // an eigenvector: CG converges in one step
    }
  });

  it("satisfies the adjoint identity ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ on small grids (rtol 1e-12)", () => {
    for (const [shape, spacing, batch] of [
      [[12, 9], 1, 2],
      [[5, 7], 0.25, 3],
      [[1, 6], 2, 1],
    ] as const) {
      const physics = poissonPhysics({ shape, spacing, relativeTolerance: 1e-12 });
      // P is linear: a unit finite-difference step is exact up to round-off.
      const check = checkAdjoint(physics, { batch, seed: 11, step: 1 });
      expect(check.relativeError, `shape ${shape}, dx ${spacing}: ${check.jvDotW} vs ${check.vDotJtw}`).toBeLessThan(1e-10);
    }
  });

  it("matches central finite differences of ⟨w, P(x)⟩ entry by entry (rtol 1e-12)", () => {
    const physics = poissonPhysics({ shape: [12, 9], relativeTolerance: 1e-12 });
    const check = checkFiniteDifferences(physics, { batch: 2, seed: 5, step: 1 });
    expect(check.relativeError).toBeLessThan(1e-9);
  });

  it("solves ∇²P(x) = x to the CG tolerance: relative residual ≤ 1e-5 per example on Poisson data", () => {
    for (const shape of [
      [64, 64],
      [80, 60],
    ] as const) {
      const physics = poissonPhysics({ shape });
      const { x } = poissonBatch(random(1), { batch: 4, shape });
      const y = physics.forward(x, 4);
      expect(worstExampleRelativeError(physics.laplacian(y, 4), x, 4)).toBeLessThanOrEqual(1e-5);
      expect(physics.lastSolve?.reasons).toEqual(["converged", "converged", "converged", "converged"]);
      expect(physics.lastSolve?.operation).toBe("forward");
    }
  });

  it("applies the same solve as the adjoint: adjoint(x, dy) equals forward(dy) and ignores x", () => {
    const physics = poissonPhysics({ shape: [10, 7] });
    const dy = uniformVector(3, 140);
    const viaForward = physics.forward(dy, 2);
    const viaAdjoint = physics.adjoint(uniformVector(4, 140), dy, 2);
    expect(Array.from(viaAdjoint)).toEqual(Array.from(viaForward));
    expect(physics.lastSolve?.operation).toBe("adjoint");
    expect(physics.lastSolve?.where).toBe("poissonPhysics.adjoint");
  });

  it("maps zero to zero without iterating", () => {
    const physics = poissonPhysics({ shape: [6, 6] });
    expect(Array.from(physics.forward(new Float64Array(72), 2)).every((v) => v === 0)).toBe(true);
    expect(Array.from(physics.lastSolve?.iterations ?? [])).toEqual([0, 0]);
  });

  it("never modifies its inputs", () => {
    const physics = poissonPhysics({ shape: [5, 4] });
    const x = uniformVector(8, 20);
    const yTarget = uniformVector(9, 20);
    const copies = [Float64Array.from(x), Float64Array.from(yTarget)];
    physics.forward(x, 1);
    physics.adjoint(x, yTarget, 1);
    physics.inverse(x, yTarget, 1);
    physics.laplacian(x, 1);
    expect([x, yTarget]).toEqual(copies);
  });
});

describe("poissonPhysics: the PG correction x − ∇²(P(x) − y*) equals x*", () => {
  it("returns x* from any prediction: x − ∇²(P(x) − P(x*)) = x* to 1e-4 at rtol 1e-5 and to 1e-10 at rtol 1e-12", () => {
    for (const [relativeTolerance, bound] of [
      [1e-5, 1e-4],
      [1e-12, 1e-10],
    ] as const) {
      for (const shape of [
        [64, 64],
        [80, 60],
      ] as const) {
        const physics = poissonPhysics({ shape, relativeTolerance });
        const stream = random(2);
        const xStar = poissonBatch(stream, { batch: 3, shape }).x;
        const prediction = poissonBatch(stream, { batch: 3, shape }).x.map((v, i) => 0.3 * v + Math.sin(i));
        const yTarget = physics.forward(xStar, 3);
        const xTilde = physics.inverse(prediction, yTarget, 3);
        expect(relativeDifference(xTilde, xStar), `${shape} at rtol ${relativeTolerance}`).toBeLessThanOrEqual(bound);
        expect(physics.lastSolve?.where).toBe("poissonPhysics.inverse");
      }
    }
  });

  it("is a fixed point at the solution: inverse(x*, P(x*)) = x*", () => {
    const physics = poissonPhysics({ shape: [16, 12], relativeTolerance: 1e-12 });
    const xStar = poissonBatch(random(4), { batch: 2, shape: [16, 12] }).x;
    expect(relativeDifference(physics.inverse(xStar, physics.forward(xStar, 2), 2), xStar)).toBeLessThan(1e-12);
  });
});

describe("poissonPhysics: non-convergence is reported, never thrown (the authors' code raises)", () => {
  it("calls onWarning once per solve and records maxIterations in lastSolve when CG cannot converge in 3 iterations", () => {
    const warnings: PoissonWarning[] = [];
    const physics = poissonPhysics({ shape: [32, 32], maxIterations: 3, onWarning: (w) => warnings.push(w) });
    const x = poissonBatch(random(5), { batch: 2, shape: [32, 32] }).x;
    const y = physics.forward(x, 2);
    expect(y.every(Number.isFinite)).toBe(true);
    expect(physics.lastSolve?.reasons).toEqual(["maxIterations", "maxIterations"]);
    expect(Array.from(physics.lastSolve?.iterations ?? [])).toEqual([3, 3]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ where: "poissonPhysics.forward", examples: [0, 1], reasons: ["maxIterations", "maxIterations"], iterations: [3, 3] });
    expect(warnings[0]?.message).toBe(
      "poissonPhysics.forward: conjugate gradient did not converge for 2 of 2 examples (maxIterations: 2; relativeTolerance 0.00001, absoluteTolerance 0, maxIterations 3); the last iterates are used.",
    );
    physics.adjoint(x, x, 2);
    physics.inverse(x.map((v) => 2 * v), y, 2);
    expect(warnings.map((w) => w.where)).toEqual(["poissonPhysics.forward", "poissonPhysics.adjoint", "poissonPhysics.inverse"]);
  });

  it("names only the examples that did not converge", () => {
    const warnings: PoissonWarning[] = [];
    const physics = poissonPhysics({ shape: [16, 16], maxIterations: 5, onWarning: (w) => warnings.push(w) });
    const x = new Float64Array(3 * 256);
    x.set(poissonBatch(random(6), { batch: 1, shape: [16, 16] }).x, 256); // examples 0 and 2 are zero: converged at once
    physics.forward(x, 3);
    expect(physics.lastSolve?.reasons).toEqual(["converged", "maxIterations", "converged"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.examples).toEqual([1]);
  });

  it("stays silent without onWarning and still reports through lastSolve", () => {
    const physics = poissonPhysics({ shape: [16, 16], maxIterations: 2 });
    expect(() => physics.forward(poissonBatch(random(1), { batch: 1, shape: [16, 16] }).x, 1)).not.toThrow();
    expect(physics.lastSolve?.reasons).toEqual(["maxIterations"]);
  });
});

describe("poissonPhysics: reuse of the last forward solve", () => {
  it("returns the stored result for a bit-identical x and solves again for any change", () => {
    const physics = poissonPhysics({ shape: [16, 16] });
    const x = poissonBatch(random(8), { batch: 2, shape: [16, 16] }).x;
    const first = physics.forward(x, 2);
    expect(physics.lastSolve?.reused).toBe(false);
    const again = physics.forward(Float64Array.from(x), 2);
    expect(physics.lastSolve?.reused).toBe(true);
    expect(Array.from(again)).toEqual(Array.from(first));
    again[0] = 1e9; // the caller owns the returned array
    expect(physics.forward(x, 2)[0]).toBe(first[0]);
    const changed = Float64Array.from(x);
    changed[100] = (changed[100] as number) + 1e-9;
    physics.forward(changed, 2);
    expect(physics.lastSolve?.reused).toBe(false);
  });

  it("does not reuse when reuseLastForward is false", () => {
    const physics = poissonPhysics({ shape: [8, 8], reuseLastForward: false });
    const x = uniformVector(1, 64);
    physics.forward(x, 1);
    physics.forward(x, 1);
    expect(physics.lastSolve?.reused).toBe(false);
  });
});
