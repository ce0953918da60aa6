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

/**
 * Runs an example written in the JavaScript subset of TypeScript, replacing its `import { … } from "m"` lines by the
 * given module namespaces, and returns what it printed with `console.log`, line by line.
 */
export function runDocExample(code: string, modules: Readonly<Record<string, unknown>>): string[] {
  const printed: string[] = [];
  const fakeConsole = { log: (...values: unknown[]) => printed.push(values.map(String).join(" ")) };
  const body = code.replace(/^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?$/gm, (_, names: string, from: string) => {
    if (!(from in modules)) throw new Error(`runDocExample: the example imports ${from}, which is not among the modules given`);
    return `const {${names}} = modules[${JSON.stringify(from)}];`;
  });
  new Function("console", "modules", body)(fakeConsole, modules);
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
