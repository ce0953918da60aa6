import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { laplacian, laplacianOperator, type LaplacianBoundary } from "../src/index";

function randomField(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

function dot(a: Float64Array, b: Float64Array): number {
  return a.reduce((sum, v, k) => sum + v * b[k]!, 0);
}

describe("laplacian", () => {
  it("gives the constant 2a + 2c in the interior for the quadratic a·x² + b·xy + c·y² + d·x", () => {
    const [nx, ny, dx] = [12, 9, 0.25];
    const [a, b, c, d] = [1.5, -0.7, 0.4, 3];
    const field = new Float64Array(nx * ny);
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const [x, y] = [(i + 0.5) * dx, (j + 0.5) * dx];
        field[i * ny + j] = a * x * x + b * x * y + c * y * y + d * x;
      }
    }
    for (const boundary of ["dirichlet", "periodic"] as const) {
      const result = laplacian(field, { batch: 1, shape: [nx, ny], spacing: dx, boundary });
      for (let i = 1; i < nx - 1; i++) {
        for (let j = 1; j < ny - 1; j++) expect(result[i * ny + j], `${boundary} (${i}, ${j})`).toBeCloseTo(2 * a + 2 * c, 9);
      }
    }
  });

  it("uses zero ghost cells for dirichlet: a constant field c gives −c/dx² on edges and −2c/dx² at corners", () => {
    const result = laplacian(new Float64Array(4 * 5).fill(2), { batch: 1, shape: [4, 5], spacing: 0.5, boundary: "dirichlet" });
    expect(result[0]).toBe(-16); // corner: two missing neighbours, (−2·2)/0.25
    expect(result[2]).toBe(-8); // edge i = 0
    expect(result[1 * 5 + 2]).toBe(0); // interior
    expect(result[3 * 5 + 4]).toBe(-16);
  });

  it("annihilates constants with periodic boundaries", () => {
    const result = laplacian(new Float64Array(2 * 6 * 7).fill(3.25), { batch: 2, shape: [6, 7], boundary: "periodic" });
    expect(Array.from(result).every((v) => v === 0)).toBe(true);
  });

  it("wraps around with periodic boundaries: a spike at (0, 0) reaches (nx − 1, 0) and (0, ny − 1)", () => {
    const field = new Float64Array(5 * 4);
    field[0] = 1;
    const result = laplacian(field, { batch: 1, shape: [5, 4], boundary: "periodic" });
    expect(result[0]).toBe(-4);
    expect(result[4 * 4]).toBe(1);
    expect(result[3]).toBe(1);
    expect(result[1]).toBe(1);
    expect(result[4]).toBe(1);
    expect(Array.from(result).reduce((s, v) => s + v, 0)).toBe(0);
  });

  it.each([
    ["dirichlet", 8, 8],
    ["dirichlet", 16, 12],
    ["dirichlet", 1, 5],
    ["periodic", 16, 12],
    ["periodic", 3, 2],
  ] as const)("is symmetric: ⟨Lu, v⟩ = ⟨u, Lv⟩ (%s, %i × %i)", (boundary, nx, ny) => {
    const options = { batch: 1, shape: [nx, ny] as const, spacing: 0.7, boundary };
    const u = randomField(1, nx * ny);
    const v = randomField(2, nx * ny);
    const left = dot(laplacian(u, options), v);
    const right = dot(u, laplacian(v, options));
    expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-12 * Math.abs(left) + 1e-12);
  });

  it.each([1, 2, 3, 4, 5])("is negative definite with dirichlet boundaries: ⟨Lu, u⟩ < 0 (seed %i)", (seed) => {
    const u = randomField(seed, 16 * 12);
    expect(dot(laplacian(u, { batch: 1, shape: [16, 12], boundary: "dirichlet" }), u)).toBeLessThan(0);
  });

  it("is only semi-definite with periodic boundaries: ⟨Lu, u⟩ ≤ 0, and 0 for a constant", () => {
    const options = { batch: 1, shape: [8, 8] as const, boundary: "periodic" as const };
    const u = randomField(9, 64);
    expect(dot(laplacian(u, options), u)).toBeLessThan(0);
    const constant = new Float64Array(64).fill(-1.5);
    expect(dot(laplacian(constant, options), constant)).toBe(0);
  });

  it("treats the examples of a batch independently", () => {
    const u = randomField(5, 3 * 6 * 5);
    const batched = laplacian(u, { batch: 3, shape: [6, 5], boundary: "dirichlet" });
    const last = laplacian(u.slice(60), { batch: 1, shape: [6, 5], boundary: "dirichlet" });
    expect(batched.slice(60)).toEqual(last);
  });

  it.each(["dirichlet", "periodic"] as const)("laplacianOperator(%s) equals laplacian on one example", (boundary: LaplacianBoundary) => {
    const u = randomField(6, 10 * 7);
    const apply = laplacianOperator({ shape: [10, 7], spacing: 2, boundary });
    const out = new Float64Array(70);
    apply(u, out, 0);
    expect(out).toEqual(laplacian(u, { batch: 1, shape: [10, 7], spacing: 2, boundary }));
  });
});

describe("laplacian exceptions", () => {
  const field = new Float64Array(12);

  it("throws PgShapeError with the batch arithmetic when field has the wrong length", () => {
    const call = () => laplacian(field, { batch: 2, shape: [4, 3], boundary: "dirichlet" });
    expect(call).toThrow(PgShapeError);
    expect(call).toThrow("laplacian: field must have length batch × 12 (4 × 3) = 24 (batch = 2); received Float64Array(12)");
  });

  it("throws PgValidationError naming spacing when it is not positive", () => {
    const call = () => laplacian(field, { batch: 1, shape: [4, 3], spacing: 0, boundary: "dirichlet" });
    expect(call).toThrow(PgValidationError);
    expect(call).toThrow("laplacian: spacing must be a finite number > 0; received 0.");
    expect(() => laplacianOperator({ shape: [4, 3], spacing: -2, boundary: "periodic" })).toThrow(
      "laplacianOperator: spacing must be a finite number > 0; received -2.",
    );
  });

  it("throws PgValidationError naming boundary when it is unknown", () => {
    const call = () => laplacian(field, { batch: 1, shape: [4, 3], boundary: "neumann" as LaplacianBoundary });
    expect(call).toThrow('laplacian: boundary must be one of "dirichlet", "periodic"; received "neumann".');
  });

  it("throws PgValidationError naming shape when it is not a pair of positive integers", () => {
    const call = () => laplacianOperator({ shape: [4] as unknown as [number, number], boundary: "dirichlet" });
    expect(call).toThrow("laplacianOperator: shape must be a pair [nx, ny] of positive integers; received Array(1) [4].");
  });

  it("throws PgNonFiniteError naming field and the index of a NaN", () => {
    const bad = new Float64Array(12);
    bad[5] = Number.NaN;
    const call = () => laplacian(bad, { batch: 1, shape: [4, 3], boundary: "periodic" });
    expect(call).toThrow(PgNonFiniteError);
    expect(call).toThrow("laplacian: input is NaN (first non-finite entry at index 5); parameter field must be finite.");
  });
});
