import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make training steps faster
// (docs/performance.md; PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// POISSON_GRID=64x64|80x60 pnpm --dir examples/poisson start -- --iterations N --batch B --seed S --methods m1,m2 --out DIR
// is `pg train poisson …`: the definition lives in @pg/experiments, the runner (and its figures) in @pg/cli.
const { runCommand } = await import("@pg/cli");
process.exitCode = await runCommand(["train", "poisson", ...process.argv.slice(2)]);
