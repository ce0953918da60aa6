// Every @pg package as a user gets it: packed with pnpm, installed with npm alone into a fresh project (only its own
// tarball, the tarballs of the @pg packages it declares, and what npm installs for its declared peers), type-checked
// with tsc --strict as ESM and as CommonJS, run on Node 20, 22 and 24 (both tsc outputs, and the snippet with its types
// stripped as .mjs), and bundled for the browser.
// The README's Usage snippet goes through the same steps. See README.md next to this folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CACHE_DIRECTORY,
  CONSUMER_ROOT,
  NPM_INSTALL,
  REPO_ROOT,
  Timings,
  browserBundle,
  consumerEnvironment,
  describeFailure,
  exec,
  importedPackages,
  limiter,
  nodeRuntimes,
  packAll,
  stripTypes,
  commonJsSource,
  tscErrors,
  undeclaredImports,
  usageSnippet,
  workspacePackages,
  type BrowserBundle,
  type ExecResult,
  type NodeRuntime,
  type TscError,
} from "./harness";

/**
 * What runs of each snippet, on every Node version: tsc's output of usage.ts (ESM: the project is "type": "module"),
 * the snippet with its types stripped by esbuild (a plain-JavaScript user's .mjs), and tsc's output of usage.cts (the
 * snippet as CommonJS: require() of the packages' "require" builds, checked against their .d.cts).
 */
const SNIPPET_FILES = ["usage.js", "usage.mjs", "usage.cjs"] as const;
/** Node majors every snippet runs on; the one running this suite is used as it is, the others come from npm. */
const NODE_MAJORS = [20, 22, 24] as const;
/** Packages whose "browser" entry must bundle without Node built-ins (all but the cli). */
const BROWSER_SAFE = ["core", "solvers", "numerics", "physics-poisson", "physics-heat", "physics-fluid", "physics-toys", "nets", "data", "backend", "experiments"];
/** The compiler options a strict TypeScript consumer on Node would use. */
const CONSUMER_TSCONFIG = {
  compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", skipLibCheck: false },
  files: ["usage.ts", "usage.cts"],
};
/**
 * Errors tsc reports inside third-party declaration files once skipLibCheck is false. They are not @pg's and are
 * tolerated only here, by file and code; any other error fails. @tensorflow/tfjs-layers 4.22.0's own .d.ts do not
 * compile under strictNullChecks: LayersModel implements InferenceModel with `Shape` (number | null)[] inputs
 * (TS2420) and optional properties of interfaces with a PyJsonValue index signature (TS2411).
 */
const TOLERATED_LIBRARY_ERRORS: readonly { readonly file: RegExp; readonly codes: readonly string[] }[] = [
  { file: /^node_modules\/@tensorflow\/tfjs-layers\/dist\//, codes: ["TS2420", "TS2411"] },
];
const JOBS = Number(process.env.PG_CONSUMER_JOBS ?? "") || Math.min(2, availableParallelism());

const packages = workspacePackages();
const workDirectory = mkdtempSync(join(tmpdir(), "pg-consumer-"));
const timings = new Timings();
const jobs = limiter(JOBS);
const workspaceTsc = createRequire(join(CONSUMER_ROOT, "package.json")).resolve("typescript/bin/tsc");
/** Preloaded (node --require) into every snippet run: prints the Node version that runs it, which the tests check. */
const VERSION_PRELOAD = join(workDirectory, "print-version.cjs");
writeFileSync(VERSION_PRELOAD, 'console.log("process.version", process.version);\n');

interface ProjectSpec {
  /** "readme" or the folder name of the package. */
  readonly key: string;
  readonly snippet: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  /** The tsc to run: the project's own, or the workspace's (the same version) when the project installs none. */
  readonly tsc: string;
  /** More commands per Node version, e.g. the cli's `npx pg list`. */
  readonly commands?: readonly (readonly string[])[];
}

interface Project {
  readonly directory: string;
  readonly install: ExecResult;
  readonly tsc?: ExecResult;
  readonly typeErrors?: readonly TscError[];
  readonly toleratedTypeErrors?: readonly TscError[];
  /** Per Node label: the snippet runs (SNIPPET_FILES, in that order), then the extra commands. */
  readonly runs?: Readonly<Record<string, readonly ExecResult[]>>;
}

let tarballs = new Map<string, string>();
let runtimes: NodeRuntime[] = [];
const projects = new Map<string, Promise<Project>>();
const bundles = new Map<string, Promise<BrowserBundle | undefined>>();
const undeclared = new Map<string, Promise<string[] | undefined>>();
/** Removals of a project's node_modules (about 300 MB, mostly tfjs) once nothing needs it, overlapping other work. */
const removals: Promise<void>[] = [];
const KEEP = process.env.PG_KEEP_CONSUMER !== undefined;

/** Once `work` has settled, removes the project's node_modules in the background (unless PG_KEEP_CONSUMER is set). */
function removeInstallAfter(key: string, work: readonly Promise<unknown>[]): void {
  if (KEEP) return;
  removals.push(Promise.allSettled(work).then(() => rm(join(workDirectory, "projects", key, "node_modules"), { recursive: true, force: true })).catch(() => undefined));
}

function snippetOf(folder: string): string | undefined {
  const file = join(CONSUMER_ROOT, "snippets", `${folder}.ts`);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

function isTolerated(error: TscError): boolean {
  return TOLERATED_LIBRARY_ERRORS.some((rule) => rule.file.test(error.file.replaceAll("\\", "/")) && rule.codes.includes(error.code));
}

async function setUp(spec: ProjectSpec): Promise<Project> {
  const directory = join(workDirectory, "projects", spec.key);
  mkdirSync(directory, { recursive: true });
  // Every @pg package maps to its tarball: pnpm pack wrote "^0.0.0"-style ranges, which npm would otherwise look up
  // in the public registry. Overrides only apply to packages in the tree, so nothing undeclared gets installed.
  const overrides = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  const manifest = { name: `pg-consumer-${spec.key}`, private: true, type: "module", dependencies: spec.dependencies, devDependencies: spec.devDependencies, overrides };
  writeFileSync(join(directory, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(directory, "tsconfig.json"), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  writeFileSync(join(directory, "usage.ts"), spec.snippet);
  writeFileSync(join(directory, "usage.cts"), commonJsSource(spec.snippet));
  writeFileSync(join(directory, "usage.mjs"), await stripTypes(spec.snippet));

  const install = await jobs(() => exec("npm", [...NPM_INSTALL], { cwd: directory, timeoutMs: 900_000 }), 0);
  timings.record(`npm install ${spec.key}`, install.seconds, install.code === 0 ? "" : "FAILED", [spec.key, "npm install"]);
  if (install.code !== 0) return { directory, install };

  const tsc = await jobs(() => exec(process.execPath, [spec.tsc, "-p", "tsconfig.json"], { cwd: directory, timeoutMs: 600_000 }), 1);
  const errors = tscErrors(tsc.stdout);
  const typeErrors = errors.filter((error) => !isTolerated(error));
  const toleratedTypeErrors = errors.filter(isTolerated);
  const counts = `${typeErrors.length} errors, ${toleratedTypeErrors.length} tolerated in tfjs-layers' .d.ts`;
  timings.record(`tsc ${spec.key}`, tsc.seconds, typeErrors.length > 0 ? `FAILED: ${counts}` : counts, [spec.key, "tsc"]);

  const runs = Object.fromEntries(
    await Promise.all(
      runtimes.map(async (node): Promise<[string, ExecResult[]]> => {
        const env = consumerEnvironment(dirname(node.bin));
        const commands: (readonly string[])[] = [...SNIPPET_FILES.map((file) => [node.bin, "--require", VERSION_PRELOAD, file]), ...(spec.commands ?? [])];
        const results = await Promise.all(
          commands.map((command) => jobs(() => exec(command[0] as string, command.slice(1), { cwd: directory, env, timeoutMs: 600_000 }), 2)),
        );
        const total = results.reduce((sum, result) => sum + result.seconds, 0);
        const each = results.map((result, index) => {
          const what = index < SNIPPET_FILES.length ? `${SNIPPET_FILES[index]} [${/^process\.version (\S+)$/m.exec(result.stdout)?.[1] ?? "no process.version"}]` : (commands[index] ?? []).slice(1).join(" ");
          return `${what} ${result.seconds.toFixed(1)} s${result.code === 0 ? "" : " FAILED"}`;
        });
        timings.record(`${spec.key} on Node ${node.label}`, total, each.join(", "), [spec.key, `Node ${node.label}`]);
        return [node.label, results];
      }),
    ),
  );
  return { directory, install, tsc, typeErrors, toleratedTypeErrors, runs };
}

/** Marks a background promise as handled (its test awaits it later), so a failure is reported by that test only. */
function background<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

beforeAll(async () => {
  console.log(`[consumer] working in ${workDirectory}; ${JOBS} jobs at a time; Node binaries cached in ${CACHE_DIRECTORY}`);
  const fromNpm = NODE_MAJORS.filter((major) => major !== Number(process.versions.node.split(".")[0]));
  const [packed, installed] = await Promise.all([
    timings.time("pnpm pack (all packages)", () => packAll(join(workDirectory, "tarballs"), packages), (result) => `${result.size} tarballs`),
    timings.time(`Node ${fromNpm.join(", ")} from npm`, () => nodeRuntimes(fromNpm), (result) => (result.cached ? "cached" : "installed")),
  ]);
  tarballs = packed;
  runtimes = NODE_MAJORS.map(
    (major) => installed.runtimes.find((runtime) => runtime.label === String(major)) ?? { label: String(major), bin: process.execPath, version: process.version },
  );
  console.log(`[consumer] Node versions: ${runtimes.map((node) => `${node.label} = ${node.version} (${node.bin})`).join("; ")}`);

  const readme = usageSnippet(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
  const peerRanges = Object.fromEntries(packages.flatMap((pkg) => Object.entries(pkg.peerDependencies)));
  const readmeDependencies = Object.fromEntries(
    importedPackages(readme).map((name) => [name, tarballs.has(name) ? `file:${tarballs.get(name) as string}` : (peerRanges[name] ?? "*")]),
  );
  projects.set(
    "readme",
    background(
      setUp({
        key: "readme",
        snippet: readme,
        dependencies: readmeDependencies,
        devDependencies: { typescript: "5.9.3", "@types/node": "^20.19.0" },
        tsc: "node_modules/typescript/bin/tsc",
      }),
    ),
  );
  removeInstallAfter("readme", [projects.get("readme") as Promise<Project>]);
  for (const pkg of packages) {
    const snippet = snippetOf(pkg.folder);
    if (snippet === undefined) continue;
    const project = background(
      setUp({
        key: pkg.folder,
        snippet,
        dependencies: { [pkg.name]: `file:${tarballs.get(pkg.name) as string}` },
        // Types only, for node:assert and process in the snippet; tfjs-data would otherwise bring @types/node@latest.
        devDependencies: { "@types/node": "^20.19.0" },
        tsc: workspaceTsc,
        commands: Object.keys(pkg.bin).flatMap((bin) => [
          ["npx", "--no-install", bin, "--help"],
          ["npx", "--no-install", bin, "list"],
        ]),
      }),
    );
    projects.set(pkg.folder, project);
    if (BROWSER_SAFE.includes(pkg.folder)) {
      bundles.set(
        pkg.folder,
        background(
          project.then(async (installed) => {
            if (installed.install.code !== 0) return undefined;
            return jobs(async () => {
              const start = performance.now();
              const bundle = await browserBundle(installed.directory, pkg.name);
              const note = bundle.builtins.length + bundle.errors.length === 0 ? `${(bundle.bytes / 1e6).toFixed(1)} MB` : `FAILED: ${bundle.builtins.length} Node built-ins, ${bundle.errors.length} other errors`;
              timings.record(`browser bundle ${pkg.folder}`, (performance.now() - start) / 1000, note, [pkg.folder, "browser bundle"]);
              return bundle;
            }, 2);
          }),
        ),
      );
    }
    undeclared.set(
      pkg.folder,
      background(project.then((installed) => (installed.install.code === 0 ? jobs(() => undeclaredImports(installed.directory, pkg.name), 2) : undefined))),
    );
    removeInstallAfter(pkg.folder, [project, undeclared.get(pkg.folder) as Promise<unknown>, ...(bundles.has(pkg.folder) ? [bundles.get(pkg.folder) as Promise<unknown>] : [])]);
  }
});

afterAll(async () => {
  // Let every background job end before the directory goes (a test that failed early did not wait for them).
  await Promise.allSettled([...projects.values(), ...bundles.values(), ...undeclared.values()]);
  console.log(`[consumer] timings\n${timings.table()}`);
  if (KEEP) {
    console.log(`[consumer] kept ${workDirectory} (PG_KEEP_CONSUMER is set)`);
    return;
  }
  const start = performance.now();
  await Promise.allSettled(removals);
  rmSync(workDirectory, { recursive: true, force: true });
  console.log(`[consumer] removed ${workDirectory}: ${((performance.now() - start) / 1000).toFixed(1)} s after the last test`);
});

async function installed(key: string): Promise<Project> {
  const project = await projects.get(key);
  expect(project, `no project "${key}"`).toBeDefined();
  const { install } = project as Project;
  expect(install.code, `npm install failed\n${describeFailure(install)}`).toBe(0);
  return project as Project;
}

function expectTypeChecks(project: Project): void {
  const tsc = project.tsc as ExecResult;
  const unexpected = project.typeErrors ?? [];
  expect(unexpected.map((error) => error.text).join("\n"), `tsc --strict reported errors (skipLibCheck false)\n${describeFailure(tsc, 60)}`).toBe("");
  // tsc exits 2 when there are errors, tolerated ones included; any other non-zero exit is a crash.
  expect(tsc.code === 0 || (tsc.code === 2 && (project.toleratedTypeErrors ?? []).length > 0), describeFailure(tsc)).toBe(true);
  expect(existsSync(join(project.directory, "usage.js")), "tsc emitted no usage.js").toBe(true);
  expect(existsSync(join(project.directory, "usage.cjs")), "tsc emitted no usage.cjs").toBe(true);
}

/** The runs on one Node version that did not exit 0, or did not print what the snippet prints on success. */
function failedRuns(project: Project, node: NodeRuntime, expected: (result: ExecResult, index: number) => string[]): string[] {
  const results = project.runs?.[node.label] ?? [];
  expect(results.length).toBeGreaterThanOrEqual(SNIPPET_FILES.length);
  const failures: string[] = [];
  results.forEach((result, index) => {
    const missing = expected(result, index).filter((text) => !result.stdout.includes(text));
    if (result.code !== 0 || missing.length > 0) {
      failures.push(`${missing.length > 0 ? `missing ${missing.map((text) => JSON.stringify(text)).join(", ")} in its output\n` : ""}${describeFailure(result)}`);
    }
  });
  return failures;
}

/** The package and every @pg package it declares as a dependency or peer, transitively. */
function declaredClosure(name: string): string[] {
  const found = new Set<string>();
  const visit = (current: string): void => {
    if (found.has(current)) return;
    found.add(current);
    const pkg = packages.find((candidate) => candidate.name === current);
    for (const dependency of Object.keys({ ...pkg?.dependencies, ...pkg?.peerDependencies })) {
      if (dependency.startsWith("@pg/")) visit(dependency);
    }
  };
  visit(name);
  return [...found].sort();
}

function runtime(label: string): NodeRuntime {
  const node = runtimes.find((candidate) => candidate.label === label);
  expect(node, `Node ${label} is not available`).toBeDefined();
  return node as NodeRuntime;
}

test("every package under packages/ is packed and has a snippet", () => {
  expect(packages.length).toBeGreaterThanOrEqual(12);
  expect(packages.filter((pkg) => !tarballs.has(pkg.name)).map((pkg) => pkg.name)).toEqual([]);
  expect(packages.filter((pkg) => snippetOf(pkg.folder) === undefined).map((pkg) => `snippets/${pkg.folder}.ts`)).toEqual([]);
  expect(runtimes.map((node) => node.version.split(".")[0])).toEqual(NODE_MAJORS.map((major) => `v${major}`));
});

describe("README.md Usage snippet", () => {
  test("installs with npm (its imports from the tarballs) and type-checks with tsc --strict", async () => {
    const project = await installed("readme");
    expectTypeChecks(project);
  });

  test.each(NODE_MAJORS.map(String))("runs on Node %s (tsc output, .mjs and .cjs)", async (label) => {
    const project = await installed("readme");
    const node = runtime(label);
    const failures = failedRuns(project, node, () => [`process.version ${node.version}`, "backend: "]);
    expect(failures.join("\n\n")).toBe("");
    for (const result of project.runs?.[label] ?? []) {
      // The snippet prints "<step> <loss>" every 100 steps: finite, and lower at the end than at the first print.
      const losses = [...result.stdout.matchAll(/^(\d+) (\S+)$/gm)].map((match) => Number(match[2]));
      expect(losses.length, result.stdout).toBeGreaterThanOrEqual(2);
      expect(losses.every(Number.isFinite), result.stdout).toBe(true);
      expect(losses[losses.length - 1], result.stdout).toBeLessThan(losses[0] as number);
    }
  });
});

describe.each(packages.map((pkg) => [pkg.name, pkg] as const))("%s alone", (name, pkg) => {
  test("installs from its tarball with npm and type-checks with tsc --strict", async () => {
    const project = await installed(pkg.folder);
    // Nothing of @pg beyond what the package declares (directly or through its @pg dependencies) was installed.
    const lock = JSON.parse(readFileSync(join(project.directory, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    const installedPg = Object.keys(lock.packages)
      .filter((path) => /(^|\/)node_modules\/@pg\/[^/]+$/.test(path))
      .map((path) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
    expect([...new Set(installedPg)].sort()).toEqual(declaredClosure(name));
    expectTypeChecks(project);
  });

  test("imports nothing it does not declare (dependencies and peers; npm's hoisting would hide it)", async () => {
    await installed(pkg.folder);
    const found = await undeclared.get(pkg.folder);
    expect(found).toBeDefined();
    expect(found, `${name}'s dist imports packages it does not declare:\n${(found ?? []).join("\n")}`).toEqual([]);
  });

  test.each(NODE_MAJORS.map(String))("runs on Node %s (tsc output, .mjs and .cjs)", async (label) => {
    const project = await installed(pkg.folder);
    const node = runtime(label);
    const failures = failedRuns(project, node, (_result, index) => {
      if (index < SNIPPET_FILES.length) return [`process.version ${node.version}`, `ok ${name}`];
      return (index - SNIPPET_FILES.length) % 2 === 0 ? ["Usage:", "pg train"] : ["sin", "poisson", "heat", "wavepacket", "fluid"];
    });
    expect(failures.join("\n\n")).toBe("");
  });
});

describe("browser entries bundle without Node built-ins (esbuild --platform=browser --bundle --format=esm)", () => {
  test.each(BROWSER_SAFE)("@pg/%s", async (folder) => {
    await installed(folder);
    const bundle = await bundles.get(folder);
    expect(bundle).toBeDefined();
    const { builtins, errors } = bundle as BrowserBundle;
    expect(builtins, `the browser bundle of @pg/${folder} needs Node built-ins:\n${builtins.join("\n")}`).toEqual([]);
    expect(errors, `esbuild failed for @pg/${folder}:\n${errors.join("\n")}`).toEqual([]);
  });
});
