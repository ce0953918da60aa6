import { describe, expect, it } from "vitest";
import { benchCaseNamed, type BenchRun } from "../src/cases";
import type { RunLoad } from "../src/quiet_load";
import {
  allocatorSpeedups,
  formatComparisonTable,
  formatSteps,
  formatTable,
  measuredRecord,
  peerComparisons,
  replicaSpeedups,
  skippedRecord,
  type BenchRecord,
} from "../src/report";
import type { IsolatedRunResult } from "../src/run_isolated";

const UNET = benchCaseNamed("unet-b32");
/** FLOPs of one U-net training step at batch 32 (flops.ts: 3 × 106,889,216 × 32). */
const UNET_STEP_FLOPS = 3 * 106_889_216 * 32;

function load(atStart: number): RunLoad {
  return { beforeWait: atStart, atStart, waitedSeconds: 0, threshold: 1, isQuiet: atStart < 1 };
}

/** A measured run whose timed steps are `samplesMs`. */
function record(run: Omit<BenchRun, "caseName" | "isSlow">, samplesMs: readonly number[], loadAtStart = 0.5): BenchRecord {
  const result: IsolatedRunResult = {
    setup: { tfjsBackend: run.backend, parameters: 37_697, forwardFlopsPerSample: 106_889_216, flopsPerStep: UNET_STEP_FLOPS, setupSeconds: 1 },
    steps: [{ phase: "warmup", milliseconds: 5000 }, ...samplesMs.map((milliseconds) => ({ phase: "timed" as const, milliseconds }))],
    residentMegabytes: 500,
    wallSeconds: 20,
  };
  const full: BenchRun = { caseName: UNET.name, isSlow: false, ...run };
  return measuredRecord(full, UNET, result, { load: load(loadAtStart), loadAverageAtStart: [loadAtStart, 0, 0], allocatorVariables: {}, ceilingGflops: 56 });
}

const RECORDS: BenchRecord[] = [
  record({ side: "ours", backend: "wasm", replicas: 1, allocator: "default" }, [3000, 2900, 3100]),
  record({ side: "peer", backend: "torch", replicas: 1, allocator: "default" }, [260, 250, 240], 0.7),
  record({ side: "ours", backend: "wasm", replicas: 1, allocator: "tuned" }, [2000, 2100, 2050]),
  record({ side: "peer", backend: "torch", replicas: 1, allocator: "tuned" }, [250]),
  record({ side: "ours", backend: "wasm", replicas: 2, allocator: "tuned" }, [1200]),
  record({ side: "peer", backend: "torch", replicas: 2, allocator: "tuned" }, [125]),
];

describe("measuredRecord", () => {
  it("takes the median, GFLOP/s and the share of the ceiling per core used", () => {
    const [ours, peer, , , oursTwo] = RECORDS as [BenchRecord, BenchRecord, BenchRecord, BenchRecord, BenchRecord];
    expect(ours.medianMsPerStep).toBe(3000);
    expect(ours.gflopPerSecond).toBeCloseTo(UNET_STEP_FLOPS / 3e9, 9);
    expect(ours.ceilingShare).toBeCloseTo(UNET_STEP_FLOPS / 3e9 / 56, 9);
    expect(oursTwo.ceilingShare).toBeCloseTo(UNET_STEP_FLOPS / 1.2e9 / (2 * 56), 9);
    expect(peer.ceilingShare).toBeNull();
    expect(peer.pytorch).toBeNull();
    expect(ours.pytorch?.ratio).toBeCloseTo(3000 / 246, 9);
    expect(ours.load?.atStart).toBe(0.5);
  });
});

describe("peerComparisons", () => {
  it("pairs ours with the peer of the same case, replicas = threads and allocator mode", () => {
    const comparisons = peerComparisons(RECORDS);
    expect(comparisons.map((c) => [c.replicas, c.allocator, c.oursMs, c.peerMs, c.ratio])).toEqual([
      [1, "default", 3000, 250, 12],
      [1, "tuned", 2050, 250, 8.2],
      [2, "tuned", 1200, 125, 9.6],
    ]);
    expect(comparisons[0]?.oursLoad).toBe(0.5);
    expect(comparisons[0]?.peerLoad).toBe(0.7);
  });

  it("leaves out skipped runs of ours and has no ratio when the peer has no time", () => {
    const skipped = skippedRecord({ caseName: UNET.name, side: "ours", backend: "cpu", replicas: 1, allocator: "tuned", isSlow: true }, UNET, "slow");
    const failedPeer = { ...(RECORDS[3] as BenchRecord), status: "failed" as const, medianMsPerStep: null, samplesMs: [] };
    const comparisons = peerComparisons([RECORDS[2] as BenchRecord, skipped, failedPeer]);
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]?.peerMs).toBeNull();
    expect(comparisons[0]?.ratio).toBeNull();
  });

  it("prints one row per comparison with the load beside each time", () => {
    const table = formatComparisonTable(peerComparisons(RECORDS));
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^case\s+ours\s+R\s+malloc\s+ours ms\s+load\s+GFLOP\/s\s+% ceiling\s+torch ms\s+load\s+ours ÷ torch$/);
    expect(lines[2]).toMatch(/^unet-b32\s+wasm\s+1\s+default\s+3000\s+0\.50\s+3\.42\s+6\.1 %\s+250\s+0\.70\s+12\.00×$/);
    expect(lines[4]).toMatch(/^unet-b32\s+wasm\s+2\s+tuned\s+1200\s+0\.50\s+8\.55\s+7\.6 %\s+125\s+0\.50\s+9\.60×$/);
  });
});

describe("speed-ups", () => {
  it("2 replicas ÷ 1 for ours and 2 threads ÷ 1 for the peer, within one allocator mode", () => {
    const speedups = replicaSpeedups(RECORDS);
    expect(speedups.map((s) => [s.comparison, s.speedup])).toEqual([
      ["wasm, tuned: 2 replicas over 1", 2050 / 1200],
      ["torch, tuned: 2 threads over 1", 2],
    ]);
  });

  it("default ÷ tuned for the same case, backend and replicas", () => {
    const speedups = allocatorSpeedups(RECORDS);
    expect(speedups.map((s) => [s.comparison, s.speedup])).toEqual([
      ["wasm, 1 replica: tuned over default", 3000 / 2050],
      ["torch, 1 thread: tuned over default", 1],
    ]);
  });
});

describe("tables", () => {
  it("lists few timed steps and summarises many", () => {
    expect(formatSteps([3000, 2900.4])).toBe("3000 2900");
    expect(formatSteps(Array.from({ length: 250 }, (_, i) => 1 + i / 100))).toBe("250×: min 1.00, med 2.25, max 3.49");
  });

  it("prints the allocator mode and the load of every run", () => {
    const lines = formatTable(RECORDS).split("\n");
    expect(lines[0]).toMatch(/^case\s+backend\s+R\s+malloc\s+batch\s+ms\/step\s+load\s+/);
    expect(lines[3]).toMatch(/^unet-b32\s+torch\s+1\s+default\s+32\s+250\s+0\.70\s+/);
  });
});
