import { defineProject } from "vitest/config";

// The suite packs the built packages and installs the tarballs with npm into temporary projects: it tests what
// a user gets from the registry, not the TypeScript sources, so no "@pg/source" condition here.
export default defineProject({
  test: {
    name: "integration-consumer",
    include: ["test/**/*.test.ts"],
    environment: "node",
    // One file whose tests share the packed tarballs and the installed projects; they wait on work running
    // in the background (npm install, tsc, Node runs), so a single test may wait for most of the suite.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
