import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  docExampleAnnotations,
  docExampleSuite,
  docExamplesIn,
  docExamplesOf,
  runDocExample,
  runDocExampleAsync,
  undocumentedFunctions,
  type DocExampleTestApi,
} from "../src/testing";

const source = `
/**
 * Doubles.
 * @example
 * import { double } from "m";
 * console.log(double(2)); // 4
 * @returns twice x
 */
export function double(x) { return 2 * x; }
/** No example here. */
export function half(x) { return x / 2; }
`;

describe("docs-check helpers", () => {
  it("extract examples, run them against given modules and read their annotations", () => {
    const examples = docExamplesOf("double.ts", source);
    expect(examples).toEqual([{ file: "double.ts", code: 'import { double } from "m";\nconsole.log(double(2)); // 4' }]);
    const code = examples[0]!.code;
    expect(docExampleAnnotations(code)).toEqual(["4"]);
    expect(runDocExample(code, { m: { double: (x: number) => 2 * x } })).toEqual(["4"]);
    expect(runDocExample(code, { m: { double: (x: number) => 3 * x } })).not.toEqual(docExampleAnnotations(code));
    expect(() => runDocExample(code, {})).toThrow(/imports m, which is not among the modules given/);
  });

  it("lists the exported functions that no example imports", () => {
    const examples = docExamplesOf("double.ts", source);
    expect(undocumentedFunctions({ double: () => 0, half: () => 0, CONSTANT: 3 }, examples)).toEqual(["half"]);
  });

  it("run examples that await, in order", async () => {
    const code = 'import { later } from "m";\nconsole.log(await later(3)); // 3\nconsole.log("done"); // done';
    const modules = { m: { later: (v: number) => new Promise((resolve) => setTimeout(() => resolve(v), 1)) } };
    expect(await runDocExampleAsync(code, modules)).toEqual(["3", "done"]);
    await expect(runDocExampleAsync('import { x } from "absent";', {})).rejects.toThrow(/imports absent/);
  });

  it("register one test for the exports and one per example, which fail on a wrong annotation", async () => {
    const directory = mkdtempSync(join(tmpdir(), "pg-doc-suite-"));
    writeFileSync(join(directory, "b.ts"), source);
    writeFileSync(join(directory, "a.ts"), source.replace("// 4", "// 5").replace("export function half(x) { return x / 2; }", ""));
    expect(docExamplesIn(directory).map((example) => example.file)).toEqual(["a.ts", "b.ts"]);
    const tests = new Map<string, () => void | Promise<void>>();
    const test: DocExampleTestApi = {
      describe: (_, body) => body(),
      it: (name, body) => void tests.set(name, body),
      expect: (actual) => expect(actual),
    };
    docExampleSuite({ namespace: { double: () => 0 }, sourceDirectory: directory, modules: { m: { double: (x: number) => 2 * x } }, test });
    expect([...tests.keys()]).toEqual([
      "exist for every exported function",
      "a.ts #0 runs and prints its annotated values",
      "b.ts #1 runs and prints its annotated values",
    ]);
    await tests.get("exist for every exported function")!();
    await tests.get("b.ts #1 runs and prints its annotated values")!();
    await expect(async () => tests.get("a.ts #0 runs and prints its annotated values")!()).rejects.toThrow(/expected/);
  });
});

