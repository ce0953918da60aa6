// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
import * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { join } from "node:path";
import * as experiments from "@pg/experiments";
import { docExampleSuite, releasingTensors } from "@pg/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import * as table1 from "../src/table1";
import * as command from "../src/table1_command";
import * as fixture from "./table1_fixture";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
docExampleSuite({
  namespace: { ...table1, ...command },
  sourceDirectory: join(__dirname, "..", "src"),
  modules: { "./table1": table1, "./table1_command": command, "../test/table1_fixture": fixture, "@pg/experiments": experiments, "node:fs": fs, "node:os": os, "node:path": path },
  test: { describe, it, expect },
  around: releasingTensors,
});
