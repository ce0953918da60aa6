import * as tf from "@tensorflow/tfjs";
import { float64ToTensor, tensorToFloat64 } from "./bridge";
import { PgNonFiniteError, PgShapeError, PgValidationError, describeValue } from "./errors";
import { objectiveOf, type Physics } from "./physics";
import { applyScheme, initScheme, type Reduction, type Scheme, type SchemeState } from "./scheme";
import type { StopReason } from "./solver";
import { firstNonFinite, requireBatchArray, requireOneOf, requirePositiveInteger, shapeSize } from "./validate";

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

const WHERE = "trainStep";

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
 * @throws {@link PgNonFiniteError} when the input, the network output, the x-space gradient or the loss is not finite.
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
  const { network, batch: data, step } = options;
  const physics = data.physics ?? options.physics;
  if (physics === undefined) {
    throw new PgValidationError(WHERE, "physics", "a Physics, given in the options or by the batch", physics);
  }
  const reduction = requireOneOf(WHERE, "reduction", options.reduction ?? "mean", ["sum", "mean"] as const);
  const inputSize = shapeSize(data.inputShape);
  const batchSize = data.input.length / inputSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new PgShapeError(WHERE, "batch.input", `a positive multiple of ${inputSize} entries (inputShape ${JSON.stringify(data.inputShape)})`, data.input);
  }
  requireBatchArray(WHERE, "batch.yTarget", data.yTarget, batchSize, physics.yShape);
  const nonFiniteInput = firstNonFinite(data.input);
  if (nonFiniteInput >= 0) {
    throw new PgNonFiniteError(WHERE, "input", nonFiniteInput, data.input[nonFiniteInput] as number, step);
  }
  const state = options.state ?? initScheme(options.scheme);
  const variables = network.trainableWeights.filter((w) => w.trainable).map((w) => w.read() as tf.Variable);
  const localInput = exchange?.localInput ?? data.input;
  const inputs = float64ToTensor(localInput, [localInput.length / inputSize, ...data.inputShape]);

  let failure: unknown;
  let result: (StepResult & { gradient: Float64Array }) | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const x = network.apply(inputs, { training: true }) as tf.Tensor;
    let localGradient: Float64Array;
    try {
      const local = tensorToFloat64(x);
      const raw = exchange === undefined ? local : exchange.gather(local);
      const exampleShape = x.shape.slice(1);
      const transformed = options.outputTransform === undefined ? undefined : transformOutput(options.outputTransform, raw, exampleShape, data, batchSize);
      result = xSpaceGradient(options.scheme, physics, transformed?.x ?? raw, exampleShape, data, batchSize, step, state, reduction);
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
  inputs.dispose();
  value.dispose();
  if (failure !== undefined || result === undefined) {
    tf.dispose(grads);
    throw failure;
  }
  return { metrics: result.metrics, x: result.x, state: result.state, grads };
}

/**
 * One training step (Algorithm 1): {@link computeNetworkGradients}, then the optimizer update.
 * @throws {@link PgNonFiniteError} when the network output, the x-space gradient or the loss is not finite; the
 * optimizer is then not applied.
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
  const { grads, ...result } = options.engine === undefined ? computeNetworkGradients(options) : options.engine.computeNetworkGradients(options);
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
      WHERE,
      "network output",
      `batch × ${shapeSize(physics.xShape)} = ${expected} entries (xShape ${JSON.stringify(physics.xShape)}, batch = ${batch})`,
      [batch, ...outputShape],
    );
  }
  const badX = firstNonFinite(x);
  if (badX >= 0) throw new PgNonFiniteError(WHERE, "network output", badX, x[badX] as number, step);
  const context = { physics, x, yTarget: data.yTarget, batch, step, ...(data.labels === undefined ? {} : { labels: data.labels }) };
  const [result, nextState] = applyScheme(s, context, state);
  const g = result.gradient;
  const badG = firstNonFinite(g);
  if (badG >= 0) {
    const detail = result.solve === undefined ? `scheme "${s.description}"` : `scheme "${s.description}"; the solver proposal x̃ is ${String(result.solve.x[badG])} there`;
    throw new PgNonFiniteError(WHERE, "x-space gradient", badG, g[badG] as number, step, detail);
  }
  const objective = result.objective ?? objectiveOf(physics).value(physics.forward(x, batch), data.yTarget, batch);
  let loss = 0;
  for (let b = 0; b < batch; b++) loss += objective[b] as number;
  loss /= batch;
  if (!Number.isFinite(loss)) {
    const index = firstNonFinite(objective);
    const size = x.length / batch;
    const prediction = describeValue(x.subarray(index * size, (index + 1) * size));
    throw new PgNonFiniteError(WHERE, "loss", index, loss, step, `scheme "${s.description}", example ${index}, whose prediction x is ${prediction}`);
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
  const iterations = requirePositiveInteger("train", "iterations", options.iterations);
  const firstStep = requirePositiveInteger("train", "firstStep", options.firstStep ?? 1);
  if (firstStep > iterations + 1) {
    throw new PgValidationError("train", "firstStep", `an integer in [1, iterations + 1 = ${iterations + 1}]`, firstStep);
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
      // A scope rather than tf.tidy: the step returns plain objects alongside tensors it already disposed.
      tf.engine().startScope();
      let result: StepResult;
      try {
        result = trainStep({
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
        });
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
