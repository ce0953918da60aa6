// Starts the data-parallel worker from TypeScript sources (tests, examples run with tsx): registers the TypeScript
// loader in this worker thread, then loads the worker module. Built packages start dist/data_parallel_worker.js.
import { register } from "tsx/esm/api";

register();
await import("./data_parallel_worker.ts");
