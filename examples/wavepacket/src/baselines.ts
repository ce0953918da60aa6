import { evaluateObjective, requirePositiveInteger, type StopReason } from "@pg/core";
import { WAVE_PACKET_DATA, WAVE_PACKET_SAMPLES, random, wavePackets } from "@pg/data";
import type { WavePacketPhysics } from "@pg/physics-toys";
import { minimizeLbfgsb, type LbfgsbAlgorithmOptions } from "@pg/solvers";

/** Seed of the fixed evaluation set on which L-BFGS-B and random guessing are measured (independent of --seed). */
export const EVALUATION_SEED = 12345;
/** Seed of the random guesses (independent of the data). */
export const GUESS_SEED = 54321;
/** The L-BFGS-B initial guess of the paper's App. B.1: ξ₀ = 128, A = 2. */
export const LBFGSB_INITIAL_GUESS: readonly [number, number] = [128, 2];
/**
 * A fit has diverged when it is non-finite or |ξ₀| or |A| escapes 10× the data range (our reading of the paper's
 * "diverged", App. B.1): |ξ₀| > 10 · 230.4 = 2304 or |A| > 10 · 4 = 40.
 */
export const DIVERGENCE_LIMITS = Object.freeze({ center: 10 * WAVE_PACKET_DATA.center.high, amplitude: 10 * WAVE_PACKET_DATA.amplitude.high });

/** A fixed set of noisy packets. */
export interface EvaluationSet {
  readonly examples: number;
  /** Ground truth (ξ₀, A) per example. */
  readonly parameters: Float64Array;
  /** y* per example, examples × 256. */
  readonly y: Float64Array;
}

/** Draws the evaluation set: `examples` packets from `random(seed)` by {@link wavePackets}. */
export function evaluationSet(examples: number, seed = EVALUATION_SEED, noise = 1): EvaluationSet {
  requirePositiveInteger("evaluationSet", "examples", examples);
  const { parameters, y } = wavePackets(random(seed), { batch: examples, noise });
  return { examples, parameters, y };
}

/** Whether a fit (ξ₀, A, objective) has diverged in the sense of {@link DIVERGENCE_LIMITS}. */
export function hasDiverged(center: number, amplitude: number, objective: number): boolean {
  if (!Number.isFinite(center) || !Number.isFinite(amplitude) || !Number.isFinite(objective)) return true;
  return Math.abs(center) > DIVERGENCE_LIMITS.center || Math.abs(amplitude) > DIVERGENCE_LIMITS.amplitude;
}

/** Per-example L-BFGS-B fits. */
export interface LbfgsbFits {
  /** Fitted (ξ₀, A) per example. */
  readonly x: Float64Array;
  /** ‖y(fit) − y*‖² per example. */
  readonly objective: Float64Array;
  readonly iterations: Int32Array;
  readonly reasons: readonly StopReason[];
  readonly diverged: Uint8Array;
}

/**
 * Fits every example of the set separately with L-BFGS-B from (ξ₀, A) = (128, 2) on L = ‖y(ξ₀, A) − y*‖² (the
 * physics' objective, no ½), unbounded, with scipy's defaults (maxIterations 15000, gradientTolerance 1e-5) unless
 * `options` override them.
 */
export function fitLbfgsb(physics: WavePacketPhysics, set: EvaluationSet, options: LbfgsbAlgorithmOptions = {}): LbfgsbFits {
  const n = WAVE_PACKET_SAMPLES;
  const x = new Float64Array(2 * set.examples);
  const objective = new Float64Array(set.examples);
  const iterations = new Int32Array(set.examples);
  const reasons: StopReason[] = [];
  const diverged = new Uint8Array(set.examples);
  for (let b = 0; b < set.examples; b++) {
    const target = set.y.subarray(b * n, (b + 1) * n);
    const fit = minimizeLbfgsb(
      (xb, gradient) => {
        const evaluation = evaluateObjective(physics, xb, target, 1);
        gradient.set(evaluation.gradient);
        return evaluation.value[0] as number;
      },
      Float64Array.from(LBFGSB_INITIAL_GUESS),
      options,
    );
    x[2 * b] = fit.x[0] as number;
    x[2 * b + 1] = fit.x[1] as number;
    objective[b] = fit.value;
    iterations[b] = fit.iterations;
    reasons.push(fit.reason);
    diverged[b] = fit.reason === "nonFinite" || hasDiverged(fit.x[0] as number, fit.x[1] as number, fit.value) ? 1 : 0;
  }
  return { x, objective, iterations, reasons, diverged };
}

/** Means of the errors over the examples that count. */
export interface ErrorSummary {
  /** Mean objective ‖y − y*‖². */
  readonly loss: number;
  /** MAE of ξ₀. */
  readonly x_err: number;
  /** MAE of A. */
  readonly amplitudeError: number;
  /** Examples averaged over. */
  readonly count: number;
}

/** Mean objective, MAE of ξ₀ and of A over the examples where `include(b)` holds. */
export function summarizeErrors(
  x: Float64Array,
  objective: Float64Array,
  truth: Float64Array,
  include: (example: number) => boolean = () => true,
): ErrorSummary {
  let loss = 0;
  let center = 0;
  let amplitude = 0;
  let count = 0;
  for (let b = 0; b < objective.length; b++) {
    if (!include(b)) continue;
    loss += objective[b] as number;
    center += Math.abs((x[2 * b] as number) - (truth[2 * b] as number));
    amplitude += Math.abs((x[2 * b + 1] as number) - (truth[2 * b + 1] as number));
    count++;
  }
  return { loss: loss / count, x_err: center / count, amplitudeError: amplitude / count, count };
}

/** Bins of the true ξ₀ over the data range [25.6, 230.4). */
export interface CenterBins {
  readonly count: number;
  readonly low: number;
  readonly width: number;
  /** The bin of a true ξ₀ (clamped to the first and last bin). */
  indexOf(center: number): number;
}

/** `count` equal bins over [25.6, 230.4). */
export function centerBins(count = 8): CenterBins {
  requirePositiveInteger("centerBins", "count", count);
  const { low, high } = WAVE_PACKET_DATA.center;
  const width = (high - low) / count;
  return {
    count,
    low,
    width,
    indexOf: (center) => Math.min(count - 1, Math.max(0, Math.floor((center - low) / width))),
  };
}

/** One bin of the true ξ₀ with the errors of the examples in it. */
export interface BinnedErrors {
  /** The bin [low, high) of the true ξ₀. */
  readonly low: number;
  readonly high: number;
  readonly examples: number;
  readonly diverged: number;
  /** Over the bin's non-diverged examples. */
  readonly x_err: number;
  readonly amplitudeError: number;
  readonly loss: number;
}

/** Errors per bin of the true ξ₀, over the examples not flagged in `excluded`. */
export function binErrors(
  bins: CenterBins,
  x: Float64Array,
  objective: Float64Array,
  truth: Float64Array,
  excluded: Uint8Array = new Uint8Array(objective.length),
): BinnedErrors[] {
  const rows = Array.from({ length: bins.count }, () => ({ examples: 0, diverged: 0, center: 0, amplitude: 0, loss: 0 }));
  for (let b = 0; b < objective.length; b++) {
    const row = rows[bins.indexOf(truth[2 * b] as number)] as (typeof rows)[number];
    row.examples++;
    if (excluded[b] === 1) {
      row.diverged++;
      continue;
    }
    row.center += Math.abs((x[2 * b] as number) - (truth[2 * b] as number));
    row.amplitude += Math.abs((x[2 * b + 1] as number) - (truth[2 * b + 1] as number));
    row.loss += objective[b] as number;
  }
  return rows.map((row, k) => {
    const kept = row.examples - row.diverged;
    return {
      low: bins.low + k * bins.width,
      high: bins.low + (k + 1) * bins.width,
      examples: row.examples,
      diverged: row.diverged,
      x_err: row.center / kept,
      amplitudeError: row.amplitude / kept,
      loss: row.loss / kept,
    };
  });
}

/** Random guessing measured on the evaluation set. */
export interface RandomGuessing {
  /** `guessesPerExample` guesses per example, (ξ₀, A) each, examples × guessesPerExample × 2. */
  readonly guesses: Float64Array;
  readonly guessesPerExample: number;
  /** Mean objective, MAE of ξ₀ and of A over every guess. */
  readonly errors: ErrorSummary;
  /** Per example, the MAE of ξ₀ over its guesses (for the bins). */
  readonly centerErrorPerExample: Float64Array;
  /** The exact expectations E|U − U′| = (high − low)/3 for independent U, U′ on the same interval: 68.27 and 1. */
  readonly expectedCenterError: number;
  readonly expectedAmplitudeError: number;
}

/**
 * Random guessing as a reference level: for every example, `guessesPerExample` guesses ξ₀ ~ U[25.6, 230.4),
 * A ~ U[1, 4) drawn from `random(seed)`, independent of the data; the objective and the MAEs are averaged over all
 * guesses, estimating the expectations over the guess distribution on this set.
 */
export function randomGuessing(physics: WavePacketPhysics, set: EvaluationSet, guessesPerExample = 10, seed = GUESS_SEED): RandomGuessing {
  requirePositiveInteger("randomGuessing", "guessesPerExample", guessesPerExample);
  const stream = random(seed);
  const { center, amplitude } = WAVE_PACKET_DATA;
  const n = WAVE_PACKET_SAMPLES;
  const total = set.examples * guessesPerExample;
  const guesses = new Float64Array(2 * total);
  const truth = new Float64Array(2 * total);
  const objective = new Float64Array(total);
  const centerErrorPerExample = new Float64Array(set.examples);
  // One example at a time: its guesses as one batch against its y* repeated, so memory stays O(guessesPerExample · 256).
  const targets = new Float64Array(guessesPerExample * n);
  for (let b = 0; b < set.examples; b++) {
    const first = b * guessesPerExample;
    for (let k = 0; k < guessesPerExample; k++) {
      const g = first + k;
      guesses[2 * g] = stream.uniform(center.low, center.high);
      guesses[2 * g + 1] = stream.uniform(amplitude.low, amplitude.high);
      truth[2 * g] = set.parameters[2 * b] as number;
      truth[2 * g + 1] = set.parameters[2 * b + 1] as number;
      targets.set(set.y.subarray(b * n, (b + 1) * n), k * n);
      centerErrorPerExample[b] = (centerErrorPerExample[b] as number) + Math.abs((guesses[2 * g] as number) - (truth[2 * g] as number)) / guessesPerExample;
    }
    const mine = guesses.subarray(2 * first, 2 * (first + guessesPerExample));
    objective.set(physics.objective.value(physics.forward(mine, guessesPerExample), targets, guessesPerExample), first);
  }
  return {
    guesses,
    guessesPerExample,
    errors: summarizeErrors(guesses, objective, truth),
    centerErrorPerExample,
    expectedCenterError: (center.high - center.low) / 3,
    expectedAmplitudeError: (amplitude.high - amplitude.low) / 3,
  };
}
