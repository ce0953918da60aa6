import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgValidationError, backprop, scheme, type Batch } from "@pg/core";
import { MetricsCsv, type ExperimentDefinition, type MethodPlan, type RunArguments } from "@pg/cli";
import { WAVE_PACKET_DATA, WAVE_PACKET_SAMPLES, random, wavePackets } from "@pg/data";
import { waveCnn, type WaveCnnInitialization } from "@pg/nets";
import { wavePacketPhysics, type WavePacketPhysics } from "@pg/physics-toys";

/** The methods of Fig. 8: the CNN trained with Adam through the forward model (the L-BFGS-B and random references are not trained). */
export const WAVE_PACKET_METHODS = ["adam"] as const;

/** Iterations at which the summary keeps running averages and the final table reports the network (Fig. 8 claim: 30–40). */
export const WAVE_PACKET_CHECKPOINTS: readonly number[] = [10, 30, 40, 100, 300];

/** Running-average window of the curves and of the crossing iteration. */
export const WAVE_PACKET_AVERAGE_WINDOW = 10;

/** Adam with the paper's constants (SPEC §0): β1 0.9, β2 0.999, ε 1e-8. */
function adam(learningRate: number): tf.Optimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

/** A training batch that also carries the ground truth (ξ₀, A), so the errors can be measured against it. */
export interface WavePacketTrainingBatch extends Batch<WavePacketPhysics> {
  /** Ground truth (ξ₀, A) per example, batch × 2. */
  readonly parameters: Float64Array;
}

/** The ground truth a batch carries; every batch made by {@link wavePacketExperiment} has it. */
export function trueParameters(batch: Batch<WavePacketPhysics>): Float64Array {
  const parameters: unknown = Reflect.get(batch, "parameters");
  if (!(parameters instanceof Float64Array) || 2 * batch.yTarget.length !== parameters.length * WAVE_PACKET_SAMPLES) {
    throw new PgValidationError("wavepacket", "batch.parameters", "a Float64Array of batch × 2 true (ξ₀, A)", parameters);
  }
  return parameters;
}

/** Batch means of |ξ₀ − ξ₀*| and |A − A*| for predictions and ground truth stored [ξ₀, A] per example. */
export function parameterErrors(x: Float64Array, truth: Float64Array): { readonly center: number; readonly amplitude: number } {
  const batch = truth.length / 2;
  let center = 0;
  let amplitude = 0;
  for (let b = 0; b < batch; b++) {
    center += Math.abs((x[2 * b] as number) - (truth[2 * b] as number));
    amplitude += Math.abs((x[2 * b + 1] as number) - (truth[2 * b + 1] as number));
  }
  return { center: center / batch, amplitude: amplitude / batch };
}

/**
 * The network's output transform (SPEC §2.8): raw (o₁, o₂) → (ξ₀, A) = (25.6 + 204.8·sigmoid(o₁), 2 + o₂). ξ₀ stays
 * inside the data range; sigmoid(0) maps to 128 and A to 2, the L-BFGS-B initial guess.
 */
export function wavePacketOutput(raw: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { low, high } = WAVE_PACKET_DATA.center;
    const [o1, o2] = tf.split(raw, 2, 1) as [tf.Tensor, tf.Tensor];
    const center = tf.add(tf.mul(tf.sigmoid(o1), high - low), low);
    const amplitude = tf.add(o2, 2);
    return tf.concat([center, amplitude], 1);
  });
}

/** A prediction of the network during training: the step, its batch and the (transformed) x the scheme saw. */
export interface RecordedPrediction {
  readonly step: number;
  readonly batch: WavePacketTrainingBatch;
  readonly x: Float64Array;
}

/** Steps whose predictions are kept per method (the last ones), for Fig. 1 and the network's binned errors. */
export const RECORDED_STEPS = 50;

/** The experiment definition plus what it records beside runExperiment's CSV. */
export interface WavePacketExperiment extends ExperimentDefinition<WavePacketPhysics> {
  /** Per method, the predictions of its last {@link RECORDED_STEPS} steps, oldest first. */
  readonly recentPredictions: ReadonlyMap<string, readonly RecordedPrediction[]>;
}

/** Options of {@link wavePacketExperiment}. */
export interface WavePacketExperimentOptions {
  /** @defaultValue 1e-3 */
  readonly learningRate?: number;
  /** Noise standard deviation of the data (SPEC §10.12 DEFAULT). @defaultValue 1 */
  readonly noise?: number;
  /**
   * Initial weights of the CNN. `'glorot'` (TensorFlow/Keras defaults) because under `'pytorch'` (SPEC §0) the untrained
   * network's output does not depend on its input and Adam spends ~100 iterations escaping that plateau (README).
   * @defaultValue 'glorot'
   */
  readonly initialization?: WaveCnnInitialization;
}

/**
 * Wave-packet localisation (paper Fig. 1, App. B.1, Fig. 8; SPEC §4): the 1-D CNN (17,522 parameters) maps the noisy
 * 256-sample signal y* to (ξ₀, A), trained unsupervised through the analytic forward model with Adam 1e-3, batch
 * 100, on L = ‖y(ξ₀, A) − y*‖² averaged over the batch. Besides `<method>.csv` (x_err = MAE of ξ₀) it writes
 * `<out>/<method>_amplitude.csv` with iteration, xi_err and amplitude_err (MAE of A) per step.
 */
export function wavePacketExperiment(options: WavePacketExperimentOptions = {}): WavePacketExperiment {
  const learningRate = options.learningRate ?? 1e-3;
  const noise = options.noise ?? 1;
  const initialization = options.initialization ?? "glorot";
  const physics = wavePacketPhysics();
  const recentPredictions = new Map<string, RecordedPrediction[]>();
  // runExperiment trains the methods one after another and calls `method` right before each, so the side CSV of the
  // method being trained is the last one opened.
  let current: { name: string; csv: MetricsCsv } | undefined;
  return {
    name: "wavepacket",
    defaults: { iterations: 300, batch: 100, seed: 0, methods: WAVE_PACKET_METHODS, out: "runs/wavepacket" },
    knownMethods: WAVE_PACKET_METHODS,
    physics,
    reduction: "mean",
    outputTransform: (x) => wavePacketOutput(x),
    inputShape: [WAVE_PACKET_SAMPLES, 1],
    outputShape: [2],
    averageWindow: WAVE_PACKET_AVERAGE_WINDOW,
    checkpoints: WAVE_PACKET_CHECKPOINTS,
    recentPredictions,
    network: (seed) => waveCnn({ seed, initialization }),
    batches(args: RunArguments) {
      // Re-seeded for every method: identical batches across methods (SPEC §0).
      const stream = random(args.seed);
      return (): WavePacketTrainingBatch => {
        const { parameters, y } = wavePackets(stream, { batch: args.batch, noise });
        return { input: y, inputShape: [WAVE_PACKET_SAMPLES, 1], yTarget: y, parameters };
      };
    },
    method(name: string, args: RunArguments): MethodPlan<WavePacketPhysics> {
      if (name !== "adam") throw new PgValidationError("wavepacket", "method", `one of ${WAVE_PACKET_METHODS.join(", ")}`, name);
      current?.csv.close();
      // Flushed every row: runExperiment gives the definition no end-of-training hook.
      current = { name, csv: new MetricsCsv(join(args.out, `${name}_amplitude.csv`), ["iteration", "xi_err", "amplitude_err"], 1) };
      recentPredictions.set(name, []);
      return { optimizer: adam(learningRate), scheme: scheme(backprop<WavePacketPhysics>()) };
    },
    xError(report) {
      const truth = trueParameters(report.batch);
      const errors = parameterErrors(report.x, truth);
      if (current !== undefined) {
        current.csv.write({ iteration: report.metrics.step, xi_err: errors.center, amplitude_err: errors.amplitude });
        const recent = recentPredictions.get(current.name) ?? [];
        recent.push({ step: report.metrics.step, batch: { ...report.batch, parameters: truth }, x: report.x });
        if (recent.length > RECORDED_STEPS) recent.shift();
        recentPredictions.set(current.name, recent);
      }
      return errors.center;
    },
  };
}
