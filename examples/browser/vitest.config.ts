import { defineConfig } from "vitest/config";
import { withoutTfjsBanner } from "../../vitest.shared.js";

export default defineConfig({
  test: {
    onConsoleLog: withoutTfjsBanner,
    name: "example-browser",
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Building the page, starting Chromium and training 2 × 200 steps in it.
    testTimeout: 600000,
    hookTimeout: 600000,
  },
});
