import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { countParameters, networkConfigOf, unet } from "../src/index";

const models: tf.LayersModel[] = [];
function keep(model: tf.LayersModel): tf.LayersModel {
  models.push(model);
  return model;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterEach(() => {
  for (const model of models.splice(0)) model.dispose();
});

/** A seeded [batch, height, width, channels] input. */
function randomInput(batch: number, height: number, width: number, channels: number, seed = 1): tf.Tensor4D {
  return tf.randomNormal([batch, height, width, channels], 0, 1, "float32", seed) as tf.Tensor4D;
}

describe("unet", () => {
  it("has 37,697 trainable parameters for levels 4, 1 → 1 channel (Poisson, heat)", () => {
    expect(countParameters(keep(unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0 })))).toBe(37697);
  });

  it("has 49,570 trainable parameters for levels 5, 2 → 2 channels (fluid)", () => {
    expect(countParameters(keep(unet({ levels: 5, inputChannels: 2, outputChannels: 2, seed: 0 })))).toBe(49570);
  });

  it("has the same parameter count with circular padding", () => {
    const model = keep(unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0, padding: "circular" }));
    expect(countParameters(model)).toBe(37697);
  });

  it("keeps no non-trainable weights (no running batch-norm statistics)", () => {
    const model = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 }));
    expect(model.nonTrainableWeights).toHaveLength(0);
  });

  it("maps a 64×64 input to a 64×64 output", () => {
    const model = keep(unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0 }));
    const output = tf.tidy(() => model.predict(randomInput(1, 64, 64, 1)) as tf.Tensor);
    expect(output.shape).toEqual([1, 64, 64, 1]);
    expect(Array.from(output.dataSync()).every(Number.isFinite)).toBe(true);
    output.dispose();
  });

  it("maps 60×80 to 60×80 through the odd pooling chain 60 → 30 → 15 → 7 (fixed size)", () => {
    const model = keep(unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0, height: 60, width: 80 }));
    expect(model.getLayer("encoder_3_pooling").outputShape).toEqual([null, 7, 10, 16]);
    expect(model.getLayer("decoder_2_upsampling").outputShape).toEqual([null, 14, 20, 16]);
    expect(model.getLayer("decoder_2_concatenation").outputShape).toEqual([null, 15, 20, 32]);
    expect(model.outputs[0]?.shape).toEqual([null, 60, 80, 1]);
    const output = tf.tidy(() => model.predict(randomInput(1, 60, 80, 1)) as tf.Tensor);
    expect(output.shape).toEqual([1, 60, 80, 1]);
    expect(Array.from(output.dataSync()).every(Number.isFinite)).toBe(true);
    output.dispose();
  });

  it("accepts odd sizes when the spatial size is left open (30 × 22 with 4 levels)", () => {
    const model = keep(unet({ levels: 4, inputChannels: 2, outputChannels: 3, seed: 0 }));
    expect(model.inputs[0]?.shape).toEqual([null, null, null, 2]);
    const output = tf.tidy(() => model.predict(randomInput(2, 30, 22, 2)) as tf.Tensor);
    expect(output.shape).toEqual([2, 30, 22, 3]);
    output.dispose();
  });

  it("normalises with the batch's statistics in inference: an example's output depends on the rest of the batch", () => {
    const model = keep(unet({ levels: 3, inputChannels: 1, outputChannels: 1, seed: 2 }));
    const [alone, together] = tf.tidy(() => {
      const pair = randomInput(2, 16, 16, 1, 4);
      const first = tf.slice(pair, [0, 0, 0, 0], [1, 16, 16, 1]);
      return [model.predict(first) as tf.Tensor, tf.slice(model.predict(pair) as tf.Tensor, [0, 0, 0, 0], [1, 16, 16, 1])];
    }) as [tf.Tensor, tf.Tensor];
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(alone, together))).dataSync()[0] as number);
    expect(difference).toBeGreaterThan(1e-3);
    tf.dispose([alone, together]);
  });

  it("gives the same result from predict (inference) and apply with training: true", () => {
    const model = keep(unet({ levels: 3, inputChannels: 1, outputChannels: 1, seed: 2 }));
    const difference = tf.tidy(() => {
      const x = randomInput(2, 16, 16, 1, 9);
      const predicted = model.predict(x) as tf.Tensor;
      const applied = model.apply(x, { training: true }) as tf.Tensor;
      return tf.max(tf.abs(tf.sub(predicted, applied))).dataSync()[0] as number;
    });
    expect(difference).toBe(0);
  });

  it("gives bit-identical weights for the same seed and different ones for another seed", () => {
    const read = (seed: number) => {
      const model = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed }));
      return model.getLayer("decoder_0_convolution_0").getWeights().map((weight) => Array.from(weight.dataSync()));
    };
    const [kernel, bias] = read(11);
    const [kernelAgain, biasAgain] = read(11);
    const [kernelOther] = read(12);
    expect(kernelAgain).toEqual(kernel);
    expect(biasAgain).toEqual(bias);
    expect(kernelOther).not.toEqual(kernel);
  });

  it("initialises convolutions in U(−1/√(channels·9), 1/√(channels·9)) and batch norm at γ = 1, β = 0", () => {
    const model = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 }));
    const [kernel] = model.getLayer("decoder_0_convolution_0").getWeights(); // 32 input channels
    const values = Array.from(kernel?.dataSync() ?? []);
    const bound = 1 / Math.sqrt(32 * 9);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    const [gamma, beta] = model.getLayer("encoder_0_normalization_0").getWeights();
    expect(Array.from(gamma?.dataSync() ?? [])).toEqual(new Array(16).fill(1));
    expect(Array.from(beta?.dataSync() ?? [])).toEqual(new Array(16).fill(0));
  });

  it("passes finite gradients to every weight, non-zero except conv biases cancelled by batch norm", () => {
    const model = keep(unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 3 }));
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const names = new Map(model.trainableWeights.map((weight) => [weight.name, weight.originalName]));
    const x = randomInput(2, 16, 16, 1, 5);
    const probe = randomInput(2, 16, 16, 1, 6);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x) as tf.Tensor, probe)) as tf.Scalar, variables);
    expect(Object.keys(grads)).toHaveLength(variables.length);
    for (const [variableName, gradient] of Object.entries(grads)) {
      const name = names.get(variableName) ?? variableName;
      const values = Array.from(gradient.dataSync());
      expect(values.every(Number.isFinite), name).toBe(true);
      const largest = Math.max(...values.map(Math.abs));
      // A bias added right before batch norm is removed with the batch mean: its exact gradient is zero.
      const isCancelled = /_convolution_\d\/bias$/.test(name);
      if (isCancelled) expect(largest, name).toBeLessThan(1e-4);
      else expect(largest, name).toBeGreaterThan(1e-2);
    }
    tf.dispose([x, probe, ...Object.values(grads)]);
  });

  it("survives tfjs JSON serialization, its custom layers registered", async () => {
    const model = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 6, padding: "circular" }));
    const topology = model.toJSON(null, false) as tf.io.ModelJSON["modelTopology"];
    const copy = keep(await tf.models.modelFromJSON({ modelTopology: topology }));
    copy.setWeights(model.getWeights());
    const difference = tf.tidy(() => {
      const x = randomInput(2, 8, 8, 1, 7);
      return tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor))).dataSync()[0] as number;
    });
    expect(copy.getLayer("encoder_0_normalization_0").getClassName()).toBe("PgBatchStatisticsNormalization");
    expect(copy.getLayer("encoder_0_convolution_0_padding").getClassName()).toBe("PgCircularPadding2D");
    expect(difference).toBe(0);
  });

  it("records its options with the defaults filled in", () => {
    const model = keep(unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 4 }));
    expect(networkConfigOf(model)).toEqual({
      builder: "unet",
      options: { levels: 2, filters: 16, inputChannels: 1, outputChannels: 1, seed: 4, padding: "zero" },
    });
  });

  describe("exceptions", () => {
    const valid = { levels: 4, inputChannels: 1, outputChannels: 1, seed: 0 };
    it("rejects levels 0", () => {
      const call = () => unet({ ...valid, levels: 0 });
      expect(call).toThrow(PgValidationError);
      expect(call).toThrow("unet: levels must be a positive integer; received 0.");
    });
    it("rejects filters −1", () => {
      expect(() => unet({ ...valid, filters: -1 })).toThrow("unet: filters must be a positive integer; received -1.");
    });
    it("rejects an unknown padding", () => {
      expect(() => unet({ ...valid, padding: "reflect" as "zero" })).toThrow(
        'unet: padding must be one of "zero", "circular"; received "reflect".',
      );
    });
    it("rejects a known height the pooling chain cannot reach", () => {
      const call = () => unet({ ...valid, height: 6, width: 64 });
      expect(call).toThrow(PgValidationError);
      expect(call).toThrow("unet: height must be an integer ≥ 2^(levels − 1) = 8 so that 3 max-poolings leave a cell (levels = 4); received 6.");
    });
    it("rejects a height given without a width", () => {
      expect(() => unet({ ...valid, height: 64 })).toThrow("unet: width must be given when the other spatial size is given; received undefined.");
    });
    it("refuses, at call time, an open-size input the pooling chain cannot reach", () => {
      const model = keep(unet({ ...valid, levels: 3 }));
      const x = tf.zeros([1, 3, 8, 1]);
      expect(() => model.predict(x)).toThrow(PgShapeError);
      expect(() => model.predict(x)).toThrow(
        "unet: input must have shape [batch, height, width, channels] with height and width ≥ 2^(levels − 1) = 4 (levels = 3); received Array(4) [1, 3, 8, 1].",
      );
      x.dispose();
    });
  });
});
