import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make training steps faster
// (docs/performance.md; PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// pnpm --dir examples/heat start -- --iterations N --batch B --seed S --methods adam,pg-inverse,pg-lbfgsb --out DIR
// is `pg train heat …`: the definition lives in @pg/experiments, the runner (and its figures) in @pg/cli.
const { runCommand } = await import("@pg/cli");
process.exitCode = await runCommand(["train", "heat", ...process.argv.slice(2)]);
