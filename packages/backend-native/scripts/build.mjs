// Compiles the native convolution kernels into prebuilds/<platform>-<arch>/pg_native.node with the system C
// compiler ($CC, else cc). Without a compiler it says so and exits 0: @pg/backend then keeps its wasm kernels.
// Under CI on linux-x64 a missing compiler or a failed build is an error, so the native path is always tested there.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = `${process.platform}-${process.arch}`;
const output = join(root, "prebuilds", target, "pg_native.node");
const sources = ["native/addon.c", "native/convolution.c", "native/movement.c"].map((file) => join(root, file));
const headers = ["native/kernels.h"].map((file) => join(root, file));
const required = Boolean(process.env.CI) && target === "linux-x64";
const force = process.argv.includes("--force");

function finish(message, failed) {
  console.log(`@pg/backend-native: ${message}`);
  process.exit(failed && required ? 1 : 0);
}

if (process.platform !== "linux" && process.platform !== "darwin") {
  finish(`no native build for ${target}; the wasm kernels are used`, false);
}
const newestSource = Math.max(...[...sources, ...headers, fileURLToPath(import.meta.url)].map((file) => statSync(file).mtimeMs));
if (!force && existsSync(output) && statSync(output).mtimeMs >= newestSource) {
  finish(`${target} kernels are up to date`, false);
}
const compiler = process.env.CC ?? "cc";
if (spawnSync(compiler, ["--version"], { stdio: "ignore" }).status !== 0) {
  finish(`no C compiler (${compiler}) found, native kernels not built; the wasm kernels are used`, true);
}
const include = join(dirname(createRequire(import.meta.url).resolve("node-api-headers/package.json")), "include");
mkdirSync(dirname(output), { recursive: true });
const temporary = `${output}.${process.pid}.tmp`;
const flags = ["-std=gnu11", "-O3", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-psabi", "-Werror"];
// Node-API symbols are resolved against the running node binary when the addon loads.
if (process.platform === "darwin") flags.push("-undefined", "dynamic_lookup");
try {
  execFileSync(compiler, [...flags, "-I", include, ...sources, "-o", temporary], { stdio: "inherit" });
} catch {
  finish(`compiling the native kernels with ${compiler} failed; the wasm kernels are used`, true);
}
renameSync(temporary, output);
finish(`built ${join("prebuilds", target, "pg_native.node")} with ${compiler}`, false);
