import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PgValidationError, requireKnownKeys, requireNonNegativeInteger } from "@pg/core";
import { requireNameList, requirePath } from "./arguments";
import { writeFileAtomic } from "./atomic_file";

/**
 * Writes one CSV row per training step, appended to the file as it is written: a run that is killed loses at most
 * the step in flight. {@link MetricsCsv.continueAfter} reopens a file for a resumed run, dropping the rows after the
 * checkpoint it resumes from (they are recomputed).
 * @example
 * import { MetricsCsv } from "@pg/cli";
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const path = join(mkdtempSync(join(tmpdir(), "pg-")), "adam.csv");
 * const csv = new MetricsCsv(path, ["iteration", "loss", "note"]);
 * csv.write({ iteration: 1, loss: 0.5 });
 * csv.write({ iteration: 2, loss: 1 / 3, note: "a,b" });
 * console.log(readFileSync(path, "utf8").trim().split("\n").join(" | ")); // iteration,loss,note | 1,0.500000000, | 2,0.333333333,"a,b"
 * // a resumed run continues after iteration 1: row 2 is dropped and written again
 * const resumed = MetricsCsv.continueAfter(path, ["iteration", "loss", "note"], 1);
 * resumed.write({ iteration: 2, loss: 0.25 });
 * console.log(readFileSync(path, "utf8").trim().split("\n").join(" | ")); // iteration,loss,note | 1,0.500000000, | 2,0.250000000,
 */
export class MetricsCsv {
  readonly path: string;
  readonly columns: readonly string[];

  /**
   * Starts a new file with the header (replacing any file at `path`).
   * @throws {@link PgValidationError} for an empty path, columns that are not distinct names free of commas, quotes
   * and newlines, or an option other than `append`.
   */
  constructor(path: string, columns: readonly string[], options: { readonly append?: boolean } = {}) {
    const where = "MetricsCsv";
    this.path = requirePath(where, "path", path);
    this.columns = requireNameList(where, "columns", columns);
    requireKnownKeys(where, "options", options, ["append"]);
    if (options.append !== undefined && typeof options.append !== "boolean") throw new PgValidationError(where, "options.append", "true or false", options.append);
    if (options.append === true) return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${columns.join(",")}\n`);
  }

  /**
   * Reopens `path` for a run resumed after `iteration`: keeps the header and the rows of iterations 1…`iteration`
   * (the first column is the iteration) and drops the rest, atomically.
   * @throws {@link PgValidationError} when the file is missing, its header differs, or it lacks a row the checkpoint
   * says was written.
   */
  static continueAfter(path: string, columns: readonly string[], iteration: number): MetricsCsv {
    const where = "MetricsCsv.continueAfter";
    requirePath(where, "path", path);
    requireNameList(where, "columns", columns);
    requireNonNegativeInteger(where, "iteration", iteration);
    if (iteration === 0 && !existsSync(path)) return new MetricsCsv(path, columns);
    if (!existsSync(path)) throw new PgValidationError(where, "path", "an existing metrics file", path);
    const lines = readFileSync(path, "utf8").split("\n");
    if (lines[0] !== columns.join(",")) {
      throw new PgValidationError(where, "header", `"${columns.join(",")}"`, lines[0], `In ${path}.`);
    }
    const kept = [lines[0]];
    for (const line of lines.slice(1)) {
      if (line === "") continue;
      const step = Number(line.slice(0, line.indexOf(",")));
      if (step > iteration) break;
      kept.push(line);
    }
    if (kept.length - 1 !== iteration) {
      throw new PgValidationError(where, "rows", `${iteration} rows, one per iteration up to the checkpoint`, kept.length - 1, `In ${path}.`);
    }
    writeFileAtomic(path, `${kept.join("\n")}\n`);
    return new MetricsCsv(path, columns, { append: true });
  }

  /**
   * Appends one row (missing columns are left empty); it is in the file when this returns. Not validated: it runs
   * every step, and the columns were checked once by the constructor.
   */
  write(row: Readonly<Record<string, number | string>>): void {
    appendFileSync(this.path, `${this.columns.map((c) => formatCell(row[c])).join(",")}\n`);
  }

  /** Nothing is buffered; kept so that callers can end a file explicitly. */
  close(): void {}
}

function formatCell(value: number | string | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return Number.isInteger(value) ? String(value) : value.toPrecision(9);
}
