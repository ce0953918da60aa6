import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";

/** One TSDoc `@example` block: the file it is in and its code. */
export interface DocExample {
  readonly file: string;
  readonly code: string;
}

/** The `@example` blocks of one source file: comment lines after `@example` up to the next tag or the comment's end. */
export function docExamplesOf(file: string, text: string): DocExample[] {
  const examples: DocExample[] = [];
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

/** The example's body with every `import { … } from "m"` line replaced by a lookup in `modules`. */
function withModulesInScope(code: string, modules: Readonly<Record<string, unknown>>): string {
  return code.replace(/^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?$/gm, (_, names: string, from: string) => {
    if (!(from in modules)) throw new Error(`runDocExample: the example imports ${from}, which is not among the modules given`);
    return `const {${names}} = modules[${JSON.stringify(from)}];`;
  });
}

/** A console whose `log` appends its line to `printed`. */
function recordingConsole(printed: string[]): { log: (...values: unknown[]) => void } {
  return { log: (...values: unknown[]) => printed.push(values.map(String).join(" ")) };
}

/**
 * Runs an example written in the JavaScript subset of TypeScript, replacing its `import { … } from "m"` lines by the
 * given module namespaces, and returns what it printed with `console.log`, line by line.
 */
export function runDocExample(code: string, modules: Readonly<Record<string, unknown>>): string[] {
  const printed: string[] = [];
  new Function("console", "modules", withModulesInScope(code, modules))(recordingConsole(printed), modules);
  return printed;
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...parameters: string[]
) => (...values: unknown[]) => Promise<void>;

/** {@link runDocExample} for examples that may `await` (top-level, as in an ES module); resolves once the example ends. */
export async function runDocExampleAsync(code: string, modules: Readonly<Record<string, unknown>>): Promise<string[]> {
  const printed: string[] = [];
  await new AsyncFunction("console", "modules", withModulesInScope(code, modules))(recordingConsole(printed), modules);
  return printed;
}

/** The values annotated after `console.log(…); //` in an example, in order. */
export function docExampleAnnotations(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\);\s*\/\/\s*(.*)$/gm)].map((match) => (match[1] as string).trim());
}

/** The function-valued exports of a module namespace that no example imports by name. */
export function undocumentedFunctions(namespace: Readonly<Record<string, unknown>>, examples: readonly DocExample[]): string[] {
  const imported = new Set(
    examples.flatMap((example) =>
      [...example.code.matchAll(/import\s*\{([^}]*)\}/g)].flatMap((match) => (match[1] as string).split(",").map((name) => name.trim())),
    ),
  );
  return Object.entries(namespace)
    .filter(([name, value]) => typeof value === "function" && !imported.has(name))
    .map(([name]) => name)
    .sort();
}

/** The `@example` blocks of every `.ts` file directly in `directory`, files in name order. */
export function docExamplesIn(directory: string): DocExample[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(".ts"))
    .sort()
    .flatMap((file) => docExamplesOf(file, readFileSync(join(directory, file), "utf8")));
}

/** The test functions {@link docExampleSuite} registers with (vitest's, passed in so this module needs no test runner). */
export interface DocExampleTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void | Promise<void>): void;
  expect(actual: unknown): {
    toEqual(expected: unknown): void;
    toBeGreaterThan(expected: number): void;
    toBeLessThanOrEqual(expected: number): void;
  };
}

/** Options of {@link docExampleSuite}. */
export interface DocExampleSuiteOptions {
  /** The package's public namespace (`import * as pkg from "../src/index"`): each of its functions needs an example. */
  readonly namespace: Readonly<Record<string, unknown>>;
  /** The package's `src` directory. */
  readonly sourceDirectory: string;
  /** The modules examples may import, by specifier, e.g. `{ "@pg/data": data, "@pg/core": core }`. */
  readonly modules: Readonly<Record<string, unknown>>;
  readonly test: DocExampleTestApi;
  /** Wraps each run, e.g. in a tensor scope. @defaultValue runs it as it is */
  readonly around?: (run: () => Promise<string[]>) => Promise<string[]>;
  /** @defaultValue 15 */
  readonly maxLines?: number;
}

/**
 * An `around` for {@link docExampleSuite} whose examples build tensors and models without disposing them: runs the
 * example in a tfjs engine scope and disposes every variable afterwards.
 */
export async function releasingTensors(run: () => Promise<string[]>): Promise<string[]> {
  tf.engine().startScope();
  try {
    return await run();
  } finally {
    tf.engine().endScope();
    tf.disposeVariables();
  }
}

/**
 * Registers the docs check of one package: every exported function is imported by some `@example`, and every example
 * (at most `maxLines` lines, awaiting allowed) runs and prints, line by line, the values annotated after its
 * `console.log(…); //` calls — at least one each.
 */
export function docExampleSuite(options: DocExampleSuiteOptions): void {
  const { test, modules } = options;
  const examples = docExamplesIn(options.sourceDirectory);
  const around = options.around ?? ((run) => run());
  const maxLines = options.maxLines ?? 15;
  test.describe("TSDoc examples", () => {
    test.it("exist for every exported function", () => {
      test.expect(examples.length).toBeGreaterThan(0);
      test.expect(undocumentedFunctions(options.namespace, examples)).toEqual([]);
    });
    examples.forEach((example, index) => {
      test.it(`${example.file} #${index} runs and prints its annotated values`, async () => {
        const expected = docExampleAnnotations(example.code);
        test.expect(expected.length).toBeGreaterThan(0);
        test.expect(example.code.split("\n").length).toBeLessThanOrEqual(maxLines);
        test.expect(await around(() => runDocExampleAsync(example.code, modules))).toEqual(expected);
      });
    });
  });
}
