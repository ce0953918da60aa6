// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as core from "@pg/core";
import { docExampleSuite, releasingTensors } from "@pg/core/testing";
import * as nets from "@pg/nets";
import { beforeAll, describe, expect, it } from "vitest";
import * as allocator from "../src/allocator_settings";
import * as cli from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
docExampleSuite({
  namespace: cli,
  sourceDirectory: path.join(__dirname, "..", "src"),
  modules: { "@pg/cli": cli, "@pg/cli/allocator": allocator, "@pg/core": core, "@pg/nets": nets, "@tensorflow/tfjs": tf, "node:fs": fs, "node:os": os, "node:path": path },
  test: { describe, it, expect },
  // Examples build tensors and models without disposing them: release them after each.
  around: releasingTensors,
  // runExperiment's example needs a whole (tiny) ExperimentDefinition; every other example stays within 15 lines.
  maxLines: 30,
});
