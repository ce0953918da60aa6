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
