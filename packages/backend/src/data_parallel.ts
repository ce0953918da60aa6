import { availableParallelism, cpus, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import {
  PgShapeError,
  PgValidationError,
  closestName,
  computeNetworkGradients,
  requireFiniteNumber,
  requireKnownKeys,
  requireNonNegativeInteger,
  requirePositiveInteger,
  type OptionKeysCover,
  shapeSize,
  type GradientEngine,
  type NetworkGradients,
  type Physics,
  type TrainStepOptions,
} from "@pg/core";
import { countParameters, networkConfigOf, setCrossReplicaSum } from "@pg/nets";
import { crossReplicaSum } from "./cross_replica_sum";
import {
  ALL_REDUCE_CAPACITY,
  CONTROL,
  STOP_GENERATION,
  allocateShared,
  failureOf,
  replicaRows,
  reportFailure,
  viewShared,
  waitAtLeast,
  type LayoutSizes,
  type SharedLayout,
} from "./data_parallel_layout";
import type { WorkerSetup } from "./data_parallel_worker";
import { BACKEND_NAMES, type BackendName } from "./select_backend";
import { SharedAllReduce } from "./shared_all_reduce";

/** Options of {@link dataParallel}. */
export interface DataParallelOptions {
  /** The network the optimizer updates (built by @pg/nets, so workers can rebuild it from its configuration). */
  readonly network: tf.LayersModel;
  /** Shape of one input example, e.g. [64, 64, 1]. */
  readonly inputShape: readonly number[];
  /** Shape of one network output example (x), e.g. [64, 64, 1]. */
  readonly outputShape: readonly number[];
  /** Largest batch that will be trained. */
  readonly maxBatch: number;
  /** Replicas including the calling thread. @defaultValue {@link defaultReplicas} */
  readonly replicas?: number;
  /** Backend of the workers. @defaultValue the active backend ("wasm" or "cpu") */
  readonly backend?: BackendName;
}

const DATA_PARALLEL_OPTION_KEYS = ["network", "inputShape", "outputShape", "maxBatch", "replicas", "backend"] as const satisfies readonly (keyof DataParallelOptions)[];
true satisfies OptionKeysCover<DataParallelOptions, typeof DATA_PARALLEL_OPTION_KEYS>;

/** One example's shape: a non-empty array of positive integers. */
function requireExampleShape(where: string, parameter: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((size) => typeof size === "number" && Number.isInteger(size) && size >= 1)) {
    throw new PgValidationError(where, parameter, "a non-empty array of positive integers (one example's shape, e.g. [64, 64, 1])", shape);
  }
  return shape as number[];
}

/** A gradient engine that splits every batch over worker threads; dispose it to stop the workers. */
export interface DataParallelEngine extends GradientEngine {
  readonly replicas: number;
  dispose(): Promise<void>;
}

/**
 * How many cores are idle now: the share of idle time across all cores over a short window (`os.cpus()` counters),
 * times the core count. Unlike the load average it does not lag a job that has just finished.
 * @param windowMilliseconds - how long to watch the counters; a finite number ≥ 0. @defaultValue 250
 * @throws {@link PgValidationError} for a window that is not a finite number ≥ 0 (a NaN would measure nothing).
 * @example
 * import { measureFreeCores } from "@pg/backend";
 * import { cpus } from "node:os";
 * const free = await measureFreeCores(100);
 * console.log(typeof free, free >= 0 && free <= cpus().length); // number true
 */
export async function measureFreeCores(windowMilliseconds = 250): Promise<number> {
  // setTimeout's longest delay; a longer one fires at once.
  const longest = 2 ** 31 - 1;
  if (typeof windowMilliseconds !== "number" || !Number.isFinite(windowMilliseconds) || windowMilliseconds < 0 || windowMilliseconds > longest) {
    throw new PgValidationError("measureFreeCores", "windowMilliseconds", `a finite number of milliseconds in [0, ${longest}]`, windowMilliseconds);
  }
  const sample = () => cpus().map((c) => ({ idle: c.times.idle, total: c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle }));
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, windowMilliseconds));
  const after = sample();
  let idle = 0;
  let total = 0;
  after.forEach((c, i) => {
    idle += c.idle - (before[i]?.idle ?? 0);
    total += c.total - (before[i]?.total ?? 0);
  });
  return total > 0 ? (after.length * idle) / total : 0;
}

/**
 * How many replicas pay off by default: one per free core (rounded to the nearest whole core), when the work per
 * step (parameters × batch ≥ 10⁶, e.g. the U-net at batch 32) outweighs the synchronisation and every replica gets at
 * least 8 examples; otherwise 1.
 * @param parameters - the network's parameter count, a non-negative integer.
 * @param batch - examples per step, a positive integer.
 * @param freeCores - idle cores, e.g. from {@link measureFreeCores}; a finite number (below 0 counts as none).
 * @defaultValue cores − the 1-minute load average
 * @throws {@link PgValidationError} for a parameter count, batch or free-core count of the wrong kind (a NaN would
 * otherwise come back as NaN replicas).
 * @example
 * import { defaultReplicas } from "@pg/backend";
 * // a U-net-sized network (2·10⁶ parameters) at batch 32 with 8 idle cores: one replica per 8 examples
 * console.log(defaultReplicas(2e6, 32, 8), defaultReplicas(2e6, 128, 7.6)); // 4 8
 * // too little work per step, or fewer than 2 idle cores: stay in one process
 * console.log(defaultReplicas(1000, 32, 8), defaultReplicas(2e6, 32, 1.4)); // 1 1
 */
export function defaultReplicas(parameters: number, batch: number, freeCores = availableParallelism() - (loadavg()[0] ?? 0)): number {
  requireNonNegativeInteger("defaultReplicas", "parameters", parameters);
  requirePositiveInteger("defaultReplicas", "batch", batch);
  requireFiniteNumber("defaultReplicas", "freeCores", freeCores);
  const free = Math.round(freeCores);
  if (free < 2 || parameters * batch < 1e6) return 1;
  return Math.max(1, Math.min(free, Math.floor(batch / 8)));
}

/** Node options a worker needs to load modules as the parent does (and takes: V8 options would make it refuse). */
const MODULE_OPTIONS = /^(--conditions|-C|--import|--require|-r|--loader|--experimental-loader)(=|$)/;

/**
 * The worker script beside this module and its Node options. Built packages start the compiled worker and inherit
 * the parent's options (passing them explicitly fails on V8 options such as --max-old-space-size). From sources
 * (tests, examples) a small bootstrap registers the TypeScript loader in the worker, and the worker gets the parent's
 * module-loading options plus the source condition, so workspace packages resolve as in the parent.
 */
function workerEntry(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { url: new URL("./data_parallel_worker.js", here) };
  const url = new URL("./data_parallel_worker_source.mjs", here);
  const parent = process.execArgv;
  if (parent.some((a) => a.includes("@pg/source"))) return { url };
  const execArgv: string[] = [];
  parent.forEach((option, index) => {
    const match = MODULE_OPTIONS.exec(option);
    if (match !== null) execArgv.push(option, ...(match[2] === "" && index + 1 < parent.length ? [parent[index + 1] as string] : []));
  });
  return { url, execArgv: [...execArgv, "--conditions=@pg/source"] };
}

/**
 * Data-parallel training over worker threads, each with its own tfjs instance (so each has its own wasm heap).
 * Every step the batch is split over the replicas (the calling thread is replica 0); predictions are gathered so the
 * scheme sees the whole batch; batch-norm statistics and their gradients are summed across replicas so every replica
 * normalises with the whole batch's statistics; and the parameter gradients are summed. The result matches
 * single-process training up to the order of floating-point sums.
 * @throws {@link PgValidationError} when the network was not built by @pg/nets or an option is invalid (an unknown key,
 * with the closest suggested; a shape that is not positive integers; `maxBatch` or `replicas` not a positive integer,
 * or more replicas than `maxBatch`; an unknown backend); {@link PgShapeError} when `inputShape` is not the shape of
 * one example of the network's input (the workers would fail on their first step with a tfjs layer error).
 * @example
 * import { dataParallel } from "@pg/backend";
 * import { backprop, computeNetworkGradients, scheme } from "@pg/core";
 * import { mlp } from "@pg/nets";
 * const identity = { name: "identity", xShape: [1], yShape: [1], forward: (x) => Float64Array.from(x), adjoint: (x, dy) => Float64Array.from(dy) };
 * const batch = { input: Float64Array.of(1, 2, 3, 4), inputShape: [1], yTarget: new Float64Array(4) };
 * const network = mlp({ inputSize: 1, hiddenSizes: [8], outputSize: 1, seed: 0 });
 * const step = { network, scheme: scheme(backprop()), physics: identity, batch, step: 1 };
 * const single = computeNetworkGradients(step);
 * // rows 0–1 on this thread, rows 2–3 on one worker thread; pass the engine to train({ …, engine }) to use it
 * const engine = await dataParallel({ network, inputShape: [1], outputShape: [1], maxBatch: 4, replicas: 2, backend: "cpu" });
 * const parallel = engine.computeNetworkGradients(step);
 * console.log(engine.replicas, parallel.metrics.loss.toFixed(5) === single.metrics.loss.toFixed(5)); // 2 true
 * console.log(Object.keys(parallel.grads).length, parallel.x.length); // 4 4
 * await engine.dispose();
 */
export async function dataParallel(options: DataParallelOptions): Promise<DataParallelEngine> {
  const where = "dataParallel";
  if (typeof options !== "object" || options === null) throw new PgValidationError(where, "options", "an options object { network, inputShape, outputShape, maxBatch }", options);
  requireKnownKeys(where, "options", options, DATA_PARALLEL_OPTION_KEYS);
  const config = networkConfigOf(options.network);
  if (config === undefined) {
    throw new PgValidationError(where, "network", "a network built by @pg/nets (mlp, unet, waveCnn or loadNetwork)", "a model without a @pg/nets configuration");
  }
  const inputShape = requireExampleShape(where, "inputShape", options.inputShape);
  const outputShape = requireExampleShape(where, "outputShape", options.outputShape);
  const networkInput = options.network.inputs[0]?.shape.slice(1) ?? [];
  if (networkInput.length !== inputShape.length || !networkInput.every((size, axis) => size === null || size === inputShape[axis])) {
    throw new PgShapeError(where, "inputShape", `the shape of one example of the network's input, [${networkInput.map((size) => size ?? "any").join(", ")}]`, inputShape);
  }
  if (options.backend !== undefined && !(BACKEND_NAMES as readonly unknown[]).includes(options.backend)) {
    const suggestion = typeof options.backend === "string" ? closestName(options.backend, BACKEND_NAMES) : undefined;
    throw new PgValidationError(where, "backend", `one of ${BACKEND_NAMES.map((name) => `"${name}"`).join(", ")}`, options.backend, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  const maxBatch = requirePositiveInteger(where, "maxBatch", options.maxBatch);
  const parameters = countParameters(options.network);
  const replicas = requirePositiveInteger(where, "replicas", options.replicas ?? defaultReplicas(parameters, maxBatch));
  if (replicas > maxBatch) throw new PgValidationError(where, "replicas", `at most maxBatch = ${maxBatch}`, replicas);
  const backend: BackendName = options.backend ?? (tf.getBackend() === "wasm" ? "wasm" : "cpu");
  const sizes: LayoutSizes = {
    replicas,
    maxBatch,
    inputSize: shapeSize(inputShape),
    outputSize: shapeSize(outputShape),
    parameters,
  };
  const buffers = allocateShared(sizes);
  const layout = viewShared(buffers, sizes);
  const workers: Worker[] = [];
  for (let replica = 1; replica < replicas; replica++) {
    const setup: WorkerSetup = { replica, sizes, buffers, config, backend, inputShape: [...inputShape] };
    const entry = workerEntry();
    const worker = new Worker(entry.url, { workerData: setup, ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }) });
    worker.on("error", (error) => reportFailure(layout, `data-parallel worker ${replica}: ${error.message}`));
    workers.push(worker);
  }
  await waitForReady(layout, replicas - 1);
  const allReduce = new SharedAllReduce(buffers.allReduce, replicas, ALL_REDUCE_CAPACITY, 0, () => failureOf(layout));
  setCrossReplicaSum(options.network, replicas > 1 ? crossReplicaSum(allReduce) : undefined);
  let generation = 0;

  return {
    replicas,
    computeNetworkGradients<P extends Physics>(step: Omit<TrainStepOptions<P>, "optimizer">): NetworkGradients {
      if (step.network !== (options.network as unknown)) {
        throw new PgValidationError("dataParallel.computeNetworkGradients", "network", "the network the engine was created for", "another network");
      }
      if (replicas === 1) return computeNetworkGradients(step);
      const batch = step.batch.input.length / sizes.inputSize;
      if (!Number.isInteger(batch) || batch < replicas || batch > maxBatch) {
        throw new PgValidationError("dataParallel.computeNetworkGradients", "batch", `between ${replicas} and maxBatch = ${maxBatch} examples`, batch);
      }
      generation++;
      const own = replicaRows(batch, replicas, 0);
      publishStep(layout, options.network, step.batch.input.subarray(own.end * sizes.inputSize, batch * sizes.inputSize), own.end * sizes.inputSize, batch, generation);
      let result: NetworkGradients;
      try {
        result = computeNetworkGradients(step, {
        localInput: step.batch.input.subarray(own.start * sizes.inputSize, own.end * sizes.inputSize),
        gather(localX) {
          // This replica's rows go straight into the whole batch; only the workers' rows pass through shared memory.
          const all = new Float64Array(batch * sizes.outputSize);
          all.set(localX, own.start * sizes.outputSize);
          waitAtLeast(layout, CONTROL.predictionsWritten, replicas - 1);
          all.set(layout.prediction.subarray(own.end * sizes.outputSize, batch * sizes.outputSize), own.end * sizes.outputSize);
          return all;
        },
        scatter(gradient) {
          // Only the workers' rows: this replica keeps its own.
          layout.gradient.set(gradient.subarray(own.end * sizes.outputSize), own.end * sizes.outputSize);
          Atomics.store(layout.control, CONTROL.gradientWritten, generation);
          Atomics.notify(layout.control, CONTROL.gradientWritten);
          return gradient.subarray(own.start * sizes.outputSize, own.end * sizes.outputSize);
        },
        });
      } catch (error) {
        // The workers still finish this step (with zero rows where the scheme failed); wait for them so the next
        // step's counters start clean, unless a worker itself failed.
        if (failureOf(layout) === undefined) waitAtLeast(layout, CONTROL.gradientsWritten, replicas - 1);
        throw error;
      }
      try {
        waitAtLeast(layout, CONTROL.gradientsWritten, replicas - 1);
      } catch (error) {
        tf.dispose(result.grads);
        throw error;
      }
      return { ...result, grads: sumGradients(options.network, result.grads, layout, replicas, parameters) };
    },
    async dispose() {
      setCrossReplicaSum(options.network, undefined);
      Atomics.store(layout.control, CONTROL.step, STOP_GENERATION);
      Atomics.notify(layout.control, CONTROL.step);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

async function waitForReady(layout: SharedLayout, workers: number): Promise<void> {
  for (;;) {
    const failure = failureOf(layout);
    if (failure !== undefined) throw new Error(failure);
    if (Atomics.load(layout.control, CONTROL.ready) >= workers) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Writes the weights and the workers' rows of the batch input (`workerInput`, from offset `inputOffset`), resets the
 * per-step counters and starts the step for the workers.
 */
function publishStep(layout: SharedLayout, network: tf.LayersModel, workerInput: Float64Array, inputOffset: number, batch: number, generation: number): void {
  let offset = 0;
  for (const w of network.trainableWeights) {
    const values = w.read().dataSync() as Float32Array;
    layout.weights.set(values, offset);
    offset += values.length;
  }
  layout.input.set(workerInput, inputOffset);
  Atomics.store(layout.control, CONTROL.predictionsWritten, 0);
  Atomics.store(layout.control, CONTROL.gradientsWritten, 0);
  Atomics.store(layout.control, CONTROL.batch, batch);
  Atomics.store(layout.control, CONTROL.step, generation);
  Atomics.notify(layout.control, CONTROL.step);
}

/** The main replica's gradients plus every worker's, summed in Float64 in replica order. */
function sumGradients(network: tf.LayersModel, own: tf.NamedTensorMap, layout: SharedLayout, replicas: number, parameters: number): tf.NamedTensorMap {
  const summed: tf.NamedTensorMap = {};
  let offset = 0;
  for (const w of network.trainableWeights) {
    const variable = w.read() as tf.Variable;
    const mine = own[variable.name] as tf.Tensor;
    const total = new Float64Array(mine.dataSync());
    for (let r = 1; r < replicas; r++) {
      const block = (r - 1) * parameters + offset;
      for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (layout.parameterGradients[block + i] as number);
    }
    summed[variable.name] = tf.tensor(new Float32Array(total), mine.shape, "float32");
    mine.dispose();
    offset += total.length;
  }
  return summed;
}
