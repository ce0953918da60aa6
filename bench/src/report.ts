import type { AllocatorMode } from "./allocator";
import type { BenchCase, BenchRun, BenchSide, CaseKind, RunBackend } from "./cases";
import type { KernelTime } from "./kernel_profile";
import type { PeerSetup, StepProfile } from "./measure_run";
import type { RunLoad } from "./quiet_load";
import type { IsolatedRunResult } from "./run_isolated";

/** How a run ended. `partial`: it stopped (error or time limit) after some timed steps; the median uses those. */
export type RunStatus = "measured" | "partial" | "failed" | "skipped";

/**
 * `--profile` (our runs): the kernels of one extra step taken after the timed ones (so not in `samplesMs` or the
 * median). Only the calling thread's kernels are seen, i.e. replica 0: with R > 1 the data-parallel worker threads'
 * kernels are missing and the calling thread's wait for them counts as outside kernels.
 */
export interface RunProfile {
  /** Wall time of the profiled step, measured like a timed step (with the kernels wrapped). */
  readonly stepMs: number;
  /** Sum of {@link RunProfile.kernels}' milliseconds. */
  readonly kernelsMs: number;
  /** stepMs − kernelsMs: tensor creation, reading data back, the gradient tape, JavaScript between kernels, waits. */
  readonly outsideKernelsMs: number;
  /** Whose kernels were timed, e.g. "calling thread (replica 0 of 2)". */
  readonly threadsSeen: string;
  /** tfjs's backend whose kernels were wrapped. */
  readonly backend: string;
  /** Every kernel that ran: wall time of its outermost calls (nested kernel calls included) and their count, most time first. */
  readonly kernels: readonly KernelTime[];
}

/**
 * One row of the results: a case on one backend (or the peer) with one replica (thread) count and one allocator mode.
 * Missing numbers are `null` in the JSON.
 */
export interface BenchRecord {
  readonly case: string;
  readonly description: string;
  readonly kind: CaseKind;
  readonly side: BenchSide;
  /** Our tfjs backend, or `torch`. */
  readonly backend: RunBackend;
  /** Data-parallel replicas (ours) or torch threads (peer). */
  readonly replicas: number;
  readonly allocator: AllocatorMode;
  /** The repetition of the case's runs (`--rounds`), from 1; ratios pair records of the same round. */
  readonly round: number;
  /** The allocator variables the run's process reported seeing (else those it was given); empty for `default`. */
  readonly allocatorVariables: Readonly<Record<string, string>>;
  readonly batch: number;
  readonly status: RunStatus;
  /** Median wall time of the timed steps. */
  readonly medianMsPerStep: number | null;
  /** {@link BenchRecord.medianMsPerStep} / batch. */
  readonly msPerSample: number | null;
  /** FLOPs per step (see flops.ts) / median step time. */
  readonly gflopPerSecond: number | null;
  /** Ours: {@link BenchRecord.gflopPerSecond} ÷ (ceiling per core × replicas); null for the peer. */
  readonly ceilingShare: number | null;
  /** Every timed step, in order. */
  readonly samplesMs: readonly number[];
  /** The untimed warm-up steps, in order. */
  readonly warmupMs: readonly number[];
  readonly parameters: number | null;
  readonly forwardMflopPerSample: number | null;
  readonly gflopPerStep: number | null;
  /** tfjs's name of the backend that actually ran. */
  readonly tfjsBackend: string | null;
  /** XNNPACK threads inside each wasm instance (replicas are separate instances). */
  readonly wasmThreads: number | null;
  /** Batch-mean loss of the first and last step: a sanity check that Adam trains. */
  readonly loss: { readonly first: number; readonly last: number } | null;
  readonly setupSeconds: number | null;
  readonly wallSeconds: number | null;
  readonly residentMegabytes: number | null;
  /** `os.loadavg()` when the run started: how busy the shared machine was. */
  readonly loadAverageAtStart: readonly number[];
  /** The 1-minute load average before and after waiting for `--quiet-load`; null for skipped runs. */
  readonly load: RunLoad | null;
  /** The peer's interpreter, torch version and threads (peer runs only). */
  readonly peer: PeerSetup | null;
  /** `--profile`: the kernels of one extra step after the timed ones (calling thread only); null otherwise. */
  readonly profile: RunProfile | null;
  /** Why the run failed or stopped early. */
  readonly error: string | null;
  /** Why the run was not executed (status "skipped"). */
  readonly skipReason: string | null;
}

/** The median of `values` (mean of the middle two for an even count); `null` when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function statusOf(result: IsolatedRunResult, timed: number): RunStatus {
  if (result.error === undefined) return "measured";
  return timed > 0 ? "partial" : "failed";
}

/** Where and how a run was started: its load, its allocator variables and the ceiling its GFLOP/s are shared by. */
export interface RunContext {
  readonly load: RunLoad;
  readonly loadAverageAtStart: readonly number[];
  readonly allocatorVariables: Readonly<Record<string, string>>;
  /** GFLOP/s per core (`--ceiling-gflops`). */
  readonly ceilingGflops: number;
}

/** The record of a run that was executed (or attempted). */
export function measuredRecord(run: BenchRun, benchCase: BenchCase, result: IsolatedRunResult, context: RunContext): BenchRecord {
  const timed = result.steps.filter((s) => s.phase === "timed");
  const samplesMs = timed.map((s) => s.milliseconds);
  const medianMs = median(samplesMs);
  const setup = result.setup;
  const losses = result.steps.map((s) => s.loss).filter((l): l is number => l !== undefined);
  const gflopPerSecond = medianMs === null || setup === undefined ? null : setup.flopsPerStep / (medianMs * 1e6);
  return {
    ...identityOf(run, benchCase),
    allocatorVariables: setup?.allocatorVariables ?? setup?.peer?.allocatorVariables ?? context.allocatorVariables,
    status: statusOf(result, timed.length),
    medianMsPerStep: medianMs,
    msPerSample: medianMs === null ? null : medianMs / benchCase.batch,
    gflopPerSecond,
    ceilingShare: gflopPerSecond === null || run.side === "peer" ? null : gflopPerSecond / (context.ceilingGflops * run.replicas),
    samplesMs,
    warmupMs: result.steps.filter((s) => s.phase === "warmup").map((s) => s.milliseconds),
    parameters: setup?.parameters ?? null,
    forwardMflopPerSample: setup === undefined ? null : setup.forwardFlopsPerSample / 1e6,
    gflopPerStep: setup === undefined ? null : setup.flopsPerStep / 1e9,
    tfjsBackend: setup?.tfjsBackend ?? null,
    wasmThreads: setup?.wasmThreads ?? null,
    loss: losses.length === 0 ? null : { first: losses[0] as number, last: losses[losses.length - 1] as number },
    setupSeconds: setup?.setupSeconds ?? null,
    wallSeconds: result.wallSeconds,
    residentMegabytes: result.residentMegabytes ?? null,
    loadAverageAtStart: context.loadAverageAtStart,
    load: context.load,
    peer: setup?.peer ?? null,
    profile: result.profile === undefined ? null : runProfileOf(result.profile, run.replicas),
    error: result.error ?? null,
    skipReason: null,
  };
}

/** The record of a run that was not executed. */
export function skippedRecord(run: BenchRun, benchCase: BenchCase, reason: string): BenchRecord {
  return {
    ...identityOf(run, benchCase),
    allocatorVariables: {},
    status: "skipped",
    medianMsPerStep: null,
    msPerSample: null,
    gflopPerSecond: null,
    ceilingShare: null,
    samplesMs: [],
    warmupMs: [],
    parameters: null,
    forwardMflopPerSample: null,
    gflopPerStep: null,
    tfjsBackend: null,
    wasmThreads: null,
    loss: null,
    setupSeconds: null,
    wallSeconds: null,
    residentMegabytes: null,
    loadAverageAtStart: [],
    load: null,
    peer: null,
    profile: null,
    error: null,
    skipReason: reason,
  };
}

/** Whose kernels a profile of a run with `replicas` data-parallel replicas sees. */
function threadsSeenOf(replicas: number): string {
  return replicas === 1 ? "calling thread (the only replica)" : `calling thread only (replica 0 of ${replicas}; the worker threads' kernels are not seen)`;
}

/** The JSON form of a profiled step, with the sum of its kernels and the rest of the step. */
export function runProfileOf(profile: StepProfile, replicas: number): RunProfile {
  const kernelsMs = profile.kernels.reduce((sum, k) => sum + k.milliseconds, 0);
  return {
    stepMs: profile.stepMilliseconds,
    kernelsMs,
    outsideKernelsMs: profile.stepMilliseconds - kernelsMs,
    threadsSeen: threadsSeenOf(replicas),
    backend: profile.backend,
    kernels: profile.kernels,
  };
}

function identityOf(run: BenchRun, benchCase: BenchCase) {
  return {
    case: benchCase.name,
    description: benchCase.description,
    kind: benchCase.kind,
    side: run.side,
    backend: run.backend,
    replicas: run.replicas,
    allocator: run.allocator,
    batch: benchCase.batch,
    round: run.round,
  };
}

/** A within-run ratio: `baseline` median / `improved` median. */
export interface Speedup {
  readonly case: string;
  /** e.g. "wasm, tuned: 2 replicas over 1", "torch, default: 2 threads over 1" or "1 replica, tuned: wasm over cpu". */
  readonly comparison: string;
  readonly baselineMs: number;
  readonly improvedMs: number;
  readonly speedup: number;
  /** The round both runs belong to (`--rounds`). */
  readonly round: number;
}

function isUsable(record: BenchRecord): record is BenchRecord & { medianMsPerStep: number } {
  return (record.status === "measured" || record.status === "partial") && record.medianMsPerStep !== null;
}

/**
 * For each training case, backend (ours or torch) and allocator mode measured with 1 and with more replicas
 * (threads): time(1) / time(R), the speed-up of using R cores.
 */
export function replicaSpeedups(records: readonly BenchRecord[]): Speedup[] {
  const speedups: Speedup[] = [];
  for (const one of records.filter((r) => r.kind === "training" && r.replicas === 1 && isUsable(r))) {
    const same = (r: BenchRecord) => r.case === one.case && r.backend === one.backend && r.allocator === one.allocator && r.round === one.round;
    for (const many of records.filter((r) => same(r) && r.replicas > 1 && isUsable(r))) {
      const baselineMs = one.medianMsPerStep as number;
      const improvedMs = many.medianMsPerStep as number;
      const unit = one.side === "peer" ? "threads" : "replicas";
      speedups.push({ case: one.case, comparison: `${one.backend}, ${one.allocator}: ${many.replicas} ${unit} over 1`, baselineMs, improvedMs, speedup: baselineMs / improvedMs, round: one.round });
    }
  }
  return speedups;
}

/** For each case and allocator mode measured with 1 replica on both wasm and cpu: time(cpu) / time(wasm). */
export function backendSpeedups(records: readonly BenchRecord[]): Speedup[] {
  const speedups: Speedup[] = [];
  for (const wasm of records.filter((r) => r.backend === "wasm" && r.replicas === 1 && isUsable(r))) {
    const cpu = records.find((r) => r.case === wasm.case && r.backend === "cpu" && r.replicas === 1 && r.allocator === wasm.allocator && r.round === wasm.round && isUsable(r));
    if (cpu === undefined) continue;
    const baselineMs = cpu.medianMsPerStep as number;
    const improvedMs = wasm.medianMsPerStep as number;
    speedups.push({ case: wasm.case, comparison: `1 replica, ${wasm.allocator}: wasm over cpu`, baselineMs, improvedMs, speedup: baselineMs / improvedMs, round: wasm.round });
  }
  return speedups;
}

/** Allocator modes compared: time(default) / time(tuned) for the same case, backend and replica count. */
export function allocatorSpeedups(records: readonly BenchRecord[]): Speedup[] {
  const speedups: Speedup[] = [];
  for (const tuned of records.filter((r) => r.allocator === "tuned" && isUsable(r))) {
    const shipped = records.find(
      (r) => r.case === tuned.case && r.backend === tuned.backend && r.replicas === tuned.replicas && r.allocator === "default" && r.round === tuned.round && isUsable(r),
    );
    if (shipped === undefined) continue;
    const unit = tuned.side === "peer" ? (tuned.replicas === 1 ? "thread" : "threads") : tuned.replicas === 1 ? "replica" : "replicas";
    const baselineMs = shipped.medianMsPerStep as number;
    const improvedMs = tuned.medianMsPerStep as number;
    speedups.push({ case: tuned.case, comparison: `${tuned.backend}, ${tuned.replicas} ${unit}: tuned over default`, baselineMs, improvedMs, speedup: baselineMs / improvedMs, round: tuned.round });
  }
  return speedups;
}

/** Ours against the peer for one case, backend, replica (thread) count and allocator mode. */
export interface PeerComparison {
  readonly case: string;
  /** Our backend. */
  readonly backend: RunBackend;
  /** Our replicas = the peer's threads. */
  readonly replicas: number;
  readonly allocator: AllocatorMode;
  readonly oursMs: number | null;
  /** 1-minute load average when our run started. */
  readonly oursLoad: number | null;
  readonly oursGflopPerSecond: number | null;
  /** Our GFLOP/s ÷ (ceiling per core × replicas). */
  readonly ceilingShare: number | null;
  readonly peerMs: number | null;
  /** 1-minute load average when the peer's run started. */
  readonly peerLoad: number | null;
  readonly peerGflopPerSecond: number | null;
  /** oursMs ÷ peerMs: > 1 means ours is slower. */
  readonly ratio: number | null;
  /** The round both runs belong to (`--rounds`). */
  readonly round: number;
}

/**
 * Pairs every run of ours that was attempted with the peer's run of the same case, replica (thread) count and
 * allocator mode. Runs without a peer counterpart are left out.
 */
export function peerComparisons(records: readonly BenchRecord[]): PeerComparison[] {
  const comparisons: PeerComparison[] = [];
  for (const ours of records.filter((r) => r.side === "ours" && r.status !== "skipped")) {
    const peer = records.find((r) => r.side === "peer" && r.case === ours.case && r.replicas === ours.replicas && r.allocator === ours.allocator && r.round === ours.round);
    if (peer === undefined) continue;
    const oursMs = isUsable(ours) ? ours.medianMsPerStep : null;
    const peerMs = isUsable(peer) ? peer.medianMsPerStep : null;
    comparisons.push({
      case: ours.case,
      backend: ours.backend,
      replicas: ours.replicas,
      allocator: ours.allocator,
      oursMs,
      oursLoad: ours.load?.atStart ?? null,
      oursGflopPerSecond: ours.gflopPerSecond,
      ceilingShare: ours.ceilingShare,
      peerMs,
      peerLoad: peer.load?.atStart ?? null,
      peerGflopPerSecond: peer.gflopPerSecond,
      ratio: oursMs === null || peerMs === null ? null : oursMs / peerMs,
      round: ours.round,
    });
  }
  return comparisons;
}

/** One ratio over the rounds of a `--rounds` run: its value in each round and their median, minimum and maximum. */
export interface RoundSummary {
  readonly case: string;
  /** As in {@link Speedup.comparison}, or e.g. "wasm, 2 replicas, tuned: ours ÷ torch". */
  readonly comparison: string;
  /** The ratio of each round that measured both runs, in round order. */
  readonly ratios: readonly number[];
  /** The rounds those ratios come from. */
  readonly rounds: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Groups per-round ratios by case and comparison (in order of first appearance) and summarises each group. */
function summarizeRounds(items: readonly { case: string; comparison: string; round: number; ratio: number | null }[]): RoundSummary[] {
  const groups = new Map<string, { case: string; comparison: string; ratios: number[]; rounds: number[] }>();
  for (const item of items) {
    if (item.ratio === null) continue;
    const key = `${item.case}\u0000${item.comparison}`;
    const group = groups.get(key) ?? { case: item.case, comparison: item.comparison, ratios: [], rounds: [] };
    group.ratios.push(item.ratio);
    group.rounds.push(item.round);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, median: median(g.ratios) as number, min: Math.min(...g.ratios), max: Math.max(...g.ratios) }));
}

/**
 * The median over the rounds of each within-round speed-up ({@link replicaSpeedups}, {@link backendSpeedups},
 * {@link allocatorSpeedups}): a ratio of two runs seconds apart, so the machine's drift between rounds cancels.
 */
export function speedupsAcrossRounds(speedups: readonly Speedup[]): RoundSummary[] {
  return summarizeRounds(speedups.map((s) => ({ case: s.case, comparison: s.comparison, round: s.round, ratio: s.speedup })));
}

/** The median over the rounds of ours ÷ the peer for each case, backend, replica count and allocator mode. */
export function peerRatiosAcrossRounds(comparisons: readonly PeerComparison[]): RoundSummary[] {
  return summarizeRounds(
    comparisons.map((c) => ({
      case: c.case,
      comparison: `${c.backend}, ${c.replicas} replica${c.replicas === 1 ? "" : "s"}, ${c.allocator}: ours ÷ torch`,
      round: c.round,
      ratio: c.ratio,
    })),
  );
}

/**
 * The summaries as indented lines, e.g.
 * `unet-b128  wasm, tuned: 2 replicas over 1  median 1.72× of 7 rounds (1.60–1.85): 1.70 1.75 1.60 …`.
 */
export function formatRoundSummaries(summaries: readonly RoundSummary[]): string {
  if (summaries.length === 0) return "  (none: a comparison needs both runs measured in a round)";
  const caseWidth = Math.max(...summaries.map((s) => s.case.length));
  const comparisonWidth = Math.max(...summaries.map((s) => s.comparison.length));
  return summaries
    .map((s) => {
      const count = `${s.ratios.length} round${s.ratios.length === 1 ? "" : "s"}`;
      const each = s.ratios.map((r) => r.toFixed(2)).join(" ");
      return `  ${s.case.padEnd(caseWidth)}  ${s.comparison.padEnd(comparisonWidth)}  median ${s.median.toFixed(2)}× of ${count} (${s.min.toFixed(2)}–${s.max.toFixed(2)}): ${each}`;
    })
    .join("\n");
}

/** Milliseconds with about three significant digits. */
export function formatMilliseconds(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function formatRate(gflops: number): string {
  return gflops >= 10 ? gflops.toFixed(1) : gflops >= 0.1 ? gflops.toFixed(2) : gflops.toFixed(4);
}

function noteOf(record: BenchRecord): string {
  if (record.status === "skipped") return record.skipReason ?? "skipped";
  const waited = record.load !== null && record.load.waitedSeconds > 0 ? `waited ${record.load.waitedSeconds.toFixed(0)} s for load < ${record.load.threshold ?? "?"}` : "";
  const notQuiet = record.load?.isQuiet === false ? " (not reached)" : "";
  const load = waited + notQuiet;
  if (record.error === null) return load;
  const message = record.error.length > 90 ? `${record.error.slice(0, 87)}…` : record.error;
  const failure = `${record.status === "partial" ? `partial (${record.samplesMs.length} timed)` : "failed"}: ${message}`;
  return load.length > 0 ? `${failure}; ${load}` : failure;
}

/**
 * The timed steps in a few characters: every one when there are at most 7, else their count, minimum, median and
 * maximum (a small case times hundreds of steps).
 */
export function formatSteps(samplesMs: readonly number[]): string {
  if (samplesMs.length <= 7) return samplesMs.map(formatMilliseconds).join(" ");
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const middle = median(sorted) as number;
  return `${samplesMs.length}×: min ${formatMilliseconds(sorted[0] as number)}, med ${formatMilliseconds(middle)}, max ${formatMilliseconds(sorted[sorted.length - 1] as number)}`;
}

/** A load average as printed beside a figure. */
function formatLoad(load: number | null | undefined): string {
  return load === null || load === undefined ? "–" : load.toFixed(2);
}

function formatShare(share: number | null): string {
  return share === null ? "–" : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}

/** Whether any of `items` comes from a second or later round, i.e. the tables need a round column. */
function hasRounds(items: readonly { round: number }[]): boolean {
  return items.some((item) => item.round > 1);
}

/** `header` and `rows` with a leading round column when the run had rounds. */
function withRounds<T extends { round: number }>(items: readonly T[], header: readonly string[], rows: readonly (readonly string[])[]): [readonly string[], (readonly string[])[]] {
  if (!hasRounds(items)) return [header, [...rows]];
  return [["round", ...header], rows.map((row, i) => [String(items[i]?.round), ...row])];
}

/** Aligns `rows` under `header`; the columns in `numeric` are right-aligned. */
function alignedTable(header: readonly string[], numeric: ReadonlySet<string>, rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] as number;
        return numeric.has(header[column] as string) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

const HEADER = ["case", "backend", "R", "malloc", "batch", "ms/step", "load", "ms/sample", "GFLOP/s", "% ceiling", "timed steps (ms)", "note"] as const;
/** Columns printed right-aligned (numbers). */
const NUMERIC = new Set<string>(["round", "R", "batch", "ms/step", "load", "ms/sample", "GFLOP/s", "% ceiling"]);

/**
 * Every record as a row of an aligned text table: median ms per step with the 1-minute load average at the run's
 * start, ms per sample, GFLOP/s, their share of the ceiling (ours), the timed steps, and a note for skipped, failed,
 * partial or waiting runs. `R` is replicas for ours, threads for torch; `malloc` the allocator mode. The comparison
 * with PyTorch is {@link formatComparisonTable}'s (`--peer torch`).
 */
export function formatTable(records: readonly BenchRecord[]): string {
  const dash = "–";
  const rows = records.map((r) => [
    r.case,
    r.backend,
    String(r.replicas),
    r.allocator,
    String(r.batch),
    r.medianMsPerStep === null ? dash : formatMilliseconds(r.medianMsPerStep),
    formatLoad(r.load?.atStart),
    r.msPerSample === null ? dash : formatMilliseconds(r.msPerSample),
    r.gflopPerSecond === null ? dash : formatRate(r.gflopPerSecond),
    r.side === "peer" ? "" : formatShare(r.ceilingShare),
    formatSteps(r.samplesMs),
    noteOf(r),
  ]);
  const [header, body] = withRounds(records, HEADER, rows);
  return alignedTable(header, NUMERIC, body);
}

const COMPARISON_HEADER = ["case", "ours", "R", "malloc", "ours ms", "load", "GFLOP/s", "% ceiling", "torch ms", "load ", "ours ÷ torch"] as const;
const COMPARISON_NUMERIC = new Set<string>(["round", "R", "ours ms", "load", "GFLOP/s", "% ceiling", "torch ms", "load ", "ours ÷ torch"]);

/**
 * The comparisons with the peer as an aligned table: per case, backend, replicas (= torch threads) and allocator
 * mode, our median ms and its load average, our GFLOP/s and share of the ceiling, torch's median ms and its load
 * average, and ours ÷ torch (> 1: ours is slower).
 */
export function formatComparisonTable(comparisons: readonly PeerComparison[]): string {
  if (comparisons.length === 0) return "  (none: no case was run by both)";
  const dash = "–";
  const rows = comparisons.map((c) => [
    c.case,
    c.backend,
    String(c.replicas),
    c.allocator,
    c.oursMs === null ? dash : formatMilliseconds(c.oursMs),
    formatLoad(c.oursLoad),
    c.oursGflopPerSecond === null ? dash : formatRate(c.oursGflopPerSecond),
    formatShare(c.ceilingShare),
    c.peerMs === null ? dash : formatMilliseconds(c.peerMs),
    formatLoad(c.peerLoad),
    c.ratio === null ? dash : `${c.ratio.toFixed(2)}×`,
  ]);
  const [header, body] = withRounds(comparisons, COMPARISON_HEADER, rows);
  return alignedTable(header, COMPARISON_NUMERIC, body);
}

/** The speedups as indented lines, e.g. `unet-b32  wasm: 2 replicas over 1  1234 → 700 ms  1.76×`. */
export function formatSpeedups(speedups: readonly Speedup[]): string {
  if (speedups.length === 0) return "  (none: a comparison needs both runs measured)";
  const caseWidth = Math.max(...speedups.map((s) => s.case.length));
  const comparisonWidth = Math.max(...speedups.map((s) => s.comparison.length));
  const rounds = hasRounds(speedups);
  return speedups
    .map((s) => {
      const times = `${formatMilliseconds(s.baselineMs)} → ${formatMilliseconds(s.improvedMs)} ms`;
      const round = rounds ? `round ${String(s.round).padEnd(3)} ` : "";
      return `  ${round}${s.case.padEnd(caseWidth)}  ${s.comparison.padEnd(comparisonWidth)}  ${times.padStart(22)}  ${s.speedup.toFixed(2)}×`;
    })
    .join("\n");
}

/** Kernels listed by name in a profile table; the rest are summed in one "other" row. */
export const PROFILE_TOP_KERNELS = 20;

const PROFILE_HEADER = ["kernel", "ms", "calls", "% of step"] as const;
const PROFILE_NUMERIC = new Set<string>(["ms", "calls", "% of step"]);

function percentOf(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)} %` : "–";
}

/**
 * One profiled step as an aligned table: the `top` kernels by time (ms, calls, % of the step's wall time), then
 * "other (N kernels)" for the rest (when there is a rest), "outside kernels" (step − the sum of every kernel) and
 * the step itself (its wall time, every call, 100 %). Kernels are sorted here, most time first.
 */
export function formatProfileTable(profile: Pick<RunProfile, "stepMs" | "kernels">, top = PROFILE_TOP_KERNELS): string {
  const sorted = [...profile.kernels].sort((a, b) => b.milliseconds - a.milliseconds || a.kernel.localeCompare(b.kernel));
  const shown = sorted.slice(0, top);
  const rest = sorted.slice(top);
  const step = profile.stepMs;
  const sumOf = (kernels: readonly KernelTime[], key: "milliseconds" | "calls") => kernels.reduce((sum, k) => sum + k[key], 0);
  const kernelsMs = sumOf(sorted, "milliseconds");
  const row = (name: string, ms: number, calls: string) => [name, formatMilliseconds(ms), calls, percentOf(ms, step)];
  const rows = shown.map((k) => row(k.kernel, k.milliseconds, String(k.calls)));
  if (rest.length > 0) rows.push(row(`other (${rest.length} kernel${rest.length === 1 ? "" : "s"})`, sumOf(rest, "milliseconds"), String(sumOf(rest, "calls"))));
  rows.push(row("outside kernels", step - kernelsMs, ""));
  rows.push(row("step (wall time)", step, String(sumOf(sorted, "calls"))));
  return alignedTable(PROFILE_HEADER, PROFILE_NUMERIC, rows);
}

/** The note printed above the profile tables. */
export const PROFILE_NOTE =
  "Kernels of one extra step after the timed ones (--profile; not in the medians above). ms = wall time of a kernel's " +
  "outermost calls on the calling thread, kernels it calls included; % of step = ms ÷ the profiled step's wall time. " +
  "Only the calling thread is seen (replica 0): with R > 1 the worker threads' kernels are missing and its wait for them " +
  "is outside kernels. outside kernels = step − every kernel: tensor creation, reading data back, the gradient tape, " +
  "JavaScript between kernels.";

/** The heading and table of every profiled record, separated by blank lines; "" when none was profiled. */
export function formatProfiles(records: readonly BenchRecord[]): string {
  return records
    .filter((r): r is BenchRecord & { profile: RunProfile } => r.profile !== null)
    .map((r) => {
      const p = r.profile;
      const replicas = `${r.replicas} replica${r.replicas === 1 ? "" : "s"}`;
      const heading =
        `${r.case} on ${r.backend}, ${replicas}, malloc ${r.allocator}: profiled step ${formatMilliseconds(p.stepMs)} ms, ` +
        `${percentOf(p.kernelsMs, p.stepMs)} of it in ${p.kernels.length} kernels; ${p.threadsSeen}`;
      return `${heading}\n${formatProfileTable(p)}`;
    })
    .join("\n\n");
}
