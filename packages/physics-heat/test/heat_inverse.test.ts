import { PgShapeError, PgValidationError, halfSquaredError, physical, scheme, applyScheme, initScheme } from "@pg/core";
import { relativeDifference, testRandom } from "@pg/core/testing";
import { heatRectangles, random } from "@pg/data";
import { describe, expect, it } from "vitest";
import { heatInverse, heatPhysics, inverseDiffusion } from "../src/index.js";

const physics = heatPhysics();

function objective(x: Float64Array, yTarget: Float64Array, batch: number): Float64Array {
  return halfSquaredError.value(physics.forward(x, batch), yTarget, batch);
}

describe("heatInverse", () => {
  it("proposes x̃ = x + InvDiffuse(y* − P(x), 8, 1e-6·|y* − P(x)|)", () => {
    const random2 = testRandom(31);
    const x = Float64Array.from({ length: 2 * 4096 }, () => random2());
    const yTarget = physics.forward(heatRectangles(random(1), { batch: 2 }), 2);
    const y = physics.forward(x, 2);
    const r = yTarget.map((v, i) => v - (y[i] as number));
    const { correction } = inverseDiffusion(r, { batch: 2, diffusivityTime: 8, uncertainty: r.map((v) => 1e-6 * Math.abs(v)) });
    const result = heatInverse().solve({ physics, x, yTarget, batch: 2 });
    expect(relativeDifference(result.x, x.map((v, i) => v + (correction[i] as number)))).toBeLessThan(1e-15);
    expect(result.reasons).toEqual(["maxIterations", "maxIterations"]);
    expect(Array.from(result.iterations)).toEqual([1, 1]);
  });

  it("uses the physics' own ν·t and grid", () => {
    const small = heatPhysics({ shape: [16, 8], diffusivityTime: 2 });
    const xStar = Float64Array.from({ length: 128 }, (_, c) => 0.01 * Math.cos((2 * Math.PI * Math.floor(c / 8)) / 16));
    const result = heatInverse().solve({ physics: small, x: new Float64Array(128), yTarget: small.forward(xStar, 1), batch: 1 });
    expect(relativeDifference(result.x, xStar)).toBeLessThan(1e-10);
  });

  it("lowers ½‖P(x) − y*‖² on the rectangles data, starting from x = 0 and from a mean-fixed guess", () => {
    const xStar = heatRectangles(random(4), { batch: 8 });
    const yTarget = physics.forward(xStar, 8);
    for (const x of [new Float64Array(xStar.length), xStar.map((v, i) => 0.5 * v + 0.2 * Math.sin(i))]) {
      const before = objective(x, yTarget, 8);
      const result = heatInverse().solve({ physics, x, yTarget, batch: 8 });
      const after = objective(result.x, yTarget, 8);
      for (let b = 0; b < 8; b++) expect(after[b]).toBeLessThan(0.1 * (before[b] as number));
    }
  });

  it("takes the relative and absolute uncertainty from its options (U = 1e-6·|r| + 1e-8 of the single-example runs)", () => {
    const xStar = heatRectangles(random(6), { batch: 1 });
    const yTarget = physics.forward(xStar, 1);
    const x = new Float64Array(4096);
    const { correction } = inverseDiffusion(yTarget, { batch: 1, uncertainty: yTarget.map((v) => 1e-6 * Math.abs(v) + 1e-8) });
    const result = heatInverse({ absoluteUncertainty: 1e-8 }).solve({ physics, x, yTarget, batch: 1 });
    expect(relativeDifference(result.x, correction)).toBeLessThan(1e-15);
  });

  it("reports nonFinite for an example whose prediction is not finite, and solves the others", () => {
    const xStar = heatRectangles(random(7), { batch: 2 });
    const yTarget = physics.forward(xStar, 2);
    const x = new Float64Array(2 * 4096);
    x[4096 + 3] = Number.NaN;
    const result = heatInverse().solve({ physics, x, yTarget, batch: 2 });
    expect(result.reasons).toEqual(["maxIterations", "nonFinite"]);
    expect(result.x.subarray(4096).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(x[4096 + 3])).toBe(true); // the caller's x is left alone
    const alone = heatInverse().solve({ physics, x: new Float64Array(4096), yTarget: yTarget.slice(0, 4096), batch: 1 });
    expect(relativeDifference(result.x.subarray(0, 4096), alone.x)).toBeLessThan(1e-15);
  });

  it("reports nonFinite for an example whose target is not finite, and solves the others", () => {
    const xStar = heatRectangles(random(9), { batch: 2 });
    const yTarget = physics.forward(xStar, 2);
    yTarget[17] = -Infinity;
    const result = heatInverse().solve({ physics, x: new Float64Array(2 * 4096), yTarget, batch: 2 });
    expect(result.reasons).toEqual(["nonFinite", "maxIterations"]);
    const alone = heatInverse().solve({ physics, x: new Float64Array(4096), yTarget: yTarget.slice(4096), batch: 1 });
    expect(relativeDifference(result.x.subarray(4096), alone.x)).toBeLessThan(1e-15);
  });

  it("plugs into physical(): the network receives x − x̃", () => {
    const xStar = heatRectangles(random(8), { batch: 2 });
    const yTarget = physics.forward(xStar, 2);
    const x = new Float64Array(2 * 4096).fill(0.3);
    const s = scheme(physical({ solver: heatInverse() }));
    expect(s.description).toBe("physical(inverseDiffusion)");
    const [gradient] = applyScheme(s, { physics, x, yTarget, batch: 2, step: 1 }, initScheme(s));
    const xTilde = heatInverse().solve({ physics, x, yTarget, batch: 2 }).x;
    expect(relativeDifference(gradient.gradient, x.map((v, i) => v - (xTilde[i] as number)))).toBeLessThan(1e-15);
    expect(gradient.reasonCounts).toEqual({ maxIterations: 2 });
  });
});

describe("heatInverse exceptions", () => {
  it.each([
    [{ relativeUncertainty: -1 }, /heatInverse: relativeUncertainty must be a finite number ≥ 0; received -1\./],
    [{ relativeUncertainty: Number.NaN }, /heatInverse: relativeUncertainty must be a finite number ≥ 0; received NaN\./],
    [{ absoluteUncertainty: -1e-8 }, /heatInverse: absoluteUncertainty must be a finite number ≥ 0; received -1e-8\./],
  ])("refuses %j", (options, message) => {
    expect(() => heatInverse(options)).toThrow(PgValidationError);
    expect(() => heatInverse(options)).toThrow(message);
  });

  it("refuses a physics that is not a HeatPhysics", () => {
    const other = { ...physics, diffusivityTime: undefined };
    expect(() => heatInverse().solve({ physics: other as never, x: new Float64Array(4096), yTarget: new Float64Array(4096), batch: 1 })).toThrow(
      /heatInverse\.solve: physics must be a HeatPhysics made by heatPhysics\(\)/,
    );
  });

  it("names mis-sized arrays and a bad batch", () => {
    const solve = (x: Float64Array, yTarget: Float64Array, batch: number) => heatInverse().solve({ physics, x, yTarget, batch });
    expect(() => solve(new Float64Array(4096), new Float64Array(4096), 2)).toThrow(PgShapeError);
    expect(() => solve(new Float64Array(8192), new Float64Array(4096), 2)).toThrow(/heatInverse\.solve: yTarget must have length batch × 4096/);
    expect(() => solve(new Float64Array(4096), new Float64Array(4096), 0)).toThrow(/heatInverse\.solve: batch must be a positive integer; received 0\./);
  });
});
