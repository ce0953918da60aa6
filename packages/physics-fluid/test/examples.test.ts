// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { join } from "node:path";
import * as core from "@pg/core";
import { docExampleSuite } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as fluid from "../src/index";

docExampleSuite({
  namespace: fluid,
  sourceDirectory: join(__dirname, "..", "src"),
  modules: { "@pg/physics-fluid": fluid, "@pg/core": core },
  test: { describe, it, expect },
});
