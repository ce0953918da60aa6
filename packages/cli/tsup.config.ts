import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "node",
    // run.json's package versions are resolved relative to import.meta.url, which the CommonJS build must shim.
    shims: true,
  },
  {
    // The `pg` command: ESM only (it awaits at the top level).
    entry: ["src/pg.ts"],
    format: ["esm"],
    sourcemap: true,
    target: "es2022",
    platform: "node",
  },
]);
