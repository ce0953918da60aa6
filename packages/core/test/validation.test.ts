// The package's table of bad inputs: every public entry point, called as a new user might call it wrongly, must throw
// the right error class with a message that starts with the function and names the parameter. A new entry point adds
// its rows here.
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PgNonFiniteError,
  PgShapeError,
  PgValidationError,
  RunningAverage,
  adam,
  applyScheme,
  backprop,
  batchMeanL1,
  clipByValue,
  closestName,
  computeNetworkGradients,
  countReasons,
  evaluateObjective,
  firstNonFinite,
  float64ToTensor,
  halfSquaredError,
  initScheme,
  median,
  objectiveOf,
  physical,
  physicsOp,
  proxyLoss,
  requireBatchArray,
  requireFinite,
  requireFiniteNumber,
  requireKnownKeys,
  requireNonNegativeInteger,
  requireOneOf,
  requirePositive,
  requirePositiveInteger,
  requireShape,
  scaleBy,
  scheme,
  shapeSize,
  solveRepeatedly,
  supervised,
  tensorToFloat64,
  train,
  trainStep,
  type Batch,
  type InverseSolver,
  type Network,
  type Physics,
  type TrainOptions,
  type TrainStepOptions,
} from "../src/index";
import { badInputSuite, checkAdjoint, checkFiniteDifferences, relativeDifference, testRandom, type BadInputCase } from "../src/testing";
import { sinOfLinear } from "./sin_of_linear";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const V = PgValidationError;
const S = PgShapeError;
const N = PgNonFiniteError;

/** x ↦ x² per entry, x and y of one entry. */
const square: Physics = {
  name: "x²",
  xShape: [1],
  yShape: [1],
  forward: (x) => x.map((v) => v * v),
  adjoint: (x, dy) => dy.map((d, i) => 2 * (x[i] as number) * d),
};

/** A solver that moves every x halfway to its target (x and y share the layout). */
const halfway: InverseSolver = {
  name: "halfway",
  solve: ({ x, yTarget, batch }) => ({ x: x.map((v, i) => (v + (yTarget[i] as number)) / 2), reasons: new Array(batch).fill("maxIterations"), iterations: new Int32Array(batch) }),
};

/** A solver whose proposal is NaN. */
const nanSolver: InverseSolver = {
  name: "nan",
  solve: ({ x, batch }) => ({ x: new Float64Array(x.length).fill(Number.NaN), reasons: new Array(batch).fill("nonFinite"), iterations: new Int32Array(batch) }),
};

/** Input [2] → x [3]: fits {@link sinOfLinear} (x of 3 entries, y of 2). */
function network(units = 3): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units, kernelInitializer: "ones" })] });
}

/** A batch of two examples for {@link sinOfLinear}. */
function batchOf(changes: Partial<Batch> = {}): Batch {
  return { input: Float64Array.of(0.1, 0.2, 0.3, 0.4), inputShape: [2], yTarget: Float64Array.of(0.5, -0.5, 0.25, 0), ...changes };
}

/** trainStep's options with `changes`; keys set to undefined are left out. */
function stepOptions(changes: Record<string, unknown> = {}): TrainStepOptions<Physics> {
  const options: Record<string, unknown> = { network: network(), optimizer: tf.train.sgd(0.1), scheme: scheme(backprop()), physics: sinOfLinear(), batch: batchOf(), step: 1 };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete options[key];
    else options[key] = value;
  }
  return options as unknown as TrainStepOptions<Physics>;
}

/** train's options with `changes`. */
function trainOptions(changes: Record<string, unknown> = {}): TrainOptions<Physics> {
  return { network: network(), optimizer: tf.train.sgd(0.1), scheme: scheme(backprop()), physics: sinOfLinear(), nextBatch: () => batchOf(), iterations: 2, ...changes } as unknown as TrainOptions<Physics>;
}

/** applyScheme's context for {@link square} with `changes`. */
function context(changes: Record<string, unknown> = {}) {
  return { physics: square, x: Float64Array.of(1, 2), yTarget: Float64Array.of(1, 1), batch: 2, step: 1, ...changes } as never;
}

/** A network that hides its declared input shape, so that only tfjs notices an input that does not fit. */
function opaqueNetwork(): Network {
  const model = network();
  return { apply: (inputs, kwargs) => model.apply(inputs, kwargs), trainableWeights: model.trainableWeights };
}

const cases: BadInputCase[] = [
  // validate.ts
  { name: "requirePositiveInteger: 2.5", call: () => requirePositiveInteger("demo", "iterations", 2.5), error: V, where: "demo", parameter: "iterations" },
  { name: "requirePositiveInteger: a string", call: () => requirePositiveInteger("demo", "iterations", "3"), error: V, where: "demo", parameter: "iterations" },
  { name: "requireNonNegativeInteger: −1", call: () => requireNonNegativeInteger("demo", "seed", -1), error: V, where: "demo", parameter: "seed" },
  { name: "requirePositive: NaN", call: () => requirePositive("demo", "stepSize", Number.NaN), error: V, where: "demo", parameter: "stepSize" },
  { name: "requirePositive: Infinity when not allowed", call: () => requirePositive("demo", "stepSize", Infinity), error: V, where: "demo", parameter: "stepSize" },
  { name: "requirePositive: NaN even where Infinity is allowed", call: () => requirePositive("demo", "clip", Number.NaN, true), error: V, where: "demo", parameter: "clip" },
  { name: "requireFiniteNumber: a numeric string", call: () => requireFiniteNumber("demo", "factor", "3"), error: V, where: "demo", parameter: "factor" },
  { name: "requireOneOf: an unknown choice", call: () => requireOneOf("demo", "reduction", "max", ["sum", "mean"]), error: V, where: "demo", parameter: "reduction" },
  { name: "requireBatchArray: wrong length", call: () => requireBatchArray("demo", "x", new Float64Array(3), 2, [2]), error: S, where: "demo", parameter: "x" },
  { name: "requireBatchArray: a plain array", call: () => requireBatchArray("demo", "x", [1, 2], 1, [2]), error: S, where: "demo", parameter: "x" },
  { name: "requireBatchArray: a negative batch", call: () => requireBatchArray("demo", "x", new Float64Array(2), -1, [2]), error: V, where: "demo", parameter: "batch" },
  { name: "requireBatchArray: a shape with a fraction", call: () => requireBatchArray("demo", "x", new Float64Array(2), 1, [1.5]), error: V, where: "demo", parameter: "shape of x" },
  { name: "requireFinite: NaN", call: () => requireFinite("demo", "input", Float64Array.of(1, Number.NaN), undefined, "parameter x must be finite"), error: N, where: "demo", parameter: "parameter x" },
  { name: "requireFinite: not an array", call: () => requireFinite("demo", "input", 3 as never), error: V, where: "demo", parameter: "input" },
  { name: "firstNonFinite: undefined", call: () => firstNonFinite(undefined as never), error: V, where: "firstNonFinite", parameter: "array" },
  { name: "shapeSize: a negative extent", call: () => shapeSize([64, -1]), error: V, where: "shapeSize", parameter: "shape" },
  { name: "shapeSize: not an array", call: () => shapeSize(64 as never), error: V, where: "shapeSize", parameter: "shape" },
  { name: "requireShape: a string extent", call: () => requireShape("demo", "options.shape", [16, "16"]), error: V, where: "demo", parameter: "options.shape" },
  { name: "closestName: a number for the name", call: () => closestName(3 as never, ["a"]), error: V, where: "closestName", parameter: "name" },
  { name: "closestName: a string for the list", call: () => closestName("a", "abc" as never), error: V, where: "closestName", parameter: "known" },
  { name: "requireKnownKeys: a misspelt key", call: () => requireKnownKeys("lbfgsb", "options", { maxIteration: 3 }, ["maxIterations"]), error: V, where: "lbfgsb", parameter: "options.maxIteration" },
  { name: "requireKnownKeys: an array for the options", call: () => requireKnownKeys("demo", "options", [1] as never, ["a"]), error: V, where: "demo", parameter: "options" },
  { name: "requireKnownKeys: no list of keys", call: () => requireKnownKeys("demo", "options", {}, undefined as never), error: V, where: "requireKnownKeys", parameter: "known" },

  // physics.ts
  { name: "objectiveOf: no physics", call: () => objectiveOf(undefined as never), error: V, where: "objectiveOf", parameter: "physics" },
  { name: "objectiveOf: an objective without methods", call: () => objectiveOf({ ...square, objective: 3 as never }), error: V, where: "objectiveOf", parameter: "physics.objective" },
  { name: "evaluateObjective: x of the wrong length", call: () => evaluateObjective(square, new Float64Array(3), new Float64Array(2), 2), error: S, where: "evaluateObjective", parameter: "x" },
  { name: "evaluateObjective: yTarget of the wrong length", call: () => evaluateObjective(square, new Float64Array(2), new Float64Array(1), 2), error: S, where: "evaluateObjective", parameter: "yTarget" },
  { name: "evaluateObjective: batch 0", call: () => evaluateObjective(square, new Float64Array(0), new Float64Array(0), 0), error: V, where: "evaluateObjective", parameter: "batch" },
  { name: "evaluateObjective: a physics without adjoint", call: () => evaluateObjective({ ...square, adjoint: undefined as never }, new Float64Array(1), new Float64Array(1), 1), error: V, where: "evaluateObjective", parameter: "physics.adjoint" },
  { name: "evaluateObjective: an xShape with 0", call: () => evaluateObjective({ ...square, xShape: [0] }, new Float64Array(0), new Float64Array(1), 1), error: V, where: "evaluateObjective", parameter: "physics.xShape" },
  { name: "halfSquaredError.value: mismatched lengths", call: () => halfSquaredError.value(new Float64Array(4), new Float64Array(3), 2), error: S, where: "halfSquaredError.value", parameter: "yTarget" },
  { name: "halfSquaredError.value: y not a multiple of the batch", call: () => halfSquaredError.value(new Float64Array(3), new Float64Array(3), 2), error: S, where: "halfSquaredError.value", parameter: "y" },
  { name: "halfSquaredError.gradient: batch 1.5", call: () => halfSquaredError.gradient(new Float64Array(3), new Float64Array(3), 1.5), error: V, where: "halfSquaredError.gradient", parameter: "batch" },

  // solver.ts
  { name: "solveRepeatedly: steps 0", call: () => solveRepeatedly(halfway, { physics: square, x: new Float64Array(1), yTarget: new Float64Array(1), batch: 1 }, 0), error: V, where: "solveRepeatedly", parameter: "steps" },
  { name: "solveRepeatedly: a solver without solve", call: () => solveRepeatedly({ name: "none" } as never, { physics: square, x: new Float64Array(1), yTarget: new Float64Array(1), batch: 1 }, 1), error: V, where: "solveRepeatedly", parameter: "solver.solve" },
  { name: "solveRepeatedly: x of the wrong length", call: () => solveRepeatedly(halfway, { physics: square, x: new Float64Array(2), yTarget: new Float64Array(1), batch: 1 }, 1), error: S, where: "solveRepeatedly", parameter: "problem.x" },
  { name: "solveRepeatedly: no problem", call: () => solveRepeatedly(halfway, undefined as never, 1), error: V, where: "solveRepeatedly", parameter: "problem" },
  { name: "solveRepeatedly: batch −1", call: () => solveRepeatedly(halfway, { physics: square, x: new Float64Array(1), yTarget: new Float64Array(1), batch: -1 }, 1), error: V, where: "solveRepeatedly", parameter: "problem.batch" },
  { name: "countReasons: an unknown reason", call: () => countReasons(["converged", "stalled" as never]), error: V, where: "countReasons", parameter: "reasons[1]" },
  { name: "countReasons: a string for the list", call: () => countReasons("converged" as never), error: V, where: "countReasons", parameter: "reasons" },

  // scheme.ts
  { name: "scheme: no source", call: () => scheme(undefined as never), error: V, where: "scheme", parameter: "source" },
  { name: "scheme: a transform without update", call: () => scheme(backprop(), { name: "t", init: () => undefined } as never), error: V, where: "scheme", parameter: "transforms[0].update" },
  { name: "scheme: an options object for the source", call: () => scheme({ solver: halfway } as never), error: V, where: "scheme", parameter: "source.kind" },
  { name: "initScheme: not a scheme", call: () => initScheme({} as never), error: V, where: "initScheme", parameter: "scheme" },
  { name: "applyScheme: NaN in x", call: () => applyScheme(scheme(backprop()), context({ x: Float64Array.of(1, Number.NaN) }), []), error: N, where: "applyScheme", parameter: "context.x" },
  { name: "applyScheme: Infinity in yTarget", call: () => applyScheme(scheme(backprop()), context({ yTarget: Float64Array.of(Infinity, 1) }), []), error: N, where: "applyScheme", parameter: "context.yTarget" },
  { name: "applyScheme: NaN in labels", call: () => applyScheme(scheme(supervised()), context({ labels: Float64Array.of(Number.NaN, 1) }), []), error: N, where: "applyScheme", parameter: "context.labels" },
  { name: "applyScheme: x of the wrong length", call: () => applyScheme(scheme(backprop()), context({ x: Float64Array.of(1) }), []), error: S, where: "applyScheme", parameter: "context.x" },
  { name: "applyScheme: step 0", call: () => applyScheme(scheme(backprop()), context({ step: 0 }), []), error: V, where: "applyScheme", parameter: "context.step" },
  { name: "applyScheme: a state of the wrong length", call: () => applyScheme(scheme(backprop(), clipByValue({ limit: 1 })), context(), []), error: V, where: "applyScheme", parameter: "state" },
  { name: "applyScheme: no context", call: () => applyScheme(scheme(backprop()), undefined as never, []), error: V, where: "applyScheme", parameter: "context" },
  { name: "supervised: no labels", call: () => applyScheme(scheme(supervised()), context(), []), error: V, where: "supervised", parameter: "batch labels" },
  { name: "physical: misspelt steps", call: () => physical({ solver: halfway, step: 2 } as never), error: V, where: "physical", parameter: "options.step" },
  { name: "physical: steps 0", call: () => physical({ solver: halfway, steps: 0 }), error: V, where: "physical", parameter: "steps" },
  { name: "physical: a solver without solve", call: () => physical({ solver: {} as never }), error: V, where: "physical", parameter: "solver" },
  { name: "physical: no options", call: () => physical(undefined as never), error: V, where: "physical", parameter: "options" },
  { name: "clipByValue: misspelt limit", call: () => clipByValue({ limt: 1 } as never), error: V, where: "clipByValue", parameter: "options.limt" },
  { name: "clipByValue: a negative limit", call: () => clipByValue({ limit: -1 }), error: V, where: "clipByValue", parameter: "limit" },
  { name: "clipByValue: no options", call: () => clipByValue(undefined as never), error: V, where: "clipByValue", parameter: "options" },
  { name: "scaleBy: NaN", call: () => scaleBy({ factor: Number.NaN }), error: V, where: "scaleBy", parameter: "factor" },
  { name: "scaleBy: misspelt factor", call: () => scaleBy({ factr: 2 } as never), error: V, where: "scaleBy", parameter: "options.factr" },
  { name: "proxyLoss: mismatched lengths", call: () => proxyLoss(new Float64Array(4), new Float64Array(3), 2, "mean"), error: S, where: "proxyLoss", parameter: "xTilde" },
  { name: 'proxyLoss: reduction "max"', call: () => proxyLoss(new Float64Array(2), new Float64Array(2), 2, "max" as never), error: V, where: "proxyLoss", parameter: "reduction" },
  { name: "proxyLoss: NaN in x", call: () => proxyLoss(Float64Array.of(Number.NaN, 1), new Float64Array(2), 2, "sum"), error: N, where: "proxyLoss", parameter: "x" },
  { name: "proxyLoss: a batch that does not divide the length", call: () => proxyLoss(new Float64Array(4), new Float64Array(4), 3, "sum"), error: S, where: "proxyLoss", parameter: "x" },
  { name: "proxyLoss: batch 0", call: () => proxyLoss(new Float64Array(4), new Float64Array(4), 0, "sum"), error: V, where: "proxyLoss", parameter: "batch" },

  // bridge.ts
  { name: "tensorToFloat64: an array", call: () => tensorToFloat64([1, 2] as never), error: V, where: "tensorToFloat64", parameter: "tensor" },
  { name: "float64ToTensor: wrong length", call: () => float64ToTensor(Float64Array.of(1, 2, 3), [2, 2]), error: S, where: "float64ToTensor", parameter: "values" },
  { name: "float64ToTensor: a Float32Array", call: () => float64ToTensor(new Float32Array(4) as never, [2, 2]), error: V, where: "float64ToTensor", parameter: "values" },
  { name: "float64ToTensor: a negative extent", call: () => float64ToTensor(new Float64Array(4), [2, -2]), error: V, where: "float64ToTensor", parameter: "shape" },
  { name: "physicsOp: not a physics", call: () => physicsOp({} as never), error: V, where: "physicsOp", parameter: "physics.xShape" },
  { name: "physicsOp: a tensor of the wrong shape", call: () => physicsOp({ ...square, xShape: [2] })(tf.ones([3, 3])), error: S, where: "physicsOp(x²)", parameter: "x" },

  // training.ts: trainStep
  { name: "trainStep: misspelt reduction", call: () => trainStep(stepOptions({ reductoin: "sum" })), error: V, where: "trainStep", parameter: "options.reductoin" },
  { name: 'trainStep: reduction "max"', call: () => trainStep(stepOptions({ reduction: "max" })), error: V, where: "trainStep", parameter: "reduction" },
  { name: "trainStep: a negative learning rate", call: () => trainStep(stepOptions({ optimizer: tf.train.sgd(-0.1) })), error: V, where: "trainStep", parameter: "optimizer.learningRate" },
  { name: "trainStep: a NaN learning rate", call: () => trainStep(stepOptions({ optimizer: tf.train.adam(Number.NaN) })), error: V, where: "trainStep", parameter: "optimizer.learningRate" },
  { name: "trainStep: no optimizer", call: () => trainStep(stepOptions({ optimizer: undefined })), error: V, where: "trainStep", parameter: "optimizer" },
  { name: "trainStep: step 0", call: () => trainStep(stepOptions({ step: 0 })), error: V, where: "trainStep", parameter: "step" },
  { name: "trainStep: no batch", call: () => trainStep(stepOptions({ batch: undefined })), error: V, where: "trainStep", parameter: "batch" },
  { name: "trainStep: Infinity in yTarget", call: () => trainStep(stepOptions({ batch: batchOf({ yTarget: Float64Array.of(0, Infinity, 0, 0) }) })), error: N, where: "trainStep", parameter: "batch.yTarget" },
  { name: "trainStep: NaN in the input", call: () => trainStep(stepOptions({ batch: batchOf({ input: Float64Array.of(0, 0, Number.NaN, 0) }) })), error: N, where: "trainStep", parameter: "batch.input" },
  { name: "trainStep: yTarget of the wrong length", call: () => trainStep(stepOptions({ batch: batchOf({ yTarget: new Float64Array(3) }) })), error: S, where: "trainStep", parameter: "batch.yTarget" },
  { name: "trainStep: input not a multiple of the inputShape", call: () => trainStep(stepOptions({ batch: batchOf({ input: new Float64Array(3) }) })), error: S, where: "trainStep", parameter: "batch.input" },
  { name: "trainStep: an inputShape the network does not declare", call: () => trainStep(stepOptions({ batch: batchOf({ input: new Float64Array(6), inputShape: [3] }) })), error: S, where: "trainStep", parameter: "batch.inputShape" },
  { name: "trainStep: an inputShape a tfjs layer refuses", call: () => trainStep(stepOptions({ network: opaqueNetwork(), batch: batchOf({ input: new Float64Array(6), inputShape: [3] }) })), error: S, where: "trainStep", parameter: "batch.inputShape" },
  { name: "trainStep: an inputShape with 0", call: () => trainStep(stepOptions({ batch: batchOf({ inputShape: [0] }) })), error: V, where: "trainStep", parameter: "batch.inputShape" },
  { name: "trainStep: a Float32Array input", call: () => trainStep(stepOptions({ batch: batchOf({ input: new Float32Array(4) as never }) })), error: V, where: "trainStep", parameter: "batch.input" },
  { name: "trainStep: no physics anywhere", call: () => trainStep(stepOptions({ physics: undefined })), error: V, where: "trainStep", parameter: "physics" },
  { name: "trainStep: a batch physics without forward", call: () => trainStep(stepOptions({ batch: batchOf({ physics: { ...sinOfLinear(), forward: undefined as never } }) })), error: V, where: "trainStep", parameter: "batch.physics.forward" },
  { name: "trainStep: labels of the wrong length", call: () => trainStep(stepOptions({ scheme: scheme(supervised()), batch: batchOf({ labels: new Float64Array(4) }) })), error: S, where: "trainStep", parameter: "batch.labels" },
  { name: "trainStep: NaN in the labels", call: () => trainStep(stepOptions({ scheme: scheme(supervised()), batch: batchOf({ labels: new Float64Array(6).fill(Number.NaN) }) })), error: N, where: "trainStep", parameter: "batch.labels" },
  { name: "trainStep: a state of the wrong length", call: () => trainStep(stepOptions({ state: [undefined] })), error: V, where: "trainStep", parameter: "state" },
  { name: "trainStep: a source for the scheme", call: () => trainStep(stepOptions({ scheme: backprop() })), error: V, where: "trainStep", parameter: "scheme" },
  { name: "trainStep: not a network", call: () => trainStep(stepOptions({ network: {} })), error: V, where: "trainStep", parameter: "network.apply" },
  { name: "trainStep: an outputTransform that is not a function", call: () => trainStep(stepOptions({ outputTransform: "centre" })), error: V, where: "trainStep", parameter: "outputTransform" },
  { name: "trainStep: an engine without computeNetworkGradients", call: () => trainStep(stepOptions({ engine: {} })), error: V, where: "trainStep", parameter: "engine.computeNetworkGradients" },
  { name: "trainStep: a network output that does not fit xShape", call: () => trainStep(stepOptions({ network: network(4) })), error: S, where: "trainStep", parameter: "network output" },
  { name: "trainStep: a solver proposing NaN", call: () => trainStep(stepOptions({ scheme: scheme(physical({ solver: nanSolver })) })), error: N, where: "trainStep", parameter: "x-space gradient" },
  { name: "trainStep: no options", call: () => trainStep(undefined as never), error: V, where: "trainStep", parameter: "options" },

  // training.ts: computeNetworkGradients
  { name: "computeNetworkGradients: misspelt step", call: () => computeNetworkGradients(stepOptions({ step: undefined, stpe: 1 })), error: V, where: "computeNetworkGradients", parameter: "options.stpe" },
  { name: "computeNetworkGradients: Infinity in yTarget", call: () => computeNetworkGradients(stepOptions({ batch: batchOf({ yTarget: Float64Array.of(Infinity, 0, 0, 0) }) })), error: N, where: "computeNetworkGradients", parameter: "batch.yTarget" },
  { name: "computeNetworkGradients: an exchange's rows of the wrong length", call: () => computeNetworkGradients(stepOptions(), { localInput: new Float64Array(3), gather: (x) => x, scatter: (g) => g }), error: S, where: "computeNetworkGradients", parameter: "exchange.localInput" },
  { name: "computeNetworkGradients: an exchange without scatter", call: () => computeNetworkGradients(stepOptions(), { localInput: new Float64Array(2), gather: (x: Float64Array) => x } as never), error: V, where: "computeNetworkGradients", parameter: "exchange.scatter" },

  // training.ts: train
  { name: "train: iterations 0", call: () => train(trainOptions({ iterations: 0 })), error: V, where: "train", parameter: "iterations" },
  { name: "train: misspelt iterations", call: () => train(trainOptions({ iterations: undefined, iteration: 3 })), error: V, where: "train", parameter: "options.iteration" },
  { name: "train: a negative learning rate", call: () => train(trainOptions({ optimizer: tf.train.adam(-1e-3) })), error: V, where: "train", parameter: "optimizer.learningRate" },
  { name: "train: nextBatch returns undefined", call: () => train(trainOptions({ nextBatch: () => undefined })), error: V, where: "train", parameter: "nextBatch(1)" },
  { name: "train: nextBatch's yTarget of the wrong length", call: () => train(trainOptions({ nextBatch: () => batchOf({ yTarget: new Float64Array(2) }) })), error: S, where: "train", parameter: "nextBatch(1).yTarget" },
  { name: "train: nextBatch's inputShape does not fit the network", call: () => train(trainOptions({ nextBatch: () => batchOf({ input: new Float64Array(6), inputShape: [3] }) })), error: S, where: "train", parameter: "nextBatch(1).inputShape" },
  { name: "train: NaN in yTarget at step 2", call: () => train(trainOptions({ nextBatch: (step: number) => batchOf(step === 2 ? { yTarget: Float64Array.of(0, 0, Number.NaN, 0) } : {}) })), error: N, where: "train", parameter: "nextBatch(2).yTarget" },
  { name: "train: nextBatch not a function", call: () => train(trainOptions({ nextBatch: batchOf() })), error: V, where: "train", parameter: "nextBatch" },
  { name: "train: misspelt onStep", call: () => train(trainOptions({ callbacks: { onstep: () => undefined } })), error: V, where: "train", parameter: "callbacks.onstep" },
  { name: "train: onStep not a function", call: () => train(trainOptions({ callbacks: { onStep: true } })), error: V, where: "train", parameter: "callbacks.onStep" },
  { name: "train: firstStep beyond iterations + 1", call: () => train(trainOptions({ iterations: 3, firstStep: 5 })), error: V, where: "train", parameter: "firstStep" },
  { name: "train: an initialState of the wrong length", call: () => train(trainOptions({ initialState: [1, 2] })), error: V, where: "train", parameter: "initialState" },
  { name: "train: a signal that is not an AbortSignal", call: () => train(trainOptions({ signal: {} })), error: V, where: "train", parameter: "signal" },
  { name: 'train: reduction "max"', call: () => train(trainOptions({ reduction: "max" })), error: V, where: "train", parameter: "reduction" },
  { name: "train: no options", call: () => train(undefined as never), error: V, where: "train", parameter: "options" },

  // metrics.ts, running_average.ts
  { name: "batchMeanL1: mismatched lengths", call: () => batchMeanL1(new Float64Array(4), new Float64Array(3), 2), error: S, where: "batchMeanL1", parameter: "b" },
  { name: "batchMeanL1: NaN in a", call: () => batchMeanL1(Float64Array.of(Number.NaN, 0), new Float64Array(2), 1), error: N, where: "batchMeanL1", parameter: "a" },
  { name: "batchMeanL1: batch 0", call: () => batchMeanL1(new Float64Array(2), new Float64Array(2), 0), error: V, where: "batchMeanL1", parameter: "batch" },
  { name: "RunningAverage: window 0", call: () => new RunningAverage(0), error: V, where: "RunningAverage", parameter: "window" },
  { name: "RunningAverage.push: a string", call: () => new RunningAverage(2).push("1" as never), error: V, where: "RunningAverage.push", parameter: "value" },
  { name: "RunningAverage.restore: values of the wrong length", call: () => RunningAverage.restore({ window: 3, values: new Float64Array(2), count: 0, sum: 0 }), error: V, where: "RunningAverage.restore", parameter: "state.values" },
  { name: "RunningAverage.restore: a negative count", call: () => RunningAverage.restore({ window: 2, values: new Float64Array(2), count: -1, sum: 0 }), error: V, where: "RunningAverage.restore", parameter: "state.count" },
  { name: "median: NaN", call: () => median([1, Number.NaN]), error: V, where: "median", parameter: "values[1]" },
  { name: "median: a string", call: () => median("1,2" as never), error: V, where: "median", parameter: "values" },

  // adam.ts
  { name: "adam: learning rate 0", call: () => adam(0), error: V, where: "adam", parameter: "learningRate" },
  { name: "adam: learning rate NaN", call: () => adam(Number.NaN), error: V, where: "adam", parameter: "learningRate" },
  { name: "adam: beta1 = 1", call: () => adam(1e-3, 1), error: V, where: "adam", parameter: "beta1" },
  { name: "adam: beta2 a string", call: () => adam(1e-3, 0.9, "0.999" as never), error: V, where: "adam", parameter: "beta2" },
  { name: "adam: epsilon negative", call: () => adam(1e-3, 0.9, 0.999, -1e-8), error: V, where: "adam", parameter: "epsilon" },

  // @pg/core/testing
  { name: "testRandom: a negative seed", call: () => testRandom(-1), error: V, where: "testRandom", parameter: "seed" },
  { name: "checkAdjoint: batch 0", call: () => checkAdjoint(square, { batch: 0 }), error: V, where: "checkAdjoint", parameter: "batch" },
  { name: "checkAdjoint: misspelt batch", call: () => checkAdjoint(square, { batchSize: 2 } as never), error: V, where: "checkAdjoint", parameter: "options.batchSize" },
  { name: "checkFiniteDifferences: a negative step", call: () => checkFiniteDifferences(square, { batch: 1, step: -1e-6 }), error: V, where: "checkFiniteDifferences", parameter: "step" },
  { name: "checkFiniteDifferences: not a physics", call: () => checkFiniteDifferences({} as never, { batch: 1 }), error: V, where: "checkFiniteDifferences", parameter: "physics" },
  { name: "relativeDifference: mismatched lengths", call: () => relativeDifference([1, 2, 3], [1, 2]), error: S, where: "relativeDifference", parameter: "a" },
];

badInputSuite(cases, { describe, it, expect });

describe("the table of bad inputs", () => {
  it("has one row per name", () => {
    expect(new Set(cases.map((row) => row.name)).size).toBe(cases.length);
  });
});
