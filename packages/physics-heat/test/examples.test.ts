// Docs check: every TSDoc @example in src/ must run, and each `console.log(…); // value` must print `value`.
// Examples are written in the JavaScript subset of TypeScript so they can run without a compiler.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as core from "@pg/core";
import { describe, expect, it } from "vitest";
import * as heat from "../src/index.js";

const modules: Record<string, unknown> = { "@pg/physics-heat": heat, "@pg/core": core };
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
  it("exist for the public functions", () => {
    expect(examples.map((example) => example.file).sort()).toEqual([
      "diffusion_log_kernel.ts",
      "heat_inverse.ts",
      "heat_physics.ts",
      "inverse_diffusion.ts",
      "mean_fix.ts",
    ]);
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
