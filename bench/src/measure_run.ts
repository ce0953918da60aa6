import * as tf from "@tensorflow/tfjs";
import { dataParallel, initBackend, type DataParallelEngine } from "@pg/backend";
import { adam, backprop, initScheme, scheme, shapeSize, trainStep, type Batch, type Physics, type SchemeState } from "@pg/core";
import { countParameters } from "@pg/nets";
import { allocatorVariablesOf } from "./allocator";
import type { BenchBackend } from "./bench_options";
import { benchCaseNamed, type BenchCase } from "./cases";
import { TRAINING_FLOP_FACTOR, forwardFlops } from "./flops";
import { profileKernels, type KernelTime } from "./kernel_profile";
import { nextPhase, type StepSchedule } from "./step_schedule";

/**
 * Which run to measure and how many steps ({@link StepSchedule}): JSON-serialisable, so the parent can hand it to
 * an isolated child process.
 */
export interface RunSpec extends StepSchedule {
  readonly caseName: string;
  readonly backend: BenchBackend;
  readonly replicas: number;
  /**
   * `--profile`: after the timed steps, one more step with every kernel of the calling thread timed
   * ({@link StepProfile}); it is not a timed step. @defaultValue false
   */
  readonly profile?: boolean;
}

/** What is known once the backend, the network and the engine are up, before the first step. */
export interface RunSetup {
  /** tfjs's name of the active backend ("torch" for the PyTorch peer). */
  readonly tfjsBackend: string;
  /** Threads of the wasm backend's XNNPACK pool (1 in Node: tfjs ships its single-threaded build there). */
  readonly wasmThreads?: number;
  readonly parameters: number;
  /** Forward FLOPs per example (convolutions and dense layers only; see flops.ts). */
  readonly forwardFlopsPerSample: number;
  /** FLOPs one timed step performs: forward × batch, × {@link TRAINING_FLOP_FACTOR} for training. */
  readonly flopsPerStep: number;
  /** Backend start-up (wasm: kernel registration and self-test), network build and worker start, in seconds. */
  readonly setupSeconds: number;
  /** The allocator variables the run's process saw in its environment (glibc read them when it started). */
  readonly allocatorVariables?: Readonly<Record<string, string>>;
  /** The PyTorch peer's own description (peer_torch.py); absent for our runs. */
  readonly peer?: PeerSetup;
}

/** What peer_torch.py reports about itself in its setup message. */
export interface PeerSetup {
  readonly framework: string;
  readonly torchVersion: string;
  /** sys.executable of the interpreter that ran it. */
  readonly python: string;
  readonly pythonVersion: string;
  /** torch.get_num_threads() after torch.set_num_threads. */
  readonly threads: number;
  /** torch.get_num_interop_threads(); 1 where it could be set. */
  readonly interopThreads: number | null;
  readonly mkldnn: boolean;
  readonly layout: string;
  /** The allocator variables the Python process saw. */
  readonly allocatorVariables: Readonly<Record<string, string>>;
}

/** One step: warm-up or timed, its wall time, and the batch-mean loss for training steps. */
export interface StepTiming {
  readonly phase: "warmup" | "timed";
  readonly milliseconds: number;
  readonly loss?: number;
}

/**
 * The kernels of one profiled step (`--profile`): one extra step after the timed ones, timed like them, with every
 * outermost kernel call of the calling thread timed ({@link profileKernels}). With data-parallel replicas only
 * replica 0 (the calling thread) is seen: the worker threads' kernels are not in {@link StepProfile.kernels}, and
 * the time the calling thread waits for them is outside kernels.
 */
export interface StepProfile {
  /** Wall time of the profiled step, measured as a timed step (the wrapped kernels add a little to it). */
  readonly stepMilliseconds: number;
  /** Kernels of the calling thread by time, most first; their sum is at most {@link StepProfile.stepMilliseconds}. */
  readonly kernels: readonly KernelTime[];
  /** The tfjs backend whose kernels were wrapped. */
  readonly backend: string;
}

/** Callbacks of {@link measureRun}, so a parent process sees progress even if the run is later stopped. */
export interface MeasureRunCallbacks {
  onSetup?(setup: RunSetup): void;
  onStep?(step: StepTiming): void;
  onProfile?(profile: StepProfile): void;
}

/** The result of {@link measureRun}. */
export interface RunMeasurement extends RunSetup {
  readonly steps: readonly StepTiming[];
  /** Resident set size of the process after the last step, in MB (wasm heaps are never returned to the OS). */
  readonly residentMegabytes: number;
  /** The profiled step with `spec.profile`, after the timed steps (not one of {@link RunMeasurement.steps}). */
  readonly profile?: StepProfile;
}

/** y = x with adjoint dy ↦ dy: the training step is then network forward + backward + Adam, as in the reference. */
function identityPhysics(shape: readonly number[]): Physics {
  return {
    name: "identity",
    xShape: shape,
    yShape: shape,
    forward: (x) => Float64Array.from(x),
    adjoint: (_x, dy) => Float64Array.from(dy),
  };
}

/** A fixed, deterministic batch (no Math.random): smooth fields with some high-frequency content. */
function benchBatch(benchCase: BenchCase): Batch {
  const inputLength = benchCase.batch * shapeSize(benchCase.inputShape);
  const outputLength = benchCase.batch * shapeSize(benchCase.outputShape);
  const input = Float64Array.from({ length: inputLength }, (_, i) => Math.sin(0.37 * i) + 0.3 * Math.cos(0.011 * ((i * i) % 100_003)));
  const yTarget = Float64Array.from({ length: outputLength }, (_, i) => Math.cos(0.23 * i));
  return { input, inputShape: benchCase.inputShape, yTarget };
}

async function wasmThreadCount(): Promise<number | undefined> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  return wasm.getThreadsCount();
}

/**
 * Measures one run in this process: starts the backend (on wasm with @pg's training kernels, self-tested), builds
 * the case's network, and times steps with `performance.now()`, as many as {@link nextPhase} asks for (warm-up, then
 * timed), each ended by awaiting a tensor's data so asynchronous work is inside the step. A training step is `trainStep` with the identity physics,
 * `scheme(backprop())`, reduction 'sum' and Adam(1e-3), through a `dataParallel` engine with `spec.replicas`
 * replicas; an inference step is `model.apply(input, { training: false })`. With `spec.profile`, one more step
 * follows the timed ones with the backend's kernels wrapped ({@link StepProfile}); the timed steps run unwrapped.
 * @throws whatever the backend, the engine or a step throws (e.g. out of memory); the caller records it.
 */
export async function measureRun(spec: RunSpec, callbacks: MeasureRunCallbacks = {}): Promise<RunMeasurement> {
  const benchCase = benchCaseNamed(spec.caseName);
  const setupStart = performance.now();
  const selection = await initBackend({ backend: spec.backend });
  const network = benchCase.network();
  const forwardPerSample = forwardFlops(network).perSample;
  const factor = benchCase.kind === "training" ? TRAINING_FLOP_FACTOR : 1;
  const batch = benchBatch(benchCase);
  let engine: DataParallelEngine | undefined;
  let optimizer: tf.Optimizer | undefined;
  let input: tf.Tensor | undefined;
  try {
    if (benchCase.kind === "training") {
      engine = await dataParallel({
        network,
        inputShape: benchCase.inputShape,
        outputShape: benchCase.outputShape,
        maxBatch: benchCase.batch,
        replicas: spec.replicas,
        backend: spec.backend,
      });
      optimizer = adam(1e-3);
    } else {
      input = tf.tensor(Float32Array.from(batch.input), [benchCase.batch, ...benchCase.inputShape], "float32");
    }
    const wasmThreads = selection.name === "wasm" ? await wasmThreadCount() : undefined;
    const setup: RunSetup = {
      tfjsBackend: selection.tfjsName,
      ...(wasmThreads === undefined ? {} : { wasmThreads }),
      parameters: countParameters(network),
      forwardFlopsPerSample: forwardPerSample,
      flopsPerStep: factor * forwardPerSample * benchCase.batch,
      setupSeconds: (performance.now() - setupStart) / 1000,
      allocatorVariables: allocatorVariablesOf(process.env),
    };
    callbacks.onSetup?.(setup);

    const physics = identityPhysics(benchCase.outputShape);
    const trainingScheme = scheme(backprop());
    let state: SchemeState = initScheme(trainingScheme);
    const probe = network.trainableWeights[0]?.read();
    const steps: StepTiming[] = [];
    /** One step, ended by awaiting a tensor's data so asynchronous work is inside it; the loss for training. */
    const runStep = async (step: number): Promise<number | undefined> => {
      if (optimizer !== undefined) {
        let loss: number;
        // A scope rather than tf.tidy, as in core's train(): the step returns plain objects next to tensors.
        tf.engine().startScope();
        try {
          const result = trainStep({ network, optimizer, scheme: trainingScheme, physics, batch, step, state, reduction: "sum", ...(engine === undefined ? {} : { engine }) });
          state = result.state;
          loss = result.metrics.loss;
        } finally {
          tf.engine().endScope();
        }
        await probe?.data(); // the updated weights: Adam's work is inside the step
        return loss;
      }
      if (input !== undefined) {
        const features = input;
        const output = tf.tidy(() => network.apply(features, { training: false }) as tf.Tensor);
        await output.data();
        output.dispose();
      }
      return undefined;
    };
    let warmupSteps = 0;
    let timedSteps = 0;
    let timedSeconds = 0;
    let step = 1;
    // Warm-up seconds count from the end of the first step: it carries one-time costs (kernel compilation, the first
    // allocations) that would otherwise use up the warm-up of a slow case before its later steps have settled.
    let warmupStart: number | undefined;
    for (; ; step++) {
      const warmupElapsedSeconds = warmupStart === undefined ? 0 : (performance.now() - warmupStart) / 1000;
      const phase = nextPhase(spec, { warmupSteps, warmupElapsedSeconds, timedSteps, timedSeconds });
      if (phase === "done") break;
      const start = performance.now();
      const loss = await runStep(step);
      const timing: StepTiming = { phase, milliseconds: performance.now() - start, ...(loss === undefined ? {} : { loss }) };
      if (phase === "warmup") {
        warmupSteps++;
        warmupStart ??= performance.now();
      }
      else {
        timedSteps++;
        timedSeconds += timing.milliseconds / 1000;
      }
      steps.push(timing);
      callbacks.onStep?.(timing);
    }
    let profile: StepProfile | undefined;
    if (spec.profile === true) {
      // Wrapped only now, so the timed steps ran the kernels as registered; every kernel is registered by now.
      const backend = tf.getBackend();
      const profiler = profileKernels(backend);
      try {
        const start = performance.now();
        profiler.setRecording(true);
        await runStep(step);
        profiler.setRecording(false);
        profile = { stepMilliseconds: performance.now() - start, kernels: profiler.take(), backend };
      } finally {
        profiler.restore();
      }
      callbacks.onProfile?.(profile);
    }
    return { ...setup, steps, residentMegabytes: process.memoryUsage().rss / 2 ** 20, ...(profile === undefined ? {} : { profile }) };
  } finally {
    input?.dispose();
    optimizer?.dispose();
    await engine?.dispose();
    network.dispose();
  }
}
