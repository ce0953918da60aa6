import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { random, wavePackets } from "@pg/data";
import { countParameters } from "@pg/nets";
import { beforeAll, describe, expect, it } from "vitest";
import {
  parameterErrors,
  trueParameters,
  wavePacketExperiment,
  wavePacketInitialization,
  wavePacketOutput,
  type RunArguments,
  type WavePacketTrainingBatch,
} from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function argsOf(batch: number, seed: number): RunArguments {
  return { iterations: 1, batch, seed, methods: ["adam"], out: "unused", backend: undefined, replicas: undefined };
}

describe("wavePacketExperiment", () => {
  it("uses the 17,522-parameter CNN, batch 100, Adam, 300 iterations, 'mean' reduction", () => {
    const experiment = wavePacketExperiment();
    expect(experiment.name).toBe("wavepacket");
    expect(experiment.defaults).toMatchObject({ iterations: 300, batch: 100, seed: 0, methods: ["adam"] });
    expect(experiment.reduction).toBe("mean");
    expect(experiment.averageWindow).toBe(10);
    expect(experiment.reportIterations).toEqual([10, 30, 40, 100, 300]);
    expect(experiment.settings).toEqual({ initialization: "glorot", noise: 1 });
    expect(experiment.figures).toMatchObject({ smoothing: 10, logY: true });
    const network = experiment.network(0);
    expect(countParameters(network)).toBe(17522);
    network.dispose();
  });

  it("records the initialisation and the noise it was built with", () => {
    expect(wavePacketExperiment({ initialization: "pytorch", noise: 0.5 }).settings).toEqual({ initialization: "pytorch", noise: 0.5 });
  });

  it("maps raw outputs (o₁, o₂) to (25.6 + 204.8·sigmoid(o₁), 2 + o₂), and (0, 0) to the L-BFGS-B guess (128, 2)", () => {
    const raw = tf.tensor2d([0, 0, 3, -1.5, -40, 0.25], [3, 2]);
    const x = wavePacketOutput(raw);
    const values = Array.from(x.dataSync());
    expect(values[0]).toBeCloseTo(128, 4);
    expect(values[1]).toBeCloseTo(2, 6);
    expect(values[2]).toBeCloseTo(25.6 + 204.8 / (1 + Math.exp(-3)), 3);
    expect(values[3]).toBeCloseTo(0.5, 6);
    expect(values[4]).toBeCloseTo(25.6, 3);
    expect(values[5]).toBeCloseTo(2.25, 6);
    tf.dispose([raw, x]);
  });

  it("differentiates the output transform: ∂ξ₀/∂o₁ = 204.8·σ(1 − σ), ∂A/∂o₂ = 1", () => {
    const raw = tf.tensor2d([0.7, -0.3], [1, 2]);
    const weights = tf.tensor2d([1, 0], [1, 2]);
    const gradient = tf.grad((r: tf.Tensor) => tf.sum(tf.mul(wavePacketOutput(r), weights)))(raw);
    const s = 1 / (1 + Math.exp(-0.7));
    const [dCenter, dAmplitude] = Array.from(gradient.dataSync());
    expect(dCenter).toBeCloseTo(204.8 * s * (1 - s), 3);
    expect(dAmplitude).toBeCloseTo(0, 6);
    const amplitudeGradient = tf.grad((r: tf.Tensor) => tf.sum(tf.mul(wavePacketOutput(r), tf.tensor2d([0, 1], [1, 2]))))(raw);
    expect(Array.from(amplitudeGradient.dataSync())).toEqual([0, 1]);
    tf.dispose([raw, weights, gradient, amplitudeGradient]);
  });

  it("makes batches whose input and target are the noisy packets of the given stream, with the truth attached", () => {
    const experiment = wavePacketExperiment();
    const next = experiment.batches(argsOf(5, 9), random(9));
    const batch = next(1) as WavePacketTrainingBatch;
    const following = next(2) as WavePacketTrainingBatch;
    const stream = random(9);
    const reference = wavePackets(stream, { batch: 5 });
    const referenceFollowing = wavePackets(stream, { batch: 5 });
    expect(batch.inputShape).toEqual([256, 1]);
    expect(batch.input).toEqual(reference.y);
    expect(batch.yTarget).toEqual(reference.y);
    expect(trueParameters(batch)).toEqual(reference.parameters);
    expect(following.yTarget).toEqual(referenceFollowing.y);
    // A second source on a stream of the same seed starts the same data again (every method sees the same data).
    expect(experiment.batches(argsOf(5, 9), random(9))(1).yTarget).toEqual(reference.y);
  });

  it("draws noise-free packets when built with noise 0", () => {
    const batch = wavePacketExperiment({ noise: 0 }).batches(argsOf(2, 1), random(1))(1);
    expect(batch.yTarget).toEqual(wavePackets(random(1), { batch: 2, noise: 0 }).y);
  });

  it("measures x_err as the MAE of ξ₀ against the batch's truth", () => {
    const experiment = wavePacketExperiment();
    const batch = experiment.batches(argsOf(2, 0), random(0))(1) as WavePacketTrainingBatch;
    const x = batch.parameters.map((v, k) => (k % 2 === 0 ? v + (k === 0 ? 4 : -6) : v + 1));
    expect(experiment.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x }, "adam")).toBeCloseTo(5, 10);
  });

  it("refuses a batch without the ground truth and an unknown method", () => {
    const batch = { input: new Float64Array(256), inputShape: [256, 1], yTarget: new Float64Array(256) };
    expect(() => trueParameters(batch)).toThrow(PgValidationError);
    expect(() => trueParameters(batch)).toThrow("wavepacket: batch.parameters must be a Float64Array of batch × 2 true (ξ₀, A); received undefined.");
    expect(() => wavePacketExperiment().method("pg", argsOf(5, 0))).toThrow('wavepacket: method must be one of adam; received "pg".');
  });

  it("measures batch-mean absolute errors of ξ₀ and A", () => {
    const errors = parameterErrors(Float64Array.of(100, 2, 50, 1), Float64Array.of(110, 3, 40, 1.5));
    expect(errors.center).toBe(10);
    expect(errors.amplitude).toBe(0.75);
  });
});

describe("wavePacketInitialization", () => {
  it("reads glorot by default and pytorch when asked", () => {
    expect(wavePacketInitialization(undefined)).toBe("glorot");
    expect(wavePacketInitialization("  ")).toBe("glorot");
    expect(wavePacketInitialization("pytorch")).toBe("pytorch");
  });

  it("refuses an unknown initialisation, naming the variable", () => {
    expect(() => wavePacketInitialization("he")).toThrow(PgValidationError);
    expect(() => wavePacketInitialization("he")).toThrow('wavepacket: WAVEPACKET_INITIALIZATION must be one of pytorch, glorot; received "he".');
  });
});
