import { defineConfig } from "vitest/config";
import { withoutTfjsBanner } from "./vitest.shared.js";

// One vitest process for the whole repo: `pnpm test:src`. Each package also has its own
// vitest.config.ts so `turbo run test` can run (and cache) packages separately.
export default defineConfig({
  test: {
    onConsoleLog: withoutTfjsBanner,
    projects: ["packages/*", "examples/*"],
  },
});
