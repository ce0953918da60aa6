/**
 * How many steps a run takes: counts AND seconds, so a 2 ms step gets hundreds of steps (V8's JIT needs tens of
 * them to settle) while a 3 s step gets the counts. peer_torch.py applies the same rule.
 */
export interface StepSchedule {
  /** At least this many warm-up steps. */
  readonly warmup: number;
  /** Warm-up lasts at least this many seconds of wall time after the first warm-up step (which carries one-time costs). */
  readonly warmupSeconds: number;
  /** At least this many timed steps. */
  readonly repeats: number;
  /** The timed steps add up to at least this many seconds. */
  readonly timedSeconds: number;
}

/** Where a run stands: steps done in each phase and their seconds. */
export interface StepProgress {
  readonly warmupSteps: number;
  /** Wall time since the first warm-up step ended (0 before it has). */
  readonly warmupElapsedSeconds: number;
  readonly timedSteps: number;
  /** Sum of the timed steps' times. */
  readonly timedSeconds: number;
}

/**
 * The phase of the next step, or `done`. Warm-up runs until both its count and its seconds are reached; then timed
 * steps until both theirs are. Pure.
 * @example
 * nextPhase({ warmup: 2, warmupSeconds: 1, repeats: 5, timedSeconds: 0.5 },
 *   { warmupSteps: 2, warmupElapsedSeconds: 0.1, timedSteps: 0, timedSeconds: 0 }); // "warmup"
 */
export function nextPhase(schedule: StepSchedule, progress: StepProgress): "warmup" | "timed" | "done" {
  if (progress.timedSteps === 0) {
    const isWarm = progress.warmupSteps >= schedule.warmup && progress.warmupElapsedSeconds >= schedule.warmupSeconds;
    if (!isWarm) return "warmup";
  }
  return progress.timedSteps >= schedule.repeats && progress.timedSeconds >= schedule.timedSeconds ? "done" : "timed";
}
