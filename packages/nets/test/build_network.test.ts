import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { beforeAll, describe, expect, it } from "vitest";
import { buildNetwork, networkConfigOf, snapshotWeights, unet, type NetworkConfig } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("buildNetwork", () => {
  it("rebuilds a network from networkConfigOf with bit-identical initial weights", () => {
    const original = unet({ levels: 2, inputChannels: 1, outputChannels: 2, seed: 13, filters: 4 });
    const config = networkConfigOf(original);
    expect(config?.builder).toBe("unet");
    const rebuilt = buildNetwork(config as NetworkConfig);
    const first = snapshotWeights(original);
    const second = snapshotWeights(rebuilt);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const name of Object.keys(first)) {
      expect(Array.from(second[name] as Float32Array), name).toEqual(Array.from(first[name] as Float32Array));
    }
    original.dispose();
    rebuilt.dispose();
  });

  it("returns no configuration for a model it did not build", () => {
    const input = tf.input({ shape: [1] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
    expect(networkConfigOf(model)).toBeUndefined();
    model.dispose();
  });

  it("rejects an unknown builder, naming it", () => {
    const config = { builder: "resnet", options: {} } as unknown as NetworkConfig;
    expect(() => buildNetwork(config)).toThrow(PgValidationError);
    expect(() => buildNetwork(config)).toThrow(
      'buildNetwork: config.builder must be one of "mlp", "unet", "waveCnn"; received "resnet".',
    );
  });
});
