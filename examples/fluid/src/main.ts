import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make training steps faster
// (docs/performance.md; PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// pnpm --dir examples/fluid start -- --iterations N --batch B --seed S --methods adam,pg-inverse --out DIR
// is `pg train fluid …`; FLUID_PRESSURE_SOLVER=cg uses the authors' CG pressure solve instead of the exact spectral one.
const { runCommand } = await import("@pg/cli");
process.exitCode = await runCommand(["train", "fluid", ...process.argv.slice(2)]);
