// The package's table of bad inputs: every public entry point, one row per mistake a user makes. A new entry point
// adds its rows here. Non-finite values in a problem are not errors for solvers (they stop with `nonFinite`, see
// solvers.test.ts); they appear here only where they are options.
import { describe, expect, it } from "vitest";
import { PgShapeError, PgValidationError, type InverseSolver, type Physics } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { analyticInverse, gradientDescent, inverseGradient, lbfgsb, minimizeLbfgsb, newton, repeated } from "../src/index";

/** P(x) = x³ per component, x and y of shape [2]. */
const cube: Physics = {
  name: "x³",
  xShape: [2],
  yShape: [2],
  forward: (x) => x.map((v) => v ** 3),
  adjoint: (x, dy) => x.map((v, i) => 3 * v * v * (dy[i] as number)),
};
const problem = { physics: cube, x: Float64Array.of(1, 2, 3, 4), yTarget: Float64Array.of(1, 1, 1, 1), batch: 2 };
const quadratic = (x: Float64Array, g: Float64Array): number => {
  g[0] = 2 * (x[0] as number);
  return (x[0] as number) ** 2;
};

/** Calls a solver factory with arguments a user might write but the types forbid. */
const loosely = <A extends unknown[], R>(f: (...args: A) => R, ...args: unknown[]): R => f(...(args as A));

const rows: BadInputCase[] = [
  // gradientDescent
  { name: "gradientDescent: misspelt stepSize", call: () => loosely(gradientDescent, { stepsize: 0.1 }), error: PgValidationError, where: "gradientDescent", parameter: "options.stepsize" },
  { name: "gradientDescent: negative stepSize", call: () => gradientDescent({ stepSize: -1 }), error: PgValidationError, where: "gradientDescent", parameter: "stepSize" },
  { name: "gradientDescent: NaN stepSize", call: () => gradientDescent({ stepSize: NaN }), error: PgValidationError, where: "gradientDescent", parameter: "stepSize" },
  { name: "gradientDescent: infinite stepSize", call: () => gradientDescent({ stepSize: Infinity }), error: PgValidationError, where: "gradientDescent", parameter: "stepSize" },
  { name: "gradientDescent: options null", call: () => loosely(gradientDescent, null), error: PgValidationError, where: "gradientDescent", parameter: "options" },
  { name: "gradientDescent.solve: no problem", call: () => loosely(gradientDescent().solve), error: PgValidationError, where: "gradientDescent.solve", parameter: "problem" },
  { name: "gradientDescent.solve: no physics", call: () => gradientDescent().solve({ ...problem, physics: undefined as never }), error: PgValidationError, where: "gradientDescent.solve", parameter: "physics" },
  { name: "gradientDescent.solve: batch 0", call: () => gradientDescent().solve({ ...problem, batch: 0 }), error: PgValidationError, where: "gradientDescent.solve", parameter: "batch" },
  { name: "gradientDescent.solve: x too short", call: () => gradientDescent().solve({ ...problem, x: new Float64Array(3) }), error: PgShapeError, where: "gradientDescent.solve", parameter: "x" },
  { name: "gradientDescent.solve: x a plain array", call: () => gradientDescent().solve({ ...problem, x: [1, 2, 3, 4] as never }), error: PgShapeError, where: "gradientDescent.solve", parameter: "x" },
  { name: "gradientDescent.solve: yTarget of another batch", call: () => gradientDescent().solve({ ...problem, yTarget: new Float64Array(6) }), error: PgShapeError, where: "gradientDescent.solve", parameter: "yTarget" },

  // newton
  { name: "newton: misspelt clipStep", call: () => loosely(newton, { clipstep: 0.1 }), error: PgValidationError, where: "newton", parameter: "options.clipstep" },
  { name: "newton: clipStep 0", call: () => newton({ clipStep: 0 }), error: PgValidationError, where: "newton", parameter: "clipStep" },
  { name: "newton: stepSize as a string", call: () => newton({ stepSize: "1" as never }), error: PgValidationError, where: "newton", parameter: "stepSize" },
  { name: "newton: ensureDescent not a boolean", call: () => newton({ ensureDescent: "yes" as never }), error: PgValidationError, where: "newton", parameter: "ensureDescent" },
  { name: "newton.solve: physics without newtonDerivatives", call: () => newton().solve(problem), error: PgValidationError, where: "newton.solve", parameter: "physics" },
  { name: "newton.solve: fractional batch", call: () => newton().solve({ ...problem, batch: 1.5 }), error: PgValidationError, where: "newton.solve", parameter: "batch" },

  // inverseGradient
  { name: "inverseGradient: stepSize 0", call: () => inverseGradient({ stepSize: 0 }), error: PgValidationError, where: "inverseGradient", parameter: "stepSize" },
  { name: "inverseGradient: unknown option", call: () => loosely(inverseGradient, { step: 1 }), error: PgValidationError, where: "inverseGradient", parameter: "options.step" },
  { name: "inverseGradient.solve: physics without jacobianDiagonal", call: () => inverseGradient().solve(problem), error: PgValidationError, where: "inverseGradient.solve", parameter: "physics" },
  { name: "inverseGradient.solve: physics without shapes", call: () => inverseGradient().solve({ ...problem, physics: { ...cube, xShape: undefined as never } }), error: PgValidationError, where: "inverseGradient.solve", parameter: "physics" },

  // analyticInverse
  { name: "analyticInverse: no options", call: () => loosely(analyticInverse), error: PgValidationError, where: "analyticInverse", parameter: "options" },
  { name: "analyticInverse: invert missing", call: () => analyticInverse({} as never), error: PgValidationError, where: "analyticInverse", parameter: "invert" },
  { name: "analyticInverse: misspelt invert", call: () => loosely(analyticInverse, { inverse: () => new Float64Array(4) }), error: PgValidationError, where: "analyticInverse", parameter: "options.inverse" },
  { name: "analyticInverse: empty name", call: () => analyticInverse({ name: "", invert: ({ x }) => x }), error: PgValidationError, where: "analyticInverse", parameter: "name" },
  { name: "analyticInverse.solve: invert returns the wrong length", call: () => analyticInverse({ name: "half", invert: () => new Float64Array(2) }).solve(problem), error: PgShapeError, where: "half.solve", parameter: "the inverse's result" },
  { name: "analyticInverse.solve: yTarget too long", call: () => analyticInverse({ invert: ({ x }) => x }).solve({ ...problem, yTarget: new Float64Array(5) }), error: PgShapeError, where: "analyticInverse.solve", parameter: "yTarget" },

  // repeated
  { name: "repeated: steps 0", call: () => repeated(gradientDescent(), { steps: 0 }), error: PgValidationError, where: "repeated", parameter: "steps" },
  { name: "repeated: no options", call: () => loosely(repeated, gradientDescent()), error: PgValidationError, where: "repeated", parameter: "options" },
  { name: "repeated: misspelt steps", call: () => loosely(repeated, gradientDescent(), { step: 3 }), error: PgValidationError, where: "repeated", parameter: "options.step" },
  { name: "repeated: not a solver", call: () => repeated(gradientDescent as unknown as InverseSolver, { steps: 2 }), error: PgValidationError, where: "repeated", parameter: "solver" },

  // lbfgsb
  { name: "lbfgsb: maxIteration (misspelt) would run 15000 iterations", call: () => loosely(lbfgsb, { maxIteration: 3 }), error: PgValidationError, where: "lbfgsb", parameter: "options.maxIteration" },
  { name: "lbfgsb: fractional historySize", call: () => lbfgsb({ historySize: 2.5 }), error: PgValidationError, where: "lbfgsb", parameter: "historySize" },
  { name: "lbfgsb: negative gradientTolerance", call: () => lbfgsb({ gradientTolerance: -1 }), error: PgValidationError, where: "lbfgsb", parameter: "gradientTolerance" },
  { name: "lbfgsb: NaN relativeDecreaseTolerance", call: () => lbfgsb({ relativeDecreaseTolerance: NaN }), error: PgValidationError, where: "lbfgsb", parameter: "relativeDecreaseTolerance" },
  { name: "lbfgsb: maxLineSearchSteps 0", call: () => lbfgsb({ maxLineSearchSteps: 0 }), error: PgValidationError, where: "lbfgsb", parameter: "maxLineSearchSteps" },
  { name: "lbfgsb: infinite maxEvaluations", call: () => lbfgsb({ maxEvaluations: Infinity }), error: PgValidationError, where: "lbfgsb", parameter: "maxEvaluations" },
  { name: "lbfgsb: bounds with lower > upper", call: () => lbfgsb({ bounds: { lower: 1, upper: 0 } }), error: PgValidationError, where: "lbfgsb", parameter: "bounds.lower[0]" },
  { name: "lbfgsb: misspelt bounds key", call: () => lbfgsb({ bounds: { lowr: 0, upper: 1 } as never }), error: PgValidationError, where: "lbfgsb", parameter: "bounds.lowr" },
  { name: "lbfgsb: bounds null", call: () => lbfgsb({ bounds: null as never }), error: PgValidationError, where: "lbfgsb", parameter: "bounds" },
  { name: "lbfgsb.solve: problem bounds of the wrong length", call: () => lbfgsb().solve({ ...problem, bounds: { lower: Float64Array.of(0, 0, 0), upper: 1 } }), error: PgValidationError, where: "lbfgsb.solve", parameter: "bounds.lower" },
  { name: "lbfgsb.solve: x too long", call: () => lbfgsb().solve({ ...problem, x: new Float64Array(5) }), error: PgShapeError, where: "lbfgsb.solve", parameter: "x" },

  // minimizeLbfgsb
  { name: "minimizeLbfgsb: objective not a function", call: () => minimizeLbfgsb(undefined as never, Float64Array.of(1)), error: PgValidationError, where: "minimizeLbfgsb", parameter: "objective" },
  { name: "minimizeLbfgsb: empty x0", call: () => minimizeLbfgsb(quadratic, new Float64Array(0)), error: PgValidationError, where: "minimizeLbfgsb", parameter: "x0" },
  { name: "minimizeLbfgsb: x0 a plain array", call: () => minimizeLbfgsb(quadratic, [1] as never), error: PgValidationError, where: "minimizeLbfgsb", parameter: "x0" },
  { name: "minimizeLbfgsb: misspelt maxIterations (scipy's maxiter)", call: () => loosely(minimizeLbfgsb, quadratic, Float64Array.of(1), { maxiter: 3 }), error: PgValidationError, where: "minimizeLbfgsb", parameter: "options.maxiter" },
  { name: "minimizeLbfgsb: lower > upper", call: () => minimizeLbfgsb(quadratic, Float64Array.of(1, 1), { lower: Float64Array.of(0, 2), upper: 1 }), error: PgValidationError, where: "minimizeLbfgsb", parameter: "lower[1]" },
  { name: "minimizeLbfgsb: lower +Infinity", call: () => minimizeLbfgsb(quadratic, Float64Array.of(1), { lower: Infinity }), error: PgValidationError, where: "minimizeLbfgsb", parameter: "lower" },
  { name: "minimizeLbfgsb: NaN in upper", call: () => minimizeLbfgsb(quadratic, Float64Array.of(1, 1), { upper: Float64Array.of(1, NaN) }), error: PgValidationError, where: "minimizeLbfgsb", parameter: "upper[1]" },
  { name: "minimizeLbfgsb: lower of the wrong length", call: () => minimizeLbfgsb(quadratic, Float64Array.of(1, 1), { lower: Float64Array.of(0, 0, 0) }), error: PgValidationError, where: "minimizeLbfgsb", parameter: "lower" },
  { name: "minimizeLbfgsb: maxIterations 0", call: () => minimizeLbfgsb(quadratic, Float64Array.of(1), { maxIterations: 0 }), error: PgValidationError, where: "minimizeLbfgsb", parameter: "maxIterations" },
];

badInputSuite(rows, { describe, it, expect });

describe("the messages", () => {
  it("suggest the option that was meant", () => {
    expect(() => loosely(lbfgsb, { maxIteration: 3 })).toThrow(
      'lbfgsb: options.maxIteration must be one of the known options "historySize", "maxIterations", "maxEvaluations", "gradientTolerance", "relativeDecreaseTolerance", "maxLineSearchSteps", "bounds"; received 3. Did you mean "maxIterations"?',
    );
    expect(() => lbfgsb({ bounds: { lowr: 0, upper: 1 } as never })).toThrow('Did you mean "lower"?');
    expect(() => loosely(newton, { clipstep: 0.1 })).toThrow('Did you mean "clipStep"?');
  });
});
