import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchStatisticsNormalization } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** The textbook expression, differentiated by tfjs autodiff: the reference for the closed-form gradient. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2], true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

function maxRelative(a: tf.Tensor, b: tf.Tensor): number {
  const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
  const scale = tf.max(tf.abs(b)).dataSync()[0]!;
  return diff / scale;
}

describe("BatchStatisticsNormalization gradient", () => {
  it("matches autodiff of the textbook expression for x, γ and β", () => {
    const layer = new BatchStatisticsNormalization();
    const x = tf.randomNormal([3, 5, 4, 6], 0.5, 2, "float32", 7);
    layer.apply(x);
    const [gammaVar, betaVar] = layer.trainableWeights.map((w) => w.read());
    (gammaVar as tf.Variable).assign(tf.randomUniform([6], 0.5, 1.5, "float32", 3));
    (betaVar as tf.Variable).assign(tf.randomUniform([6], -1, 1, "float32", 4));
    const w = tf.randomNormal([3, 5, 4, 6], 0, 1, "float32", 9);
    const loss = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(x, g, b), w));
    const ours = tf.grads(loss((a, g, b) => { void g; void b; return layer.apply(a) as tf.Tensor; }))([x, gammaVar!, betaVar!]);
    const expected = tf.grads(loss(reference))([x, gammaVar!, betaVar!]);
    expect(maxRelative(layer.apply(x) as tf.Tensor, reference(x, gammaVar!, betaVar!))).toBeLessThan(1e-5);
    expect(maxRelative(ours[0]!, expected[0]!)).toBeLessThan(1e-4);
    const variableGrads = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, w)) as tf.Scalar, [gammaVar as tf.Variable, betaVar as tf.Variable]).grads;
    expect(maxRelative(variableGrads[(gammaVar as tf.Variable).name]!, expected[1]!)).toBeLessThan(1e-5);
    expect(maxRelative(variableGrads[(betaVar as tf.Variable).name]!, expected[2]!)).toBeLessThan(1e-5);
  });
});
