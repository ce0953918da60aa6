import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes one CSV row per training step. Rows are flushed every `flushEvery` rows and on `close`, so a run that stops
 * (an error, Ctrl-C) keeps everything up to the last flush; the training loop calls `close` before re-throwing.
 */
export class MetricsCsv {
  readonly path: string;
  readonly columns: readonly string[];
  private pending: string[] = [];
  private readonly flushEvery: number;

  constructor(path: string, columns: readonly string[], flushEvery = 100) {
    this.path = path;
    this.columns = columns;
    this.flushEvery = flushEvery;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${columns.join(",")}\n`);
  }

  /** Queues one row; missing columns are left empty. */
  write(row: Readonly<Record<string, number | string>>): void {
    this.pending.push(this.columns.map((c) => formatCell(row[c])).join(","));
    if (this.pending.length >= this.flushEvery) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.path, `${this.pending.join("\n")}\n`);
    this.pending = [];
  }

  close(): void {
    this.flush();
  }
}

function formatCell(value: number | string | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return Number.isInteger(value) ? String(value) : value.toPrecision(9);
}
