import { PgValidationError, requireNonNegativeInteger, requirePositiveInteger } from "@pg/core";

/** What a progress line shows. */
export interface ProgressState {
  readonly label: string;
  readonly step: number;
  readonly total: number;
  readonly loss: number;
  /** Seconds since the bar started. */
  readonly elapsed: number;
  /** The step the bar started after (a resumed run); rates count the steps since. @defaultValue 0 */
  readonly resumedAfter?: number;
}

/**
 * Formats one progress line: label, bar, iteration, loss, it/s and ETA. The loss is printed as it is, NaN and
 * Infinity included: a diverged run must show it.
 * @throws {@link PgValidationError} unless `state` has a string label, finite step and elapsed, a total > 0, and
 * `width` is a positive integer.
 * @example
 * import { formatProgress } from "@pg/cli";
 * console.log(formatProgress({ label: "pg", step: 50, total: 100, loss: 0.00012, elapsed: 10 }, 10)); // pg [#####-----] 50/100 loss 1.200e-4 5.0 it/s ETA 0:10
 */
export function formatProgress(state: ProgressState, width = 24): string {
  const where = "formatProgress";
  if (typeof state !== "object" || state === null) throw new PgValidationError(where, "state", "an object { label, step, total, loss, elapsed }", state);
  if (typeof state.label !== "string") throw new PgValidationError(where, "state.label", "a string", state.label);
  for (const key of ["step", "elapsed"] as const) {
    if (typeof state[key] !== "number" || !Number.isFinite(state[key])) throw new PgValidationError(where, `state.${key}`, "a finite number", state[key]);
  }
  if (typeof state.total !== "number" || !(state.total > 0) || !Number.isFinite(state.total)) throw new PgValidationError(where, "state.total", "a finite number > 0", state.total);
  requirePositiveInteger(where, "width", width);
  const fraction = Math.min(1, state.step / state.total);
  const filled = Math.round(fraction * width);
  const rate = state.elapsed > 0 ? (state.step - (state.resumedAfter ?? 0)) / state.elapsed : 0;
  const eta = rate > 0 ? (state.total - state.step) / rate : Number.NaN;
  return `${state.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${state.step}/${state.total} loss ${formatNumber(state.loss)} ${rate.toFixed(1)} it/s ETA ${formatDuration(eta)}`;
}

/**
 * Seconds as h:mm:ss or m:ss; "--:--" for anything that is not a finite number (an ETA not known yet), deliberately
 * without an error.
 * @example
 * import { formatDuration } from "@pg/cli";
 * console.log(formatDuration(59.6), formatDuration(3725), formatDuration(NaN)); // 1:00 1:02:05 --:--
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/**
 * A number in 4 significant digits, exponent form when small or large; NaN and ±Infinity are printed as they are,
 * deliberately without an error (a diverged loss must show in the table).
 * @example
 * import { formatNumber } from "@pg/cli";
 * console.log(formatNumber(0.25), formatNumber(1 / 3), formatNumber(0.00012), formatNumber(123456), formatNumber(0)); // 0.2500 0.3333 1.200e-4 1.235e+5 0.000
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? value.toExponential(3) : value.toPrecision(4);
}

/**
 * A progress bar on a stream: redrawn in place on a terminal (at most ~10 times a second), one line per 10 % when
 * the stream is not a terminal (CI logs).
 * @example
 * import { ProgressBar } from "@pg/cli";
 * // any stream with isTTY and write; here a log that is not a terminal
 * const lines = [];
 * const bar = new ProgressBar("adam", 20, { isTTY: false, write: (text) => lines.push(text) });
 * for (let step = 1; step <= 20; step++) bar.update(step, 0.5);
 * bar.finish();
 * // one line per 10 %: steps 1, 2, 4, …, 20
 * console.log(lines.length, lines[10].split(" ").slice(0, 3).join(" ")); // 11 adam [########################] 20/20
 */
export class ProgressBar {
  private readonly stream: NodeJS.WriteStream;
  private readonly start = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;

  /** @throws {@link PgValidationError} for a label that is not a string, a total or resumedAfter that is not an integer ≥ 1 or ≥ 0, or a stream without `write`. */
  constructor(
    private readonly label: string,
    private readonly total: number,
    stream: NodeJS.WriteStream = process.stderr,
    /** The step the bar resumes after (rates count only the steps since). */
    private readonly resumedAfter = 0,
  ) {
    const where = "ProgressBar";
    if (typeof label !== "string") throw new PgValidationError(where, "label", "a string", label);
    requirePositiveInteger(where, "total", total);
    if (typeof stream !== "object" || stream === null || typeof stream.write !== "function") throw new PgValidationError(where, "stream", "a writable stream (e.g. process.stderr)", stream);
    requireNonNegativeInteger(where, "resumedAfter", resumedAfter);
    this.stream = stream;
  }

  /** Redraws the bar at `step`. Not validated: it runs every step, with the runner's own numbers. */
  update(step: number, loss: number): void {
    const now = performance.now();
    const state = { label: this.label, step, total: this.total, loss, elapsed: (now - this.start) / 1000, resumedAfter: this.resumedAfter };
    if (this.stream.isTTY) {
      if (now - this.lastDraw < 100 && step < this.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${formatProgress(state)}\u001b[K`);
      if (step >= this.total) this.stream.write("\n");
    } else {
      const decile = Math.floor((10 * step) / this.total);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.stream.write(`${formatProgress(state)}\n`);
    }
  }

  /** Ends the line on a terminal after an interrupted run. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write("\n");
  }
}
