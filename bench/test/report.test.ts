import { describe, expect, it } from "vitest";
import { benchCaseNamed, type BenchRun } from "../src/cases";
import type { RunLoad } from "../src/quiet_load";
import type { KernelTime } from "../src/kernel_profile";
import {
  PROFILE_NOTE,
  allocatorSpeedups,
  formatComparisonTable,
  formatProfileTable,
  formatProfiles,
  formatRoundSummaries,
  formatSpeedups,
  formatSteps,
  formatTable,
  measuredRecord,
  peerComparisons,
  peerRatiosAcrossRounds,
  replicaSpeedups,
  runProfileOf,
  skippedRecord,
  speedupsAcrossRounds,
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
function record(run: Omit<BenchRun, "caseName" | "isSlow" | "round"> & { round?: number }, samplesMs: readonly number[], loadAtStart = 0.5, extra: Partial<IsolatedRunResult> = {}): BenchRecord {
  const result: IsolatedRunResult = {
    ...extra,
    setup: { tfjsBackend: run.backend, parameters: 37_697, forwardFlopsPerSample: 106_889_216, flopsPerStep: UNET_STEP_FLOPS, setupSeconds: 1 },
    steps: [{ phase: "warmup", milliseconds: 5000 }, ...samplesMs.map((milliseconds) => ({ phase: "timed" as const, milliseconds }))],
    residentMegabytes: 500,
    wallSeconds: 20,
  };
  const full: BenchRun = { caseName: UNET.name, isSlow: false, round: 1, ...run };
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
    expect(ours.load?.atStart).toBe(0.5);
    // the comparison with PyTorch is the peer's measured run, never a stored figure
    expect(ours).not.toHaveProperty("pytorch");
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
    const skipped = skippedRecord({ caseName: UNET.name, side: "ours", backend: "cpu", replicas: 1, allocator: "tuned", isSlow: true, round: 1 }, UNET, "slow");
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

describe("rounds", () => {
  /** Three rounds of 1 and 2 replicas and the peer with 2 threads; the machine slows by half in round 2. */
  const ROUNDS: BenchRecord[] = [1, 2, 3].flatMap((round) => {
    const slow = round === 2 ? 1.5 : 1;
    return [
      record({ side: "ours", backend: "wasm", replicas: 1, allocator: "tuned", round }, [1000 * slow]),
      record({ side: "ours", backend: "wasm", replicas: 2, allocator: "tuned", round }, [(500 + 50 * round) * slow]),
      record({ side: "peer", backend: "torch", replicas: 2, allocator: "tuned", round }, [250 * slow]),
    ];
  });

  it("pairs runs of the same round only and takes the median of the per-round ratios", () => {
    const speedups = replicaSpeedups(ROUNDS);
    expect(speedups.map((s) => [s.round, s.baselineMs, s.improvedMs])).toEqual([
      [1, 1000, 550],
      [2, 1500, 900],
      [3, 1000, 650],
    ]);
    const [summary] = speedupsAcrossRounds(speedups);
    expect(summary?.ratios).toEqual([1000 / 550, 1500 / 900, 1000 / 650]);
    expect(summary?.rounds).toEqual([1, 2, 3]);
    expect(summary?.median).toBeCloseTo(1500 / 900, 12);
    expect([summary?.min, summary?.max]).toEqual([1000 / 650, 1000 / 550]);
    // the slow round moves both of its runs, not the ratio: pooling all steps would give 1000 / 650 instead
    const [peer] = peerRatiosAcrossRounds(peerComparisons(ROUNDS));
    expect(peer?.comparison).toBe("wasm, 2 replicas, tuned: ours ÷ torch");
    expect(peer?.ratios).toEqual([2.2, 2.4, 2.6]);
    expect(peer?.median).toBeCloseTo(2.4, 12);
  });

  it("leaves out a round whose pair is incomplete", () => {
    const failed = { ...(ROUNDS[4] as BenchRecord), status: "failed" as const, medianMsPerStep: null, samplesMs: [] };
    const [summary] = speedupsAcrossRounds(replicaSpeedups([...ROUNDS.slice(0, 4), failed, ...ROUNDS.slice(5)]));
    expect(summary?.rounds).toEqual([1, 3]);
    expect(summary?.median).toBeCloseTo((1000 / 550 + 1000 / 650) / 2, 12);
  });

  it("prints a round column and per-round lines only when there are rounds", () => {
    expect(formatTable(ROUNDS).split("\n")[0]).toMatch(/^round\s+case\s+backend/);
    expect(formatTable(ROUNDS).split("\n")[6]).toMatch(/^\s*2\s+unet-b32\s+wasm\s+2\s+tuned/);
    expect(formatTable(RECORDS).split("\n")[0]).toMatch(/^case\s+backend/);
    expect(formatComparisonTable(peerComparisons(ROUNDS)).split("\n")[0]).toMatch(/^round\s+case\s+ours/);
    expect(formatSpeedups(replicaSpeedups(ROUNDS)).split("\n")[1]).toMatch(/^ {2}round 2\s+unet-b32\s+wasm, tuned: 2 replicas over 1\s+1500 → 900 ms\s+1\.67×$/);
    expect(formatSpeedups(replicaSpeedups(RECORDS))).not.toContain("round");
    const printed = formatRoundSummaries(speedupsAcrossRounds(replicaSpeedups(ROUNDS)));
    expect(printed).toBe("  unet-b32  wasm, tuned: 2 replicas over 1  median 1.67× of 3 rounds (1.54–1.82): 1.82 1.67 1.54");
    expect(formatRoundSummaries([])).toContain("none");
  });
});

describe("tables", () => {
  it("lists few timed steps and summarises many", () => {
    expect(formatSteps([3000, 2900.4])).toBe("3000 2900");
    expect(formatSteps(Array.from({ length: 250 }, (_, i) => 1 + i / 100))).toBe("250×: min 1.00, med 2.25, max 3.49");
  });

  it("prints the allocator mode and the load of every run", () => {
    const lines = formatTable(RECORDS).split("\n");
    expect(lines[0]).toMatch(/^case\s+backend\s+R\s+malloc\s+batch\s+ms\/step\s+load\s+ms\/sample\s+GFLOP\/s\s+% ceiling\s+timed steps \(ms\)\s+note$/);
    expect(lines[3]).toMatch(/^unet-b32\s+torch\s+1\s+default\s+32\s+250\s+0\.70\s+/);
  });
});

/** 23 kernels K01…K23 taking 23, 22, …, 1 ms with 1, 2, …, 23 calls: 276 ms and 276 calls in all. */
const KERNELS: KernelTime[] = Array.from({ length: 23 }, (_, i) => ({ kernel: `K${String(i + 1).padStart(2, "0")}`, milliseconds: 23 - i, calls: i + 1 }));

describe("profile tables", () => {
  it("lists the top 20 kernels, the rest as other, the step minus every kernel as outside kernels", () => {
    // shuffled: the table sorts by time
    const shuffled = [...KERNELS.slice(11), ...KERNELS.slice(0, 11)];
    const lines = formatProfileTable({ stepMs: 500, kernels: shuffled }).split("\n");
    expect(lines[0]).toMatch(/^kernel\s+ms\s+calls\s+% of step$/);
    expect(lines[1]).toMatch(/^-+( +-+){3}$/);
    expect(lines).toHaveLength(2 + 20 + 3);
    expect(lines[2]).toMatch(/^K01\s+23\.0\s+1\s+4\.6 %$/);
    expect(lines[21]).toMatch(/^K20\s+4\.00\s+20\s+0\.8 %$/);
    expect(lines[22]).toMatch(/^other \(3 kernels\)\s+6\.00\s+66\s+1\.2 %$/); // 3 + 2 + 1 ms, 21 + 22 + 23 calls
    expect(lines[23]).toMatch(/^outside kernels\s+224\s+44\.8 %$/); // 500 − 276
    expect(lines[24]).toMatch(/^step \(wall time\)\s+500\s+276\s+100\.0 %$/);
    // numbers are right-aligned under their headers: every row has the same length
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    const msEnd = (lines[0] as string).indexOf("ms") + 2;
    for (const line of lines.slice(2)) expect(line[msEnd]).toBe(" ");
  });

  it("has no other row when every kernel is listed, and takes another top", () => {
    const few = formatProfileTable({ stepMs: 100, kernels: KERNELS.slice(20) }).split("\n");
    expect(few.map((l) => l.split(/\s{2,}/)[0])).toEqual(["kernel", expect.stringMatching(/^-+/), "K21", "K22", "K23", "outside kernels", "step (wall time)"]);
    expect(few[5]).toMatch(/^outside kernels\s+94\.0\s+94\.0 %$/);
    const top2 = formatProfileTable({ stepMs: 500, kernels: KERNELS }, 2).split("\n");
    expect(top2[4]).toMatch(/^other \(21 kernels\)\s+231\s+273\s+46\.2 %$/);
  });

  it("records the profiled step apart from the timed steps, with the sum and the rest", () => {
    const step = { stepMilliseconds: 500, kernels: KERNELS, backend: "wasm" };
    const profiled = record({ side: "ours", backend: "wasm", replicas: 2, allocator: "tuned" }, [1200, 1300, 1250], 0.5, { profile: step });
    expect(profiled.samplesMs).toEqual([1200, 1300, 1250]);
    expect(profiled.medianMsPerStep).toBe(1250);
    expect(profiled.profile?.stepMs).toBe(500);
    expect(profiled.profile?.kernelsMs).toBe(276);
    expect(profiled.profile?.outsideKernelsMs).toBe(224);
    expect(profiled.profile?.kernels).toHaveLength(23);
    expect(profiled.profile?.threadsSeen).toContain("replica 0 of 2");
    expect(runProfileOf(step, 1).threadsSeen).toContain("only replica");
    expect((RECORDS[0] as BenchRecord).profile).toBeNull();

    const printed = formatProfiles([RECORDS[0] as BenchRecord, profiled]).split("\n");
    expect(printed[0]).toBe("unet-b32 on wasm, 2 replicas, malloc tuned: profiled step 500 ms, 55.2 % of it in 23 kernels; calling thread only (replica 0 of 2; the worker threads' kernels are not seen)");
    expect(printed.slice(1).join("\n")).toBe(formatProfileTable(profiled.profile as NonNullable<BenchRecord["profile"]>));
    expect(formatProfiles(RECORDS)).toBe("");
    expect(PROFILE_NOTE).toContain("calling thread");
  });
});
