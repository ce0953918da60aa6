// @pg/core alone (with its peer @tensorflow/tfjs): train() a one-weight network through the toy physics P(x) = 2x,
// and the adjoint check of the "@pg/core/testing" subpath export.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { backprop, scheme, train, type Physics } from "@pg/core";
import { checkAdjoint } from "@pg/core/testing";

const doubling: Physics = {
  name: "2x",
  xShape: [1],
  yShape: [1],
  forward: (x) => x.map((v) => 2 * v),
  adjoint: (_x, dy) => dy.map((v) => 2 * v),
};
assert.ok(checkAdjoint(doubling, { batch: 4 }).relativeError < 1e-8);
assert.ok(checkAdjoint({ ...doubling, adjoint: (_x, dy) => dy.slice() }, { batch: 4 }).relativeError > 0.1); // a wrong adjoint fails

const network = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [1], units: 1, useBias: false, kernelInitializer: "ones" })],
});
const losses: string[] = [];
const result = await train({
  network,
  optimizer: new tf.SGDOptimizer(0.05),
  scheme: scheme(backprop()),
  physics: doubling,
  nextBatch: () => ({ input: Float64Array.of(1, 2), inputShape: [1], yTarget: Float64Array.of(4, 8) }),
  iterations: 3,
  callbacks: {
    onStep: ({ metrics }) => {
      losses.push(metrics.loss.toFixed(3));
    },
  },
});
// L = ½(2w − 4)² + ½(4w − 8)² averaged: w = 1 → 5, and the loss falls by 4× per step.
assert.equal(result.steps, 3);
assert.deepEqual(losses, ["5.000", "1.250", "0.313"]);
assert.equal(network.getWeights()[0]?.dataSync()[0]?.toFixed(3), "1.875");
console.log("ok @pg/core", tf.getBackend(), losses.join(" "));
