#!/usr/bin/env node
import { restartWithAllocatorSettings } from "./allocator_settings";

// On Linux with glibc, pg first runs itself again with malloc settings that spare training steps their page faults
// (docs/performance.md; PG_ALLOCATOR=default keeps glibc's defaults). The commands load after that, in the process
// that runs them.
await restartWithAllocatorSettings();
const { runCommand } = await import("./commands");

// The exit status says how the run ended (0 done, 1 a method stopped, 2 bad usage, 130/143 interrupted).
process.exit(await runCommand(process.argv.slice(2)));
