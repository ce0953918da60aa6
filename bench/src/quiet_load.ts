import os from "node:os";

/** What the machine's load was around the start of one run. */
export interface RunLoad {
  /** 1-minute load average when the run was due, before any wait. */
  readonly beforeWait: number;
  /** 1-minute load average when the run started (after the wait): the figure printed beside the run's time. */
  readonly atStart: number;
  /** Seconds waited for the load to drop. */
  readonly waitedSeconds: number;
  /** The `--quiet-load` threshold; null when the run did not wait for one. */
  readonly threshold: number | null;
  /** Whether the load was below the threshold at the start; null without a threshold. */
  readonly isQuiet: boolean | null;
}

/** What {@link waitForQuietLoad} uses of the outside world (injected by tests). */
export interface LoadClock {
  /** The 1-minute load average now. */
  readonly readLoad: () => number;
  readonly sleep: (seconds: number) => Promise<void>;
  /** Seconds, monotonic. */
  readonly now: () => number;
}

/** The machine's clock and `os.loadavg()[0]`. */
export const SYSTEM_LOAD_CLOCK: LoadClock = {
  readLoad: () => os.loadavg()[0] ?? 0,
  sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
  now: () => performance.now() / 1000,
};

/** Options of {@link waitForQuietLoad}. */
export interface QuietLoadOptions {
  /** Wait while the 1-minute load average is at or above this; undefined: only read it. */
  readonly threshold: number | undefined;
  /** Stop waiting after this many seconds; the run starts anyway. */
  readonly maxWaitSeconds: number;
  /** Seconds between readings. @defaultValue 5 (the kernel updates the load average every 5 s) */
  readonly pollSeconds?: number;
  /** Called once, when a wait begins, with the load and the threshold. */
  readonly onWait?: (load: number, threshold: number) => void;
}

/** Rounds a load average to hundredths, as the JSON keeps it. */
function hundredths(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Reads the 1-minute load average and, with a threshold, waits (polling) until it is below it or `maxWaitSeconds`
 * have passed. The bench's own previous run counts in the average: it decays with a time constant of one minute.
 */
export async function waitForQuietLoad(options: QuietLoadOptions, clock: LoadClock = SYSTEM_LOAD_CLOCK): Promise<RunLoad> {
  const beforeWait = clock.readLoad();
  const threshold = options.threshold;
  if (threshold === undefined) {
    return { beforeWait: hundredths(beforeWait), atStart: hundredths(beforeWait), waitedSeconds: 0, threshold: null, isQuiet: null };
  }
  const start = clock.now();
  let load = beforeWait;
  if (load >= threshold) options.onWait?.(load, threshold);
  while (load >= threshold && clock.now() - start < options.maxWaitSeconds) {
    await clock.sleep(Math.min(options.pollSeconds ?? 5, Math.max(0, options.maxWaitSeconds - (clock.now() - start))));
    load = clock.readLoad();
  }
  const waitedSeconds = Math.round((clock.now() - start) * 10) / 10;
  return { beforeWait: hundredths(beforeWait), atStart: hundredths(load), waitedSeconds, threshold, isQuiet: load < threshold };
}
