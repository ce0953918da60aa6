// The package's table of bad inputs: every public entry point, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter. New entry points add their
// rows here. (Non-finite input to heatInverse().solve is a stop reason, not an error: see heat_inverse.test.ts.)
import { PgNonFiniteError, PgShapeError, PgValidationError, float64ToTensor, type Batch, type SolveProblem } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import type * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import {
  diffusionLogKernel,
  heatInverse,
  heatPhysics,
  inverseDiffusion,
  meanFix,
  type DiffusionLogKernelOptions,
  type HeatInverseOptions,
  type HeatPhysics,
  type HeatPhysicsOptions,
  type InverseDiffusionOptions,
} from "../src/index";

// Deliberately wrong types, as a JavaScript caller could pass them.
const asAny = <T>(value: unknown): T => value as T;
const physics = heatPhysics({ shape: [4, 4], diffusivityTime: 1 });
const field = (): Float64Array => Float64Array.from({ length: 16 }, (_, i) => Math.cos(i));
const withBad = (values: Float64Array, at: number, bad: number): Float64Array => values.map((v, i) => (i === at ? bad : v));
const solve = (problem: unknown): unknown => heatInverse().solve(asAny<SolveProblem<HeatPhysics>>(problem));
const fixMean = (yTarget: unknown): tf.Tensor =>
  meanFix(float64ToTensor(field(), [1, 4, 4, 1]), asAny<Batch>({ input: field(), inputShape: [4, 4, 1], yTarget }));

const cases: BadInputCase[] = [
  // heatPhysics
  {
    name: "heatPhysics: misspelt option shap",
    call: () => heatPhysics(asAny<HeatPhysicsOptions>({ shap: [16, 16] })),
    error: PgValidationError,
    where: "heatPhysics",
    parameter: 'options.shap must be one of the known options "shape", "diffusivityTime"; received Array(2) [16, 16]. Did you mean "shape"?',
  },
  { name: "heatPhysics: misspelt option diffusivity", call: () => heatPhysics(asAny<HeatPhysicsOptions>({ diffusivity: 8 })), error: PgValidationError, where: "heatPhysics", parameter: 'Did you mean "diffusivityTime"?' },
  { name: "heatPhysics: options a number", call: () => heatPhysics(asAny<HeatPhysicsOptions>(3)), error: PgValidationError, where: "heatPhysics", parameter: "options" },
  { name: "heatPhysics: a zero-sized axis", call: () => heatPhysics({ shape: [0, 64] }), error: PgValidationError, where: "heatPhysics", parameter: "shape" },
  { name: "heatPhysics: negative diffusivityTime", call: () => heatPhysics({ diffusivityTime: -1 }), error: PgValidationError, where: "heatPhysics", parameter: "diffusivityTime" },
  { name: "heatPhysics.forward: NaN in x", call: () => physics.forward(withBad(field(), 5, Number.NaN), 1), error: PgNonFiniteError, where: "heatPhysics.forward", parameter: "parameter x must be finite" },
  { name: "heatPhysics.forward: batch 0", call: () => physics.forward(field(), 0), error: PgValidationError, where: "heatPhysics.forward", parameter: "batch" },
  { name: "heatPhysics.forward: x for batch 1 with batch 2", call: () => physics.forward(field(), 2), error: PgShapeError, where: "heatPhysics.forward", parameter: "x must have length" },
  { name: "heatPhysics.adjoint: Infinity in dy", call: () => physics.adjoint(field(), withBad(field(), 0, Infinity), 1), error: PgNonFiniteError, where: "heatPhysics.adjoint", parameter: "parameter dy must be finite" },
  { name: "heatPhysics.adjoint: NaN in the unused x", call: () => physics.adjoint(withBad(field(), 1, Number.NaN), field(), 1), error: PgNonFiniteError, where: "heatPhysics.adjoint", parameter: "parameter x must be finite" },
  // diffusionLogKernel
  { name: "diffusionLogKernel: unknown option nu", call: () => diffusionLogKernel(asAny<DiffusionLogKernelOptions>({ nu: 0.1 })), error: PgValidationError, where: "diffusionLogKernel", parameter: "options.nu" },
  { name: "diffusionLogKernel: NaN diffusivityTime", call: () => diffusionLogKernel({ diffusivityTime: Number.NaN }), error: PgValidationError, where: "diffusionLogKernel", parameter: "diffusivityTime" },
  // inverseDiffusion
  {
    name: "inverseDiffusion: misspelt option uncertainity",
    call: () => inverseDiffusion(field(), asAny<InverseDiffusionOptions>({ batch: 1, shape: [4, 4], uncertainity: field() })),
    error: PgValidationError,
    where: "inverseDiffusion",
    parameter: 'Did you mean "uncertainty"?',
  },
  { name: "inverseDiffusion: no uncertainty", call: () => inverseDiffusion(field(), asAny<InverseDiffusionOptions>({ batch: 1, shape: [4, 4] })), error: PgValidationError, where: "inverseDiffusion", parameter: "uncertainty" },
  { name: "inverseDiffusion: NaN in residual", call: () => inverseDiffusion(withBad(field(), 3, Number.NaN), { batch: 1, shape: [4, 4], uncertainty: field() }), error: PgNonFiniteError, where: "inverseDiffusion", parameter: "parameter residual must be finite" },
  { name: "inverseDiffusion: Infinity in uncertainty", call: () => inverseDiffusion(field(), { batch: 1, shape: [4, 4], uncertainty: withBad(field(), 3, Infinity) }), error: PgNonFiniteError, where: "inverseDiffusion", parameter: "parameter uncertainty must be finite" },
  { name: "inverseDiffusion: uncertainty too short", call: () => inverseDiffusion(field(), { batch: 1, shape: [4, 4], uncertainty: new Float64Array(15) }), error: PgShapeError, where: "inverseDiffusion", parameter: "uncertainty must have length" },
  { name: "inverseDiffusion: batch 0", call: () => inverseDiffusion(field(), { batch: 0, shape: [4, 4], uncertainty: field() }), error: PgValidationError, where: "inverseDiffusion", parameter: "batch" },
  { name: "inverseDiffusion: no options", call: () => inverseDiffusion(field(), asAny<InverseDiffusionOptions>(null)), error: PgValidationError, where: "inverseDiffusion", parameter: "options" },
  // heatInverse
  {
    name: "heatInverse: misspelt option relativeUncertainity",
    call: () => heatInverse(asAny<HeatInverseOptions>({ relativeUncertainity: 1e-6 })),
    error: PgValidationError,
    where: "heatInverse",
    parameter: 'options.relativeUncertainity must be one of the known options "relativeUncertainty", "absoluteUncertainty"; received 0.000001. Did you mean "relativeUncertainty"?',
  },
  { name: "heatInverse: negative absoluteUncertainty", call: () => heatInverse({ absoluteUncertainty: -1e-8 }), error: PgValidationError, where: "heatInverse", parameter: "absoluteUncertainty" },
  { name: "heatInverse.solve: no problem", call: () => solve(null), error: PgValidationError, where: "heatInverse.solve", parameter: "problem" },
  { name: "heatInverse.solve: not a heat physics", call: () => solve({ physics: { ...physics, diffusivityTime: undefined }, x: field(), yTarget: field(), batch: 1 }), error: PgValidationError, where: "heatInverse.solve", parameter: "physics" },
  { name: "heatInverse.solve: batch 1.5", call: () => solve({ physics, x: field(), yTarget: field(), batch: 1.5 }), error: PgValidationError, where: "heatInverse.solve", parameter: "batch" },
  { name: "heatInverse.solve: yTarget too long", call: () => solve({ physics, x: field(), yTarget: new Float64Array(32), batch: 1 }), error: PgShapeError, where: "heatInverse.solve", parameter: "yTarget must have length" },
  // meanFix
  { name: "meanFix: x not a tensor", call: () => meanFix(asAny<tf.Tensor>(field()), asAny<Batch>({ yTarget: field() })), error: PgValidationError, where: "meanFix", parameter: "x must be" },
  { name: "meanFix: NaN in batch.yTarget", call: () => fixMean(withBad(field(), 2, Number.NaN)), error: PgNonFiniteError, where: "meanFix", parameter: "parameter batch.yTarget must be finite" },
  { name: "meanFix: batch.yTarget of the wrong length", call: () => fixMean(new Float64Array(0)), error: PgShapeError, where: "meanFix", parameter: "batch.yTarget" },
];

badInputSuite(cases, { describe, it, expect });
