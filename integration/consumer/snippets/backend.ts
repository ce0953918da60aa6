// @pg/backend alone (with its peer @tensorflow/tfjs): initBackend() must find the wasm backend it ships with, and the
// training kernels it registers on wasm must agree with cpu.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend, selfTestTrainingKernels } from "@pg/backend";

const selection = await initBackend();
console.log("backend", selection.name, JSON.stringify(selection.skipped));
assert.equal(selection.name, "wasm", `initBackend() chose ${selection.name}; skipped: ${JSON.stringify(selection.skipped)}`);
assert.equal(tf.getBackend(), selection.tfjsName);

const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
assert.deepEqual(Array.from(await product.data()), [17, 39]);
const kernels = await selfTestTrainingKernels();
assert.ok(kernels.ok, `training kernels on wasm: ${JSON.stringify(kernels.failures)}`);
assert.equal(tf.getBackend(), selection.tfjsName);
console.log("ok @pg/backend", selection.name);
