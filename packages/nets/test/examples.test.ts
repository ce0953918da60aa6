// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as core from "@pg/core";
import { docExampleSuite, releasingTensors } from "@pg/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import * as nets from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
docExampleSuite({
  namespace: nets,
  sourceDirectory: path.join(__dirname, "..", "src"),
  modules: { "@pg/nets": nets, "@pg/core": core, "@tensorflow/tfjs": tf, "node:fs": fs, "node:os": os, "node:path": path },
  test: { describe, it, expect },
  // Examples build tensors and models without disposing them: release them after each.
  around: releasingTensors,
});
