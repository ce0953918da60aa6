import { describe, expect, it } from "vitest";
import { docExampleAnnotations, docExamplesOf, runDocExample, undocumentedFunctions } from "../src/testing";

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
});
