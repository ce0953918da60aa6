import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes one CSV row per training step. Rows are flushed every `flushEvery` rows and on `close`, so a run that stops
 * (an error, Ctrl-C) keeps everything up to the last flush; the training loop calls `close` before re-throwing.
 * @example
 * import { MetricsCsv } from "@pg/cli";
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const csv = new MetricsCsv(join(mkdtempSync(join(tmpdir(), "pg-")), "adam.csv"), ["iteration", "loss", "note"], 2);
 * csv.write({ iteration: 1, loss: 0.5 });
 * console.log(JSON.stringify(readFileSync(csv.path, "utf8"))); // "iteration,loss,note\n"
 * csv.write({ iteration: 2, loss: 1 / 3, note: "a,b" });
 * csv.close();
 * console.log(readFileSync(csv.path, "utf8").trim().split("\n").join(" | ")); // iteration,loss,note | 1,0.500000000, | 2,0.333333333,"a,b"
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
