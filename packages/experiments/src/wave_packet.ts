import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, adam as adamOptimizer, backprop, closestName, requireKnownKeys, requirePositive, scheme, type Batch, type OptionKeysCover } from "@pg/core";
import { WAVE_PACKET_DATA, WAVE_PACKET_SAMPLES, wavePackets } from "@pg/data";
import { WAVE_CNN_INITIALIZATIONS, waveCnn, type WaveCnnInitialization } from "@pg/nets";
import { wavePacketPhysics, type WavePacketPhysics } from "@pg/physics-toys";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods of Fig. 8: the CNN trained with Adam through the forward model (the L-BFGS-B and random references are not trained). */
export const WAVE_PACKET_METHODS = ["adam"] as const;

/** Iterations at which the summary keeps running averages (the paper's claim: the network beats L-BFGS-B after 30–40). */
export const WAVE_PACKET_REPORT_ITERATIONS: readonly number[] = [10, 30, 40, 100, 300];

/** Running-average window of the curves and of the crossing iteration. */
export const WAVE_PACKET_AVERAGE_WINDOW = 10;

/** Adam with the paper's constants β1 0.9, β2 0.999, ε 1e-8 (tfjs's default ε differs). */
function adam(learningRate: number): tf.Optimizer {
  return adamOptimizer(learningRate, 0.9, 0.999, 1e-8);
}

/** A training batch that also carries the ground truth (ξ₀, A), so the errors can be measured against it. */
export interface WavePacketTrainingBatch extends Batch<WavePacketPhysics> {
  /** Ground truth (ξ₀, A) per example, batch × 2. */
  readonly parameters: Float64Array;
}

/**
 * The ground truth a batch carries; every batch made by {@link wavePacketExperiment} has it.
 * @param batch - a batch of the wave-packet batch source.
 * @returns (ξ₀, A) per example, batch × 2.
 * @throws {@link PgValidationError} if the batch has no `parameters` of length batch × 2.
 * @example
 * import { random } from "@pg/data";
 * import { trueParameters, wavePacketExperiment } from "@pg/experiments";
 * const experiment = wavePacketExperiment();
 * const args = { ...experiment.defaults, batch: 3, backend: undefined, replicas: undefined };
 * console.log(trueParameters(experiment.batches(args, random(0))(1)).length); // 6
 */
export function trueParameters(batch: Batch<WavePacketPhysics>): Float64Array {
  const parameters: unknown = Reflect.get(batch, "parameters");
  if (!(parameters instanceof Float64Array) || 2 * batch.yTarget.length !== parameters.length * WAVE_PACKET_SAMPLES) {
    throw new PgValidationError("wavepacket", "batch.parameters", "a Float64Array of batch × 2 true (ξ₀, A)", parameters);
  }
  return parameters;
}

/**
 * Batch means of |ξ₀ − ξ₀*| and |A − A*| for predictions and ground truth stored [ξ₀, A] per example.
 * @param x - predictions, batch × 2.
 * @param truth - ground truth, batch × 2.
 * @returns `center`: the MAE of ξ₀ (the experiment's x_err); `amplitude`: the MAE of A.
 * @throws {@link PgShapeError} unless `truth` is a Float64Array of even, non-zero length and `x` one of the same length.
 * @example
 * import { parameterErrors } from "@pg/experiments";
 * const errors = parameterErrors(Float64Array.of(100, 2, 50, 1), Float64Array.of(110, 3, 40, 1.5));
 * console.log(errors.center, errors.amplitude); // 10 0.75
 */
export function parameterErrors(x: Float64Array, truth: Float64Array): { readonly center: number; readonly amplitude: number } {
  if (!(truth instanceof Float64Array) || truth.length === 0 || truth.length % 2 !== 0) {
    throw new PgShapeError("parameterErrors", "truth", "type Float64Array of length batch × 2 (ξ₀, A per example)", truth);
  }
  const batch = truth.length / 2;
  if (!(x instanceof Float64Array) || x.length !== truth.length) {
    throw new PgShapeError("parameterErrors", "x", `type Float64Array of length batch × 2 = ${truth.length} (batch = ${batch}, from truth)`, x);
  }
  let center = 0;
  let amplitude = 0;
  for (let b = 0; b < batch; b++) {
    center += Math.abs((x[2 * b] as number) - (truth[2 * b] as number));
    amplitude += Math.abs((x[2 * b + 1] as number) - (truth[2 * b + 1] as number));
  }
  return { center: center / batch, amplitude: amplitude / batch };
}

/**
 * The network's output transform: raw (o₁, o₂) → (ξ₀, A) = (25.6 + 204.8·sigmoid(o₁), 2 + o₂). ξ₀ stays inside the
 * data range; (0, 0) maps to (128, 2), the L-BFGS-B initial guess, as the paper's outputs are "offset by the same
 * amount as the L-BFGS-B initial guess" (App. B.1).
 * @param raw - the network's output, batch × 2.
 * @returns (ξ₀, A) per example, batch × 2; differentiable.
 * @throws {@link PgShapeError} unless `raw` is a tensor of shape [batch, 2].
 * @example
 * import { tensor2d } from "@tensorflow/tfjs";
 * import { wavePacketOutput } from "@pg/experiments";
 * const x = wavePacketOutput(tensor2d([0, 0], [1, 2]));
 * console.log(Array.from(x.dataSync()).map((v) => v.toFixed(3)).join(" ")); // 128.000 2.000
 */
export function wavePacketOutput(raw: tf.Tensor): tf.Tensor {
  if (!(raw instanceof tf.Tensor) || raw.rank !== 2 || raw.shape[1] !== 2) {
    throw new PgShapeError("wavePacketOutput", "raw", "shape [batch, 2] (the network's two outputs per example)", raw instanceof tf.Tensor ? raw.shape : raw);
  }
  return tf.tidy(() => {
    const { low, high } = WAVE_PACKET_DATA.center;
    const [o1, o2] = tf.split(raw, 2, 1) as [tf.Tensor, tf.Tensor];
    const center = tf.add(tf.mul(tf.sigmoid(o1), high - low), low);
    const amplitude = tf.add(o2, 2);
    return tf.concat([center, amplitude], 1);
  });
}

/** The environment variable that picks the CNN's initialisation (the run contract allows no extra flag). */
export const WAVE_PACKET_INITIALIZATION_VARIABLE = "WAVEPACKET_INITIALIZATION";

/**
 * Reads the CNN's initialisation from the value of `WAVEPACKET_INITIALIZATION` (undefined or empty → "glorot").
 * @param value - the variable's value, e.g. `process.env.WAVEPACKET_INITIALIZATION`.
 * @returns "glorot" or "pytorch".
 * @throws {@link PgValidationError} naming `WAVEPACKET_INITIALIZATION`, the accepted values and the value received.
 * @example
 * import { wavePacketInitialization } from "@pg/experiments";
 * console.log(wavePacketInitialization(""), wavePacketInitialization("pytorch")); // glorot pytorch
 */
export function wavePacketInitialization(value: string | undefined): WaveCnnInitialization {
  const expected = `one of ${WAVE_CNN_INITIALIZATIONS.join(", ")}`;
  if (value !== undefined && typeof value !== "string") throw new PgValidationError("wavepacket", WAVE_PACKET_INITIALIZATION_VARIABLE, expected, value);
  const text = value?.trim();
  if (text === undefined || text === "") return "glorot";
  const known: readonly string[] = WAVE_CNN_INITIALIZATIONS;
  if (!known.includes(text)) {
    const suggestion = closestName(text, known);
    throw new PgValidationError("wavepacket", WAVE_PACKET_INITIALIZATION_VARIABLE, expected, text, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  return text as WaveCnnInitialization;
}

/** Options of {@link wavePacketExperiment}. */
export interface WavePacketExperimentOptions {
  /** @defaultValue 1e-3 */
  readonly learningRate?: number;
  /** Noise standard deviation of the data (illegible in the paper's text; 1 is our reading). @defaultValue 1 */
  readonly noise?: number;
  /**
   * Initial weights of the CNN. `'glorot'` (TensorFlow/Keras defaults) because under `'pytorch'` (PyTorch's defaults, which
   * the authors' released code uses for its other networks) the untrained network's output does not depend on its
   * input and Adam spends ~100 iterations escaping that plateau (examples/wavepacket README). @defaultValue 'glorot'
   */
  readonly initialization?: WaveCnnInitialization;
}

const WAVE_PACKET_OPTION_KEYS = ["learningRate", "noise", "initialization"] as const satisfies readonly (keyof WavePacketExperimentOptions)[];
true satisfies OptionKeysCover<WavePacketExperimentOptions, typeof WAVE_PACKET_OPTION_KEYS>;

/** The wave-packet experiment: a run-contract definition with its physics and settings. */
export interface WavePacketExperiment extends ExperimentDefinition<WavePacketPhysics> {
  readonly physics: WavePacketPhysics;
  readonly initialization: WaveCnnInitialization;
  readonly noise: number;
}

/** One line for `pg list`; the registry shows it too. */
export const WAVE_PACKET_DESCRIPTION =
  "wave-packet localisation, a CNN finds a noisy packet's centre and amplitude (paper Figs. 1, 8): Adam through the forward model";

/**
 * Wave-packet localisation (paper Fig. 1, App. B.1, Fig. 8): the 1-D CNN (17,522 parameters) maps the noisy
 * 256-sample signal y* to (ξ₀, A), trained unsupervised through the analytic forward model with Adam 1e-3, batch
 * 100, on L = ‖y(ξ₀, A) − y*‖² averaged over the batch. `x_err` is the MAE of ξ₀ ({@link parameterErrors}); the
 * L-BFGS-B and random-guessing references of Fig. 8 are examples/wavepacket's own.
 * @param options - {@link WavePacketExperimentOptions}.
 * @returns a {@link WavePacketExperiment} named "wavepacket".
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested), a learning rate that is
 * not a finite number > 0, a noise that is not a finite number ≥ 0 or an unknown initialisation; `batches` for an
 * `args.batch` that is not a positive integer; `method` for an unknown method.
 * @example
 * import { random } from "@pg/data";
 * import { wavePacketExperiment } from "@pg/experiments";
 * const experiment = wavePacketExperiment({ initialization: "pytorch" });
 * console.log(experiment.name, experiment.settings.initialization, experiment.settings.noise); // wavepacket pytorch 1
 * const args = { ...experiment.defaults, batch: 2, backend: undefined, replicas: undefined };
 * const batch = experiment.batches(args, random(0))(1);
 * console.log(batch.inputShape.join("×"), batch.yTarget.length); // 256×1 512
 */
export function wavePacketExperiment(options: WavePacketExperimentOptions = {}): WavePacketExperiment {
  const where = "wavePacketExperiment";
  const checked = requireKnownKeys(where, "options", options, WAVE_PACKET_OPTION_KEYS);
  const learningRate = requirePositive(where, "options.learningRate", checked.learningRate ?? 1e-3);
  const noise = checked.noise ?? 1;
  if (typeof noise !== "number" || !Number.isFinite(noise) || noise < 0) throw new PgValidationError(where, "options.noise", "a finite number ≥ 0", noise);
  const initialization = checked.initialization ?? "glorot";
  if (!(WAVE_CNN_INITIALIZATIONS as readonly unknown[]).includes(initialization)) {
    const suggestion = typeof initialization === "string" ? closestName(initialization, WAVE_CNN_INITIALIZATIONS) : undefined;
    throw new PgValidationError(where, "options.initialization", `one of ${WAVE_CNN_INITIALIZATIONS.map((name) => JSON.stringify(name)).join(", ")}`, initialization, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  }
  const physics = wavePacketPhysics();
  return {
    name: "wavepacket",
    description: WAVE_PACKET_DESCRIPTION,
    settings: { initialization, noise },
    defaults: { iterations: 300, batch: 100, seed: 0, methods: WAVE_PACKET_METHODS, out: "runs/wavepacket" },
    knownMethods: WAVE_PACKET_METHODS,
    physics,
    initialization,
    noise,
    reduction: "mean",
    outputTransform: (x) => wavePacketOutput(x),
    inputShape: [WAVE_PACKET_SAMPLES, 1],
    outputShape: [2],
    averageWindow: WAVE_PACKET_AVERAGE_WINDOW,
    reportIterations: WAVE_PACKET_REPORT_ITERATIONS,
    figures: {
      labels: { x_err: "x_err = |ξ₀ − ξ₀*| (batch mean)", loss: "loss = ‖y − y*‖² (batch mean)" },
      smoothing: WAVE_PACKET_AVERAGE_WINDOW,
      logY: true,
    },
    network: (seed) => waveCnn({ seed, initialization }),
    batches(args, stream) {
      const batch = requireBatchArgument("wavepacket", args);
      return (): WavePacketTrainingBatch => {
        const { parameters, y } = wavePackets(stream, { batch, noise });
        return { input: y, inputShape: [WAVE_PACKET_SAMPLES, 1], yTarget: y, parameters };
      };
    },
    method(name): MethodPlan<WavePacketPhysics> {
      requireMethodName("wavepacket", name, WAVE_PACKET_METHODS);
      return { optimizer: adam(learningRate), scheme: scheme(backprop<WavePacketPhysics>()) };
    },
    xError(report) {
      return parameterErrors(report.x, trueParameters(report.batch)).center;
    },
    // x_err is the error of ξ₀; the amplitude's error is a column of its own (Fig. 8 plots both).
    extraMetrics: {
      columns: ["amplitude_err"],
      values: (report) => ({ amplitude_err: parameterErrors(report.x, trueParameters(report.batch)).amplitude }),
    },
  };
}
