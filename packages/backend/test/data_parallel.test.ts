import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backprop, computeNetworkGradients, physical, scheme, trainStep, type Batch, type InverseSolver, type Physics } from "@pg/core";
import { relativeDifference } from "@pg/core/testing";
import { restoreWeights, snapshotWeights, unet } from "@pg/nets";
import { dataParallel, type DataParallelEngine } from "../src/index";

/** Identity physics on 16×16×1 fields: the backprop gradient is x − y*. */
const identity: Physics = {
  name: "identity",
  xShape: [16, 16, 1],
  yShape: [16, 16, 1],
  forward: (x) => Float64Array.from(x),
  adjoint: (_x, dy) => Float64Array.from(dy),
};

function batchOf(size: number, seed: number): Batch {
  const n = size * 256;
  const input = Float64Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + seed) + 0.3 * Math.cos(0.011 * i * i));
  const yTarget = Float64Array.from({ length: n }, (_, i) => Math.cos(0.23 * i - seed));
  return { input, inputShape: [16, 16, 1], yTarget };
}

function network(): tf.LayersModel {
  return unet({ levels: 3, filters: 8, inputChannels: 1, outputChannels: 1, seed: 4 });
}

function weightsOf(model: tf.LayersModel, skip: (name: string) => boolean = () => false): Float64Array {
  return Float64Array.from(model.trainableWeights.filter((w) => !skip(w.originalName)).flatMap((w) => Array.from(w.read().dataSync())));
}

/** Conv biases directly followed by batch norm get a zero gradient (cancelled by the mean), i.e. pure rounding noise. */
const cancelledBias = (name: string) => /convolution_\d+\/bias$/.test(name) && !name.startsWith("output");

let engine: DataParallelEngine;
let model: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend("cpu");
  model = network();
  engine = await dataParallel({ network: model, inputShape: [16, 16, 1], outputShape: [16, 16, 1], maxBatch: 8, replicas: 2, backend: "cpu" });
}, 300_000);

afterAll(async () => {
  await engine?.dispose();
});

describe("dataParallel", () => {
  it("gives the network gradient of single-process training, batch-norm statistics included", () => {
    const single = network();
    restoreWeights(single, snapshotWeights(model));
    const data = batchOf(7, 1); // odd batch: rows split 4 + 3
    const reference = computeNetworkGradients({ network: single, scheme: scheme(backprop()), physics: identity, batch: data, step: 1, reduction: "sum" });
    const parallel = engine.computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics: identity, batch: data, step: 1, reduction: "sum" });
    const names = single.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const parallelNames = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const ref = Float64Array.from(names.flatMap((n) => Array.from(reference.grads[n]!.dataSync())));
    const par = Float64Array.from(parallelNames.flatMap((n) => Array.from(parallel.grads[n]!.dataSync())));
    expect(relativeDifference(par, ref)).toBeLessThan(1e-5);
    expect(parallel.metrics.loss).toBeCloseTo(reference.metrics.loss, 4);
    single.dispose();
  }, 300_000);

  it("matches single-process parameters after 5 steps (SGD: all; Adam: all but the BN-cancelled conv biases)", () => {
    for (const makeOptimizer of [() => tf.train.sgd(1e-3), () => tf.train.adam(1e-3)]) {
      const single = network();
      const initial = snapshotWeights(single);
      restoreWeights(model, initial);
      const optimizerSingle = makeOptimizer();
      const optimizerParallel = makeOptimizer();
      for (let step = 1; step <= 5; step++) {
        const data = batchOf(8, step);
        trainStep({ network: single, optimizer: optimizerSingle, scheme: scheme(backprop()), physics: identity, batch: data, step, reduction: "mean" });
        trainStep({ network: model, optimizer: optimizerParallel, scheme: scheme(backprop()), physics: identity, batch: data, step, reduction: "mean", engine });
      }
      // Adam turns the rounding noise in the gradients of BN-cancelled biases into ±learning-rate steps, so those
      // biases differ between any two summation orders; they do not change the network's output.
      const isAdam = optimizerSingle.getClassName() === "Adam";
      const skip = isAdam ? cancelledBias : () => false;
      const moved = relativeDifference(weightsOf(single, skip), Float64Array.from(Object.values(initial).filter((_, i) => !skip(single.trainableWeights[i]!.originalName)).flatMap((v) => Array.from(v))));
      expect(moved).toBeGreaterThan(1e-4); // the parameters did change
      expect(relativeDifference(weightsOf(model, skip), weightsOf(single, skip))).toBeLessThan(1e-5);
      single.dispose();
    }
  }, 300_000);

  it("runs the scheme on the whole batch: a physical scheme sees every row", () => {
    const seen: number[] = [];
    const recorder: InverseSolver = { name: "recorder", solve: ({ x, batch }) => (seen.push(batch), { x: x.map((v) => v * 0.5), reasons: new Array(batch).fill("exact"), iterations: new Int32Array(batch).fill(1) }) };
    const result = engine.computeNetworkGradients({ network: model, scheme: scheme(physical({ solver: recorder })), physics: identity, batch: batchOf(6, 3), step: 1 });
    expect(seen).toEqual([6]);
    expect(result.x).toHaveLength(6 * 256);
    expect(result.metrics.reasons).toEqual({ exact: 6 });
  }, 300_000);

  it("starts its workers in a process run with a V8 option (which a worker refuses when it is passed on)", () => {
    const script = fileURLToPath(new URL("./fixtures/replicas_with_v8_option.mjs", import.meta.url));
    const run = spawnSync(process.execPath, ["--max-old-space-size=4096", "--conditions=@pg/source", "--import", "tsx", script], { encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).not.toContain("ERR_WORKER_INVALID_EXEC_ARGV");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^loss \d/m);
  });

  it("refuses a batch smaller than the replica count or larger than maxBatch", () => {
    expect(() => engine.computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics: identity, batch: batchOf(9, 0), step: 1 })).toThrow(
      /dataParallel.computeNetworkGradients: batch must be between 2 and maxBatch = 8 examples; received 9\./,
    );
  });
});

describe("defaultReplicas and measureFreeCores", () => {
  it("uses one replica per free core only when the work per step pays", async () => {
    const { defaultReplicas, measureFreeCores } = await import("../src/index");
    expect(defaultReplicas(37_697, 32, 2)).toBe(2);
    expect(defaultReplicas(37_697, 32, 1.4)).toBe(1);
    expect(defaultReplicas(461, 1000, 2)).toBe(1); // the sin MLP: too little work per step
    expect(defaultReplicas(37_697, 128, 8)).toBe(8);
    expect(defaultReplicas(37_697, 12, 2)).toBe(1); // fewer than 8 examples per replica
    const free = await measureFreeCores(50);
    expect(free).toBeGreaterThanOrEqual(0);
    expect(free).toBeLessThanOrEqual((await import("node:os")).availableParallelism() + 1e-9);
  });
});
