import { PgShapeError, PgValidationError } from "@pg/core";

/**
 * Renders rows as an aligned plain-text table (numbers right-aligned).
 * @throws {@link PgValidationError} unless `header` is an array of strings and `rows` an array of arrays of strings;
 * {@link PgShapeError} for a row whose length is not the header's (a cell would be dropped or left blank unseen).
 * @example
 * import { formatTable } from "@pg/cli";
 * const lines = formatTable(["method", "loss"], [["adam", "0.5"], ["pg-inverse", "1e-5"]]).split("\n");
 * console.log(lines[0]); // method      loss
 * console.log(lines[1]); // ----------  ----
 * console.log(lines[2]); // adam         0.5
 * console.log(lines[3]); // pg-inverse  1e-5
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const strings = (value: unknown): boolean => Array.isArray(value) && value.every((cell) => typeof cell === "string");
  if (!strings(header)) throw new PgValidationError("formatTable", "header", "an array of strings", header);
  if (!Array.isArray(rows)) throw new PgValidationError("formatTable", "rows", "an array of rows, each an array of strings", rows);
  rows.forEach((row: unknown, r) => {
    if (!strings(row)) throw new PgValidationError("formatTable", `rows[${r}]`, "an array of strings", row);
    if ((row as string[]).length !== header.length) throw new PgShapeError("formatTable", `rows[${r}]`, `length ${header.length} (one cell per column of the header)`, row);
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const numeric = header.map((_, c) => rows.every((r) => /^[-+0-9.eE%x×]*$/.test(r[c] ?? "")));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
