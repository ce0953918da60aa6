/**
 * `pnpm bench`: times training and inference steps of @pg's networks on every available backend and writes
 * bench/results.json plus a table; with `--peer torch`, runs the same cases in PyTorch and reports ours ÷ PyTorch.
 * Each run (case × backend × replicas × allocator mode) executes in its own child process; see README.md for the
 * cases, the flags and how to read the output.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ALLOCATOR_SETTINGS, allocatorEnvironment, allocatorVariablesOf } from "./allocator";
import { BENCH_USAGE, DEFAULT_RUN_SECONDS, DEFAULT_SLOW_RUN_SECONDS, parseBenchOptions, wantsHelp, type BenchOptions } from "./bench_options";
import type { RunMessage } from "./case_process";
import { benchCaseNamed, planRuns, type BenchRun } from "./cases";
import { TRAINING_FLOP_FACTOR } from "./flops";
import { loadAverage, machineInfo, type LoadAverage, type MachineInfo } from "./machine_info";
import type { RunSpec } from "./measure_run";
import {
  DEFAULT_PEER_PYTHONS,
  PEER_SCRIPT,
  checkPeerNetworks,
  findPeerPython,
  peerNotFoundMessage,
  peerThreadEnvironment,
  runPeerIsolated,
  type PeerDiscovery,
  type PeerParameterCheck,
} from "./peer_torch";
import { waitForQuietLoad } from "./quiet_load";
import {
  allocatorSpeedups,
  backendSpeedups,
  PROFILE_NOTE,
  formatComparisonTable,
  formatMilliseconds,
  formatProfiles,
  formatRoundSummaries,
  formatSpeedups,
  formatTable,
  measuredRecord,
  peerComparisons,
  peerRatiosAcrossRounds,
  replicaSpeedups,
  skippedRecord,
  speedupsAcrossRounds,
  type BenchRecord,
  type PeerComparison,
  type RoundSummary,
  type Speedup,
} from "./report";
import { runIsolated } from "./run_isolated";

/** What results.json says about the peer. */
interface PeerResults {
  readonly requested: string;
  /** Which interpreters were tried and the one used. */
  readonly discovery: PeerDiscovery;
  readonly script: string;
  /** `peer_torch.py --check`: the parameter count of every PyTorch network against @pg/nets'. */
  readonly networkCheck: { readonly ok: boolean; readonly networks: readonly PeerParameterCheck[]; readonly error?: string } | null;
  /** Thread variables added to the peer's environment (R threads for a run compared with R replicas). */
  readonly threadEnvironment: string;
}

/** The whole of results.json. */
interface BenchResults {
  readonly command: string;
  readonly machine: MachineInfo;
  readonly loadAverage: { readonly start: LoadAverage; readonly end: LoadAverage | null };
  readonly options: BenchOptions;
  readonly protocol: string;
  readonly flopCounting: string;
  readonly allocatorSettings: { readonly tuned: typeof ALLOCATOR_SETTINGS; readonly default: string };
  readonly ceilingGflopsPerCore: number;
  readonly peer: PeerResults | null;
  readonly records: readonly BenchRecord[];
  readonly comparisons: readonly PeerComparison[];
  readonly speedups: { readonly replicas: readonly Speedup[]; readonly backends: readonly Speedup[]; readonly allocator: readonly Speedup[] };
  /** Each ratio's median over the rounds (`--rounds`; with one round, the ratios themselves). */
  readonly acrossRounds: {
    readonly replicas: readonly RoundSummary[];
    readonly backends: readonly RoundSummary[];
    readonly allocator: readonly RoundSummary[];
    readonly peer: readonly RoundSummary[];
  };
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

function labelOf(run: BenchRun, rounds: number): string {
  const count = run.side === "peer" ? `${run.replicas} thread${run.replicas === 1 ? "" : "s"}` : `${run.replicas} replica${run.replicas === 1 ? "" : "s"}`;
  return `${run.caseName} on ${run.backend}, ${count}, malloc ${run.allocator}${rounds > 1 ? `, round ${run.round} of ${rounds}` : ""}`;
}

/** Prints a run's steps as they come, at most about one line a second (a small case times hundreds of steps). */
function stepPrinter(): (message: RunMessage) => void {
  let lastPrinted = 0;
  let unprinted = 0;
  return (message) => {
    if (message.type === "setup") progress(`    ready after ${message.setup.setupSeconds.toFixed(1)} s (${message.setup.tfjsBackend})`);
    if (message.type === "profile") {
      const { stepMilliseconds, kernels } = message.profile;
      const inKernels = kernels.reduce((sum, k) => sum + k.milliseconds, 0);
      progress(`    profiled step: ${formatMilliseconds(stepMilliseconds)} ms, ${formatMilliseconds(inKernels)} ms of it in ${kernels.length} kernels`);
    }
    if (message.type !== "step") return;
    const now = performance.now();
    if (now - lastPrinted < 1000 && message.step.milliseconds < 1000) {
      unprinted++;
      return;
    }
    const more = unprinted > 0 ? ` (and ${unprinted} more since the last line)` : "";
    progress(`    ${message.step.phase} step: ${formatMilliseconds(message.step.milliseconds)} ms${more}`);
    lastPrinted = now;
    unprinted = 0;
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a) => a !== "--");
  if (wantsHelp(argv)) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const options = parseBenchOptions(argv);
  const machine = machineInfo();

  let peer: PeerResults | null = null;
  let peerPython: string | undefined;
  if (options.peer !== undefined) {
    const discovery = findPeerPython(options.peerPython === undefined ? DEFAULT_PEER_PYTHONS : [options.peerPython]);
    let networkCheck: PeerResults["networkCheck"] = null;
    if (discovery.found) {
      progress(`peer: torch ${discovery.torchVersion} with ${discovery.executable} (Python ${discovery.pythonVersion})`);
      networkCheck = checkPeerNetworks(discovery.python);
      if (networkCheck.ok) {
        peerPython = discovery.python;
        progress(`peer: parameter counts match @pg/nets (${networkCheck.networks.map((n) => `${n.case} ${n.parameters}`).join(", ")})`);
      } else {
        progress(`pnpm bench: peer_torch.py --check failed (${networkCheck.error ?? "unknown error"}), so ours runs alone (exit code 1).`);
      }
    } else {
      progress(peerNotFoundMessage(discovery));
    }
    peer = {
      requested: options.peer,
      discovery,
      script: PEER_SCRIPT,
      networkCheck,
      threadEnvironment: Object.keys(peerThreadEnvironment(1)).map((name) => `${name}=R`).join(" "),
    };
  }
  const runs = planRuns({ ...options, peer: peerPython === undefined ? undefined : options.peer }, machine.cores);
  const start = loadAverage();
  const records: BenchRecord[] = [];
  const resultsOf = (end: LoadAverage | null): BenchResults => {
    const comparisons = peerComparisons(records);
    const speedups = { replicas: replicaSpeedups(records), backends: backendSpeedups(records), allocator: allocatorSpeedups(records) };
    return {
      command: ["pnpm bench", ...argv].join(" "),
      machine,
      loadAverage: { start, end },
      options,
      protocol:
        `Warm-up: at least ${options.warmup} untimed steps and ${options.warmupSeconds} s; then at least ${options.repeats} timed steps adding up ` +
        `to at least ${options.timedSeconds} s; the median of the timed steps is reported (performance.now around the step, ended by awaiting ` +
        "the updated weights / the output data; the peer: time.perf_counter around the step). Every run in a fresh child process. " +
        (options.quietLoad === undefined
          ? "The 1-minute load average is recorded before each run."
          : `Before each run, up to ${options.quietLoadWaitSeconds} s of waiting for the 1-minute load average to fall below ${options.quietLoad}.`) +
        (options.rounds > 1
          ? ` ${options.rounds} rounds: each case's runs repeated one round after another, even rounds in reverse order; every ratio is taken ` +
            "within a round (acrossRounds: its median, minimum and maximum over the rounds)."
          : "") +
        (options.profile
          ? " --profile: each of our runs takes one extra step after its timed ones with every kernel of the calling thread (replica 0) " +
            "timed; it is not a timed step (records[].profile)."
          : ""),
      flopCounting:
        `Conv2D 2·outH·outW·kh·kw·cin·cout and Dense 2·in·out per sample, from the model's layers; training = ${TRAINING_FLOP_FACTOR}× forward. ` +
        "Batch norm, activations, pooling, upsampling, concatenation, biases and Adam are not counted. The peer counts its Conv2d/Linear the same way.",
      allocatorSettings: { tuned: ALLOCATOR_SETTINGS, default: "glibc's own settings: both variables removed from the run's environment" },
      ceilingGflopsPerCore: options.ceilingGflops,
      peer,
      records,
      comparisons,
      speedups,
      acrossRounds: {
        replicas: speedupsAcrossRounds(speedups.replicas),
        backends: speedupsAcrossRounds(speedups.backends),
        allocator: speedupsAcrossRounds(speedups.allocator),
        peer: peerRatiosAcrossRounds(comparisons),
      },
    };
  };

  progress(`pnpm bench: ${runs.length} runs on ${machine.cpuModel} (${machine.cores} cores), Node ${machine.node}, tfjs ${machine.tfjs}, native kernels ${machine.nativeKernels}`);
  progress(`load average at start: ${start.procLoadavg ?? start.minutes1To15.join(" ")}`);
  for (const [index, run] of runs.entries()) {
    const benchCase = benchCaseNamed(run.caseName);
    const label = `[${index + 1}/${runs.length}] ${labelOf(run, options.rounds)}`;
    if (run.skipReason !== undefined) {
      progress(`${label}: ${run.skipReason}`);
      records.push(skippedRecord(run, benchCase, run.skipReason));
      continue;
    }
    progress(label);
    const load = await waitForQuietLoad({
      threshold: options.quietLoad,
      maxWaitSeconds: options.quietLoadWaitSeconds,
      onWait: (now, threshold) =>
        progress(`    waiting for the 1-minute load average (${now.toFixed(2)}) to fall below ${threshold}, at most ${options.quietLoadWaitSeconds} s`),
    });
    const loadAtStart = loadAverage().minutes1To15;
    const waited = load.waitedSeconds > 0 ? ` after ${load.waitedSeconds.toFixed(0)} s of waiting${load.isQuiet === true ? "" : ", still busy: starting anyway"}` : "";
    progress(`    load ${loadAtStart.join(" ")}${waited}`);
    const env = allocatorEnvironment(process.env, run.allocator);
    const supervision = { limitSeconds: limitOf(run, options), env, onMessage: stepPrinter() };
    const schedule = { warmup: options.warmup, warmupSeconds: options.warmupSeconds, repeats: options.repeats, timedSeconds: options.timedSeconds };
    const result =
      run.side === "peer" && peerPython !== undefined
        ? await runPeerIsolated(peerPython, { caseName: run.caseName, threads: run.replicas, ...schedule }, supervision)
        : await runIsolated({ caseName: run.caseName, backend: run.backend as RunSpec["backend"], replicas: run.replicas, ...schedule, profile: options.profile }, supervision);
    const record = measuredRecord(run, benchCase, result, { load, loadAverageAtStart: loadAtStart, allocatorVariables: allocatorVariablesOf(env), ceilingGflops: options.ceilingGflops });
    records.push(record);
    const summary = record.medianMsPerStep === null ? "no timed step" : `median ${formatMilliseconds(record.medianMsPerStep)} ms/step of ${record.samplesMs.length}`;
    progress(`    ${record.status}: ${summary}${record.error === null ? "" : ` — ${record.error}`}`);
    writeResults(options.out, resultsOf(null)); // keep what is done if the benchmark itself is interrupted
  }
  const end = loadAverage();
  progress(`load average at end: ${end.procLoadavg ?? end.minutes1To15.join(" ")}`);
  const results = resultsOf(end);
  writeResults(options.out, results);

  const out = process.stdout;
  out.write(`\n${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.tfjs} (wasm ${machine.tfjsBackendWasm}, native kernels ${machine.nativeKernels}), ${machine.date}\n`);
  if (peer !== null && peer.discovery.found && peerPython !== undefined) {
    out.write(`peer: torch ${peer.discovery.torchVersion}, ${peer.discovery.executable} (Python ${peer.discovery.pythonVersion}), NCHW, R threads\n`);
  }
  out.write(`load average: start ${start.minutes1To15.join(" ")}, end ${end.minutes1To15.join(" ")} (shared machine: compare ratios within this run)\n`);
  out.write(
    `median of ≥ ${options.repeats} timed steps (≥ ${options.timedSeconds} s) after ≥ ${options.warmup} warm-up steps (≥ ${options.warmupSeconds} s); ` +
      `R = replicas (ours) or threads (torch); malloc: default = glibc as shipped, tuned = ${Object.entries(ALLOCATOR_SETTINGS).map(([k, v]) => `${k}=${v}`).join(" ")}; ` +
      `load = 1-minute load average at the run's start; % ceiling = GFLOP/s ÷ (${options.ceilingGflops} GFLOP/s × R)\n\n`,
  );
  out.write(`${formatTable(records)}\n\n`);
  const profiles = formatProfiles(records);
  if (profiles.length > 0) out.write(`${PROFILE_NOTE}\n\n${profiles}\n\n`);
  if (peer !== null && peerPython !== undefined) {
    out.write(`Ours against PyTorch (same case, R replicas against R threads, same malloc mode; > 1× means ours is slower):\n`);
    out.write(`${formatComparisonTable(results.comparisons)}\n\n`);
  }
  out.write(`Speed-up of R cores (median with 1 ÷ median with R replicas or threads):\n${formatSpeedups(results.speedups.replicas)}\n\n`);
  out.write(`Backends (median on cpu ÷ median on wasm):\n${formatSpeedups(results.speedups.backends)}\n\n`);
  if (results.speedups.allocator.length > 0) {
    out.write(`Allocator (median with glibc's default ÷ median tuned):\n${formatSpeedups(results.speedups.allocator)}\n\n`);
  }
  if (options.rounds > 1) {
    const { replicas, backends, allocator, peer: versusPeer } = results.acrossRounds;
    out.write(`Across ${options.rounds} rounds (each ratio taken within a round; its median over the rounds, range, and every round's):\n`);
    out.write(`${formatRoundSummaries([...versusPeer, ...replicas, ...backends, ...allocator])}\n\n`);
  }
  out.write(`results: ${options.out}\n`);
  const isPeerBroken = peer?.networkCheck?.ok === false;
  return isPeerBroken || records.some((r) => r.status === "failed" || r.status === "partial") ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
