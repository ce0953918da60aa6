// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import * as core from "../src/index";
import * as testing from "../src/testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
// Only the public entry (src/index) needs an example per function; examples in testing.ts import "@pg/core/testing".
testing.docExampleSuite({
  namespace: core,
  sourceDirectory: join(__dirname, "..", "src"),
  modules: { "@pg/core": core, "@pg/core/testing": testing, "@tensorflow/tfjs": tf },
  test: { describe, it, expect },
  // Examples build tensors and models without disposing them: release them after each.
  around: testing.releasingTensors,
});
