import { readFileSync } from "node:fs";
import { PgShapeError, PgValidationError } from "@pg/core";

/** A metrics CSV read back column by column (see {@link readMetricsCsv}). */
export interface MetricsTable {
  /** The header, in file order. */
  readonly columns: readonly string[];
  /** Number of data rows. */
  readonly rowCount: number;
  /** One Float64Array of length `rowCount` per column; empty cells read as NaN. */
  readonly values: Readonly<Record<string, Float64Array>>;
}

/**
 * Reads a CSV written by {@link MetricsCsv} (e.g. `<out>/<method>.csv` with `iteration,seconds,loss,x_err,proxy_loss`)
 * into one Float64Array per column. Cells are parsed with `Number`, so `NaN`, `Infinity` and exponent forms round-trip;
 * an empty cell (a column a step did not write) reads as NaN. Blank lines and a trailing newline are ignored.
 * @param path - the CSV file.
 * @returns the header and the columns.
 * @throws {@link PgValidationError} if the file cannot be read, has no header, repeats a column name or holds a cell
 *   that is not a number; {@link PgShapeError} if a row has a different number of cells than the header.
 * @example
 * import { MetricsCsv, readMetricsCsv } from "@pg/cli";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const path = join(mkdtempSync(join(tmpdir(), "pg-")), "adam.csv");
 * const csv = new MetricsCsv(path, ["iteration", "loss", "x_err"]);
 * csv.write({ iteration: 1, loss: 0.5 });
 * csv.write({ iteration: 2, loss: 0.25, x_err: 1e-7 });
 * csv.close();
 * const table = readMetricsCsv(path);
 * console.log(table.columns.join(","), table.rowCount); // iteration,loss,x_err 2
 * // the cell step 1 left empty reads as NaN
 * console.log(table.values.loss.join(" "), table.values.x_err.join(" ")); // 0.5 0.25 NaN 1e-7
 */
export function readMetricsCsv(path: string): MetricsTable {
  const where = "readMetricsCsv";
  if (typeof path !== "string" || path.length === 0) throw new PgValidationError(where, "path", "a file path", path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    throw new PgValidationError(where, "path", "a readable CSV file", path, `(${reason})`);
  }
  const lines = text.split(/\r?\n/);
  const header = lines[0] ?? "";
  if (header.trim().length === 0) throw new PgValidationError(where, `header of ${path}`, "a comma-separated list of column names", header);
  const columns = header.split(",").map((name) => name.trim());
  const repeated = columns.find((name, index) => columns.indexOf(name) !== index);
  if (repeated !== undefined) throw new PgValidationError(where, `header of ${path}`, "distinct column names", header);

  const rows: string[][] = [];
  for (let lineIndex = 1; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex] as string;
    if (line.trim().length === 0) continue;
    const cells = line.split(",");
    if (cells.length !== columns.length) {
      throw new PgShapeError(where, `line ${lineIndex + 1} of ${path}`, `${columns.length} cells like the header (${columns.join(",")})`, line);
    }
    rows.push(cells);
  }
  const values: Record<string, Float64Array> = {};
  columns.forEach((name, columnIndex) => {
    const column = new Float64Array(rows.length);
    rows.forEach((cells, rowIndex) => {
      const cell = (cells[columnIndex] as string).trim();
      const value = cell.length === 0 ? Number.NaN : Number(cell);
      if (Number.isNaN(value) && cell.length > 0 && cell !== "NaN") {
        throw new PgValidationError(where, `column "${name}" of data row ${rowIndex + 1} in ${path}`, "a number", cell);
      }
      column[rowIndex] = value;
    });
    values[name] = column;
  });
  return { columns, rowCount: rows.length, values };
}
