import { defineConfig } from "vitest/config";
import { withoutTfjsBanner } from "../../vitest.shared.js";

export default defineConfig({
  // Tests run against TypeScript sources through the "@pg/source" export condition; setting the
  // ssr conditions replaces Vite's defaults, so they are repeated after our own.
  ssr: { resolve: { conditions: ["@pg/source", "module", "node", "development|production"] } },
  test: {
    onConsoleLog: withoutTfjsBanner,
    name: "example-sin-rotated",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 300000,
    // beforeAll trains a small run; on a busy 2-core machine that takes far longer than the 10 s default.
    hookTimeout: 300000,
  },
});
