// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docExampleSuite } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as example from "../src/index";

docExampleSuite({
  namespace: example,
  sourceDirectory: path.join(__dirname, "..", "src"),
  modules: { "@pg/example-sin-rotated": example, "node:fs": fs, "node:os": os, "node:path": path },
  test: { describe, it, expect },
});
