import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import ts from "typescript";
import { build, defaultClientConditions, preview } from "vite";
import { expect, test } from "vitest";

const PACKAGE_DIRECTORY = fileURLToPath(new URL("..", import.meta.url));
const README = join(PACKAGE_DIRECTORY, "..", "..", "README.md");
/** A throwaway Vite project for the snippet, inside this package so that it resolves the @pg packages the page uses. */
const SNIPPET_DIRECTORY = join(PACKAGE_DIRECTORY, "test-results", "readme-snippet");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The TypeScript block of the README's "In the browser" section. */
function browserSnippet(): string {
  const readme = readFileSync(README, "utf8");
  const section = readme.split(/^### In the browser$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error(`README.md has no \`\`\`ts block under "### In the browser"`);
  return code;
}

test("the README's browser snippet builds with Vite and trains in headless Chromium without an error", async () => {
  expect(existsSync(CHROMIUM), `No Chromium at ${CHROMIUM}. Install Debian's chromium package or set CHROMIUM_PATH.`).toBe(true);
  rmSync(SNIPPET_DIRECTORY, { recursive: true, force: true });
  mkdirSync(SNIPPET_DIRECTORY, { recursive: true });
  // The snippet as written, then a marker the test waits for; the backend it got is read from tfjs.
  const marker = '\nimport { getBackend } from "@tensorflow/tfjs";\ndocument.body.dataset.done = getBackend();\n';
  writeFileSync(join(SNIPPET_DIRECTORY, "main.ts"), browserSnippet() + marker);
  writeFileSync(join(SNIPPET_DIRECTORY, "index.html"), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.ts"></script></body></html>\n');
  const config = {
    root: SNIPPET_DIRECTORY,
    configFile: false as const,
    base: "./",
    logLevel: "warn" as const,
    resolve: { conditions: ["@pg/source", ...defaultClientConditions] },
    build: { outDir: "dist", target: "es2022", chunkSizeWarningLimit: 4096 },
  };
  // Strict type-checking as a browser project sees the packages: the "browser" export condition, DOM types, Vite's
  // `?url` modules.
  const program = ts.createProgram([join(SNIPPET_DIRECTORY, "main.ts")], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ["browser", "@pg/source"],
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: ["vite/client"],
    skipLibCheck: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(diagnostics).toEqual([]);
  await build(config);
  const server = await preview({ ...config, preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    const { port } = server.httpServer.address() as AddressInfo;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    // A guard against a snippet that never finishes; nothing is asserted on durations.
    await page.waitForFunction(() => document.body.dataset.done !== undefined || document.body.dataset.failed !== undefined, undefined, { timeout: 240000 });
    const backend = await page.evaluate(() => document.body.dataset.done);
    console.log(`README browser snippet ran on ${backend}`);
    expect(errors).toEqual([]);
    expect(["webgpu", "webgl", "wasm", "cpu"]).toContain(backend);
  } finally {
    await browser.close();
    await server.close();
  }
});
