import { fileURLToPath } from "node:url";
import { defaultClientConditions, defineConfig } from "vite";

// The page is served from this folder; workspace packages resolve to their TypeScript sources through the
// "@pg/source" condition (nested under "browser" in @pg/backend's and @pg/nets' exports, so the browser entries win).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Relative asset URLs: the built page works from whatever folder it is served.
  base: "./",
  resolve: { conditions: ["@pg/source", ...defaultClientConditions] },
  // TensorFlow.js alone is about 1 MB minified; one chunk of that size is expected.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2048 },
});
