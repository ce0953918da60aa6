// The package's table of bad inputs: every public entry point of @pg/experiments, called as a new user might get it
// wrong, must throw the right error class with a message that starts with the function and names the parameter. New
// entry points add their rows here.
import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, type Batch, type Physics } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { random } from "@pg/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EXPERIMENTS,
  batchField,
  expExperiment,
  expMetrics,
  limitedNewton,
  limitedNewtonStep,
  sinRotatedExperiment,
  sinRotatedMetrics,
  sinRotatedSetting,
  torchAdadelta,
  torchAdagrad,
  torchRmsprop,
  experimentEntry,
  fluidBatch,
  fluidExperiment,
  fluidPressureSolver,
  heatExperiment,
  parameterErrors,
  poissonExperiment,
  poissonGrid,
  requireBatchArgument,
  requireExperimentDefinition,
  requireMethodName,
  requireMethodPlan,
  requireRunArgumentSpec,
  sinExperiment,
  trueParameters,
  velocityError,
  wavePacketExperiment,
  wavePacketInitialization,
  wavePacketOutput,
  type ExperimentDefinition,
  type RunArguments,
} from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function argsOf(batch: number): RunArguments {
  return { iterations: 1, batch, seed: 0, methods: ["adam"], out: "unused", backend: undefined, replicas: undefined };
}

/** Built on the small test grids, so that the rows that get past the options cost nothing. */
const sin = sinExperiment();
const exp = expExperiment();
const rotated = sinRotatedExperiment();
const heat = heatExperiment({ shape: [16, 16] });
const poisson = poissonExperiment({ grid: poissonGrid("16x16") });
const smallGrid = { nx: 16, ny: 16, dx: 2 };
const oneExample: Batch = { input: Float64Array.of(1), inputShape: [1], yTarget: Float64Array.of(1) };
/** A definition with one field changed, as a user's module might have it. */
const sinWith = (changes: Record<string, unknown>): ExperimentDefinition<Physics> => ({ ...sin, ...changes }) as unknown as ExperimentDefinition<Physics>;
const spec = { name: "demo", defaults: { iterations: 10, batch: 4, seed: 0, methods: ["adam"], out: "runs/demo" }, knownMethods: ["adam"] };

const cases: BadInputCase[] = [
  // sinExperiment
  { name: "sinExperiment: misspelt learningRate", call: () => sinExperiment({ learningrate: 0.1 } as never), error: PgValidationError, where: "sinExperiment", parameter: "options.learningrate" },
  { name: "sinExperiment: negative learning rate", call: () => sinExperiment({ learningRate: -0.002 }), error: PgValidationError, where: "sinExperiment", parameter: "options.learningRate" },
  { name: "sinExperiment: NaN learning rate", call: () => sinExperiment({ learningRate: Number.NaN }), error: PgValidationError, where: "sinExperiment", parameter: "options.learningRate" },
  { name: "sinExperiment: options not an object", call: () => sinExperiment(0.002 as never), error: PgValidationError, where: "sinExperiment", parameter: "options" },
  { name: "sin.batches: batch 0", call: () => sin.batches(argsOf(0), random(0)), error: PgValidationError, where: "sin", parameter: "args.batch" },
  { name: "sin.method: misspelt method", call: () => sin.method("pg-newtn", argsOf(4)), error: PgValidationError, where: "sin", parameter: "method" },
  // poissonExperiment, poissonGrid
  { name: "poissonExperiment: misspelt grid", call: () => poissonExperiment({ gird: poissonGrid("16x16") } as never), error: PgValidationError, where: "poissonExperiment", parameter: "options.gird" },
  { name: "poissonExperiment: grid not a PoissonGrid", call: () => poissonExperiment({ grid: "16x16" as never }), error: PgValidationError, where: "poissonExperiment", parameter: "options.grid" },
  { name: "poissonExperiment: grid of size 0", call: () => poissonExperiment({ grid: { ...poissonGrid("16x16"), shape: [16, 0] } }), error: PgValidationError, where: "poissonExperiment", parameter: "options.grid.shape[1]" },
  { name: "poissonExperiment: negative SGD rate", call: () => poissonExperiment({ grid: { ...poissonGrid("16x16"), sgdLearningRate: -3e-12 } }), error: PgValidationError, where: "poissonExperiment", parameter: "options.grid.sgdLearningRate" },
  { name: "poissonExperiment: onWarning not a function", call: () => poissonExperiment({ onWarning: "console" as never }), error: PgValidationError, where: "poissonExperiment", parameter: "options.onWarning" },
  { name: "poissonGrid: unknown grid", call: () => poissonGrid("64x46"), error: PgValidationError, where: "poisson", parameter: "POISSON_GRID" },
  { name: "poissonGrid: a number", call: () => poissonGrid(64 as never), error: PgValidationError, where: "poisson", parameter: "POISSON_GRID" },
  { name: "poisson.batches: fractional batch", call: () => poisson.batches(argsOf(2.5), random(0)), error: PgValidationError, where: "poisson-16x16", parameter: "args.batch" },
  { name: "poisson.method: unknown method", call: () => poisson.method("lbfgs", argsOf(2)), error: PgValidationError, where: "poisson-16x16", parameter: "method" },
  // heatExperiment
  { name: "heatExperiment: misspelt shape", call: () => heatExperiment({ shap: [16, 16] } as never), error: PgValidationError, where: "heatExperiment", parameter: "options.shap" },
  { name: "heatExperiment: grid too small for the U-net", call: () => heatExperiment({ shape: [4, 4] }), error: PgValidationError, where: "heatExperiment", parameter: "options.shape" },
  { name: "heatExperiment: one size only", call: () => heatExperiment({ shape: [16] as never }), error: PgValidationError, where: "heatExperiment", parameter: "options.shape" },
  { name: "heat.batches: args missing", call: () => heat.batches(undefined as never, random(0)), error: PgValidationError, where: "heat-16x16", parameter: "args" },
  { name: "heat.method: misspelt method", call: () => heat.method("pg-lbfgs", argsOf(2)), error: PgValidationError, where: "heat-16x16", parameter: "method" },
  // wavePacketExperiment and its helpers
  { name: "wavePacketExperiment: learning rate 0", call: () => wavePacketExperiment({ learningRate: 0 }), error: PgValidationError, where: "wavePacketExperiment", parameter: "options.learningRate" },
  { name: "wavePacketExperiment: negative noise", call: () => wavePacketExperiment({ noise: -1 }), error: PgValidationError, where: "wavePacketExperiment", parameter: "options.noise" },
  { name: "wavePacketExperiment: misspelt initialisation value", call: () => wavePacketExperiment({ initialization: "pytroch" as never }), error: PgValidationError, where: "wavePacketExperiment", parameter: "options.initialization" },
  { name: "wavePacketExperiment: misspelt initialization key", call: () => wavePacketExperiment({ intialization: "glorot" } as never), error: PgValidationError, where: "wavePacketExperiment", parameter: "options.intialization" },
  { name: "wavePacketInitialization: unknown value", call: () => wavePacketInitialization("he"), error: PgValidationError, where: "wavepacket", parameter: "WAVEPACKET_INITIALIZATION" },
  { name: "trueParameters: batch without parameters", call: () => trueParameters(oneExample as never), error: PgValidationError, where: "wavepacket", parameter: "batch.parameters" },
  { name: "parameterErrors: x shorter than truth", call: () => parameterErrors(Float64Array.of(1, 2), Float64Array.of(1, 2, 3, 4)), error: PgShapeError, where: "parameterErrors", parameter: "x" },
  { name: "parameterErrors: odd truth", call: () => parameterErrors(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3)), error: PgShapeError, where: "parameterErrors", parameter: "truth" },
  { name: "wavePacketOutput: three outputs per example", call: () => tf.tidy(() => wavePacketOutput(tf.zeros([1, 3]))), error: PgShapeError, where: "wavePacketOutput", parameter: "raw" },
  // fluidExperiment and its helpers
  { name: "fluidExperiment: unknown pressure solver", call: () => fluidExperiment({ grid: smallGrid, pressureSolver: "nosuch" as never }), error: PgValidationError, where: "fluidExperiment", parameter: "options.pressureSolver" },
  { name: "fluidExperiment: misspelt pressureSolver", call: () => fluidExperiment({ pressuresolver: "cg" } as never), error: PgValidationError, where: "fluidExperiment", parameter: "options.pressuresolver" },
  { name: "fluidExperiment: grid too small for the U-net", call: () => fluidExperiment({ grid: { nx: 8, ny: 16, dx: 2 } }), error: PgValidationError, where: "fluidExperiment", parameter: "options.grid.nx" },
  { name: "fluidExperiment: cell size 0", call: () => fluidExperiment({ grid: { nx: 16, ny: 16, dx: 0 } }), error: PgValidationError, where: "fluidExperiment", parameter: "options.grid.dx" },
  { name: "fluidPressureSolver: misspelt solver", call: () => fluidPressureSolver("spectal"), error: PgValidationError, where: "fluid", parameter: "FLUID_PRESSURE_SOLVER" },
  { name: "fluidBatch: misspelt grid", call: () => fluidBatch(random(0), { batch: 1, gird: smallGrid } as never), error: PgValidationError, where: "fluidBatch", parameter: "options.gird" },
  { name: "fluidBatch: not a RandomStream", call: () => fluidBatch(Math.random as never, { batch: 1 }), error: PgValidationError, where: "fluidBatch", parameter: "stream" },
  { name: "fluidBatch: negative batch", call: () => fluidBatch(random(0), { batch: -1 }), error: PgValidationError, where: "fluidBatch", parameter: "batch" },
  { name: "velocityError: fields of different lengths", call: () => velocityError(new Float64Array(512), new Float64Array(511), smallGrid, 1), error: PgShapeError, where: "velocityError", parameter: "truth" },
  { name: "velocityError: batch 0", call: () => velocityError(new Float64Array(0), new Float64Array(0), smallGrid, 0), error: PgValidationError, where: "velocityError", parameter: "batch" },
  // expExperiment and its metrics
  { name: "expExperiment: misspelt sgdLearningRate", call: () => expExperiment({ sgdLearningrate: 0.01 } as never), error: PgValidationError, where: "expExperiment", parameter: "options.sgdLearningrate" },
  { name: "expExperiment: SGD rate 0", call: () => expExperiment({ sgdLearningRate: 0 }), error: PgValidationError, where: "expExperiment", parameter: "options.sgdLearningRate" },
  { name: "expExperiment: Adam rate Infinity", call: () => expExperiment({ adamLearningRate: Infinity }), error: PgValidationError, where: "expExperiment", parameter: "options.adamLearningRate" },
  { name: "exp.batches: batch 0", call: () => exp.batches(argsOf(0), random(0)), error: PgValidationError, where: "exp", parameter: "args.batch" },
  { name: "exp.method: misspelt method", call: () => exp.method("newton-clip", argsOf(4)), error: PgValidationError, where: "exp", parameter: "method" },
  { name: "exp.xError: batch without x*", call: () => exp.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, batch: oneExample as never, x: Float64Array.of(0), state: [] }, "newton"), error: PgValidationError, where: "exp", parameter: "batch.xTarget" },
  { name: "expMetrics: x empty", call: () => expMetrics(new Float64Array(0), new Float64Array(0)), error: PgShapeError, where: "expMetrics", parameter: "x" },
  { name: "expMetrics: xTarget shorter than x", call: () => expMetrics(Float64Array.of(1, 2), Float64Array.of(1)), error: PgShapeError, where: "expMetrics", parameter: "xTarget" },
  // sinRotatedExperiment and its helpers
  { name: "sinRotatedExperiment: misspelt illConditioning", call: () => sinRotatedExperiment({ illconditioning: 32 } as never), error: PgValidationError, where: "sinRotatedExperiment", parameter: "options.illconditioning" },
  { name: "sinRotatedExperiment: ill-conditioning 0", call: () => sinRotatedExperiment({ illConditioning: 0 }), error: PgValidationError, where: "sinRotatedExperiment", parameter: "options.illConditioning" },
  { name: "sinRotatedExperiment: angle NaN", call: () => sinRotatedExperiment({ angle: Number.NaN }), error: PgValidationError, where: "sinRotatedExperiment", parameter: "options.angle" },
  { name: "sinRotatedExperiment: angle a string", call: () => sinRotatedExperiment({ angle: "45" as never }), error: PgValidationError, where: "sinRotatedExperiment", parameter: "options.angle" },
  { name: "sin-rotated.batches: fractional batch", call: () => rotated.batches(argsOf(1.5), random(0)), error: PgValidationError, where: "sin-rotated", parameter: "args.batch" },
  { name: "sin-rotated.method: unknown method", call: () => rotated.method("sip", argsOf(4)), error: PgValidationError, where: "sin-rotated", parameter: "method" },
  { name: "sinRotatedSetting: ξ not a number", call: () => sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", "ten"), error: PgValidationError, where: "sin-rotated", parameter: "SIN_ROTATED_ILL_CONDITIONING" },
  { name: "sinRotatedSetting: negative ξ", call: () => sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", "-2"), error: PgValidationError, where: "sin-rotated", parameter: "SIN_ROTATED_ILL_CONDITIONING" },
  { name: "sinRotatedSetting: angle Infinity", call: () => sinRotatedSetting("SIN_ROTATED_ANGLE", "Infinity"), error: PgValidationError, where: "sin-rotated", parameter: "SIN_ROTATED_ANGLE" },
  { name: "sinRotatedSetting: unknown variable", call: () => sinRotatedSetting("SIN_ROTATED_XI", "10"), error: PgValidationError, where: "sinRotatedSetting", parameter: "variable" },
  { name: "sinRotatedMetrics: |y₁*| > 1", call: () => sinRotatedMetrics(rotated.physics, Float64Array.of(0, 0), Float64Array.of(2, 0), 1), error: PgValidationError, where: "rotatedSinPhysics.closestSolution", parameter: "yTarget" },
  { name: "sinRotatedMetrics: x of the wrong length", call: () => sinRotatedMetrics(rotated.physics, Float64Array.of(0, 0, 0), Float64Array.of(0, 0), 1), error: PgShapeError, where: "rotatedSinPhysics.closestSolution", parameter: "x" },
  { name: "limitedNewtonStep: batch 0", call: () => limitedNewtonStep(new Float64Array(0), new Float64Array(0), 0), error: PgValidationError, where: "limitedNewtonStep", parameter: "batch" },
  { name: "limitedNewtonStep: c negative", call: () => limitedNewtonStep(Float64Array.of(1, 1), Float64Array.of(1, 0, 0, 1), 1, -0.2), error: PgValidationError, where: "limitedNewtonStep", parameter: "maxLossChange" },
  { name: "limitedNewtonStep: c NaN", call: () => limitedNewtonStep(Float64Array.of(1, 1), Float64Array.of(1, 0, 0, 1), 1, Number.NaN), error: PgValidationError, where: "limitedNewtonStep", parameter: "maxLossChange" },
  { name: "limitedNewtonStep: Hessian of 3 entries", call: () => limitedNewtonStep(Float64Array.of(1, 1), Float64Array.of(1, 0, 1), 1), error: PgShapeError, where: "limitedNewtonStep", parameter: "hessian" },
  { name: "limitedNewtonStep: gradient a plain array", call: () => limitedNewtonStep([1, 1] as never, Float64Array.of(1, 0, 0, 1), 1), error: PgShapeError, where: "limitedNewtonStep", parameter: "gradient" },
  { name: "limitedNewtonStep: NaN in the gradient", call: () => limitedNewtonStep(Float64Array.of(1, Number.NaN), Float64Array.of(1, 0, 0, 1), 1), error: PgValidationError, where: "limitedNewtonStep", parameter: "gradient" },
  { name: "limitedNewton: misspelt maxLossChange", call: () => limitedNewton({ maxLosschange: 0.2 } as never), error: PgValidationError, where: "limitedNewton", parameter: "options.maxLosschange" },
  { name: "limitedNewton: c 0", call: () => limitedNewton({ maxLossChange: 0 }), error: PgValidationError, where: "limitedNewton", parameter: "options.maxLossChange" },
  // PyTorch's optimizers
  { name: "torchAdadelta: learning rate 0", call: () => torchAdadelta(0), error: PgValidationError, where: "torchAdadelta", parameter: "learningRate" },
  { name: "torchAdadelta: ρ = 1", call: () => torchAdadelta(1e-3, { rho: 1 }), error: PgValidationError, where: "torchAdadelta", parameter: "options.rho" },
  { name: "torchAdadelta: misspelt epsilon", call: () => torchAdadelta(1e-3, { eps: 1e-6 } as never), error: PgValidationError, where: "torchAdadelta", parameter: "options.eps" },
  { name: "torchAdagrad: NaN learning rate", call: () => torchAdagrad(Number.NaN), error: PgValidationError, where: "torchAdagrad", parameter: "learningRate" },
  { name: "torchAdagrad: negative ε", call: () => torchAdagrad(1e-3, { epsilon: -1 }), error: PgValidationError, where: "torchAdagrad", parameter: "options.epsilon" },
  { name: "torchRmsprop: learning rate a string", call: () => torchRmsprop("3e-5" as never), error: PgValidationError, where: "torchRmsprop", parameter: "learningRate" },
  { name: "torchRmsprop: α = 0", call: () => torchRmsprop(1e-3, { alpha: 0 }), error: PgValidationError, where: "torchRmsprop", parameter: "options.alpha" },
  { name: "torchRmsprop: misspelt alpha", call: () => torchRmsprop(1e-3, { alhpa: 0.9 } as never), error: PgValidationError, where: "torchRmsprop", parameter: "options.alhpa" },
  // registry, batch fields
  { name: "experimentEntry: misspelt name", call: () => experimentEntry("haet"), error: PgValidationError, where: "experimentEntry", parameter: "name" },
  { name: "ExperimentEntry.create: sin-rotated with a bad ξ", call: () => experimentEntry("sin-rotated").create({ SIN_ROTATED_ILL_CONDITIONING: "0" }), error: PgValidationError, where: "sin-rotated", parameter: "SIN_ROTATED_ILL_CONDITIONING" },
  { name: "ExperimentEntry.create: exp with environment not an object", call: () => experimentEntry("exp").create(42 as never), error: PgValidationError, where: "exp.create", parameter: "environment" },
  { name: "ExperimentEntry.create: environment not an object", call: () => experimentEntry("poisson").create("POISSON_GRID=16x16" as never), error: PgValidationError, where: "poisson.create", parameter: "environment" },
  { name: "batchField: missing field", call: () => batchField("heat", oneExample, "xTarget", "the x* of a heat batch"), error: PgValidationError, where: "heat", parameter: "batch.xTarget" },
  // the contract's checks, which the runner applies to every definition
  { name: "requireExperimentDefinition: averageWindow 0", call: () => requireExperimentDefinition("runExperiment", sinWith({ averageWindow: 0 })), error: PgValidationError, where: "runExperiment", parameter: "definition.averageWindow" },
  { name: "requireExperimentDefinition: misspelt reportIterations", call: () => requireExperimentDefinition("runExperiment", sinWith({ reportIteration: [10] })), error: PgValidationError, where: "runExperiment", parameter: "definition.reportIteration" },
  { name: "requireExperimentDefinition: reduction max", call: () => requireExperimentDefinition("runExperiment", sinWith({ reduction: "max" })), error: PgValidationError, where: "runExperiment", parameter: "definition.reduction" },
  { name: "requireExperimentDefinition: input shape with a 0", call: () => requireExperimentDefinition("runExperiment", sinWith({ inputShape: [0] })), error: PgValidationError, where: "runExperiment", parameter: "definition.inputShape" },
  { name: "requireExperimentDefinition: default method not known", call: () => requireExperimentDefinition("runExperiment", sinWith({ defaults: { ...sin.defaults, methods: ["sgd"] } })), error: PgValidationError, where: "runExperiment", parameter: "definition.defaults.methods" },
  { name: "requireExperimentDefinition: default iterations NaN", call: () => requireExperimentDefinition("runExperiment", sinWith({ defaults: { ...sin.defaults, iterations: Number.NaN } })), error: PgValidationError, where: "runExperiment", parameter: "definition.defaults.iterations" },
  { name: "requireExperimentDefinition: unknown observation range", call: () => requireExperimentDefinition("runExperiment", { ...heat, figures: { ...heat.figures!, fields: { ...heat.figures!.fields!, observationRange: "mine" as never } } }), error: PgValidationError, where: "runExperiment", parameter: "definition.figures.fields.observationRange" },
  { name: "requireExperimentDefinition: network not a function", call: () => requireExperimentDefinition("runExperiment", sinWith({ network: undefined })), error: PgValidationError, where: "runExperiment", parameter: "definition.network" },
  { name: "requireMethodPlan: negative learning rate", call: () => requireMethodPlan("sin", "adam", { ...sin.method("adam", argsOf(4)), optimizer: tf.train.sgd(-0.1) }), error: PgValidationError, where: "sin", parameter: 'method("adam").optimizer.learningRate' },
  { name: "requireMethodPlan: misspelt reduction", call: () => requireMethodPlan("sin", "adam", { ...sin.method("adam", argsOf(4)), reductoin: "sum" } as never), error: PgValidationError, where: "sin", parameter: 'method("adam").reductoin' },
  { name: "requireMethodPlan: no optimizer", call: () => requireMethodPlan("sin", "adam", { scheme: sin.method("adam", argsOf(4)).scheme } as never), error: PgValidationError, where: "sin", parameter: 'method("adam").optimizer' },
  { name: "requireMethodName: not a string", call: () => requireMethodName("heat", 1, ["adam"]), error: PgValidationError, where: "heat", parameter: "method" },
  { name: "requireRunArgumentSpec: repeated known method", call: () => requireRunArgumentSpec("parseRunArguments", { ...spec, knownMethods: ["adam", "adam"] }), error: PgValidationError, where: "parseRunArguments", parameter: "spec.knownMethods" },
  { name: "requireBatchArgument: no args", call: () => requireBatchArgument("sin", null as never), error: PgValidationError, where: "sin", parameter: "args" },
];

badInputSuite(cases, { describe, it, expect });

describe("what the table refuses is only what is wrong", () => {
  const optimizers: tf.Optimizer[] = [];
  afterAll(() => optimizers.forEach((optimizer) => optimizer.dispose()));

  it("accepts every built-in experiment and the plan of each of its methods", () => {
    for (const entry of EXPERIMENTS) {
      const definition = requireExperimentDefinition("runExperiment", entry.create({}));
      for (const method of definition.knownMethods) {
        const plan = requireMethodPlan(definition.name, method, definition.method(method, { ...definition.defaults, backend: undefined, replicas: undefined }));
        optimizers.push(plan.optimizer);
      }
    }
  });

  it("suggests the closest known name in the messages", () => {
    expect(() => heatExperiment({ shap: [16, 16] } as never)).toThrow('Did you mean "shape"?');
    expect(() => sin.method("pg-newtn", argsOf(4))).toThrow('Did you mean "pg-newton"?');
    expect(() => poissonGrid("64x46")).toThrow('Did you mean "64x64"?');
    expect(() => fluidPressureSolver("spectal")).toThrow('Did you mean "spectral"?');
    expect(() => requireExperimentDefinition("runExperiment", sinWith({ reportIteration: [10] }))).toThrow('Did you mean "reportIterations"?');
  });
});
