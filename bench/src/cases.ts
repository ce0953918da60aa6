import type * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { mlp, unet } from "@pg/nets";
import { ALLOCATOR_MODES, type AllocatorMode } from "./allocator";
import type { AllocatorChoice, BenchBackend, BenchOptions, BenchPeer } from "./bench_options";

/** What a case times: one optimizer step, or one forward pass without gradients. */
export type CaseKind = "training" | "inference";

/** One benchmark case: a network, a batch and what is timed. */
export interface BenchCase {
  /** Name used by `--cases` and in the table. */
  readonly name: string;
  /** One line for the README and the JSON. */
  readonly description: string;
  readonly kind: CaseKind;
  /** Builds the network with a fixed input size, so FLOPs can be counted from its layers. */
  readonly network: () => tf.LayersModel;
  /** Shape of one input example, NHWC without the batch axis. */
  readonly inputShape: readonly number[];
  /** Shape of one network output example (x = the identity physics' xShape). */
  readonly outputShape: readonly number[];
  readonly batch: number;
  /** Training cases big enough to split over data-parallel replicas run with 1 and with every core. */
  readonly isSplittable: boolean;
  /** Backends on which the case runs only with `--include-slow`, and what the table says otherwise. */
  readonly slow?: { readonly backends: readonly BenchBackend[]; readonly note: string };
}

/** Seed of every network; weights do not change the timing but keep runs reproducible. */
const SEED = 0;

const SLOW_UNET_TRAINING = {
  backends: ["cpu"],
  note: "skipped (≈140 s/step at batch 8, see README)",
} as const;

/** The Poisson/heat U-net of the paper: 4 levels, 16 filters, 1 → 1 channels, 37,697 parameters. */
function poissonUNet(): tf.LayersModel {
  return unet({ levels: 4, filters: 16, inputChannels: 1, outputChannels: 1, seed: SEED, height: 64, width: 64 });
}

/** Every case, in the order they run. */
export const BENCH_CASES: readonly BenchCase[] = [
  {
    name: "unet-b32",
    description: "U-net (4 levels, 16 filters, 1→1) training step on 64×64×1, batch 32, Adam",
    kind: "training",
    network: poissonUNet,
    inputShape: [64, 64, 1],
    outputShape: [64, 64, 1],
    batch: 32,
    isSplittable: true,
    slow: SLOW_UNET_TRAINING,
  },
  {
    name: "unet-b128",
    description: "U-net (4 levels, 16 filters, 1→1) training step on 64×64×1, batch 128, Adam",
    kind: "training",
    network: poissonUNet,
    inputShape: [64, 64, 1],
    outputShape: [64, 64, 1],
    batch: 128,
    isSplittable: true,
    slow: SLOW_UNET_TRAINING,
  },
  {
    name: "fluid-unet-b64",
    description: "Fluid U-net (5 levels, 16 filters, 2→2, 49,570 parameters) training step on 64×64×2, batch 64, Adam",
    kind: "training",
    network: () => unet({ levels: 5, inputChannels: 2, outputChannels: 2, seed: SEED, height: 64, width: 64 }),
    inputShape: [64, 64, 2],
    outputShape: [64, 64, 2],
    batch: 64,
    isSplittable: true,
    slow: SLOW_UNET_TRAINING,
  },
  {
    name: "mlp-b1000",
    description: "MLP 1-10-20-10-1 (ReLU, the sin experiment's network) training step, batch 1000, Adam",
    kind: "training",
    network: () => mlp({ inputSize: 1, hiddenSizes: [10, 20, 10], outputSize: 1, activation: "relu", seed: SEED }),
    inputShape: [1],
    outputShape: [1],
    batch: 1000,
    isSplittable: false,
  },
  {
    name: "unet-inference-b32",
    description: "U-net (4 levels, 16 filters, 1→1) forward pass (model.apply, no gradients) on 64×64×1, batch 32",
    kind: "inference",
    network: poissonUNet,
    inputShape: [64, 64, 1],
    outputShape: [64, 64, 1],
    batch: 32,
    isSplittable: false,
  },
];

/** The case called `name`. @throws {@link PgValidationError} listing the known names. */
export function benchCaseNamed(name: string): BenchCase {
  const found = BENCH_CASES.find((c) => c.name === name);
  if (found === undefined) {
    throw new PgValidationError("pnpm bench", "--cases", `a comma-separated list of ${BENCH_CASES.map((c) => `"${c.name}"`).join(", ")}`, name);
  }
  return found;
}

/** Who runs a case: our networks on a tfjs backend, or the PyTorch peer (peer_torch.py). */
export type BenchSide = "ours" | "peer";

/** What a run executes on: one of our backends, or the peer's framework. */
export type RunBackend = BenchBackend | BenchPeer;

/** One planned run: a case on one backend with one replica count and one allocator mode, or why it is skipped. */
export interface BenchRun {
  readonly caseName: string;
  readonly side: BenchSide;
  /** Our tfjs backend, or `torch` for the peer. */
  readonly backend: RunBackend;
  /** Data-parallel replicas for ours; torch threads for the peer (R replicas are compared with R threads). */
  readonly replicas: number;
  /** The allocator settings of the run's process. */
  readonly allocator: AllocatorMode;
  /** Set when the run is not executed (a slow run without `--include-slow`). */
  readonly skipReason?: string;
  /** A run that only happens with `--include-slow`; it gets the longer wall-time limit. */
  readonly isSlow: boolean;
  /** Which repetition of the case's runs this is, from 1 (`--rounds`); ratios pair runs of the same round. */
  readonly round: number;
}

/** The allocator modes `--allocator` selects, in run order. */
export function allocatorModesOf(choice: AllocatorChoice): readonly AllocatorMode[] {
  return choice === "both" ? ALLOCATOR_MODES : [choice];
}

/**
 * Every run of the selected cases, in the order they execute. For each case and each replica count (1 and `cores`
 * for training cases that can be split, else 1), for each allocator mode (`default` before `tuned`): ours on each
 * selected backend, then the peer (when `peer` is set) with as many threads as ours had replicas. Ours and the peer
 * thus alternate closely, so a change in the machine's load affects both. With `rounds` > 1 each case's runs repeat
 * that many times before the next case, every even round in reverse order (1 replica, 2, 2, 1, 1, 2, …), so a
 * steady drift of the machine's speed favours neither side of a ratio. Slow runs are listed as skipped unless
 * `includeSlow`.
 * @throws {@link PgValidationError} for an unknown case name.
 */
export function planRuns(options: Pick<BenchOptions, "cases" | "backends" | "includeSlow" | "peer" | "allocator" | "rounds">, cores: number): BenchRun[] {
  const cases = options.cases === undefined ? BENCH_CASES : options.cases.map(benchCaseNamed);
  const runs: BenchRun[] = [];
  for (const benchCase of cases) {
    for (let round = 1; round <= options.rounds; round++) {
      const roundRuns: BenchRun[] = [];
      const replicaCounts = benchCase.isSplittable && cores > 1 ? [1, cores] : [1];
      for (const replicas of replicaCounts) {
        for (const allocator of allocatorModesOf(options.allocator)) {
          for (const backend of options.backends) {
            const isSlow = benchCase.slow?.backends.includes(backend) ?? false;
            const skip = isSlow && !options.includeSlow ? { skipReason: benchCase.slow?.note ?? "skipped (slow)" } : {};
            roundRuns.push({ caseName: benchCase.name, side: "ours", backend, replicas, allocator, isSlow, round, ...skip });
          }
          if (options.peer !== undefined) roundRuns.push({ caseName: benchCase.name, side: "peer", backend: options.peer, replicas, allocator, isSlow: false, round });
        }
      }
      runs.push(...(round % 2 === 0 ? roundRuns.reverse() : roundRuns));
    }
  }
  return runs;
}
