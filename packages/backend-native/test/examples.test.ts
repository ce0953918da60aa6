// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { docExampleSuite } from "@pg/core/testing";
import * as native from "../src/index";

docExampleSuite({
  namespace: native,
  sourceDirectory: join(__dirname, "..", "src"),
  modules: { "@pg/backend-native": native },
  test: { describe, it, expect },
});
