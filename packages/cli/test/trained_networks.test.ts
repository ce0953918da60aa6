import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { backprop, scheme, type Batch, type Physics } from "@pg/core";
import { loadNetwork, mlp, snapshotWeights } from "@pg/nets";
import { beforeAll, describe, expect, it } from "vitest";
import { runExperiment, saveTrainedNetwork, type ExperimentDefinition } from "../src/index";

const quiet = () => undefined;

/** y = 2x per example, x and y scalars. */
const doubling: Physics = {
  name: "2x",
  xShape: [1],
  yShape: [1],
  forward: (x) => x.map((v) => 2 * v),
  adjoint: (_x, dy) => dy.map((v) => 2 * v),
};

/** A one-method experiment on `doubling`; the batch of step `nanAt` carries a NaN input. */
function experiment(nanAt = Number.POSITIVE_INFINITY): ExperimentDefinition<Physics> {
  return {
    name: "doubling",
    defaults: { iterations: 4, batch: 4, seed: 0, methods: ["adam"], out: "unused" },
    knownMethods: ["adam"],
    physics: doubling,
    reduction: "mean",
    inputShape: [1],
    outputShape: [1],
    network: (seed) => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed }),
    batches: () => (step): Batch<Physics> => {
      const y = Float64Array.from([1, -0.5, 0.25, 2]);
      const input = Float64Array.from(y);
      if (step === nanAt) input[1] = Number.NaN;
      return { input, inputShape: [1], yTarget: y };
    },
    method: () => ({ scheme: scheme(backprop<Physics>()), optimizer: tf.train.adam(0.05) }),
    xError: () => 0,
    averageWindow: 2,
    reportIterations: [2],
  };
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("runExperiment keeps the trained networks", () => {
  it("saves networks/<method>, loadable, holding trained (not initial) weights", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-cli-networks-"));
    const summary = await runExperiment(experiment(), ["--out", out, "--backend", "cpu"], { log: quiet, handleSignals: false });
    expect(summary.methods["adam"]).toMatchObject({ network: "networks/adam", networkIteration: 4 });
    expect(readdirSync(join(out, "networks"))).toEqual(["adam"]);
    const loaded = await loadNetwork(join(out, "networks", "adam"));
    const initial = experiment().network(0);
    const before = snapshotWeights(initial);
    const after = snapshotWeights(loaded);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(Object.keys(after).some((name) => Array.from(after[name]!).some((v, i) => v !== before[name]![i]))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).methods.adam.network).toBe("networks/adam");
    initial.dispose();
    loaded.dispose();
  });

  it("after a non-finite stop keeps the CSV rows and the network of the last completed step", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-cli-networks-"));
    const summary = await runExperiment(experiment(4), ["--out", out, "--backend", "cpu"], { log: quiet, handleSignals: false });
    const adam = summary.methods["adam"]!;
    expect(adam.error).toMatch(/step 4/);
    expect(adam.iterations).toBe(3);
    expect(adam.networkIteration).toBe(3);
    expect(readFileSync(join(out, "adam.csv"), "utf8").trim().split("\n")).toHaveLength(4);
    const loaded = await loadNetwork(join(out, "networks", "adam"));
    expect(Object.values(snapshotWeights(loaded)).every((values) => values.every(Number.isFinite))).toBe(true);
    loaded.dispose();
  });
});

describe("saveTrainedNetwork", () => {
  it("refuses non-finite weights and leaves the previous save in place", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-cli-networks-"));
    const model = mlp({ inputSize: 1, hiddenSizes: [3], outputSize: 1, seed: 1 });
    expect(await saveTrainedNetwork(out, "m", model)).toEqual({ saved: true, directory: join(out, "networks", "m") });
    const first = readFileSync(join(out, "networks", "m", "weights.bin"));
    const kernel = model.weights[0]!;
    kernel.write(tf.fill(kernel.shape as number[], Number.NaN));
    const outcome = await saveTrainedNetwork(out, "m", model);
    expect(outcome.saved).toBe(false);
    expect(outcome.saved ? "" : outcome.reason).toMatch(/^a weight is not finite \(dense_0\/kernel\[0\] = NaN\)$/);
    expect(readFileSync(join(out, "networks", "m", "weights.bin"))).toEqual(first);
    expect(existsSync(join(out, "networks", "m.partial"))).toBe(false);
    model.dispose();
  });

  it("says why it cannot save a network no @pg/nets builder made", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    expect(await saveTrainedNetwork(mkdtempSync(join(tmpdir(), "pg-cli-networks-")), "m", model)).toEqual({
      saved: false,
      reason: "the network was not built by a @pg/nets builder",
    });
    model.dispose();
  });
});
