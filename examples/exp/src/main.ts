import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make training steps faster
// (PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// pnpm --dir examples/exp start -- --iterations N --batch B --seed S --methods m1,m2 --out DIR
// is `pg train exp …`: the definition lives in @pg/experiments, the runner in @pg/cli. `pnpm figures` draws the figure.
const { runCommand } = await import("@pg/cli");
process.exitCode = await runCommand(["train", "exp", ...process.argv.slice(2)]);
