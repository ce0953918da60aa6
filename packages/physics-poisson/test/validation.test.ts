// The package's table of bad inputs: every public entry point, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter. New entry points add their
// rows here. (Non-finite input to poissonInverse().solve is a stop reason, not an error: see poisson_inverse.test.ts.)
import { PgNonFiniteError, PgShapeError, PgValidationError, type Physics, type SolveProblem } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { poissonInverse, poissonPhysics, type PoissonPhysics, type PoissonPhysicsOptions } from "../src/index";

// Deliberately wrong types, as a JavaScript caller could pass them.
const asAny = <T>(value: unknown): T => value as T;
const physics = poissonPhysics({ shape: [4, 4] });
const field = (): Float64Array => Float64Array.from({ length: 16 }, (_, i) => Math.sin(i));
const withBad = (values: Float64Array, at: number, bad: number): Float64Array => values.map((v, i) => (i === at ? bad : v));
const identity: Physics = { name: "identity", xShape: [16], yShape: [16], forward: (x) => x, adjoint: (_, dy) => dy };
const solve = (problem: unknown): unknown => poissonInverse().solve(asAny<SolveProblem<PoissonPhysics>>(problem));

const cases: BadInputCase[] = [
  // poissonPhysics
  {
    name: "poissonPhysics: misspelt option shap",
    call: () => poissonPhysics(asAny<PoissonPhysicsOptions>({ shap: [16, 16] })),
    error: PgValidationError,
    where: "poissonPhysics",
    parameter: 'options.shap must be one of the known options "shape", "spacing", "relativeTolerance", "absoluteTolerance", "maxIterations", "onWarning", "reuseLastForward"; received Array(2) [16, 16]. Did you mean "shape"?',
  },
  { name: "poissonPhysics: misspelt option maxIteration", call: () => poissonPhysics(asAny<PoissonPhysicsOptions>({ maxIteration: 10 })), error: PgValidationError, where: "poissonPhysics", parameter: 'options.maxIteration must be one of the known options' },
  { name: "poissonPhysics: misspelt option relativeTolerence", call: () => poissonPhysics(asAny<PoissonPhysicsOptions>({ relativeTolerence: 1e-8 })), error: PgValidationError, where: "poissonPhysics", parameter: 'Did you mean "relativeTolerance"?' },
  { name: "poissonPhysics: options a string", call: () => poissonPhysics(asAny<PoissonPhysicsOptions>("64x64")), error: PgValidationError, where: "poissonPhysics", parameter: "options" },
  { name: "poissonPhysics: shape of one axis", call: () => poissonPhysics(asAny<PoissonPhysicsOptions>({ shape: [16] })), error: PgValidationError, where: "poissonPhysics", parameter: "shape" },
  { name: "poissonPhysics: spacing 0", call: () => poissonPhysics({ spacing: 0 }), error: PgValidationError, where: "poissonPhysics", parameter: "spacing" },
  { name: "poissonPhysics: negative relativeTolerance", call: () => poissonPhysics({ relativeTolerance: -1e-5 }), error: PgValidationError, where: "poissonPhysics", parameter: "relativeTolerance" },
  { name: "poissonPhysics: NaN absoluteTolerance", call: () => poissonPhysics({ absoluteTolerance: Number.NaN }), error: PgValidationError, where: "poissonPhysics", parameter: "absoluteTolerance" },
  { name: "poissonPhysics: maxIterations 0", call: () => poissonPhysics({ maxIterations: 0 }), error: PgValidationError, where: "poissonPhysics", parameter: "maxIterations" },
  { name: "poissonPhysics: onWarning not a function", call: () => poissonPhysics(asAny<PoissonPhysicsOptions>({ onWarning: "log" })), error: PgValidationError, where: "poissonPhysics", parameter: "onWarning" },
  { name: "poissonPhysics: reuseLastForward a string", call: () => poissonPhysics(asAny<PoissonPhysicsOptions>({ reuseLastForward: "yes" })), error: PgValidationError, where: "poissonPhysics", parameter: "reuseLastForward" },
  // its methods
  { name: "poissonPhysics.forward: NaN in x", call: () => physics.forward(withBad(field(), 3, Number.NaN), 1), error: PgNonFiniteError, where: "poissonPhysics.forward", parameter: "parameter x must be finite" },
  { name: "poissonPhysics.forward: batch 0", call: () => physics.forward(field(), 0), error: PgValidationError, where: "poissonPhysics.forward", parameter: "batch" },
  { name: "poissonPhysics.forward: x for batch 1 with batch 2", call: () => physics.forward(field(), 2), error: PgShapeError, where: "poissonPhysics.forward", parameter: "x must have length" },
  { name: "poissonPhysics.adjoint: Infinity in dy", call: () => physics.adjoint(field(), withBad(field(), 0, Infinity), 1), error: PgNonFiniteError, where: "poissonPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "poissonPhysics.adjoint: NaN in the unused x", call: () => physics.adjoint(withBad(field(), 0, Number.NaN), field(), 1), error: PgNonFiniteError, where: "poissonPhysics.adjoint", parameter: "parameter x must be finite" },
  { name: "poissonPhysics.inverse: NaN in yTarget", call: () => physics.inverse(field(), withBad(field(), 15, Number.NaN), 1), error: PgNonFiniteError, where: "poissonPhysics.inverse", parameter: "parameter yTarget must be finite" },
  { name: "poissonPhysics.inverse: x a plain array", call: () => physics.inverse(asAny<Float64Array>(Array.from(field())), field(), 1), error: PgShapeError, where: "poissonPhysics.inverse", parameter: "x must have type Float64Array" },
  { name: "poissonPhysics.laplacian: −Infinity in y", call: () => physics.laplacian(withBad(field(), 2, -Infinity), 1), error: PgNonFiniteError, where: "poissonPhysics.laplacian", parameter: "parameter y must be finite" },
  { name: "poissonPhysics.laplacian: batch 1.5", call: () => physics.laplacian(field(), 1.5), error: PgValidationError, where: "poissonPhysics.laplacian", parameter: "batch" },
  // poissonInverse
  { name: "poissonInverse.solve: no problem", call: () => solve(null), error: PgValidationError, where: "poissonInverse.solve", parameter: "problem" },
  { name: "poissonInverse.solve: another physics", call: () => solve({ physics: identity, x: field(), yTarget: field(), batch: 1 }), error: PgValidationError, where: "poissonInverse.solve", parameter: "physics" },
  { name: "poissonInverse.solve: batch 0", call: () => solve({ physics, x: field(), yTarget: field(), batch: 0 }), error: PgValidationError, where: "poissonInverse.solve", parameter: "batch" },
  { name: "poissonInverse.solve: x too short", call: () => solve({ physics, x: new Float64Array(15), yTarget: field(), batch: 1 }), error: PgShapeError, where: "poissonInverse.solve", parameter: "x must have length" },
  { name: "poissonInverse.solve: no yTarget", call: () => solve({ physics, x: field(), batch: 1 }), error: PgShapeError, where: "poissonInverse.solve", parameter: "yTarget must have type Float64Array" },
];

badInputSuite(cases, { describe, it, expect });
