import { defineConfig } from "tsup";

export default defineConfig([
  {
    // allocator_settings: the `@pg/cli/allocator` export, which an entry script imports before the rest of @pg.
    entry: ["src/index.ts", "src/allocator_settings.ts"],
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
    // The `pg` command: ESM only (it awaits at the top level). Its commands are a chunk of their own, loaded only after
    // the allocator restart (src/pg.ts).
    entry: ["src/pg.ts"],
    format: ["esm"],
    sourcemap: true,
    target: "es2022",
    platform: "node",
  },
]);
