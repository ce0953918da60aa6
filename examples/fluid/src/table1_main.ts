import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make the simulations faster
// (docs/performance.md; PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// pnpm --dir examples/fluid table1 -- <run-dir> [--method pg-inverse] [--gd-cap N] [--batch 64] [--seed S] [--out DIR]
const { runTable1Command } = await import("./table1_command");
process.exitCode = await runTable1Command(process.argv.slice(2));
