import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { adam } from "../src";

/** Gradients by variable name, as `Optimizer.applyGradients` takes them. */
const named = (variables: tf.Variable[], gradients: tf.Tensor[]) => Object.fromEntries(variables.map((v, k) => [v.name, gradients[k] as tf.Tensor])) as unknown as Parameters<tf.AdamOptimizer["applyGradients"]>[0];

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Variables of several shapes, filled deterministically from `seed`. */
function makeVariables(seed: number): tf.Variable[] {
  return [[3, 3, 2, 4], [4], [7]].map((shape, k) => tf.variable(tf.tidy(() => tf.sin(tf.mul(tf.range(0, shape.reduce((a, b) => a * b, 1)), 0.7 + k + seed)).reshape(shape))));
}

/** Gradients for step `step` that vary in sign and magnitude (some tiny, some large). */
function makeGradients(variables: tf.Variable[], step: number): tf.Tensor[] {
  return variables.map((v, k) => tf.tidy(() => tf.mul(tf.cos(tf.mul(tf.range(0, v.size), 1.3 * (step + 1) + k)), 10 ** ((step % 5) - 2)).reshape(v.shape)));
}

function bits(variables: tf.Variable[]): number[][] {
  return variables.map((v) => Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer)));
}

describe("adam", () => {
  const cases: [number, number, number, number | undefined][] = [[1e-3, 0.9, 0.999, 1e-8], [0.05, 0.5, 0.9, undefined]];
  for (const settings of cases) {
    it(`makes tf.train.adam's updates to the bit (lr ${settings[0]}, β ${settings[1]}, ${settings[2]}, ε ${settings[3]})`, () => {
      const ours = makeVariables(0);
      const theirs = makeVariables(0);
      const fused = adam(...settings);
      const reference = tf.train.adam(...settings);
      for (let step = 0; step < 12; step++) {
        const g1 = makeGradients(ours, step);
        const g2 = makeGradients(theirs, step);
        // both call forms: a NamedTensorMap and a NamedTensor[]
        if (step % 2 === 0) fused.applyGradients(named(ours, g1));
        else fused.applyGradients(ours.map((v, k) => ({ name: v.name, tensor: g1[k] as tf.Tensor })));
        reference.applyGradients(named(theirs, g2));
        tf.dispose([...g1, ...g2]);
      }
      expect(bits(ours)).toEqual(bits(theirs));
      expect(fused.iterations).toBe(12);
      expect(fused.getClassName()).toBe("Adam");
      expect(fused.getConfig()).toEqual(reference.getConfig());
    });
  }

  it("keeps tf.train.adam's saved state: weights from one continue bit-identically in the other", async () => {
    const ours = makeVariables(1);
    const theirs = makeVariables(1);
    const fused = adam(0.01);
    const reference = tf.train.adam(0.01);
    const step = (optimizer: tf.Optimizer, variables: tf.Variable[], k: number) => {
      const g = makeGradients(variables, k);
      optimizer.applyGradients(named(variables, g));
      tf.dispose(g);
    };
    for (let k = 0; k < 3; k++) {
      step(fused, ours, k);
      step(reference, theirs, k);
    }
    const fromOurs = tf.train.adam(0.01);
    await fromOurs.setWeights(await fused.getWeights());
    const fromTheirs = adam(0.01);
    await fromTheirs.setWeights(await reference.getWeights());
    for (let k = 3; k < 6; k++) {
      step(fromOurs, ours, k);
      step(fromTheirs, theirs, k);
    }
    expect(bits(ours)).toEqual(bits(theirs));
  });

  it("leaves a variable without a gradient untouched and moves the others", () => {
    const [a, b] = makeVariables(2);
    const before = Array.from((b as tf.Variable).dataSync());
    const aBefore = Array.from((a as tf.Variable).dataSync());
    const g = tf.onesLike(a as tf.Variable);
    adam(0.1).applyGradients(named([a as tf.Variable], [g]));
    g.dispose();
    expect(Array.from((b as tf.Variable).dataSync())).toEqual(before);
    expect(Array.from((a as tf.Variable).dataSync())).not.toEqual(aBefore);
  });
});
