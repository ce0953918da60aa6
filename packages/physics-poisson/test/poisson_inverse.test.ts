import { PgValidationError, physical, type Physics } from "@pg/core";
import { relativeDifference } from "@pg/core/testing";
import { poissonBatch, random } from "@pg/data";
import { describe, expect, it } from "vitest";
import { poissonInverse, poissonPhysics, type PoissonPhysics } from "../src/index.js";

describe("poissonInverse", () => {
  it("proposes x* for every example and reports the CG solve's iterations", () => {
    const physics = poissonPhysics({ shape: [64, 64] });
    const stream = random(0);
    const xStar = poissonBatch(stream, { batch: 3, shape: [64, 64] }).x;
    const x = poissonBatch(stream, { batch: 3, shape: [64, 64] }).x;
    const result = poissonInverse().solve({ physics, x, yTarget: physics.forward(xStar, 3), batch: 3 });
    expect(relativeDifference(result.x, xStar)).toBeLessThanOrEqual(1e-4);
    expect(result.reasons).toEqual(["converged", "converged", "converged"]);
    expect(Array.from(result.iterations)).toEqual(Array.from(physics.lastSolve?.iterations ?? []));
    expect(Math.min(...result.iterations)).toBeGreaterThan(0);
    expect(poissonInverse().name).toBe("poissonInverse");
  });

  it("gives the physical() gradient source the PG vector x − x* (the supervised gradient, Theorem 3)", () => {
    const physics = poissonPhysics({ shape: [12, 9], relativeTolerance: 1e-12 });
    const stream = random(1);
    const xStar = poissonBatch(stream, { batch: 2, shape: [12, 9] }).x;
    const x = poissonBatch(stream, { batch: 2, shape: [12, 9] }).x;
    const source = physical({ solver: poissonInverse() });
    const { gradient, solve } = source.gradient({ physics, x, yTarget: physics.forward(xStar, 2), batch: 2, step: 1 });
    expect(relativeDifference(gradient, x.map((v, i) => v - (xStar[i] as number)))).toBeLessThan(1e-10);
    expect(solve?.reasons).toEqual(["converged", "converged"]);
    expect(source.description).toBe("physical(poissonInverse)");
  });

  it("reports maxIterations for examples whose CG solve ran out of iterations", () => {
    const physics = poissonPhysics({ shape: [32, 32], maxIterations: 3, onWarning: () => undefined });
    const xStar = poissonBatch(random(2), { batch: 2, shape: [32, 32] }).x;
    const yTarget = physics.forward(xStar, 2);
    const x = new Float64Array(xStar.length);
    x.set(xStar.subarray(0, 1024)); // example 1 starts at 0: P(0) = 0 converges at once
    const result = poissonInverse().solve({ physics, x, yTarget, batch: 2 });
    expect(result.reasons).toEqual(["maxIterations", "converged"]);
    expect(Array.from(result.iterations)).toEqual([3, 0]);
  });

  it("refuses a physics without the Poisson inverse, naming the parameter", () => {
    const other: Physics = { name: "identity", xShape: [1], yShape: [1], forward: (x) => x, adjoint: (_, dy) => dy };
    let error: unknown;
    try {
      poissonInverse().solve({ physics: other as PoissonPhysics, x: new Float64Array(1), yTarget: new Float64Array(1), batch: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PgValidationError);
    expect((error as Error).message).toMatch(/^poissonInverse\.solve: physics must be a PoissonPhysics \(made by poissonPhysics\(\)\); received /);
  });

  it("refuses bad arrays itself, naming the solver and the parameter", () => {
    const physics = poissonPhysics({ shape: [4, 4] });
    expect(() => poissonInverse().solve({ physics, x: new Float64Array(15), yTarget: new Float64Array(16), batch: 1 })).toThrow(
      "poissonInverse.solve: x must have length batch × 16 (4 × 4 × 1) = 16 (batch = 1); received Float64Array(15)",
    );
    expect(() => poissonInverse().solve({ physics, x: new Float64Array(16), yTarget: new Float64Array(16), batch: 0 })).toThrow(
      "poissonInverse.solve: batch must be a positive integer; received 0.",
    );
  });

  it("reports nonFinite with an all-NaN proposal for an example whose x or y* is not finite, and solves the others", () => {
    const physics = poissonPhysics({ shape: [8, 8], relativeTolerance: 1e-12 });
    const xStar = poissonBatch(random(3), { batch: 3, shape: [8, 8] }).x;
    const yTarget = physics.forward(xStar, 3);
    const x = new Float64Array(xStar.length);
    x[64 + 5] = Number.NaN; // example 1: x
    yTarget[128 + 7] = Infinity; // example 2: y*
    const [xBefore, yBefore] = [Float64Array.from(x), Float64Array.from(yTarget)];
    const result = poissonInverse().solve({ physics, x, yTarget, batch: 3 });
    expect(result.reasons).toEqual(["converged", "nonFinite", "nonFinite"]);
    expect(relativeDifference(result.x.subarray(0, 64), xStar.subarray(0, 64))).toBeLessThan(1e-8);
    expect(result.x.subarray(64).every(Number.isNaN)).toBe(true);
    expect(Array.from(result.iterations.subarray(1))).toEqual([0, 0]);
    // The caller's arrays are left as they were.
    expect(Object.is(x[64 + 5], xBefore[64 + 5]) && Array.from(yTarget).every((v, i) => Object.is(v, yBefore[i]))).toBe(true);
  });
});
