import type { BenchBackend } from "./bench_options";
import type { BenchCase, BenchRun, CaseKind } from "./cases";
import type { IsolatedRunResult } from "./run_isolated";

/** How a run ended. `partial`: it stopped (error or time limit) after some timed steps; the median uses those. */
export type RunStatus = "measured" | "partial" | "failed" | "skipped";

/** One row of the results: a case on one backend with one replica count. Missing numbers are `null` in the JSON. */
export interface BenchRecord {
  readonly case: string;
  readonly description: string;
  readonly kind: CaseKind;
  readonly backend: BenchBackend;
  readonly replicas: number;
  readonly batch: number;
  readonly status: RunStatus;
  /** Median wall time of the timed steps. */
  readonly medianMsPerStep: number | null;
  /** {@link BenchRecord.medianMsPerStep} / batch. */
  readonly msPerSample: number | null;
  /** FLOPs per step (see flops.ts) / median step time. */
  readonly gflopPerSecond: number | null;
  /** Every timed step, in order. */
  readonly samplesMs: readonly number[];
  /** The untimed warm-up steps, in order. */
  readonly warmupMs: readonly number[];
  /** The PyTorch 1-thread reference and our median divided by it (> 1: slower than PyTorch). */
  readonly pytorch: { readonly secondsPerStep: number; readonly ratio: number | null } | null;
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

/** The record of a run that was executed (or attempted). */
export function measuredRecord(run: BenchRun, benchCase: BenchCase, result: IsolatedRunResult, loadAverageAtStart: readonly number[]): BenchRecord {
  const timed = result.steps.filter((s) => s.phase === "timed");
  const samplesMs = timed.map((s) => s.milliseconds);
  const medianMs = median(samplesMs);
  const setup = result.setup;
  const losses = result.steps.map((s) => s.loss).filter((l): l is number => l !== undefined);
  return {
    ...identityOf(run, benchCase),
    status: statusOf(result, timed.length),
    medianMsPerStep: medianMs,
    msPerSample: medianMs === null ? null : medianMs / benchCase.batch,
    gflopPerSecond: medianMs === null || setup === undefined ? null : setup.flopsPerStep / (medianMs * 1e6),
    samplesMs,
    warmupMs: result.steps.filter((s) => s.phase === "warmup").map((s) => s.milliseconds),
    pytorch: pytorchOf(benchCase, medianMs),
    parameters: setup?.parameters ?? null,
    forwardMflopPerSample: setup === undefined ? null : setup.forwardFlopsPerSample / 1e6,
    gflopPerStep: setup === undefined ? null : setup.flopsPerStep / 1e9,
    tfjsBackend: setup?.tfjsBackend ?? null,
    wasmThreads: setup?.wasmThreads ?? null,
    loss: losses.length === 0 ? null : { first: losses[0] as number, last: losses[losses.length - 1] as number },
    setupSeconds: setup?.setupSeconds ?? null,
    wallSeconds: result.wallSeconds,
    residentMegabytes: result.residentMegabytes ?? null,
    loadAverageAtStart,
    error: result.error ?? null,
    skipReason: null,
  };
}

/** The record of a run that was not executed. */
export function skippedRecord(run: BenchRun, benchCase: BenchCase, reason: string): BenchRecord {
  return {
    ...identityOf(run, benchCase),
    status: "skipped",
    medianMsPerStep: null,
    msPerSample: null,
    gflopPerSecond: null,
    samplesMs: [],
    warmupMs: [],
    pytorch: pytorchOf(benchCase, null),
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
    error: null,
    skipReason: reason,
  };
}

function identityOf(run: BenchRun, benchCase: BenchCase) {
  return {
    case: benchCase.name,
    description: benchCase.description,
    kind: benchCase.kind,
    backend: run.backend,
    replicas: run.replicas,
    batch: benchCase.batch,
  };
}

function pytorchOf(benchCase: BenchCase, medianMs: number | null): BenchRecord["pytorch"] {
  if (benchCase.pytorchSeconds === undefined) return null;
  return { secondsPerStep: benchCase.pytorchSeconds, ratio: medianMs === null ? null : medianMs / (benchCase.pytorchSeconds * 1000) };
}

/** A within-run ratio: `baseline` median / `improved` median. */
export interface Speedup {
  readonly case: string;
  /** e.g. "wasm: 2 replicas over 1" or "replicas 1: wasm over cpu". */
  readonly comparison: string;
  readonly baselineMs: number;
  readonly improvedMs: number;
  readonly speedup: number;
}

function isUsable(record: BenchRecord): record is BenchRecord & { medianMsPerStep: number } {
  return (record.status === "measured" || record.status === "partial") && record.medianMsPerStep !== null;
}

/** For each training case and backend measured with 1 and with more replicas: time(1) / time(R). */
export function replicaSpeedups(records: readonly BenchRecord[]): Speedup[] {
  const speedups: Speedup[] = [];
  for (const one of records.filter((r) => r.kind === "training" && r.replicas === 1 && isUsable(r))) {
    for (const many of records.filter((r) => r.case === one.case && r.backend === one.backend && r.replicas > 1 && isUsable(r))) {
      const baselineMs = one.medianMsPerStep as number;
      const improvedMs = many.medianMsPerStep as number;
      speedups.push({ case: one.case, comparison: `${one.backend}: ${many.replicas} replicas over 1`, baselineMs, improvedMs, speedup: baselineMs / improvedMs });
    }
  }
  return speedups;
}

/** For each case measured with 1 replica on both wasm and cpu: time(cpu) / time(wasm). */
export function backendSpeedups(records: readonly BenchRecord[]): Speedup[] {
  const speedups: Speedup[] = [];
  for (const wasm of records.filter((r) => r.backend === "wasm" && r.replicas === 1 && isUsable(r))) {
    const cpu = records.find((r) => r.case === wasm.case && r.backend === "cpu" && r.replicas === 1 && isUsable(r));
    if (cpu === undefined) continue;
    const baselineMs = cpu.medianMsPerStep as number;
    const improvedMs = wasm.medianMsPerStep as number;
    speedups.push({ case: wasm.case, comparison: "1 replica: wasm over cpu", baselineMs, improvedMs, speedup: baselineMs / improvedMs });
  }
  return speedups;
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
  if (record.error === null) return "";
  const message = record.error.length > 90 ? `${record.error.slice(0, 87)}…` : record.error;
  return `${record.status === "partial" ? `partial (${record.samplesMs.length} timed)` : "failed"}: ${message}`;
}

const HEADER = ["case", "backend", "replicas", "batch", "ms/step", "ms/sample", "GFLOP/s", "÷ PyTorch", "timed steps (ms)", "note"] as const;
/** Columns printed right-aligned (numbers). */
const NUMERIC = new Set<string>(["replicas", "batch", "ms/step", "ms/sample", "GFLOP/s", "÷ PyTorch"]);

/**
 * The results as an aligned text table, one row per record: median ms per step, ms per sample, GFLOP/s, our median
 * divided by the PyTorch 1-thread reference (where one exists), every timed step, and a note for skipped, failed
 * or partial runs.
 */
export function formatTable(records: readonly BenchRecord[]): string {
  const dash = "–";
  const rows = records.map((r) => [
    r.case,
    r.backend,
    String(r.replicas),
    String(r.batch),
    r.medianMsPerStep === null ? dash : formatMilliseconds(r.medianMsPerStep),
    r.msPerSample === null ? dash : formatMilliseconds(r.msPerSample),
    r.gflopPerSecond === null ? dash : formatRate(r.gflopPerSecond),
    r.pytorch === null ? "" : r.pytorch.ratio === null ? dash : `${r.pytorch.ratio.toFixed(2)}×`,
    r.samplesMs.map(formatMilliseconds).join(" "),
    noteOf(r),
  ]);
  const widths = HEADER.map((h, column) => Math.max(h.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] as number;
        return NUMERIC.has(HEADER[column] as string) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(HEADER), rule, ...rows.map(line)].join("\n");
}

/** The speedups as indented lines, e.g. `unet-b32  wasm: 2 replicas over 1  1234 → 700 ms  1.76×`. */
export function formatSpeedups(speedups: readonly Speedup[]): string {
  if (speedups.length === 0) return "  (none: a comparison needs both runs measured)";
  const caseWidth = Math.max(...speedups.map((s) => s.case.length));
  const comparisonWidth = Math.max(...speedups.map((s) => s.comparison.length));
  return speedups
    .map((s) => {
      const times = `${formatMilliseconds(s.baselineMs)} → ${formatMilliseconds(s.improvedMs)} ms`;
      return `  ${s.case.padEnd(caseWidth)}  ${s.comparison.padEnd(comparisonWidth)}  ${times.padStart(22)}  ${s.speedup.toFixed(2)}×`;
    })
    .join("\n");
}
