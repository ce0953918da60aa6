import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { conjugateGradient, laplacianOperator, type LinearOperator } from "../src/index";

const [NX, NY] = [16, 12];
const SIZE = NX * NY;
const laplace = laplacianOperator({ shape: [NX, NY], boundary: "dirichlet" });
/** −∇² with zero ghost cells: symmetric positive definite. */
const negativeLaplace: LinearOperator = (x, out, example) => {
  laplace(x, out, example);
  for (let k = 0; k < out.length; k++) out[k] = -out[k]!;
};

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! ** 2;
  return Math.sqrt(s);
}

/** b = A·x for every example of a batch. */
function applyBatch(apply: LinearOperator, x: Float64Array, batch: number): Float64Array {
  const b = new Float64Array(x.length);
  for (let e = 0; e < batch; e++) apply(x.subarray(e * SIZE, (e + 1) * SIZE), b.subarray(e * SIZE, (e + 1) * SIZE), e);
  return b;
}

/** An eigenvector of the Dirichlet Laplacian: sin(π p (i+1)/(nx+1)) · sin(π q (j+1)/(ny+1)). */
function eigenmode(p: number, q: number): Float64Array {
  const v = new Float64Array(SIZE);
  for (let i = 0; i < NX; i++) {
    for (let j = 0; j < NY; j++) v[i * NY + j] = Math.sin((Math.PI * p * (i + 1)) / (NX + 1)) * Math.sin((Math.PI * q * (j + 1)) / (NY + 1));
  }
  return v;
}

/** A diagonal operator with eigenvalues spread over [−1, 1] and shifted by 1e-5: symmetric and indefinite. */
function indefiniteOperator(n: number): LinearOperator {
  const lambda = Float64Array.from({ length: n }, (_, k) => -1 + (2 * k) / (n - 1) + 1e-5);
  return (x, out) => {
    for (let k = 0; k < n; k++) out[k] = lambda[k]! * x[k]!;
  };
}

describe("conjugateGradient", () => {
  it("solves −∇²x = b (Dirichlet, 16 × 12) for a known solution to the tolerance", () => {
    const solution = randomField(1, 2 * SIZE);
    const b = applyBatch(negativeLaplace, solution, 2);
    const result = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 2, relativeTolerance: 1e-10 });
    expect(result.reasons).toEqual(["converged", "converged"]);
    expect(result.converged).toEqual([true, true]);
    const product = applyBatch(negativeLaplace, result.x, 2);
    for (let e = 0; e < 2; e++) {
      const range = [e * SIZE, (e + 1) * SIZE] as const;
      const trueResidual = b.slice(...range).map((v, k) => v - product[range[0] + k]!);
      expect(result.residualNorms[e]!).toBeLessThanOrEqual(1e-10 * norm(b.slice(...range)));
      expect(norm(trueResidual)).toBeLessThanOrEqual(2e-10 * norm(b.slice(...range)));
      const error = result.x.slice(...range).map((v, k) => v - solution[range[0] + k]!);
      expect(norm(error) / norm(solution.slice(...range))).toBeLessThan(1e-8);
    }
  });

  it("solves ∇²x = b with the negative definite Laplacian as is, giving the same x as −∇²x = −b", () => {
    const solution = randomField(2, SIZE);
    const b = applyBatch(laplace, solution, 1);
    const direct = conjugateGradient({ apply: laplace, b, size: SIZE, batch: 1, relativeTolerance: 1e-10 });
    const negated = conjugateGradient({ apply: negativeLaplace, b: b.map((v) => -v), size: SIZE, batch: 1, relativeTolerance: 1e-10 });
    expect(direct.reasons[0]).toBe("converged");
    expect(direct.iterations[0]).toBe(negated.iterations[0]);
    for (let k = 0; k < SIZE; k++) expect(direct.x[k]).toBeCloseTo(solution[k]!, 8);
  });

  it("runs each example with its own stopping test: different iteration counts per example", () => {
    const b = new Float64Array(3 * SIZE);
    b.set(randomField(3, SIZE), 0);
    b.set(eigenmode(2, 3), SIZE); // one eigenvector: exact after one iteration
    // example 2: b = 0, converged before the first iteration
    const result = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 3, relativeTolerance: 1e-10 });
    expect(result.reasons).toEqual(["converged", "converged", "converged"]);
    expect(result.iterations[0]).toBeGreaterThan(10);
    expect(result.iterations[1]).toBe(1);
    expect(result.iterations[2]).toBe(0);
    expect(Array.from(result.x.subarray(2 * SIZE)).every((v) => v === 0)).toBe(true);
  });

  it("gives every example of a batch the result of solving it alone", () => {
    const b = randomField(4, 3 * SIZE);
    const batched = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 3, relativeTolerance: 1e-6 });
    const alone = conjugateGradient({ apply: negativeLaplace, b: b.slice(SIZE, 2 * SIZE), size: SIZE, batch: 1, relativeTolerance: 1e-6 });
    expect(batched.x.slice(SIZE, 2 * SIZE)).toEqual(alone.x);
    expect(batched.iterations[1]).toBe(alone.iterations[0]);
  });

  it("takes fewer iterations from a warm start close to the solution", () => {
    const solution = randomField(5, SIZE);
    const b = applyBatch(negativeLaplace, solution, 1);
    const options = { apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 1e-8 };
    const cold = conjugateGradient(options);
    const warm = conjugateGradient({ ...options, initialGuess: solution.map((v, k) => v + 1e-4 * Math.sin(k)) });
    expect(warm.reasons[0]).toBe("converged");
    expect(warm.iterations[0]).toBeLessThan(cold.iterations[0]!);
    expect(warm.residualNorms[0]!).toBeLessThanOrEqual(1e-8 * norm(b));
  });

  it("stops at once when the initial guess already satisfies the test", () => {
    const solution = randomField(6, SIZE);
    const b = applyBatch(negativeLaplace, solution, 1);
    const result = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 1e-8, initialGuess: solution });
    expect(result.iterations[0]).toBe(0);
    expect(result.reasons[0]).toBe("converged");
    expect(result.x).toEqual(solution);
  });

  it("returns maxIterations, not an error, when the budget is exhausted", () => {
    const b = randomField(7, SIZE);
    const result = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 1e-12, maxIterations: 3 });
    expect(result.reasons).toEqual(["maxIterations"]);
    expect(result.converged).toEqual([false]);
    expect(result.iterations[0]).toBe(3);
    expect(result.residualNorms[0]!).toBeGreaterThan(1e-12 * norm(b));
    expect(result.residualNorms[0]!).toBeLessThan(norm(b));
  });

  it("returns maxIterations with the initial guess when maxIterations is 0", () => {
    const b = randomField(8, SIZE);
    const result = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 1e-6, maxIterations: 0 });
    expect(result.reasons[0]).toBe("maxIterations");
    expect(result.iterations[0]).toBe(0);
    expect(result.residualNorms[0]).toBeCloseTo(norm(b), 12);
    expect(Array.from(result.x).every((v) => v === 0)).toBe(true);
  });

  it("stops on the absolute tolerance: ‖r‖ ≤ max(rtol·‖b‖, atol)", () => {
    const b = randomField(9, SIZE);
    const tight = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 0, absoluteTolerance: 1e-9 });
    const loose = conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 0, absoluteTolerance: 1e-2 });
    expect(tight.reasons[0]).toBe("converged");
    expect(loose.reasons[0]).toBe("converged");
    expect(tight.residualNorms[0]!).toBeLessThanOrEqual(1e-9);
    expect(loose.residualNorms[0]!).toBeLessThanOrEqual(1e-2);
    expect(loose.iterations[0]).toBeLessThan(tight.iterations[0]!);
  });

  it("reports diverged when ‖r‖²/‖r₀‖² exceeds 1e5 on an indefinite operator", () => {
    const b = new Float64Array(16).fill(1);
    const result = conjugateGradient({ apply: indefiniteOperator(16), b, size: 16, batch: 1, relativeTolerance: 1e-10 });
    expect(result.reasons).toEqual(["diverged"]);
    expect(result.converged).toEqual([false]);
    expect(result.iterations[0]).toBeGreaterThanOrEqual(8);
    expect(result.residualNorms[0]! ** 2 / 16).toBeGreaterThan(1e5);
  });

  it("waits 8 iterations before declaring divergence", () => {
    const b = new Float64Array(16).fill(1);
    const result = conjugateGradient({ apply: indefiniteOperator(16), b, size: 16, batch: 1, relativeTolerance: 1e-10, maxIterations: 5 });
    expect(result.reasons).toEqual(["maxIterations"]);
    expect(result.residualNorms[0]! ** 2 / 16).toBeGreaterThan(1e5); // the residual had already grown
  });

  it("reports diverged when the iteration breaks down (dᵀAd = 0)", () => {
    const apply: LinearOperator = (x, out) => {
      out[0] = x[0]!;
      out[1] = -x[1]!;
    };
    const result = conjugateGradient({ apply, b: Float64Array.of(1, 1), size: 2, batch: 1, relativeTolerance: 1e-8 });
    expect(result.reasons).toEqual(["diverged"]);
    expect(result.iterations[0]).toBe(0);
    expect(Array.from(result.x)).toEqual([0, 0]);
  });

  it("reports diverged, per example and without throwing, when apply produces NaN or ±Infinity", () => {
    const apply: LinearOperator = (x, out, example) => {
      negativeLaplace(x, out, example);
      if (example === 1) out[3] = Number.NaN;
    };
    const b = randomField(5, 2 * SIZE);
    const result = conjugateGradient({ apply, b, size: SIZE, batch: 2, relativeTolerance: 1e-8 });
    expect(result.reasons).toEqual(["converged", "diverged"]);
    expect(result.x.subarray(SIZE).every((v) => Number.isFinite(v))).toBe(true);
  });

  it("calls apply per example with its index and reuses its work buffers", () => {
    const seen = new Set<Float64Array>();
    const examples: number[] = [];
    const apply: LinearOperator = (x, out, example) => {
      expect(x.length).toBe(SIZE);
      expect(out.length).toBe(SIZE);
      seen.add(out);
      if (examples[examples.length - 1] !== example) examples.push(example);
      negativeLaplace(x, out, example);
    };
    conjugateGradient({ apply, b: randomField(10, 2 * SIZE), size: SIZE, batch: 2, relativeTolerance: 1e-6 });
    expect(examples).toEqual([0, 1]);
    expect(seen.size).toBe(1);
  });

  it("leaves b and initialGuess unchanged", () => {
    const b = randomField(11, SIZE);
    const initialGuess = randomField(12, SIZE);
    const [bCopy, guessCopy] = [b.slice(), initialGuess.slice()];
    conjugateGradient({ apply: negativeLaplace, b, size: SIZE, batch: 1, relativeTolerance: 1e-6, initialGuess });
    expect(b).toEqual(bCopy);
    expect(initialGuess).toEqual(guessCopy);
  });
});

describe("conjugateGradient exceptions", () => {
  const base = { apply: negativeLaplace, b: new Float64Array(SIZE), size: SIZE, batch: 1, relativeTolerance: 1e-6 };

  it("throws PgValidationError naming relativeTolerance when it is negative", () => {
    const call = () => conjugateGradient({ ...base, relativeTolerance: -1e-6 });
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("conjugateGradient: relativeTolerance must be a finite number ≥ 0; received -0.000001.");
  });

  it("throws PgValidationError naming absoluteTolerance when it is NaN", () => {
    expect(() => conjugateGradient({ ...base, absoluteTolerance: Number.NaN })).toThrow(
      "conjugateGradient: absoluteTolerance must be a finite number ≥ 0; received NaN.",
    );
  });

  it("throws PgValidationError naming maxIterations when it is not a non-negative integer", () => {
    expect(() => conjugateGradient({ ...base, maxIterations: 2.5 })).toThrow(
      "conjugateGradient: maxIterations must be a non-negative integer; received 2.5.",
    );
  });

  it("throws PgValidationError naming apply when it is not a function", () => {
    const call = () => conjugateGradient({ ...base, apply: 3 as unknown as LinearOperator });
    expect(call).toThrow("conjugateGradient: apply must be a function (x, out, example) => void; received 3.");
  });

  it("throws PgValidationError naming size when it is not a positive integer", () => {
    expect(() => conjugateGradient({ ...base, size: 0 })).toThrow("conjugateGradient: size must be a positive integer; received 0.");
  });

  it("throws PgShapeError with the batch arithmetic when b has the wrong length", () => {
    const call = () => conjugateGradient({ ...base, batch: 2 });
    expect(call).toThrow(PgShapeError);
    expect(call).toThrow("conjugateGradient: b must have length batch × 192 = 384 (batch = 2); received Float64Array(192)");
  });

  it("throws PgShapeError naming initialGuess when it has the wrong length", () => {
    expect(() => conjugateGradient({ ...base, initialGuess: new Float64Array(5) })).toThrow(
      "conjugateGradient: initialGuess must have length batch × 192 = 192 (batch = 1); received Float64Array(5)",
    );
  });

  it("throws PgNonFiniteError naming b and the index of a NaN", () => {
    const b = new Float64Array(SIZE);
    b[42] = Number.NaN;
    const call = () => conjugateGradient({ ...base, b });
    expect(call).toThrow(PgNonFiniteError);
    expect(call).toThrow("conjugateGradient: input is NaN (first non-finite entry at index 42); parameter b must be finite.");
  });
});
