import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "../src/bench_options";
import { planRuns, type BenchRun } from "../src/cases";

/** A run as one short string: case, backend, replicas, allocator, and "skip" when skipped. */
const short = (run: BenchRun) => `${run.caseName} ${run.backend} ${run.replicas} ${run.allocator}${run.skipReason === undefined ? "" : " skip"}`;

describe("planRuns", () => {
  it("--peer torch alternates ours and the peer, default then tuned, for each case and replica count", () => {
    const options = parseBenchOptions(["--peer", "torch", "--cases", "mlp-b1000,unet-b32", "--backends", "wasm"]);
    expect(planRuns(options, 2).map(short)).toEqual([
      "mlp-b1000 wasm 1 default",
      "mlp-b1000 torch 1 default",
      "mlp-b1000 wasm 1 tuned",
      "mlp-b1000 torch 1 tuned",
      "unet-b32 wasm 1 default",
      "unet-b32 torch 1 default",
      "unet-b32 wasm 1 tuned",
      "unet-b32 torch 1 tuned",
      "unet-b32 wasm 2 default",
      "unet-b32 torch 2 default",
      "unet-b32 wasm 2 tuned",
      "unet-b32 torch 2 tuned",
    ]);
  });

  it("puts every selected backend of ours before the peer; slow runs stay listed as skipped", () => {
    const options = parseBenchOptions(["--peer", "torch", "--cases", "unet-b32", "--allocator", "tuned"]);
    const runs = planRuns(options, 2);
    expect(runs.map(short)).toEqual([
      "unet-b32 wasm 1 tuned",
      "unet-b32 cpu 1 tuned skip",
      "unet-b32 torch 1 tuned",
      "unet-b32 wasm 2 tuned",
      "unet-b32 cpu 2 tuned skip",
      "unet-b32 torch 2 tuned",
    ]);
    expect(runs.map((r) => r.side)).toEqual(["ours", "ours", "peer", "ours", "ours", "peer"]);
  });

  it("without a peer: ours alone, tuned, as the default bench runs", () => {
    const runs = planRuns(parseBenchOptions(["--cases", "mlp-b1000,unet-inference-b32"]), 2);
    expect(runs.map(short)).toEqual(["mlp-b1000 wasm 1 tuned", "mlp-b1000 cpu 1 tuned", "unet-inference-b32 wasm 1 tuned", "unet-inference-b32 cpu 1 tuned"]);
  });

  it("on one core, a splittable case runs with 1 replica only", () => {
    const runs = planRuns(parseBenchOptions(["--cases", "unet-b32", "--backends", "wasm", "--allocator", "both"]), 1);
    expect(runs.map(short)).toEqual(["unet-b32 wasm 1 default", "unet-b32 wasm 1 tuned"]);
  });

  it("--rounds repeats each case's runs before the next case, every even round reversed", () => {
    const options = parseBenchOptions(["--cases", "unet-b128,mlp-b1000", "--backends", "wasm", "--rounds", "3"]);
    const runs = planRuns(options, 2);
    expect(runs.map((r) => `${short(r)} r${r.round}`)).toEqual([
      "unet-b128 wasm 1 tuned r1",
      "unet-b128 wasm 2 tuned r1",
      "unet-b128 wasm 2 tuned r2",
      "unet-b128 wasm 1 tuned r2",
      "unet-b128 wasm 1 tuned r3",
      "unet-b128 wasm 2 tuned r3",
      "mlp-b1000 wasm 1 tuned r1",
      "mlp-b1000 wasm 1 tuned r2",
      "mlp-b1000 wasm 1 tuned r3",
    ]);
    expect(planRuns(parseBenchOptions(["--cases", "mlp-b1000", "--backends", "wasm"]), 2).map((r) => r.round)).toEqual([1]);
  });
});
