import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/browser.ts", "src/data_parallel_worker.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/browser.ts"] },
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // The CommonJS build finds its worker script through import.meta.url, which only the shim defines there.
  shims: true,
});
