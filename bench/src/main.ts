/**
 * `pnpm bench`: times training and inference steps of @pg's networks on every available backend and writes
 * bench/results.json plus a table. Each run (case × backend × replicas) executes in its own child process; see
 * README.md for the cases, the flags and how to read the output.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DEFAULT_RUN_SECONDS, DEFAULT_SLOW_RUN_SECONDS, parseBenchOptions, type BenchOptions } from "./bench_options";
import { PYTORCH_REFERENCE, benchCaseNamed, planRuns, type BenchRun } from "./cases";
import { TRAINING_FLOP_FACTOR } from "./flops";
import { loadAverage, machineInfo, type LoadAverage, type MachineInfo } from "./machine_info";
import type { RunSpec } from "./measure_run";
import {
  backendSpeedups,
  formatMilliseconds,
  formatSpeedups,
  formatTable,
  measuredRecord,
  replicaSpeedups,
  skippedRecord,
  type BenchRecord,
  type Speedup,
} from "./report";
import { runIsolated } from "./run_isolated";

/** The whole of results.json. */
interface BenchResults {
  readonly command: string;
  readonly machine: MachineInfo;
  readonly loadAverage: { readonly start: LoadAverage; readonly end: LoadAverage | null };
  readonly options: BenchOptions;
  readonly protocol: string;
  readonly flopCounting: string;
  readonly pytorchReference: typeof PYTORCH_REFERENCE;
  readonly records: readonly BenchRecord[];
  readonly speedups: { readonly replicas: readonly Speedup[]; readonly backends: readonly Speedup[] };
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function limitOf(run: BenchRun, options: BenchOptions): number {
  return options.runSeconds ?? (run.isSlow ? DEFAULT_SLOW_RUN_SECONDS : DEFAULT_RUN_SECONDS);
}

function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a) => a !== "--");
  const options = parseBenchOptions(argv);
  const machine = machineInfo();
  const runs = planRuns(options, machine.cores);
  const start = loadAverage();
  const records: BenchRecord[] = [];
  const resultsOf = (end: LoadAverage | null): BenchResults => ({
    command: ["pnpm bench", ...argv].join(" "),
    machine,
    loadAverage: { start, end },
    options,
    protocol:
      `${options.warmup} untimed warm-up steps, then the median of ${options.repeats} timed steps (performance.now around ` +
      "the step, ended by awaiting the updated weights / the output data). Every run in a fresh child process.",
    flopCounting:
      `Conv2D 2·outH·outW·kh·kw·cin·cout and Dense 2·in·out per sample, from the model's layers; training = ${TRAINING_FLOP_FACTOR}× forward. ` +
      "Batch norm, activations, pooling, upsampling, concatenation, biases and Adam are not counted.",
    pytorchReference: PYTORCH_REFERENCE,
    records,
    speedups: { replicas: replicaSpeedups(records), backends: backendSpeedups(records) },
  });

  progress(`pnpm bench: ${runs.length} runs on ${machine.cpuModel} (${machine.cores} cores), Node ${machine.node}, tfjs ${machine.tfjs}`);
  progress(`load average at start: ${start.procLoadavg ?? start.minutes1To15.join(" ")}`);
  for (const [index, run] of runs.entries()) {
    const benchCase = benchCaseNamed(run.caseName);
    const label = `[${index + 1}/${runs.length}] ${run.caseName} on ${run.backend}, ${run.replicas} replica${run.replicas === 1 ? "" : "s"}`;
    if (run.skipReason !== undefined) {
      progress(`${label}: ${run.skipReason}`);
      records.push(skippedRecord(run, benchCase, run.skipReason));
      continue;
    }
    const spec: RunSpec = { caseName: run.caseName, backend: run.backend, replicas: run.replicas, warmup: options.warmup, repeats: options.repeats };
    const loadAtStart = loadAverage().minutes1To15;
    progress(`${label} (load ${loadAtStart.join(" ")})`);
    const result = await runIsolated(spec, limitOf(run, options), (message) => {
      if (message.type === "setup") progress(`    ready after ${message.setup.setupSeconds.toFixed(1)} s (${message.setup.tfjsBackend})`);
      if (message.type === "step") progress(`    ${message.step.phase} step: ${formatMilliseconds(message.step.milliseconds)} ms`);
    });
    const record = measuredRecord(run, benchCase, result, loadAtStart);
    records.push(record);
    const summary = record.medianMsPerStep === null ? "no timed step" : `median ${formatMilliseconds(record.medianMsPerStep)} ms/step`;
    progress(`    ${record.status}: ${summary}${record.error === null ? "" : ` — ${record.error}`}`);
    writeResults(options.out, resultsOf(null)); // keep what is done if the benchmark itself is interrupted
  }
  const end = loadAverage();
  progress(`load average at end: ${end.procLoadavg ?? end.minutes1To15.join(" ")}`);
  const results = resultsOf(end);
  writeResults(options.out, results);

  const out = process.stdout;
  out.write(`\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.tfjs} (wasm ${machine.tfjsBackendWasm}), ${machine.date}\n`);
  out.write(`load average: start ${start.minutes1To15.join(" ")}, end ${end.minutes1To15.join(" ")} (shared machine: compare ratios within this run)\n`);
  out.write(`median of ${options.repeats} timed steps after ${options.warmup} warm-up steps; ÷ PyTorch = our median / PyTorch 1.13 on 1 thread (research/backends.md)\n\n`);
  out.write(`${formatTable(records)}\n\n`);
  out.write(`Speedup of data-parallel replicas (median with 1 ÷ median with R):\n${formatSpeedups(results.speedups.replicas)}\n\n`);
  out.write(`Backends (median on cpu ÷ median on wasm):\n${formatSpeedups(results.speedups.backends)}\n\n`);
  out.write(`results: ${options.out}\n`);
  return records.some((r) => r.status === "failed" || r.status === "partial") ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
