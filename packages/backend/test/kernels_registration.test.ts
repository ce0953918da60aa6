/**
 * Registration before the wasm backend is initialised: the kernels (and the stock kernels kept under an alias,
 * whose setup must then run at initialisation) work once wasm starts. A separate file, so wasm starts fresh.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";

import { registerTrainingKernels } from "../src/register_training_kernels";
import { selfTestTrainingKernels } from "../src/training_kernels_self_test";
import { TRAINING_KERNEL_NAMES } from "./training_kernel_names";

const registered = registerTrainingKernels();
const wasmAvailable = await tf.setBackend("wasm").catch(() => false);

describe.skipIf(!wasmAvailable)("training kernels registered before the wasm backend starts (backend 'wasm')", () => {
  it("were all registered", () => {
    expect(registered).toEqual([...TRAINING_KERNEL_NAMES]);
  });

  it("run the stock Tile kept under its alias, whose setup ran when wasm started", () => {
    const tiled = tf.tile(tf.tensor([[1, 2], [3, 4]]), [2, 1]);
    expect(Array.from(tiled.dataSync())).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    tiled.dispose();
  });

  it("pass the self-test", async () => {
    await expect(selfTestTrainingKernels()).resolves.toEqual({ ok: true, failures: [] });
    expect(tf.getBackend()).toBe("wasm");
  });
});
