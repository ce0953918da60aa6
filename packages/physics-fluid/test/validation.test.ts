// The package's table of bad inputs: every public entry point, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter. New entry points add their
// rows here. (Non-finite input to fluidInverse().solve is a stop reason, not an error: see fluid_physics.test.ts.)
import { PgNonFiniteError, PgShapeError, PgValidationError, type SolveProblem } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import {
  SAMPLE_OFFSETS,
  advectStaggered,
  advectStaggeredAdjoint,
  centerOfMass,
  centeredToStaggered,
  centeredToStaggeredAdjoint,
  fluidEstimator,
  fluidInverse,
  fluidPhysics,
  fluidStep,
  frequencyLoss,
  frequencyWeights,
  interpolatePeriodic,
  macCormack,
  macCormackAdjoint,
  makeIncompressible,
  periodicNodeBounds,
  samplePositions,
  simulateFluid,
  staggeredDivergence,
  staggeredToCentered,
  staggeredToCenteredAdjoint,
  swirlField,
  swirlProjectionConstant,
  swirlStrength,
  uniformVelocity,
  type FluidEstimatorOptions,
  type FluidGrid,
  type FluidInverseOptions,
  type FluidPhysics,
  type FluidPhysicsOptions,
  type FluidState,
  type FluidStepOptions,
  type FrequencyLossOptions,
  type MakeIncompressibleOptions,
  type SampleOffset,
  type SimulateFluidOptions,
  type StaggeredVelocity,
  type SwirlOptions,
} from "../src/index";

// Deliberately wrong types, as a JavaScript caller could pass them.
const asAny = <T>(value: unknown): T => value as T;
const grid: FluidGrid = { nx: 4, ny: 4, dx: 1 };
const scalar = (): Float64Array => Float64Array.from({ length: 16 }, (_, k) => 1 + Math.sin(k));
const vector = (): Float64Array => Float64Array.from({ length: 32 }, (_, k) => 0.1 * Math.cos(k));
const staggered = (): StaggeredVelocity => ({ x: scalar().map((v) => 0.1 * v), y: scalar().map((v) => -0.1 * v) });
const withBad = (values: Float64Array, at: number, bad: number): Float64Array => values.map((v, i) => (i === at ? bad : v));
const tolerances: MakeIncompressibleOptions = { relativeTolerance: 0, absoluteTolerance: 1e-8 };
const physics = fluidPhysics(scalar(), 1, { grid, pressureSolver: "spectral" });
const solve = (problem: unknown): unknown => fluidInverse().solve(asAny<SolveProblem<FluidPhysics>>(problem));

const cases: BadInputCase[] = [
  // grids, offsets and interpolation
  { name: "samplePositions: unknown grid key dy", call: () => samplePositions(asAny<FluidGrid>({ ...grid, dy: 1 }), SAMPLE_OFFSETS.centre), error: PgValidationError, where: "samplePositions", parameter: "grid.dy" },
  { name: "samplePositions: a grid of one cell along x", call: () => samplePositions({ nx: 1, ny: 4, dx: 1 }, SAMPLE_OFFSETS.centre), error: PgValidationError, where: "samplePositions", parameter: "grid.nx" },
  { name: "samplePositions: grid an array", call: () => samplePositions(asAny<FluidGrid>([4, 4, 1]), SAMPLE_OFFSETS.centre), error: PgValidationError, where: "samplePositions", parameter: "grid" },
  { name: "samplePositions: unknown offset key z", call: () => samplePositions(grid, asAny<SampleOffset>({ x: 0.5, y: 0.5, z: 0 })), error: PgValidationError, where: "samplePositions", parameter: "offset.z" },
  { name: "samplePositions: NaN offset", call: () => samplePositions(grid, { x: Number.NaN, y: 0.5 }), error: PgValidationError, where: "samplePositions", parameter: "offset" },
  { name: "interpolatePeriodic: NaN in px", call: () => interpolatePeriodic(scalar(), grid, SAMPLE_OFFSETS.centre, Float64Array.of(Number.NaN), Float64Array.of(1), 1), error: PgNonFiniteError, where: "interpolatePeriodic", parameter: "parameter px must be finite" },
  { name: "interpolatePeriodic: py shorter than px", call: () => interpolatePeriodic(scalar(), grid, SAMPLE_OFFSETS.centre, Float64Array.of(1, 2), Float64Array.of(1), 1), error: PgShapeError, where: "interpolatePeriodic", parameter: "py" },
  { name: "periodicNodeBounds: Infinity in field", call: () => periodicNodeBounds(withBad(scalar(), 3, Infinity), grid, SAMPLE_OFFSETS.centre, Float64Array.of(1), Float64Array.of(1), 1), error: PgNonFiniteError, where: "periodicNodeBounds", parameter: "parameter field must be finite" },
  // advection
  { name: "macCormack: NaN dt", call: () => macCormack(scalar(), SAMPLE_OFFSETS.centre, staggered(), Number.NaN, grid, 1), error: PgValidationError, where: "macCormack", parameter: "dt" },
  { name: "macCormack: Infinity in velocity.y", call: () => macCormack(scalar(), SAMPLE_OFFSETS.centre, { ...staggered(), y: withBad(scalar(), 0, Infinity) }, 0.25, grid, 1), error: PgNonFiniteError, where: "macCormack", parameter: "parameter velocity.y must be finite" },
  { name: "advectStaggered: velocityToAdvectBy not an object", call: () => advectStaggered(staggered(), asAny<StaggeredVelocity>(0), 0.25, grid, 1), error: PgValidationError, where: "advectStaggered", parameter: "velocityToAdvectBy" },
  { name: "macCormackAdjoint: NaN in outputGradient", call: () => macCormackAdjoint(scalar(), SAMPLE_OFFSETS.centre, staggered(), 0.25, grid, 1, withBad(scalar(), 2, Number.NaN)), error: PgNonFiniteError, where: "macCormackAdjoint", parameter: "parameter outputGradient must be finite" },
  { name: "advectStaggeredAdjoint: outputGradient.x too short", call: () => advectStaggeredAdjoint(staggered(), staggered(), 0.25, grid, 1, { x: new Float64Array(15), y: scalar() }), error: PgShapeError, where: "advectStaggeredAdjoint", parameter: "outputGradient.x" },
  // projection and fluid step
  { name: "makeIncompressible: unknown solver", call: () => makeIncompressible(staggered(), grid, 1, asAny<MakeIncompressibleOptions>({ ...tolerances, solver: "nosuch" })), error: PgValidationError, where: "makeIncompressible", parameter: 'options.solver must be one of "cg", "spectral"' },
  { name: "makeIncompressible: misspelt option absoluteTolerence", call: () => makeIncompressible(staggered(), grid, 1, asAny<MakeIncompressibleOptions>({ relativeTolerance: 0, absoluteTolerence: 1e-8 })), error: PgValidationError, where: "makeIncompressible", parameter: 'options.absoluteTolerence must be one of the known options' },
  { name: "makeIncompressible: no relativeTolerance", call: () => makeIncompressible(staggered(), grid, 1, asAny<MakeIncompressibleOptions>({ absoluteTolerance: 1e-8 })), error: PgValidationError, where: "makeIncompressible", parameter: "options.relativeTolerance" },
  { name: "makeIncompressible: NaN in pressureGuess", call: () => makeIncompressible(staggered(), grid, 1, { ...tolerances, pressureGuess: withBad(scalar(), 0, Number.NaN) }), error: PgNonFiniteError, where: "makeIncompressible", parameter: "parameter options.pressureGuess must be finite" },
  { name: "staggeredDivergence: batch 0", call: () => staggeredDivergence(staggered(), grid, 0), error: PgValidationError, where: "staggeredDivergence", parameter: "batch" },
  { name: "fluidStep: misspelt state key pressureGues", call: () => fluidStep(asAny<FluidState>({ marker: scalar(), velocity: staggered(), pressureGues: scalar() }), grid, 1), error: PgValidationError, where: "fluidStep", parameter: 'state.pressureGues must be one of the known options "marker", "velocity", "pressureGuess"' },
  { name: "fluidStep: unknown pressureSolver", call: () => fluidStep({ marker: scalar(), velocity: staggered() }, grid, 1, asAny<FluidStepOptions>({ pressureSolver: "fft" })), error: PgValidationError, where: "fluidStep", parameter: "options.pressureSolver" },
  { name: "fluidStep: unknown option tolerance", call: () => fluidStep({ marker: scalar(), velocity: staggered() }, grid, 1, asAny<FluidStepOptions>({ tolerance: 1e-4 })), error: PgValidationError, where: "fluidStep", parameter: "options.tolerance" },
  { name: "fluidStep: NaN in state.marker", call: () => fluidStep({ marker: withBad(scalar(), 4, Number.NaN), velocity: staggered() }, grid, 1), error: PgNonFiniteError, where: "fluidStep", parameter: "parameter state.marker must be finite" },
  // loss, centre of mass, swirl
  { name: "frequencyLoss: misspelt option fallof", call: () => frequencyLoss(asAny<FrequencyLossOptions>({ grid, fallof: 80 })), error: PgValidationError, where: "frequencyLoss", parameter: 'Did you mean "falloff"?' },
  { name: "frequencyLoss: negative threshold", call: () => frequencyLoss({ grid, threshold: -1 }), error: PgValidationError, where: "frequencyLoss", parameter: "threshold" },
  { name: "frequencyLoss.value: yTarget too short", call: () => frequencyLoss({ grid }).value(scalar(), new Float64Array(15), 1), error: PgShapeError, where: "frequencyLoss.value", parameter: "yTarget must have length" },
  { name: "frequencyLoss.gradient: batch 2 for one example", call: () => frequencyLoss({ grid }).gradient(scalar(), scalar(), 2), error: PgShapeError, where: "frequencyLoss.gradient", parameter: "y must have length" },
  { name: "frequencyWeights: NaN falloff", call: () => frequencyWeights(grid, Number.NaN), error: PgValidationError, where: "frequencyWeights", parameter: "falloff" },
  { name: "centerOfMass: NaN in marker", call: () => centerOfMass(withBad(scalar(), 0, Number.NaN), grid, 1), error: PgNonFiniteError, where: "centerOfMass", parameter: "parameter marker must be finite" },
  { name: "centerOfMass: zero mass", call: () => centerOfMass(new Float64Array(16), grid, 1), error: PgValidationError, where: "centerOfMass", parameter: "total mass" },
  { name: "swirlField: misspelt option center", call: () => swirlField(Float64Array.of(1), grid, 1, asAny<SwirlOptions>({ center: [2, 2] })), error: PgValidationError, where: "swirlField", parameter: 'options.center must be one of the known options "centre", "radius"' },
  { name: "swirlField: NaN strength", call: () => swirlField(Float64Array.of(Number.NaN), grid, 1), error: PgNonFiniteError, where: "swirlField", parameter: "parameter strength must be finite" },
  { name: "swirlStrength: normalisation 0", call: () => swirlStrength(vector(), grid, 1, { normalisation: 0 }), error: PgValidationError, where: "swirlStrength", parameter: "normalisation" },
  { name: "swirlStrength: Infinity in v0", call: () => swirlStrength(withBad(vector(), 7, Infinity), grid, 1), error: PgNonFiniteError, where: "swirlStrength", parameter: "parameter v0 must be finite" },
  { name: "swirlProjectionConstant: negative radius", call: () => swirlProjectionConstant(grid, { radius: -20 }), error: PgValidationError, where: "swirlProjectionConstant", parameter: "radius" },
  { name: "uniformVelocity: u of one number", call: () => uniformVelocity(Float64Array.of(1), grid, 1), error: PgShapeError, where: "uniformVelocity", parameter: "u must have length" },
  { name: "uniformVelocity: NaN in u", call: () => uniformVelocity(Float64Array.of(1, Number.NaN), grid, 1), error: PgNonFiniteError, where: "uniformVelocity", parameter: "parameter u must be finite" },
  // staggering
  { name: "centeredToStaggered: NaN in v", call: () => centeredToStaggered(withBad(vector(), 1, Number.NaN), grid, 1), error: PgNonFiniteError, where: "centeredToStaggered", parameter: "parameter v must be finite" },
  { name: "staggeredToCentered: u.x too short", call: () => staggeredToCentered({ x: new Float64Array(8), y: scalar() }, grid, 1), error: PgShapeError, where: "staggeredToCentered", parameter: "u.x" },
  { name: "centeredToStaggeredAdjoint: NaN in gradient.y", call: () => centeredToStaggeredAdjoint({ x: scalar(), y: withBad(scalar(), 9, Number.NaN) }, grid, 1), error: PgNonFiniteError, where: "centeredToStaggeredAdjoint", parameter: "parameter gradient.y must be finite" },
  { name: "staggeredToCenteredAdjoint: Infinity in gradient", call: () => staggeredToCenteredAdjoint(withBad(vector(), 0, -Infinity), grid, 1), error: PgNonFiniteError, where: "staggeredToCenteredAdjoint", parameter: "parameter gradient must be finite" },
  // the forward run and the physics
  { name: "simulateFluid: unknown pressureSolver", call: () => simulateFluid(scalar(), vector(), grid, 1, asAny<SimulateFluidOptions>({ pressureSolver: "nosuch" })), error: PgValidationError, where: "simulateFluid", parameter: 'options.pressureSolver must be one of "cg", "spectral"; received "nosuch".' },
  { name: "simulateFluid: misspelt option step", call: () => simulateFluid(scalar(), vector(), grid, 1, asAny<SimulateFluidOptions>({ step: 4 })), error: PgValidationError, where: "simulateFluid", parameter: 'options.step must be one of the known options' },
  { name: "simulateFluid: negative stepTolerance", call: () => simulateFluid(scalar(), vector(), grid, 1, { stepTolerance: -1e-4 }), error: PgValidationError, where: "simulateFluid", parameter: "options.stepTolerance" },
  { name: "simulateFluid: NaN initialTolerance", call: () => simulateFluid(scalar(), vector(), grid, 1, { initialTolerance: Number.NaN }), error: PgValidationError, where: "simulateFluid", parameter: "options.initialTolerance" },
  { name: "simulateFluid: dt 0", call: () => simulateFluid(scalar(), vector(), grid, 1, { dt: 0 }), error: PgValidationError, where: "simulateFluid", parameter: "options.dt" },
  { name: "fluidPhysics: unknown pressureSolver, refused at once", call: () => fluidPhysics(scalar(), 1, asAny<FluidPhysicsOptions>({ grid, pressureSolver: "nosuch" })), error: PgValidationError, where: "fluidPhysics", parameter: 'options.pressureSolver must be one of "cg", "spectral"; received "nosuch".' },
  { name: "fluidPhysics: option solver instead of pressureSolver", call: () => fluidPhysics(scalar(), 1, asAny<FluidPhysicsOptions>({ grid, solver: "cg" })), error: PgValidationError, where: "fluidPhysics", parameter: "options.solver must be one of the known options" },
  { name: "fluidPhysics: steps 2.5", call: () => fluidPhysics(scalar(), 1, { grid, steps: 2.5 }), error: PgValidationError, where: "fluidPhysics", parameter: "options.steps" },
  { name: "fluidPhysics: NaN in marker0", call: () => fluidPhysics(withBad(scalar(), 0, Number.NaN), 1, { grid }), error: PgNonFiniteError, where: "fluidPhysics", parameter: "parameter marker0 must be finite" },
  { name: "fluidPhysics.forward: NaN in x", call: () => physics.forward(withBad(vector(), 3, Number.NaN), 1), error: PgNonFiniteError, where: "fluidPhysics.forward", parameter: "parameter x must be finite" },
  { name: "fluidPhysics.forward: batch 2 for a batch-1 physics", call: () => physics.forward(vector(), 2), error: PgValidationError, where: "fluidPhysics.forward", parameter: "batch" },
  { name: "fluidPhysics.adjoint: Infinity in dy", call: () => physics.adjoint(vector(), withBad(scalar(), 5, Infinity), 1), error: PgNonFiniteError, where: "fluidPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "fluidPhysics.trajectory: x of a scalar field", call: () => physics.trajectory(scalar(), 1), error: PgShapeError, where: "fluidPhysics.trajectory", parameter: "x must have length" },
  // the estimator and the solver
  { name: "fluidInverse: misspelt option consistentVortexPositon", call: () => fluidInverse(asAny<FluidInverseOptions>({ consistentVortexPositon: true })), error: PgValidationError, where: "fluidInverse", parameter: 'Did you mean "consistentVortexPosition"?' },
  { name: "fluidInverse: unknown pressureSolver", call: () => fluidInverse(asAny<FluidInverseOptions>({ pressureSolver: "nosuch" })), error: PgValidationError, where: "fluidInverse", parameter: "options.pressureSolver" },
  { name: "fluidInverse: a forward run, which the solver takes from the physics", call: () => fluidInverse(asAny<FluidInverseOptions>({ forward: {} })), error: PgValidationError, where: "fluidInverse", parameter: "options.forward" },
  { name: "fluidInverse: consistentVortexPosition a string", call: () => fluidInverse(asAny<FluidInverseOptions>({ consistentVortexPosition: "yes" })), error: PgValidationError, where: "fluidInverse", parameter: "options.consistentVortexPosition" },
  { name: "fluidInverse.solve: not a fluid physics", call: () => solve({ physics: { name: "identity", xShape: [32], yShape: [16] }, x: vector(), yTarget: scalar(), batch: 1 }), error: PgValidationError, where: "fluidInverse.solve", parameter: "physics" },
  { name: "fluidInverse.solve: batch 2 for a batch-1 physics", call: () => solve({ physics, x: vector(), yTarget: scalar(), batch: 2 }), error: PgValidationError, where: "fluidInverse.solve", parameter: "batch" },
  { name: "fluidInverse.solve: yTarget of a vector field", call: () => solve({ physics, x: vector(), yTarget: vector(), batch: 1 }), error: PgShapeError, where: "fluidInverse.solve", parameter: "yTarget must have length" },
  { name: "fluidEstimator: unknown pressureSolver", call: () => fluidEstimator(scalar(), scalar(), vector(), grid, 1, asAny<FluidEstimatorOptions>({ pressureSolver: "nosuch" })), error: PgValidationError, where: "fluidEstimator", parameter: "options.pressureSolver" },
  { name: "fluidEstimator: forward not a run", call: () => fluidEstimator(scalar(), scalar(), vector(), grid, 1, asAny<FluidEstimatorOptions>({ forward: 8 })), error: PgValidationError, where: "fluidEstimator", parameter: "options.forward" },
  { name: "fluidEstimator: NaN in mT", call: () => fluidEstimator(scalar(), withBad(scalar(), 6, Number.NaN), vector(), grid, 1), error: PgNonFiniteError, where: "fluidEstimator", parameter: "parameter mT must be finite" },
];

badInputSuite(cases, { describe, it, expect });
