#!/usr/bin/env node
import { runCommand } from "./commands";

// The exit status says how the run ended (0 done, 1 a method stopped, 2 bad usage, 130/143 interrupted).
process.exit(await runCommand(process.argv.slice(2)));
