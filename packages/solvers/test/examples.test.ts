// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { join } from "node:path";
import * as core from "@pg/core";
import * as toys from "@pg/physics-toys";
import { docExampleSuite } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as solvers from "../src/index";

docExampleSuite({
  namespace: solvers,
  sourceDirectory: join(__dirname, "..", "src"),
  modules: { "@pg/solvers": solvers, "@pg/core": core, "@pg/physics-toys": toys },
  test: { describe, it, expect },
});
