/**
 * Renders rows as an aligned plain-text table (numbers right-aligned).
 * @example
 * import { formatTable } from "@pg/cli";
 * const lines = formatTable(["method", "loss"], [["adam", "0.5"], ["pg-inverse", "1e-5"]]).split("\n");
 * console.log(lines[0]); // method      loss
 * console.log(lines[1]); // ----------  ----
 * console.log(lines[2]); // adam         0.5
 * console.log(lines[3]); // pg-inverse  1e-5
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const numeric = header.map((_, c) => rows.every((r) => /^[-+0-9.eE%x×]*$/.test(r[c] ?? "")));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
