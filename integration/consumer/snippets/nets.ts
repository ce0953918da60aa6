// @pg/nets alone (with its peer @tensorflow/tfjs): a U-net saved with saveNetwork and loaded back predicts the same,
// bit for bit.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { countParameters, loadNetwork, networkConfigOf, saveNetwork, unet } from "@pg/nets";

const network = unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0 });
assert.equal(countParameters(network), 37697);
const directory = mkdtempSync(join(tmpdir(), "pg-consumer-nets-"));
try {
  await saveNetwork(network, directory);
  assert.deepEqual(readdirSync(directory).sort(), ["network.json", "weights.bin"]);
  const copy = await loadNetwork(directory);
  assert.equal(networkConfigOf(copy)?.builder, "unet");
  assert.equal(countParameters(copy), 37697);
  const input = tf.randomNormal([2, 16, 16, 1], 0, 1, "float32", 1);
  const before = await (network.predict(input) as tf.Tensor).data();
  const after = await (copy.predict(input) as tf.Tensor).data();
  assert.equal(before.length, 2 * 16 * 16);
  assert.deepEqual(Array.from(after), Array.from(before));
} finally {
  rmSync(directory, { recursive: true, force: true });
}
console.log("ok @pg/nets", tf.getBackend());
