// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import * as core from "@pg/core";
import { docExampleSuite, releasingTensors } from "@pg/core/testing";
import * as data from "@pg/data";
import * as fluid from "@pg/physics-fluid";
import * as toys from "@pg/physics-toys";
import { beforeAll, describe, expect, it } from "vitest";
import * as experiments from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
docExampleSuite({
  namespace: experiments,
  sourceDirectory: join(__dirname, "..", "src"),
  modules: { "@pg/experiments": experiments, "@pg/core": core, "@pg/data": data, "@pg/physics-fluid": fluid, "@pg/physics-toys": toys, "@tensorflow/tfjs": tf },
  test: { describe, it, expect },
  // Examples build tensors without disposing them: release them after each.
  around: releasingTensors,
});
