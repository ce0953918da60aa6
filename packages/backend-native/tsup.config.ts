import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "node",
  // The CommonJS build finds the prebuilt addon through import.meta.url, which only the shim defines there.
  shims: true,
});
