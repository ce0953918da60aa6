// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import * as core from "@pg/core";
import { docExampleSuite, releasingTensors } from "@pg/core/testing";
import * as nets from "@pg/nets";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as backend from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
// The examples about choosing a backend may leave another one active: every example starts on cpu.
afterEach(async () => {
  await tf.setBackend("cpu");
});

docExampleSuite({
  namespace: backend,
  sourceDirectory: path.join(__dirname, "..", "src"),
  modules: {
    "@pg/backend": backend,
    "@pg/core": core,
    "@pg/nets": nets,
    "@tensorflow/tfjs": tf,
    "@tensorflow/tfjs-backend-wasm": wasm,
    "node:os": os,
  },
  test: { describe, it, expect },
  // Examples build tensors and models without disposing them: release them after each.
  around: releasingTensors,
});
