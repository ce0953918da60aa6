import * as tf from "@tensorflow/tfjs";
import { float64ToTensor, tensorToFloat64 } from "./bridge";
import { requireFloat64Array, requireFunction, requireObject, requirePhysics } from "./checks";
import { PgError, PgNonFiniteError, PgShapeError, PgValidationError, describeValue } from "./errors";
import { objectiveOf, type Physics } from "./physics";
import { initScheme, requireScheme, requireSchemeState, runScheme, type Reduction, type Scheme, type SchemeState } from "./scheme";
import type { StopReason } from "./solver";
import {
  firstNonFinite,
  requireBatchArray,
  requireKnownKeys,
  requireOneOf,
  requirePositive,
  requirePositiveInteger,
  shapeSize,
  type OptionKeysCover,
} from "./validate";

/** A network as training sees it: a Keras-style model whose `apply` maps inputs to x. */
export interface Network {
  apply(inputs: tf.Tensor, kwargs?: { training?: boolean }): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
  readonly trainableWeights: readonly { read(): tf.Tensor; readonly trainable: boolean }[];
}

/** One mini-batch. Arrays are Float64, batch × size(shape). */
export interface Batch<P extends Physics = Physics> {
  /** Network input, batch × size(inputShape). */
  readonly input: Float64Array;
  /** Shape of one input example, e.g. [1] for sin, [64, 64, 1] for Poisson. */
  readonly inputShape: readonly number[];
  readonly yTarget: Float64Array;
  /** Physics for this batch when it depends on per-example parameters (sin(a/x)); else the training physics. */
  readonly physics?: P;
  /** x-space labels for supervised training. */
  readonly labels?: Float64Array;
}

/** Options of {@link trainStep}. */
export interface TrainStepOptions<P extends Physics> {
  readonly network: Network;
  readonly optimizer: tf.Optimizer;
  readonly scheme: Scheme<P>;
  /** The physics, unless every batch carries its own. */
  readonly physics?: P;
  readonly batch: Batch<P>;
  /** Training step, counted from 1, used in messages. */
  readonly step: number;
  /** How the per-example losses combine over the batch. @defaultValue 'mean' */
  readonly reduction?: Reduction;
  /** Transform state from the previous step ({@link initScheme} for the first). */
  readonly state?: SchemeState;
  /**
   * A differentiable transform of the whole batch's network output before the scheme sees it (e.g. the heat mean
   * fix, Σ-preserving per example). It runs outside the network's tape on the gathered output, and its vector–Jacobian
   * product carries the x-space gradient back to the raw output, so it also works data-parallel.
   */
  readonly outputTransform?: (x: tf.Tensor, batch: Batch<P>) => tf.Tensor;
  /** Computes the network gradients in place of {@link computeNetworkGradients}, e.g. data-parallel over workers. */
  readonly engine?: GradientEngine;
}

/**
 * Every key of {@link TrainStepOptions}: anything else is refused as a misspelling. {@link computeNetworkGradients}
 * takes the same keys and ignores `optimizer`, so a step's options can be handed to it (or to an engine) as they are.
 */
const TRAIN_STEP_OPTION_KEYS = [
  "network",
  "optimizer",
  "scheme",
  "physics",
  "batch",
  "step",
  "reduction",
  "state",
  "outputTransform",
  "engine",
] as const satisfies readonly (keyof TrainStepOptions<Physics>)[];
true satisfies OptionKeysCover<TrainStepOptions<Physics>, typeof TRAIN_STEP_OPTION_KEYS>;

/** Something that computes a step's network gradients for the network given in the options (e.g. over workers). */
export interface GradientEngine {
  computeNetworkGradients<P extends Physics>(options: Omit<TrainStepOptions<P>, "optimizer">): NetworkGradients;
}

/** What one training step measured. */
export interface StepMetrics {
  readonly step: number;
  /** Batch mean of the physics objective L(x) at the prediction. */
  readonly loss: number;
  /** Batch mean of ½‖g‖² of the x-space gradient actually applied (equals the proxy loss for physical schemes). */
  readonly proxyLoss: number;
  /** Solver stop reasons counted over the batch (physical schemes). */
  readonly reasons?: Partial<Record<StopReason, number>>;
}

/** The result of {@link trainStep}: metrics, the detached prediction and the new scheme state. */
export interface StepResult {
  readonly metrics: StepMetrics;
  /** The prediction x the scheme saw, batch × size(xShape). */
  readonly x: Float64Array;
  readonly state: SchemeState;
}

/** What the checks of a step found: the physics that applies, the batch's size and where its examples came from. */
interface CheckedStep<P extends Physics> {
  readonly physics: P;
  readonly batchSize: number;
  readonly inputSize: number;
  readonly reduction: Reduction;
  /** How messages name the batch: "batch", or "nextBatch(3)" in {@link train}. */
  readonly batchParameter: string;
}

/** Throws unless `network` can be applied and has trainable weights. */
function requireNetwork(where: string, network: unknown): Network {
  requireObject(where, "network", network, "a Network (a tfjs LayersModel, e.g. from @pg/nets)");
  const { apply, trainableWeights } = network as Network;
  requireFunction(where, "network.apply", apply, "a function (inputs) => tensor");
  if (!Array.isArray(trainableWeights)) {
    throw new PgValidationError(where, "network.trainableWeights", "an array of weights", trainableWeights);
  }
  return network as Network;
}

/**
 * Throws unless `optimizer` has applyGradients and, where its configuration states a learning rate, that rate is a
 * finite number > 0: a negative one trains uphill without a word, zero not at all.
 */
function requireOptimizer(where: string, optimizer: unknown): tf.Optimizer {
  requireObject(where, "optimizer", optimizer, "a tf.Optimizer, e.g. tf.train.adam(1e-3)");
  requireFunction(where, "optimizer.applyGradients", Reflect.get(optimizer as object, "applyGradients"), "a function (a tf.Optimizer)");
  const getConfig: unknown = Reflect.get(optimizer as object, "getConfig");
  if (typeof getConfig === "function") {
    const config: unknown = getConfig.call(optimizer);
    const rate: unknown = typeof config === "object" && config !== null ? Reflect.get(config, "learningRate") : undefined;
    if (rate !== undefined) requirePositive(where, "optimizer.learningRate", rate);
  }
  return optimizer as tf.Optimizer;
}

/** The members a step and the training loop share: network, scheme, physics, reduction, state and the hooks. */
interface SharedStepOptions<P extends Physics> {
  readonly network: unknown;
  readonly scheme: unknown;
  readonly physics?: P | undefined;
  readonly reduction?: unknown;
  readonly outputTransform?: unknown;
  readonly engine?: unknown;
}

/** Checks the members of {@link SharedStepOptions} and the scheme state (named `stateParameter`); returns the reduction. */
function requireSharedStepOptions<P extends Physics>(
  where: string,
  options: SharedStepOptions<P>,
  state: unknown,
  stateParameter: string,
): Reduction {
  requireNetwork(where, options.network);
  const s = requireScheme(where, "scheme", options.scheme);
  if (options.physics !== undefined) requirePhysics(where, "physics", options.physics);
  const reduction = requireOneOf(where, "reduction", options.reduction ?? "mean", ["sum", "mean"] as const);
  if (state !== undefined) requireSchemeState(where, stateParameter, state, s);
  if (options.outputTransform !== undefined) {
    requireFunction(where, "outputTransform", options.outputTransform, "a function (x, batch) => tensor");
  }
  if (options.engine !== undefined) {
    requireObject(where, "engine", options.engine, "a GradientEngine { computeNetworkGradients }");
    requireFunction(where, "engine.computeNetworkGradients", Reflect.get(options.engine as object, "computeNetworkGradients"));
  }
  return reduction;
}

/** The network's declared input shape ([null, …] with the batch first), when it declares one (tfjs LayersModel). */
function declaredInputShape(network: Network): readonly (number | null)[] | undefined {
  try {
    const inputs: unknown = Reflect.get(network, "inputs");
    const shape: unknown = Array.isArray(inputs) && inputs.length === 1 ? Reflect.get(inputs[0] as object, "shape") : undefined;
    return Array.isArray(shape) ? shape : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks one batch against the physics and the network: a Batch object (extra members are the data source's own and
 * allowed), input of a positive multiple of size(inputShape) entries and a shape the network declares it accepts,
 * y* and labels of the batch's lengths, every array finite. Returns the physics that applies and the batch size.
 */
function requireBatch<P extends Physics>(
  where: string,
  parameter: string,
  batch: unknown,
  fallbackPhysics: P | undefined,
  step: number,
  network: Network,
): { physics: P; batchSize: number; inputSize: number } {
  requireObject(where, parameter, batch, "a Batch { input, inputShape, yTarget, physics?, labels? }");
  const { input, inputShape, yTarget, labels } = batch as Batch<P>;
  const batchPhysics = (batch as Batch<P>).physics;
  if (batchPhysics !== undefined) requirePhysics(where, `${parameter}.physics`, batchPhysics);
  const physics = batchPhysics ?? fallbackPhysics;
  if (physics === undefined) {
    throw new PgValidationError(where, "physics", "a Physics, given in the options or by the batch", physics);
  }
  requireFloat64Array(where, `${parameter}.input`, input);
  if (!Array.isArray(inputShape) || !inputShape.every((extent) => typeof extent === "number" && Number.isInteger(extent) && extent >= 1)) {
    throw new PgValidationError(where, `${parameter}.inputShape`, "an array of positive integers (one example's shape)", inputShape);
  }
  const inputSize = shapeSize(inputShape);
  const batchSize = input.length / inputSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new PgShapeError(where, `${parameter}.input`, `a positive multiple of ${inputSize} entries (inputShape ${JSON.stringify(inputShape)})`, input);
  }
  const declared = declaredInputShape(network);
  if (declared !== undefined) {
    const fits = declared.length === inputShape.length + 1 && inputShape.every((extent, axis) => declared[axis + 1] === null || declared[axis + 1] === extent);
    if (!fits) {
      const accepted = `[${declared.slice(1).map((extent) => (extent === null ? "any" : String(extent))).join(", ")}]`;
      throw new PgShapeError(where, `${parameter}.inputShape`, `one example's shape as the network accepts it, ${accepted}`, inputShape);
    }
  }
  requireBatchArray(where, `${parameter}.yTarget`, yTarget, batchSize, physics.yShape);
  if (labels !== undefined) requireBatchArray(where, `${parameter}.labels`, labels, batchSize, physics.xShape);
  const arrays: [string, Float64Array][] = [
    [`${parameter}.input`, input],
    [`${parameter}.yTarget`, yTarget],
  ];
  if (labels !== undefined) arrays.push([`${parameter}.labels`, labels]);
  for (const [name, array] of arrays) {
    const bad = firstNonFinite(array);
    if (bad >= 0) throw new PgNonFiniteError(where, "input", bad, array[bad] as number, step, `parameter ${name} must be finite`);
  }
  return { physics, batchSize, inputSize };
}

/**
 * Options that {@link trainStep} or {@link train} has just checked, for as long as their engine runs: the engine hands
 * the same object to {@link computeNetworkGradients}, which takes that check instead of repeating it (a scan of every
 * input and target value: about 3 ms of a batch-128 U-net step, on the thread the other replicas wait for).
 */
const checkedForEngine = new WeakMap<object, unknown>();

/** Checks the options of a step (for {@link trainStep} and {@link computeNetworkGradients}). */
function requireStepOptions<P extends Physics>(where: string, options: Omit<TrainStepOptions<P>, "optimizer">): CheckedStep<P> {
  requireObject(where, "options", options, "an options object { network, scheme, batch, step, … }");
  requireKnownKeys(where, "options", options, TRAIN_STEP_OPTION_KEYS);
  const reduction = requireSharedStepOptions(where, options, options.state, "state");
  const step = requirePositiveInteger(where, "step", options.step);
  const batch = requireBatch(where, "batch", options.batch, options.physics, step, options.network);
  return { ...batch, reduction, batchParameter: "batch" };
}

/** The result of {@link computeNetworkGradients}: the step's result plus ∂/∂θ for every trainable variable. */
export interface NetworkGradients extends StepResult {
  /** Gradients keyed by variable name; the caller owns (and must dispose) these tensors. */
  readonly grads: tf.NamedTensorMap;
}

/**
 * How a data-parallel replica shares a step with the others: it forwards only its rows of the batch, joins its
 * prediction with theirs before the scheme runs on the whole batch, and receives its rows of the x-space gradient.
 */
export interface ReplicaExchange {
  /** This replica's rows of the batch input. */
  readonly localInput: Float64Array;
  /** Joins this replica's prediction with the other replicas' into the whole batch's, in batch order. */
  gather(localX: Float64Array): Float64Array;
  /** Hands the other replicas their rows of the (reduced) x-space gradient and returns this replica's rows. */
  scatter(gradient: Float64Array): Float64Array;
}

/**
 * The gradient half of a training step (Algorithm 1 without the update): forward the network, detach x to Float64,
 * let the scheme produce the x-space gradient g (backprop: Jᵀ∂L/∂y; physical: x − x̃; supervised: x − label), and
 * back-propagate g through the network only: ∂/∂θ ⟨x(θ), g⟩ is the gradient of the proxy loss ½‖x − x̃‖².
 *
 * Every option is checked here, once: unknown keys, the network, the scheme and its state, the reduction, the step,
 * and the batch against the physics and the network's declared input shape (`optimizer` is accepted and ignored) —
 * except when an engine called from {@link trainStep} or {@link train} passes on the options object they have just
 * checked.
 * @throws {@link PgValidationError} / {@link PgShapeError} for a bad option or batch, or an input shape the network
 *   refuses (a tfjs layer's error is wrapped so that it names the input shape); {@link PgNonFiniteError} when the
 *   input, y*, the labels, the network output, the x-space gradient or the loss is not finite.
 * @example
 * import { backprop, computeNetworkGradients, scheme } from "@pg/core";
 * import { layers, sequential } from "@tensorflow/tfjs";
 * const network = sequential({ layers: [layers.dense({ inputShape: [1], units: 1, useBias: false, kernelInitializer: "ones" })] });
 * const doubling = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (x, dy) => dy.map((v) => 2 * v) };
 * const batch = { input: Float64Array.of(1, 2), inputShape: [1], yTarget: Float64Array.of(4, 4) };
 * const { metrics, x, grads } = computeNetworkGradients({ network, scheme: scheme(backprop()), physics: doubling, batch, step: 1 });
 * // x = w · input = 1, 2; L = ½(2x − 4)² = 2, 0; batch mean 1
 * console.log(x.join(" "), metrics.loss, metrics.step); // 1 2 1 1
 * // ∂L/∂w, batch mean: ½ Σ input · 2(2x − 4) = −2
 * console.log(Object.keys(grads).length, Object.values(grads)[0].dataSync()[0]); // 1 -2
 */
export function computeNetworkGradients<P extends Physics>(
  options: Omit<TrainStepOptions<P>, "optimizer">,
  exchange?: ReplicaExchange,
): NetworkGradients {
  const where = "computeNetworkGradients";
  const checked = (checkedForEngine.get(options) as CheckedStep<P> | undefined) ?? requireStepOptions(where, options);
  if (exchange !== undefined) {
    requireObject(where, "exchange", exchange, "a ReplicaExchange { localInput, gather, scatter }");
    const localInput = requireFloat64Array(where, "exchange.localInput", exchange.localInput);
    if (localInput.length === 0 || localInput.length % checked.inputSize !== 0) {
      throw new PgShapeError(where, "exchange.localInput", `a positive multiple of ${checked.inputSize} entries (one example's size)`, localInput);
    }
    requireFunction(where, "exchange.gather", exchange.gather);
    requireFunction(where, "exchange.scatter", exchange.scatter);
  }
  return networkGradients(where, options, checked, exchange);
}

/** {@link computeNetworkGradients} once its options are checked; `where` names the public caller in messages. */
function networkGradients<P extends Physics>(
  where: string,
  options: Omit<TrainStepOptions<P>, "optimizer">,
  checked: CheckedStep<P>,
  exchange?: ReplicaExchange,
): NetworkGradients {
  const { network, batch: data, step } = options;
  const { physics, reduction, batchSize, inputSize } = checked;
  const state = options.state ?? initScheme(options.scheme);
  const variables = network.trainableWeights.filter((w) => w.trainable).map((w) => w.read() as tf.Variable);
  const localInput = exchange?.localInput ?? data.input;
  const inputs = float64ToTensor(localInput, [localInput.length / inputSize, ...data.inputShape]);

  let failure: unknown;
  let result: (StepResult & { gradient: Float64Array }) | undefined;
  let taped: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    taped = tf.variableGrads(() => {
      const x = applyNetwork(where, network, inputs, `${checked.batchParameter}.inputShape`, data.inputShape);
      let localGradient: Float64Array;
      try {
        const local = tensorToFloat64(x);
        const raw = exchange === undefined ? local : exchange.gather(local);
        const exampleShape = x.shape.slice(1);
        const transformed = options.outputTransform === undefined ? undefined : transformOutput(options.outputTransform, raw, exampleShape, data, batchSize);
        result = xSpaceGradient(where, options.scheme, physics, transformed?.x ?? raw, exampleShape, data, batchSize, step, state, reduction);
        const rawGradient = transformed === undefined ? result.gradient : transformed.pullBack(result.gradient);
        localGradient = exchange === undefined ? rawGradient : exchange.scatter(rawGradient);
      } catch (error) {
        // Re-thrown after the tape is closed, so the engine is never left mid-gradient. Other replicas still get
        // their (zero) rows so they finish the step in lock-step.
        failure = error;
        exchange?.scatter(new Float64Array(batchSize * (x.size / (x.shape[0] ?? 1))));
        return tf.sum(tf.mul(x, 0)) as tf.Scalar;
      }
      const g = float64ToTensor(localGradient, x.shape);
      return tf.sum(tf.mul(x, g)) as tf.Scalar;
    }, variables);
  } finally {
    inputs.dispose();
  }
  const { value, grads } = taped;
  value.dispose();
  if (failure !== undefined || result === undefined) {
    tf.dispose(grads);
    throw failure;
  }
  return { metrics: result.metrics, x: result.x, state: result.state, grads };
}

/**
 * Applies the network to the batch input; an error a tfjs layer throws for an input it cannot take is re-thrown as a
 * {@link PgShapeError} that names the input shape (the original is its `cause`).
 */
function applyNetwork(where: string, network: Network, inputs: tf.Tensor, parameter: string, inputShape: readonly number[]): tf.Tensor {
  let output: unknown;
  try {
    output = network.apply(inputs, { training: true });
  } catch (error) {
    if (error instanceof PgError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new PgShapeError(where, parameter, `one example's shape as the network accepts it (the network refused input [${inputs.shape.join(", ")}]: ${reason})`, inputShape, { cause: error });
  }
  if (!(output instanceof tf.Tensor)) {
    throw new PgValidationError(where, "network", "a network whose apply returns one tensor", output);
  }
  return output;
}

/**
 * One training step (Algorithm 1): {@link computeNetworkGradients}, then the optimizer update.
 *
 * Every option is checked here, once, before an engine sees it: unknown keys, the optimizer (a stated learning rate
 * must be a finite number > 0), the network, the scheme and its state, the reduction, the step, and the batch
 * against the physics and the network's declared input shape.
 * @throws {@link PgValidationError} / {@link PgShapeError} for a bad option or batch; {@link PgNonFiniteError} when
 * the input, y*, the labels, the network output, the x-space gradient or the loss is not finite; the optimizer is
 * then not applied.
 * @example
 * import { backprop, scheme, trainStep } from "@pg/core";
 * import { SGDOptimizer, layers, sequential } from "@tensorflow/tfjs";
 * const network = sequential({ layers: [layers.dense({ inputShape: [1], units: 1, useBias: false, kernelInitializer: "ones" })] });
 * const doubling = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (x, dy) => dy.map((v) => 2 * v) };
 * const batch = { input: Float64Array.of(1, 2), inputShape: [1], yTarget: Float64Array.of(4, 4) };
 * const result = trainStep({ network, optimizer: new SGDOptimizer(0.1), scheme: scheme(backprop()), physics: doubling, batch, step: 1 });
 * // w ← w − 0.1 · ∂L/∂w = 1 − 0.1 · (−2)
 * console.log(result.metrics.loss, network.getWeights()[0].dataSync()[0].toFixed(4)); // 1 1.2000
 */
export function trainStep<P extends Physics>(options: TrainStepOptions<P>): StepResult {
  const where = "trainStep";
  const checked = requireStepOptions(where, options);
  requireOptimizer(where, options.optimizer);
  return updateNetwork(where, options, checked);
}

/** The engine's gradients of a step whose options were checked as `checked`. */
function engineGradients<P extends Physics>(engine: GradientEngine, options: TrainStepOptions<P>, checked: CheckedStep<P>): NetworkGradients {
  checkedForEngine.set(options, checked);
  try {
    return engine.computeNetworkGradients(options);
  } finally {
    checkedForEngine.delete(options);
  }
}

/** The gradients of a checked step, from the engine if one is given, then the optimizer update. */
function updateNetwork<P extends Physics>(where: string, options: TrainStepOptions<P>, checked: CheckedStep<P>): StepResult {
  const { grads, ...result } = options.engine === undefined ? networkGradients(where, options, checked) : engineGradients(options.engine, options, checked);
  options.optimizer.applyGradients(grads);
  tf.dispose(grads);
  return result;
}

/**
 * Applies the output transform to the whole batch's raw network output, outside the network's tape, and returns the
 * transformed x with the vector–Jacobian product that carries an x-space gradient back to the raw output. Keeping it
 * outside lets data-parallel replicas, which only hold their rows, share one transform of the whole batch.
 */
function transformOutput<P extends Physics>(
  transform: (x: tf.Tensor, batch: Batch<P>) => tf.Tensor,
  raw: Float64Array,
  exampleShape: readonly number[],
  data: Batch<P>,
  batch: number,
): { x: Float64Array; pullBack: (gradient: Float64Array) => Float64Array } {
  const shape = [batch, ...exampleShape];
  const rawTensor = float64ToTensor(raw, shape);
  const transformed = transform(rawTensor, data);
  const x = tensorToFloat64(transformed);
  transformed.dispose();
  return {
    x,
    pullBack(gradient) {
      const g = float64ToTensor(gradient, shape);
      const pulledTensor = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(transform(y, data), g)))(rawTensor);
      const pulled = tensorToFloat64(pulledTensor);
      tf.dispose([pulledTensor, g, rawTensor]);
      return pulled;
    },
  };
}

function xSpaceGradient<P extends Physics>(
  where: string,
  s: Scheme<P>,
  physics: P,
  x: Float64Array,
  outputShape: readonly number[],
  data: Batch<P>,
  batch: number,
  step: number,
  state: SchemeState,
  reduction: Reduction,
): StepResult & { gradient: Float64Array } {
  const expected = batch * shapeSize(physics.xShape);
  if (x.length !== expected) {
    throw new PgShapeError(
      where,
      "network output",
      `batch × ${shapeSize(physics.xShape)} = ${expected} entries (xShape ${JSON.stringify(physics.xShape)}, batch = ${batch})`,
      [batch, ...outputShape],
    );
  }
  const badX = firstNonFinite(x);
  if (badX >= 0) throw new PgNonFiniteError(where, "network output", badX, x[badX] as number, step);
  const context = { physics, x, yTarget: data.yTarget, batch, step, ...(data.labels === undefined ? {} : { labels: data.labels }) };
  const [result, nextState] = runScheme(s, context, state);
  const g = result.gradient;
  const badG = firstNonFinite(g);
  if (badG >= 0) {
    const detail = result.solve === undefined ? `scheme "${s.description}"` : `scheme "${s.description}"; the solver proposal x̃ is ${String(result.solve.x[badG])} there`;
    throw new PgNonFiniteError(where, "x-space gradient", badG, g[badG] as number, step, detail);
  }
  const objective = result.objective ?? objectiveOf(physics).value(physics.forward(x, batch), data.yTarget, batch);
  let loss = 0;
  for (let b = 0; b < batch; b++) loss += objective[b] as number;
  loss /= batch;
  if (!Number.isFinite(loss)) {
    const index = firstNonFinite(objective);
    const size = x.length / batch;
    const prediction = describeValue(x.subarray(index * size, (index + 1) * size));
    throw new PgNonFiniteError(where, "loss", index, loss, step, `scheme "${s.description}", example ${index}, whose prediction x is ${prediction}`);
  }
  let squared = 0;
  for (let i = 0; i < g.length; i++) squared += (g[i] as number) * (g[i] as number);
  const scale = reduction === "mean" ? 1 / batch : 1;
  const gradient = scale === 1 ? g : g.map((v) => v * scale);
  const metrics: StepMetrics = {
    step,
    loss,
    proxyLoss: (0.5 * squared) / batch,
    ...(result.reasonCounts === undefined ? {} : { reasons: result.reasonCounts }),
  };
  return { metrics, x, state: nextState, gradient };
}

/** Everything a training-loop callback sees after a step. */
export interface StepReport<P extends Physics = Physics> {
  readonly metrics: StepMetrics;
  /** Wall time of the whole step in seconds: batch generation, network, physics, solver, update. */
  readonly seconds: number;
  readonly batch: Batch<P>;
  /** The prediction the scheme saw. */
  readonly x: Float64Array;
  /** The scheme's transform state after this step: what a checkpoint stores to continue exactly (`initialState`). */
  readonly state: SchemeState;
}

/** Callbacks of {@link train}. A callback that throws stops training with its error. */
export interface TrainCallbacks<P extends Physics = Physics> {
  /** After every step. */
  onStep?(report: StepReport<P>): void | Promise<void>;
  /**
   * Once, when training ends for any reason (also after an error, before it is re-thrown) — flush files here.
   * `steps` is the last completed step (`firstStep − 1` when none completed).
   */
  onEnd?(outcome: { readonly steps: number; readonly error?: unknown; readonly interrupted?: boolean }): void | Promise<void>;
}

/** Options of {@link train}. */
export interface TrainOptions<P extends Physics> {
  readonly network: Network;
  readonly optimizer: tf.Optimizer;
  readonly scheme: Scheme<P>;
  readonly physics?: P;
  /** Produces the batch for a step (counted from 1). Data generation is timed as part of the step. */
  readonly nextBatch: (step: number) => Batch<P>;
  readonly iterations: number;
  /** @defaultValue 'mean' */
  readonly reduction?: Reduction;
  readonly outputTransform?: (x: tf.Tensor, batch: Batch<P>) => tf.Tensor;
  /** @see TrainStepOptions.engine */
  readonly engine?: GradientEngine;
  readonly callbacks?: TrainCallbacks<P>;
  /**
   * The first step to run, for continuing from a checkpoint taken after step `firstStep − 1` (with the network,
   * optimizer and batch source restored to that point). @defaultValue 1
   */
  readonly firstStep?: number;
  /** The scheme's transform state to start from (a checkpoint's `StepReport.state`). @defaultValue initScheme(scheme) */
  readonly initialState?: SchemeState;
  /**
   * Checked after every step: once aborted, training stops after the step in flight and reports `interrupted`. With a
   * signal, each step ends with a turn of the event loop, so timers and signal handlers that abort get to run.
   */
  readonly signal?: AbortSignal;
}

/** Every key of {@link TrainOptions}: anything else is refused as a misspelling. */
const TRAIN_OPTION_KEYS = [
  "network",
  "optimizer",
  "scheme",
  "physics",
  "nextBatch",
  "iterations",
  "reduction",
  "outputTransform",
  "engine",
  "callbacks",
  "firstStep",
  "initialState",
  "signal",
] as const satisfies readonly (keyof TrainOptions<Physics>)[];
true satisfies OptionKeysCover<TrainOptions<Physics>, typeof TRAIN_OPTION_KEYS>;

/** Every key of {@link TrainCallbacks}. */
const CALLBACK_KEYS = ["onStep", "onEnd"] as const satisfies readonly (keyof TrainCallbacks)[];
true satisfies OptionKeysCover<TrainCallbacks, typeof CALLBACK_KEYS>;

/**
 * Resolves on the next turn of the event loop (a macrotask), where timers, signal handlers and (in a page) input and
 * painting run. Browsers have no setImmediate and clamp nested setTimeout(0) to 4 ms, so a message to a fresh
 * channel takes its place there.
 */
function nextTurn(): Promise<void> {
  // Looked up on globalThis: the DOM's type library, which browser projects compile against, has no setImmediate.
  const setImmediateIfAny = Reflect.get(globalThis, "setImmediate") as ((callback: () => void) => unknown) | undefined;
  if (typeof setImmediateIfAny === "function") return new Promise((resolve) => setImmediateIfAny(resolve));
  if (typeof MessageChannel === "function") {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The last completed step. */
  readonly steps: number;
  readonly lastMetrics: StepMetrics | undefined;
  /** True when `signal` stopped training before `iterations`. */
  readonly interrupted: boolean;
}

/**
 * The training loop: `iterations` calls of {@link trainStep}, each on a fresh batch, reporting every step to the
 * callbacks. Stops with a {@link PgNonFiniteError} naming the step when the loss or the x-space gradient is not
 * finite; `onEnd` runs first so nothing already reported is lost.
 *
 * The options are checked once, before the first step: unknown keys (also in `callbacks`), the network, the
 * optimizer (a stated learning rate must be a finite number > 0), the scheme and `initialState`, `iterations`,
 * `firstStep`, the reduction and the hooks. Each batch `nextBatch` returns is checked like {@link trainStep}'s, the
 * messages naming it `nextBatch(step)`.
 * @throws {@link PgValidationError} / {@link PgShapeError} for a bad option or batch (a bad batch after `onEnd`);
 *   {@link PgNonFiniteError} for a non-finite input, y*, label, network output, x-space gradient or loss.
 * @example
 * import { backprop, scheme, train } from "@pg/core";
 * import { SGDOptimizer, layers, sequential } from "@tensorflow/tfjs";
 * const network = sequential({ layers: [layers.dense({ inputShape: [1], units: 1, useBias: false, kernelInitializer: "ones" })] });
 * const doubling = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (x, dy) => dy.map((v) => 2 * v) };
 * const nextBatch = () => ({ input: Float64Array.of(1, 2), inputShape: [1], yTarget: Float64Array.of(4, 8) });
 * const losses = [];
 * const onStep = (report) => losses.push(report.metrics.loss.toFixed(3));
 * const result = await train({ network, optimizer: new SGDOptimizer(0.05), scheme: scheme(backprop()), physics: doubling, nextBatch, iterations: 3, callbacks: { onStep } });
 * console.log(result.steps, result.lastMetrics.step); // 3 3
 * // L = ½(2w − 4)² + ½(4w − 8)² averaged: w = 1 → 5, then w → 2, the loss falling by 4× per step
 * console.log(losses.join(" ")); // 5.000 1.250 0.313
 * console.log(network.getWeights()[0].dataSync()[0].toFixed(3)); // 1.875
 */
export async function train<P extends Physics>(options: TrainOptions<P>): Promise<TrainResult> {
  const where = "train";
  requireObject(where, "options", options, "an options object { network, optimizer, scheme, nextBatch, iterations, … }");
  requireKnownKeys(where, "options", options, TRAIN_OPTION_KEYS);
  const reduction = requireSharedStepOptions(where, options, options.initialState, "initialState");
  requireOptimizer(where, options.optimizer);
  requireFunction(where, "nextBatch", options.nextBatch, "a function (step) => Batch");
  const iterations = requirePositiveInteger(where, "iterations", options.iterations);
  const firstStep = requirePositiveInteger(where, "firstStep", options.firstStep ?? 1);
  if (firstStep > iterations + 1) {
    throw new PgValidationError(where, "firstStep", `an integer in [1, iterations + 1 = ${iterations + 1}]`, firstStep);
  }
  if (options.callbacks !== undefined) {
    requireObject(where, "callbacks", options.callbacks, "an object { onStep?, onEnd? }");
    requireKnownKeys(where, "callbacks", options.callbacks, CALLBACK_KEYS);
    for (const name of CALLBACK_KEYS) {
      const callback = options.callbacks[name];
      if (callback !== undefined) requireFunction(where, `callbacks.${name}`, callback);
    }
  }
  if (options.signal !== undefined) {
    requireObject(where, "signal", options.signal, "an AbortSignal");
    if (typeof options.signal.aborted !== "boolean") throw new PgValidationError(where, "signal", "an AbortSignal", options.signal);
  }
  let state = options.initialState ?? initScheme(options.scheme);
  let lastMetrics: StepMetrics | undefined;
  let steps = firstStep - 1;
  let interrupted = false;
  try {
    for (let step = firstStep; step <= iterations; step++) {
      if (options.signal?.aborted === true) {
        interrupted = true;
        break;
      }
      const start = performance.now();
      const batch = options.nextBatch(step);
      const batchParameter = `nextBatch(${step})`;
      const checked = { ...requireBatch(where, batchParameter, batch, options.physics, step, options.network), reduction, batchParameter };
      // A scope rather than tf.tidy: the step returns plain objects alongside tensors it already disposed.
      tf.engine().startScope();
      let result: StepResult;
      try {
        result = updateNetwork(where, {
          network: options.network,
          optimizer: options.optimizer,
          scheme: options.scheme,
          batch,
          step,
          state,
          ...(options.physics === undefined ? {} : { physics: options.physics }),
          ...(options.reduction === undefined ? {} : { reduction: options.reduction }),
          ...(options.outputTransform === undefined ? {} : { outputTransform: options.outputTransform }),
          ...(options.engine === undefined ? {} : { engine: options.engine }),
        }, checked);
      } finally {
        tf.engine().endScope();
      }
      const seconds = (performance.now() - start) / 1000;
      state = result.state;
      lastMetrics = result.metrics;
      steps = step;
      await options.callbacks?.onStep?.({ metrics: result.metrics, seconds, batch, x: result.x, state });
      // Steps are synchronous: without a turn of the event loop, a timer or a signal handler that aborts would only
      // run once training ends.
      if (options.signal !== undefined) await nextTurn();
    }
  } catch (error) {
    await options.callbacks?.onEnd?.({ steps, error });
    throw error;
  }
  await options.callbacks?.onEnd?.({ steps, ...(interrupted ? { interrupted } : {}) });
  return { steps, lastMetrics, interrupted };
}
