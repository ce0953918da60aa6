// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as core from "@pg/core";
import { docExampleAnnotations, docExamplesOf, runDocExample, undocumentedFunctions } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import * as heat from "../src/index";

const modules: Record<string, unknown> = { "@pg/physics-heat": heat, "@pg/core": core };
const sourceDirectory = join(__dirname, "..", "src");
const examples = readdirSync(sourceDirectory)
  .filter((file) => file.endsWith(".ts"))
  .flatMap((file) => docExamplesOf(file, readFileSync(join(sourceDirectory, file), "utf8")));

describe("TSDoc examples", () => {
  it("exist for every exported function", () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(undocumentedFunctions(heat, examples)).toEqual([]);
  });

  it.each(examples.map((example, index) => [`${example.file} #${index}`, example] as const))(
    "%s runs and prints its annotated values",
    (_, example) => {
      const expected = docExampleAnnotations(example.code);
      expect(expected.length).toBeGreaterThan(0);
      expect(example.code.split("\n").length).toBeLessThanOrEqual(15);
      expect(runDocExample(example.code, modules)).toEqual(expected);
    },
  );
});
