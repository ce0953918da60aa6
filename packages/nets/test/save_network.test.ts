import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  deserializeNetwork,
  loadNetwork,
  serializeNetwork,
  mlp,
  networkConfigOf,
  saveNetwork,
  snapshotWeights,
  unet,
  waveCnn,
  type NetworkFile,
} from "../src/index";

const models: tf.LayersModel[] = [];
function keep(model: tf.LayersModel): tf.LayersModel {
  models.push(model);
  return model;
}
let root = "";
let counter = 0;
/** A fresh directory under the temporary root. */
function directory(): string {
  counter += 1;
  return join(root, `network_${counter}`);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  root = await mkdtemp(join(tmpdir(), "pg-nets-"));
});
afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** max |a(x) − b(x)| for one input. */
function largestDifference(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0] as number);
}

describe("saveNetwork / loadNetwork", () => {
  it("round-trips a U-net: identical predictions, weights and configuration", async () => {
    const model = keep(unet({ levels: 3, inputChannels: 2, outputChannels: 1, seed: 5, padding: "circular" }));
    const target = directory();
    const saved = await saveNetwork(model, target);
    expect(saved).toEqual({ networkFile: join(target, "network.json"), weightsFile: join(target, "weights.bin") });
    const loaded = keep(await loadNetwork(target));
    const x = tf.randomNormal([2, 12, 16, 2], 0, 1, "float32", 3);
    expect(largestDifference(model, loaded, x)).toBe(0);
    x.dispose();
    expect(networkConfigOf(loaded)).toEqual(networkConfigOf(model));
    const original = snapshotWeights(model);
    const restored = snapshotWeights(loaded);
    for (const name of Object.keys(original)) {
      expect(Array.from(restored[name] as Float32Array), name).toEqual(Array.from(original[name] as Float32Array));
    }
  });

  it("restores trained (not initial) weights of an MLP, independent of the stored seed", async () => {
    const model = keep(mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 }));
    const kernel = model.getLayer("dense_1").weights[0];
    kernel?.write(tf.mul(kernel.read(), -2));
    const target = directory();
    await saveNetwork(model, target);
    const loaded = keep(await loadNetwork(target));
    const fresh = keep(mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, seed: 0 }));
    const x = tf.linspace(-2, 2, 9).reshape([9, 1]);
    expect(largestDifference(model, loaded, x)).toBe(0);
    expect(largestDifference(fresh, loaded, x)).toBeGreaterThan(0);
    x.dispose();
  });

  it("writes network.json with builder, options and the weight table, and weights.bin as float32 little-endian", async () => {
    const model = keep(waveCnn({ seed: 2 }));
    const target = directory();
    await saveNetwork(model, target);
    const file = JSON.parse(await readFile(join(target, "network.json"), "utf8")) as NetworkFile;
    expect(file.builder).toBe("waveCnn");
    expect(file.options).toEqual({ seed: 2, initialization: "pytorch" });
    expect(file.weights[0]).toEqual({ name: "block_0_convolution_0/kernel", shape: [3, 1, 16], offset: 0, length: 48 });
    expect(file.weights[1]).toEqual({ name: "block_0_convolution_0/bias", shape: [16], offset: 48, length: 16 });
    const bytes = await readFile(join(target, "weights.bin"));
    expect(bytes.byteLength).toBe(4 * 17522);
    const bias = snapshotWeights(model)["block_0_convolution_0/bias"] as Float32Array;
    expect(bytes.readFloatLE(4 * 48)).toBe(bias[0]);
    expect(bytes.readFloatLE(4 * 63)).toBe(bias[15]);
  });

  it("accepts an explicit configuration for a model built by hand, and refuses one that does not match", async () => {
    const input = tf.input({ shape: [1] });
    const hidden = tf.layers.dense({ units: 3, name: "dense_0", activation: "relu" }).apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 1, name: "dense_1" }).apply(hidden) as tf.SymbolicTensor;
    const model = keep(tf.model({ inputs: input, outputs: output }));
    const config = { builder: "mlp", options: { inputSize: 1, hiddenSizes: [3], outputSize: 1, seed: 0 } } as const;
    await expect(saveNetwork(model, directory())).rejects.toThrow(
      "saveNetwork: config must be given for a model not built by mlp, unet, waveCnn or loadNetwork; received undefined.",
    );
    const target = directory();
    await saveNetwork(model, target, config);
    const loaded = keep(await loadNetwork(target));
    const x = tf.tensor2d([[0.5], [-1]]);
    expect(largestDifference(model, loaded, x)).toBe(0);
    x.dispose();
    const wrong = { builder: "mlp", options: { inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 0 } } as const;
    await expect(saveNetwork(model, directory(), wrong)).rejects.toThrow(PgShapeError);
  });

  it("reports a missing directory with the path of network.json", async () => {
    const missing = join(root, "does_not_exist");
    await expect(loadNetwork(missing)).rejects.toThrow(PgValidationError);
    await expect(loadNetwork(missing)).rejects.toThrow(
      `loadNetwork: directory must be a directory containing network.json and weights.bin written by saveNetwork; received ${JSON.stringify(join(missing, "network.json"))}. Reading it failed with ENOENT.`,
    );
  });

  it("reports a missing weights.bin", async () => {
    const target = directory();
    await saveNetwork(keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 })), target);
    await rm(join(target, "weights.bin"));
    await expect(loadNetwork(target)).rejects.toThrow(/weights\.bin.*ENOENT/);
  });

  it("refuses a weights.bin of the wrong size, spelling out the expected bytes", async () => {
    const target = directory();
    await saveNetwork(keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 })), target);
    await writeFile(join(target, "weights.bin"), new Uint8Array(4 * 6));
    await expect(loadNetwork(target)).rejects.toThrow(PgShapeError);
    await expect(loadNetwork(target)).rejects.toThrow(/weights\.bin must have exactly 7 float32 entries = 28 bytes .*received "24 bytes"/);
  });

  it("refuses network.json that is not JSON or names an unknown builder", async () => {
    const target = directory();
    await saveNetwork(keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 })), target);
    const path = join(target, "network.json");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.slice(0, 20));
    await expect(loadNetwork(target)).rejects.toThrow(/must be valid JSON/);
    await writeFile(path, text.replace('"builder": "mlp"', '"builder": "resnet"'));
    await expect(loadNetwork(target)).rejects.toThrow(/field "builder" must be one of "mlp", "unet", "waveCnn"; received "resnet"/);
  });

  it("refuses a weight table that disagrees with the rebuilt model", async () => {
    const target = directory();
    await saveNetwork(keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 })), target);
    const path = join(target, "network.json");
    const file = JSON.parse(await readFile(path, "utf8")) as { options: { hiddenSizes: number[] } };
    file.options.hiddenSizes = [3];
    await writeFile(path, JSON.stringify(file));
    await expect(loadNetwork(target)).rejects.toThrow(/weight "dense_0\/kernel" must have shape \[1, 3\]; received Array\(2\) \[1, 2\]/);
  });

  it("refuses a weight whose offset points past the end of weights.bin", async () => {
    const target = directory();
    await saveNetwork(keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 })), target);
    const path = join(target, "network.json");
    const file = JSON.parse(await readFile(path, "utf8")) as { weights: { offset: number }[] };
    (file.weights[3] as { offset: number }).offset = 7;
    await writeFile(path, JSON.stringify(file));
    await expect(loadNetwork(target)).rejects.toThrow(
      /weight "dense_1\/bias" must be offset \+ length ≤ 7 float32 entries \(the size of weights\.bin\); received \{"offset":7,"length":1\}/,
    );
  });

  it("passes the builder's own validation message through for bad stored options", async () => {
    const target = directory();
    await saveNetwork(keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 })), target);
    const path = join(target, "network.json");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace('"levels": 2', '"levels": 0'));
    await expect(loadNetwork(target)).rejects.toThrow("unet: levels must be a positive integer; received 0.");
  });
});

describe("serializeNetwork / deserializeNetwork", () => {
  it("give the same two parts saveNetwork writes, and rebuild an identical U-net from them", async () => {
    const model = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 4 }));
    const { file, weights } = serializeNetwork(model);
    const target = directory();
    await saveNetwork(model, target);
    expect(JSON.parse(await readFile(join(target, "network.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(file)));
    expect(Array.from(new Uint8Array(await readFile(join(target, "weights.bin"))))).toEqual(Array.from(weights));
    const copy = keep(deserializeNetwork(JSON.parse(JSON.stringify(file)), weights.slice().buffer));
    const x = tf.randomNormal([1, 8, 8, 1], 0, 1, "float32", 9);
    expect(largestDifference(model, copy, x)).toBe(0);
    x.dispose();
  });

  it("name themselves, the parameter and what was expected in their errors", () => {
    const model = keep(mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 }));
    const { file, weights } = serializeNetwork(model);
    expect(() => serializeNetwork({} as tf.LayersModel)).toThrow(/^serializeNetwork: model must be a tf\.LayersModel/);
    expect(() => deserializeNetwork(file, weights.subarray(4))).toThrow(PgShapeError);
    expect(() => deserializeNetwork(file, weights.subarray(4))).toThrow(/^deserializeNetwork: /);
    expect(() => deserializeNetwork(file, [1, 2] as unknown as Uint8Array)).toThrow(/^deserializeNetwork: weights must be a Uint8Array or ArrayBuffer/);
    expect(() => deserializeNetwork("{}", weights)).toThrow(PgValidationError);
  });
});
