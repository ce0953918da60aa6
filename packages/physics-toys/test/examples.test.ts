// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as core from "@pg/core";
import { describe, expect, it } from "vitest";
import * as toys from "../src/index.js";

const modules: Record<string, unknown> = { "@pg/physics-toys": toys, "@pg/core": core };
const sourceDirectory = join(__dirname, "..", "src");

interface Example {
  readonly file: string;
  readonly code: string;
}

/** The @example blocks of one source file: comment lines after `@example` up to the next tag or the end. */
function examplesOf(file: string): Example[] {
  const text = readFileSync(join(sourceDirectory, file), "utf8");
  const examples: Example[] = [];
  for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const lines = comment.split("\n").map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ""));
    const start = lines.findIndex((line) => line.startsWith("@example"));
    if (start < 0) continue;
    const body: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (line.startsWith("@")) break;
      body.push(line);
    }
    examples.push({ file, code: body.join("\n").trim() });
  }
  return examples;
}

/** Runs `code`, replacing its imports by the modules above, and returns what it printed, line by line. */
function run(code: string): string[] {
  const printed: string[] = [];
  const fakeConsole = { log: (...values: unknown[]) => printed.push(values.map(String).join(" ")) };
  const body = code.replace(/^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?$/gm, (_, names: string, from: string) => {
    if (!(from in modules)) throw new Error(`example imports unknown module ${from}`);
    return `const {${names}} = modules[${JSON.stringify(from)}];`;
  });
  new Function("console", "modules", body)(fakeConsole, modules);
  return printed;
}

/** The values annotated after `console.log(…); //`, in order. */
function annotations(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\);\s*\/\/\s*(.*)$/gm)].map((match) => (match[1] as string).trim());
}

const examples = readdirSync(sourceDirectory)
  .filter((file) => file.endsWith(".ts"))
  .flatMap(examplesOf);

describe("TSDoc examples", () => {
  it("exist for every public source file that exports a function", () => {
    const withExamples = new Set(examples.map((example) => example.file));
    const index = readFileSync(join(sourceDirectory, "index.ts"), "utf8");
    const exporting = readdirSync(sourceDirectory).filter(
      (file) =>
        // Re-exported as values (not only as types) from the index, and defining a function.
        new RegExp(`^export \\{[^}]*\\} from "\\./${file.replace(/\.ts$/, "")}"`, "m").test(index) &&
        /^export function /m.test(readFileSync(join(sourceDirectory, file), "utf8")),
    );
    expect(exporting.length).toBeGreaterThan(0);
    expect(exporting.filter((file) => !withExamples.has(file))).toEqual([]);
  });

  it.each(examples.map((example, index) => [`${example.file} #${index}`, example] as const))(
    "%s runs and prints its annotated values",
    (_, example) => {
      const expected = annotations(example.code);
      expect(expected.length).toBeGreaterThan(0);
      expect(example.code.split("\n").length).toBeLessThanOrEqual(15);
      expect(run(example.code)).toEqual(expected);
    },
  );
});
