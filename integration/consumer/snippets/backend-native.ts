// @pg/backend-native alone: on linux-x64 its prebuilt addon loads and convolves; elsewhere it says why it does not.
import assert from "node:assert/strict";
import { loadNativeKernels } from "@pg/backend-native";

const status = loadNativeKernels();
if (`${process.platform}-${process.arch}` === "linux-x64") {
  assert.ok(status.available, `the prebuilt linux-x64 addon did not load: ${status.available ? "" : status.reason}`);
  // 3×3 'same' convolution of a 2×2 image of ones with one input channel and 16 all-ones filters: every output sums
  // the 4 pixels its window covers.
  const y = new Float32Array(2 * 2 * 16);
  const dims = Int32Array.of(1, 2, 2, 1, 2, 2, 16, 3, 3, 1, 1);
  status.kernels.conv2d(new Float32Array(4).fill(1), new Float32Array(9 * 16).fill(1), null, y, dims, false);
  assert.deepEqual([...new Set(y)], [4]);
  console.log("ok @pg/backend-native", status.kernels.instructionSet);
} else {
  assert.ok(!status.available && status.reason.length > 0);
  console.log("ok @pg/backend-native", status.reason);
}
