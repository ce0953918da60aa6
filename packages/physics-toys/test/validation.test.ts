// The package's table of bad inputs: every public entry point, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter. New entry points add their
// rows here.
import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import {
  expPhysics,
  rotatedSinPhysics,
  sinPhysics,
  sinTargets,
  squareToyLoss,
  squareToyPhysics,
  squareToySteps,
  trajectory,
  wavePacketPhysics,
  type RotatedSinPhysicsOptions,
  type SinPhysicsOptions,
  type SquareToyPoint,
  type WavePacketPhysicsOptions,
} from "../src/index";

const sin = sinPhysics({ a: Float64Array.of(1, 2, 3) });
const square = squareToyPhysics();
const wave = wavePacketPhysics({ samples: 4 });
const exp = expPhysics();
const rotated = rotatedSinPhysics();
const ok3 = Float64Array.of(0.5, 1, 1.5);
const ok4 = Float64Array.of(1, 2, 3, 4);
const withBad = (values: Float64Array, at: number, bad: number): Float64Array => values.map((v, i) => (i === at ? bad : v));
// Deliberately wrong types, as a JavaScript caller could pass them.
const asAny = <T>(value: unknown): T => value as T;

const cases: BadInputCase[] = [
  // sinPhysics and its methods
  {
    name: "sinPhysics: misspelt option A",
    call: () => sinPhysics(asAny<SinPhysicsOptions>({ A: Float64Array.of(1) })),
    error: PgValidationError,
    where: "sinPhysics",
    parameter: 'options.A must be one of the known options "a"; received Float64Array(1) [1]. Did you mean "a"?',
  },
  { name: "sinPhysics: no options", call: () => sinPhysics(asAny<SinPhysicsOptions>(undefined)), error: PgValidationError, where: "sinPhysics", parameter: "options" },
  { name: "sinPhysics: a ≤ 0", call: () => sinPhysics({ a: Float64Array.of(1, 0) }), error: PgValidationError, where: "sinPhysics", parameter: "a[1] is 0" },
  { name: "sinPhysics: a not a Float64Array", call: () => sinPhysics(asAny<SinPhysicsOptions>({ a: [1, 2] })), error: PgValidationError, where: "sinPhysics", parameter: "a must be" },
  { name: "sinPhysics.forward: NaN in x", call: () => sin.forward(withBad(ok3, 1, Number.NaN), 3), error: PgNonFiniteError, where: "sinPhysics.forward", parameter: "parameter x must be finite" },
  { name: "sinPhysics.forward: batch ≠ a.length", call: () => sin.forward(ok3.subarray(0, 2), 2), error: PgValidationError, where: "sinPhysics.forward", parameter: "batch" },
  { name: "sinPhysics.forward: x too short", call: () => sin.forward(ok3.subarray(0, 2), 3), error: PgShapeError, where: "sinPhysics.forward", parameter: "x must have length" },
  { name: "sinPhysics.adjoint: Infinity in dy", call: () => sin.adjoint(ok3, withBad(ok3, 2, Infinity), 3), error: PgNonFiniteError, where: "sinPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "sinPhysics.adjoint: NaN in x", call: () => sin.adjoint(withBad(ok3, 0, Number.NaN), ok3, 3), error: PgNonFiniteError, where: "sinPhysics.adjoint", parameter: "parameter x must be finite" },
  { name: "sinPhysics.jacobianDiagonal: −Infinity in x", call: () => sin.jacobianDiagonal(withBad(ok3, 0, -Infinity), 3), error: PgNonFiniteError, where: "sinPhysics.jacobianDiagonal", parameter: "parameter x must be finite" },
  { name: "sinPhysics.newtonDerivatives: Infinity in yTarget", call: () => sin.newtonDerivatives(ok3, withBad(sinTargets(3), 1, Infinity), 3), error: PgNonFiniteError, where: "sinPhysics.newtonDerivatives", parameter: "parameter yTarget must be finite" },
  { name: "sinPhysics.newtonDerivatives: yTarget too short", call: () => sin.newtonDerivatives(ok3, sinTargets(1), 3), error: PgShapeError, where: "sinPhysics.newtonDerivatives", parameter: "yTarget must have length" },
  { name: "sinPhysics.closestMinimum: NaN guess", call: () => sin.closestMinimum(withBad(ok3, 1, Number.NaN)), error: PgNonFiniteError, where: "sinPhysics.closestMinimum", parameter: "parameter x must be finite" },
  { name: "sinPhysics.closestMinimum: Infinity guess", call: () => sin.closestMinimum(withBad(ok3, 2, Infinity)), error: PgNonFiniteError, where: "sinPhysics.closestMinimum", parameter: "parameter x must be finite" },
  { name: "sinTargets: batch 0", call: () => sinTargets(0), error: PgValidationError, where: "sinTargets", parameter: "batch" },
  // the 2-D toy
  { name: "squareToyPhysics.forward: NaN in x", call: () => square.forward(withBad(ok4, 3, Number.NaN), 2), error: PgNonFiniteError, where: "squareToyPhysics.forward", parameter: "parameter x must be finite" },
  { name: "squareToyPhysics.forward: batch 1.5", call: () => square.forward(ok4, 1.5), error: PgValidationError, where: "squareToyPhysics.forward", parameter: "batch" },
  { name: "squareToyPhysics.adjoint: dy of the wrong length", call: () => square.adjoint(ok4, ok3, 2), error: PgShapeError, where: "squareToyPhysics.adjoint", parameter: "dy must have length" },
  { name: "squareToyPhysics.adjoint: Infinity in dy", call: () => square.adjoint(ok4, withBad(ok4, 0, Infinity), 2), error: PgNonFiniteError, where: "squareToyPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "squareToyPhysics.jacobianDiagonal: NaN in x", call: () => square.jacobianDiagonal(withBad(ok4, 1, Number.NaN), 2), error: PgNonFiniteError, where: "squareToyPhysics.jacobianDiagonal", parameter: "parameter x must be finite" },
  { name: "squareToyPhysics.newtonDerivatives: NaN in yTarget", call: () => square.newtonDerivatives(ok4, withBad(ok4, 2, Number.NaN), 2), error: PgNonFiniteError, where: "squareToyPhysics.newtonDerivatives", parameter: "parameter yTarget must be finite" },
  { name: "squareToySteps.gradientDescent: negative stepSize", call: () => squareToySteps.gradientDescent([3, 3], -0.1), error: PgValidationError, where: "squareToySteps.gradientDescent", parameter: "stepSize" },
  { name: "squareToySteps.physical: stepSize > 1", call: () => squareToySteps.physical([3, 3], 1.5), error: PgValidationError, where: "squareToySteps.physical", parameter: "stepSize" },
  { name: "squareToySteps.newton: NaN in x", call: () => squareToySteps.newton([3, Number.NaN], 0.5), error: PgValidationError, where: "squareToySteps.newton", parameter: "x must be" },
  { name: "squareToySteps.inverseGradient: point of three numbers", call: () => squareToySteps.inverseGradient(asAny<SquareToyPoint>([1, 2, 3]), 0.5), error: PgValidationError, where: "squareToySteps.inverseGradient", parameter: "x must be" },
  { name: "squareToyLoss: one number", call: () => squareToyLoss(asAny<SquareToyPoint>([1])), error: PgValidationError, where: "squareToyLoss", parameter: "x must be" },
  { name: "trajectory: rule not a function", call: () => trajectory(asAny<typeof squareToySteps.newton>("newton"), [3, 3], 0.1, 5), error: PgValidationError, where: "trajectory", parameter: "rule" },
  { name: "trajectory: negative steps", call: () => trajectory(squareToySteps.newton, [3, 3], 0.1, -1), error: PgValidationError, where: "trajectory", parameter: "steps" },
  { name: "trajectory: Infinity in start", call: () => trajectory(squareToySteps.newton, [3, Infinity], 0.1, 5), error: PgValidationError, where: "trajectory", parameter: "start" },
  { name: "trajectory: stepSize NaN", call: () => trajectory(squareToySteps.newton, [3, 3], Number.NaN, 5), error: PgValidationError, where: "trajectory", parameter: "stepSize" },
  // the wave packet
  {
    name: "wavePacketPhysics: misspelt option sample",
    call: () => wavePacketPhysics(asAny<WavePacketPhysicsOptions>({ sample: 128 })),
    error: PgValidationError,
    where: "wavePacketPhysics",
    parameter: 'options.sample must be one of the known options "samples", "frequency", "width"; received 128. Did you mean "samples"?',
  },
  { name: "wavePacketPhysics: options not an object", call: () => wavePacketPhysics(asAny<WavePacketPhysicsOptions>("wide")), error: PgValidationError, where: "wavePacketPhysics", parameter: "options" },
  { name: "wavePacketPhysics: samples 2.5", call: () => wavePacketPhysics({ samples: 2.5 }), error: PgValidationError, where: "wavePacketPhysics", parameter: "samples" },
  { name: "wavePacketPhysics: frequency NaN", call: () => wavePacketPhysics({ frequency: Number.NaN }), error: PgValidationError, where: "wavePacketPhysics", parameter: "frequency" },
  { name: "wavePacketPhysics: width 0", call: () => wavePacketPhysics({ width: 0 }), error: PgValidationError, where: "wavePacketPhysics", parameter: "width" },
  { name: "wavePacketPhysics.forward: NaN amplitude", call: () => wave.forward(Float64Array.of(2, Number.NaN), 1), error: PgNonFiniteError, where: "wavePacketPhysics.forward", parameter: "parameter x must be finite" },
  { name: "wavePacketPhysics.forward: x of batch 2 for batch 1", call: () => wave.forward(ok4, 1), error: PgShapeError, where: "wavePacketPhysics.forward", parameter: "x must have length" },
  { name: "wavePacketPhysics.adjoint: dy of the wrong length", call: () => wave.adjoint(Float64Array.of(2, 1), ok3, 1), error: PgShapeError, where: "wavePacketPhysics.adjoint", parameter: "dy must have length" },
  { name: "wavePacketPhysics.adjoint: NaN in dy", call: () => wave.adjoint(Float64Array.of(2, 1), withBad(ok4, 0, Number.NaN), 1), error: PgNonFiniteError, where: "wavePacketPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "wavePacketPhysics.objective.value: yTarget of the wrong length", call: () => wave.objective.value(ok4, ok3, 1), error: PgShapeError, where: "wavePacketPhysics.objective.value", parameter: "yTarget must have length" },
  { name: "wavePacketPhysics.objective.value: batch 0", call: () => wave.objective.value(ok4, ok4, 0), error: PgValidationError, where: "wavePacketPhysics.objective.value", parameter: "batch" },
  { name: "wavePacketPhysics.objective.gradient: y of the wrong length", call: () => wave.objective.gradient(ok3, ok4, 1), error: PgShapeError, where: "wavePacketPhysics.objective.gradient", parameter: "y must have length" },
  { name: "wavePacketPhysics.objective.gradient: yTarget a plain array", call: () => wave.objective.gradient(ok4, asAny<Float64Array>([1, 2, 3, 4]), 1), error: PgShapeError, where: "wavePacketPhysics.objective.gradient", parameter: "yTarget must have type Float64Array" },
  // the exponential
  { name: "expPhysics.forward: NaN in x", call: () => exp.forward(withBad(ok3, 1, Number.NaN), 3), error: PgNonFiniteError, where: "expPhysics.forward", parameter: "parameter x must be finite" },
  { name: "expPhysics.forward: batch 0", call: () => exp.forward(ok3, 0), error: PgValidationError, where: "expPhysics.forward", parameter: "batch" },
  { name: "expPhysics.forward: x of batch 4 for batch 3", call: () => exp.forward(ok4, 3), error: PgShapeError, where: "expPhysics.forward", parameter: "x must have length" },
  { name: "expPhysics.adjoint: Infinity in dy", call: () => exp.adjoint(ok3, withBad(ok3, 0, Infinity), 3), error: PgNonFiniteError, where: "expPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "expPhysics.adjoint: dy too short", call: () => exp.adjoint(ok3, ok3.subarray(0, 2), 3), error: PgShapeError, where: "expPhysics.adjoint", parameter: "dy must have length" },
  { name: "expPhysics.jacobianDiagonal: −Infinity in x", call: () => exp.jacobianDiagonal(withBad(ok3, 2, -Infinity), 3), error: PgNonFiniteError, where: "expPhysics.jacobianDiagonal", parameter: "parameter x must be finite" },
  { name: "expPhysics.newtonDerivatives: NaN in yTarget", call: () => exp.newtonDerivatives(ok3, withBad(ok3, 1, Number.NaN), 3), error: PgNonFiniteError, where: "expPhysics.newtonDerivatives", parameter: "parameter yTarget must be finite" },
  { name: "expPhysics.newtonDerivatives: yTarget a plain array", call: () => exp.newtonDerivatives(ok3, asAny<Float64Array>([1, 2, 3]), 3), error: PgShapeError, where: "expPhysics.newtonDerivatives", parameter: "yTarget must have type Float64Array" },
  { name: "expPhysics.inverse: y = 0 has no logarithm", call: () => exp.inverse(Float64Array.of(1, 0, 2), 3), error: PgValidationError, where: "expPhysics.inverse", parameter: "y must be a Float64Array of numbers > 0" },
  { name: "expPhysics.inverse: negative y", call: () => exp.inverse(Float64Array.of(-1), 1), error: PgValidationError, where: "expPhysics.inverse", parameter: "y[0] is -1" },
  { name: "expPhysics.inverse: NaN in y", call: () => exp.inverse(withBad(ok3, 0, Number.NaN), 3), error: PgNonFiniteError, where: "expPhysics.inverse", parameter: "parameter y must be finite" },
  { name: "expPhysics.inverse: batch 1.5", call: () => exp.inverse(ok3, 1.5), error: PgValidationError, where: "expPhysics.inverse", parameter: "batch" },
  // the rotated sin
  {
    name: "rotatedSinPhysics: misspelt option illconditioning",
    call: () => rotatedSinPhysics(asAny<RotatedSinPhysicsOptions>({ illconditioning: 10 })),
    error: PgValidationError,
    where: "rotatedSinPhysics",
    parameter: 'options.illconditioning must be one of the known options "illConditioning", "angle", "scale"; received 10. Did you mean "illConditioning"?',
  },
  { name: "rotatedSinPhysics: options not an object", call: () => rotatedSinPhysics(asAny<RotatedSinPhysicsOptions>(10)), error: PgValidationError, where: "rotatedSinPhysics", parameter: "options" },
  { name: "rotatedSinPhysics: ill-conditioning 0", call: () => rotatedSinPhysics({ illConditioning: 0 }), error: PgValidationError, where: "rotatedSinPhysics", parameter: "options.illConditioning" },
  { name: "rotatedSinPhysics: ill-conditioning Infinity", call: () => rotatedSinPhysics({ illConditioning: Infinity }), error: PgValidationError, where: "rotatedSinPhysics", parameter: "options.illConditioning" },
  { name: "rotatedSinPhysics: angle NaN", call: () => rotatedSinPhysics({ angle: Number.NaN }), error: PgValidationError, where: "rotatedSinPhysics", parameter: "options.angle" },
  { name: "rotatedSinPhysics: angle a string", call: () => rotatedSinPhysics({ angle: asAny<number>("45") }), error: PgValidationError, where: "rotatedSinPhysics", parameter: "options.angle" },
  { name: "rotatedSinPhysics: negative scale", call: () => rotatedSinPhysics({ scale: -10 }), error: PgValidationError, where: "rotatedSinPhysics", parameter: "options.scale" },
  { name: "rotatedSinPhysics.forward: NaN in x", call: () => rotated.forward(withBad(ok4, 3, Number.NaN), 2), error: PgNonFiniteError, where: "rotatedSinPhysics.forward", parameter: "parameter x must be finite" },
  { name: "rotatedSinPhysics.forward: odd length", call: () => rotated.forward(ok3, 2), error: PgShapeError, where: "rotatedSinPhysics.forward", parameter: "x must have length" },
  { name: "rotatedSinPhysics.forward: batch 0", call: () => rotated.forward(ok4, 0), error: PgValidationError, where: "rotatedSinPhysics.forward", parameter: "batch" },
  { name: "rotatedSinPhysics.adjoint: Infinity in dy", call: () => rotated.adjoint(ok4, withBad(ok4, 1, Infinity), 2), error: PgNonFiniteError, where: "rotatedSinPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "rotatedSinPhysics.adjoint: dy of the wrong length", call: () => rotated.adjoint(ok4, ok3, 2), error: PgShapeError, where: "rotatedSinPhysics.adjoint", parameter: "dy must have length" },
  { name: "rotatedSinPhysics.lossDerivatives: NaN in yTarget", call: () => rotated.lossDerivatives(ok4, withBad(ok4, 0, Number.NaN), 2), error: PgNonFiniteError, where: "rotatedSinPhysics.lossDerivatives", parameter: "parameter yTarget must be finite" },
  { name: "rotatedSinPhysics.lossDerivatives: x too short", call: () => rotated.lossDerivatives(ok3, ok4, 2), error: PgShapeError, where: "rotatedSinPhysics.lossDerivatives", parameter: "x must have length" },
  { name: "rotatedSinPhysics.closestSolution: |y₁*| > 1", call: () => rotated.closestSolution(ok4, Float64Array.of(0, 0, 1.5, 0), 2), error: PgValidationError, where: "rotatedSinPhysics.closestSolution", parameter: "yTarget must be targets with |y₁*| ≤ 1" },
  { name: "rotatedSinPhysics.closestSolution: Infinity in x", call: () => rotated.closestSolution(withBad(ok4, 2, Infinity), ok4.map((v) => v / 4), 2), error: PgNonFiniteError, where: "rotatedSinPhysics.closestSolution", parameter: "parameter x must be finite" },
  { name: "rotatedSinPhysics.closestSolution: yTarget of batch 1 for batch 2", call: () => rotated.closestSolution(ok4, Float64Array.of(0, 0), 2), error: PgShapeError, where: "rotatedSinPhysics.closestSolution", parameter: "yTarget must have length" },
];

badInputSuite(cases, { describe, it, expect });
