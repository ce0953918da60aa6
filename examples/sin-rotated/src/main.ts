import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make training steps faster
// (PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// SIN_ROTATED_ILL_CONDITIONING=ξ SIN_ROTATED_ANGLE=φ pnpm --dir examples/sin-rotated start -- --iterations N --out DIR
// is `pg train sin-rotated …`: the definition lives in @pg/experiments, the runner in @pg/cli. `pnpm figure` draws.
const { runCommand } = await import("@pg/cli");
process.exitCode = await runCommand(["train", "sin-rotated", ...process.argv.slice(2)]);
