import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { median, PgValidationError, requireKnownKeys, type OptionKeysCover } from "@pg/core";
import { COLORMAP_NAMES, colormapColorUnchecked, type ColormapName } from "./colormap";
import type { FieldPanelLayout } from "./field_images";
import { learningCurvesSvg } from "./plot_learning_curves";
import { formatNumber } from "./progress";
import { finiteOf, lastRowAtOrBefore, readRunDirectory, readRunJson, recordOf, runningAverageCurve, type RunDirectoryContents, type RunDirectoryMethod } from "./run_directory_contents";

/** Options of {@link writeRunReport}. */
export interface RunReportOptions {
  /** Where the HTML file goes (parent directories are created). @defaultValue `<directory>/report.html` */
  readonly out?: string;
}

/** Result of {@link writeRunReport}. */
export interface RunReportResult {
  /** Where the report was written. */
  readonly path: string;
  /** Its size in bytes (UTF-8). */
  readonly bytes: number;
}

const WHERE = "writeRunReport";
const RUN_REPORT_OPTION_KEYS = ["out"] as const satisfies readonly (keyof RunReportOptions)[];
true satisfies OptionKeysCover<RunReportOptions, typeof RUN_REPORT_OPTION_KEYS>;

/** Escapes text for HTML content and attribute values (and for SVG inlined in HTML). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A value from run.json or summary.json as text: scalars as they are, lists of scalars joined, anything else as JSON. */
function displayValue(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value) && value.every((entry) => entry === null || typeof entry !== "object")) return value.map(displayValue).join(", ");
  return JSON.stringify(value);
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], numericColumns: ReadonlySet<number> = new Set()): string {
  const cellClass = (column: number): string => (numericColumns.has(column) ? ' class="number"' : "");
  const head = header.map((cell, column) => `<th${cellClass(column)}>${escapeHtml(cell)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell, column) => `<td${cellClass(column)}>${escapeHtml(cell)}</td>`).join("")}</tr>`).join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A two-column table of a JSON object's fields, or nothing when it has none. */
function fieldsTable(title: string, record: Readonly<Record<string, unknown>> | undefined): string {
  const entries = Object.entries(record ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return "";
  return `<div class="fields"><h3>${escapeHtml(title)}</h3>\n${htmlTable(["", ""], entries.map(([key, value]) => [key, displayValue(value)]))}</div>`;
}

function settingsSection(run: Readonly<Record<string, unknown>>, summary: Readonly<Record<string, unknown>> | undefined): string {
  const experiment = recordOf(run.experiment);
  const overview: Record<string, unknown> = {
    experiment: experiment?.name ?? run.experiment,
    source: experiment?.source,
    status: run.status,
    "interrupted by": summary?.interruptedBy,
    command: run.command,
    "started at": run.startedAt,
    "updated at": run.updatedAt,
    backend: run.backend,
    replicas: run.replicas,
    seed: run.seed,
    node: run.node,
    platform: run.platform,
    format: run.format,
  };
  const sessions = Array.isArray(run.sessions) ? run.sessions.map((session) => recordOf(session) ?? {}) : [];
  const sessionsTable =
    sessions.length === 0
      ? ""
      : `<div class="fields wide"><h3>Sessions</h3>\n${htmlTable(
          ["started at", "ended at", "status", "from iteration", "method"],
          sessions.map((session) => [session.startedAt, session.endedAt, session.status, session.fromIteration, session.method].map(displayValue)),
        )}</div>`;
  return [
    `<section id="settings">\n<h2>Run settings</h2>\n<div class="grid">`,
    fieldsTable("Run", overview),
    fieldsTable("Arguments", recordOf(run.arguments)),
    fieldsTable("Settings", recordOf(run.settings)),
    fieldsTable("Environment", recordOf(experiment?.environment)),
    fieldsTable("Versions", recordOf(run.versions)),
    sessionsTable,
    `</div>\n</section>`,
  ].join("\n");
}

/** One method's row of the summary: summary.json's entry, or numbers worked out from its CSV when it has none yet. */
interface SummaryRow {
  readonly method: string;
  readonly status: string;
  readonly iterations: number | undefined;
  readonly atReport: Readonly<Record<string, { readonly loss?: number; readonly x_err?: number }>>;
  readonly loss: number | undefined;
  readonly xErr: number | undefined;
  readonly secondsPerIteration: number | undefined;
  readonly error: string;
}

function summaryRowFromCsv(method: RunDirectoryMethod, window: number, reportIterations: readonly number[]): SummaryRow {
  const { table } = method;
  const iterations = table.values.iteration as Float64Array;
  const last = table.rowCount - 1;
  const averages = { loss: table.values.loss, x_err: table.values.x_err };
  const curves = {
    loss: averages.loss === undefined ? undefined : runningAverageCurve(averages.loss, window),
    x_err: averages.x_err === undefined ? undefined : runningAverageCurve(averages.x_err, window),
  };
  const atReport: Record<string, { loss?: number; x_err?: number }> = {};
  for (const iteration of reportIterations) {
    if (last < 0 || (iterations[last] as number) < iteration) continue;
    const row = lastRowAtOrBefore(iterations, iteration);
    atReport[String(iteration)] = { ...(curves.loss === undefined ? {} : { loss: curves.loss[row] as number }), ...(curves.x_err === undefined ? {} : { x_err: curves.x_err[row] as number }) };
  }
  const seconds = Array.from(table.values.seconds ?? []).filter((value) => Number.isFinite(value));
  return {
    method: method.name,
    status: "no summary entry",
    iterations: last < 0 ? 0 : (iterations[last] as number),
    atReport,
    loss: last < 0 ? undefined : curves.loss?.[last],
    xErr: last < 0 ? undefined : curves.x_err?.[last],
    secondsPerIteration: seconds.length > 0 ? median(seconds) : undefined,
    error: "",
  };
}

function summaryRow(method: RunDirectoryMethod, window: number, reportIterations: readonly number[]): SummaryRow {
  const entry = method.summary;
  if (entry === undefined) return summaryRowFromCsv(method, window, reportIterations);
  const atReport: Record<string, { loss?: number; x_err?: number }> = {};
  for (const [iteration, averages] of Object.entries(recordOf(entry.runningAverage) ?? {})) {
    const record = recordOf(averages) ?? {};
    const loss = finiteOf(record.loss);
    const xErr = finiteOf(record.x_err);
    atReport[iteration] = { ...(loss === undefined ? {} : { loss }), ...(xErr === undefined ? {} : { x_err: xErr }) };
  }
  const error = textOf(entry.error) ?? "";
  return {
    method: method.name,
    status: textOf(entry.status) ?? (error.length > 0 ? "stopped" : "ok"),
    iterations: finiteOf(entry.iterations),
    atReport,
    loss: finiteOf(entry.loss),
    xErr: finiteOf(entry.x_err),
    secondsPerIteration: finiteOf(entry.medianSecondsPerIteration),
    error,
  };
}

function summarySection(contents: RunDirectoryContents, window: number): string {
  if (contents.methods.length === 0) {
    return `<section id="summary">\n<h2>Summary</h2>\n<p class="note">No method has written a CSV yet.</p>\n</section>`;
  }
  const report = contents.reportIterations;
  const rows = contents.methods.map((method) => summaryRow(method, window, report));
  const number = (value: number | undefined): string => (value === undefined ? "" : formatNumber(value));
  const header = ["method", "status", "iterations", ...report.flatMap((iteration) => [`x_err @${iteration}`, `loss @${iteration}`]), "x_err, last", "loss, last", "s/iter", "error"];
  // Every column but method, status and error holds numbers.
  const numeric = new Set(Array.from({ length: header.length - 3 }, (_, k) => k + 2));
  const cells = rows.map((row) => [
    row.method,
    row.status,
    row.iterations === undefined ? "" : String(row.iterations),
    ...report.flatMap((iteration) => [number(row.atReport[String(iteration)]?.x_err), number(row.atReport[String(iteration)]?.loss)]),
    number(row.xErr),
    number(row.loss),
    number(row.secondsPerIteration),
    row.error,
  ]);
  const missing = contents.summary === undefined ? ' summary.json is missing, so every row is worked out from the CSVs.' : "";
  return [
    `<section id="summary">\n<h2>Summary</h2>`,
    `<p>Running averages over the last ${window} iteration${window === 1 ? "" : "s"}, at the report iterations and at the last iteration; s/iter is the median step time.${escapeHtml(missing)}</p>`,
    `<div class="scroll">${htmlTable(header, cells, numeric)}</div>`,
    `</section>`,
  ].join("\n");
}

/** Gives the SVG's clip-path ids a prefix: vega numbers them from 1 in every chart, and one HTML page holds several. */
function prefixSvgIds(svg: string, prefix: string): string {
  return svg.replace(/<clipPath id="(clip\d+)"/g, `<clipPath id="${prefix}-$1"`).replace(/url\(#(clip\d+)\)/g, `url(#${prefix}-$1)`);
}

/**
 * The curves' window: the run's, unless the longest curve is shorter than ten windows — then a tenth of it, so a short
 * run shows a curve rather than its mean drawn flat.
 */
function curveWindow(contents: RunDirectoryContents, window: number): number {
  const longest = Math.max(0, ...contents.methods.map((method) => method.table.rowCount));
  return longest >= 10 * window ? window : Math.max(1, Math.min(window, Math.floor(longest / 10)));
}

async function curvesSection(contents: RunDirectoryContents, experiment: string, runWindow: number): Promise<string> {
  const window = curveWindow(contents, runWindow);
  const figures: string[] = [];
  for (const metric of ["x_err", "loss"] as const) {
    const curves = contents.methods
      .filter((method) => method.table.rowCount > 0 && method.table.values[metric] !== undefined)
      .map((method) => ({ name: method.name, iterations: method.table.values.iteration as Float64Array, values: method.table.values[metric] as Float64Array }));
    if (curves.length === 0) continue;
    const finite = curves.flatMap((curve) => Array.from(curve.values).filter((value) => Number.isFinite(value)));
    const logY = finite.length > 0 && finite.every((value) => value > 0);
    const { svg, droppedPoints } = await learningCurvesSvg({ curves, title: `${experiment}: ${metric}`, yLabel: metric, xLabel: "iteration", logY, smoothing: window });
    const dropped = Object.entries(droppedPoints).filter(([, count]) => count > 0);
    const droppedText = dropped.length === 0 ? "" : ` Left out (not finite${logY ? " or ≤ 0" : ""}): ${dropped.map(([name, count]) => `${name} ${count}`).join(", ")}.`;
    figures.push(
      `<figure class="chart">\n${prefixSvgIds(svg, `curve-${metric}`)}\n<figcaption>${escapeHtml(
        `${metric} of every method, running average of width ${window}${window === runWindow ? "" : ` (the run window, ${runWindow}, is more than a tenth of the curves)`}; ${logY ? "logarithmic" : "linear"} y axis.${droppedText}`,
      )}</figcaption>\n</figure>`,
    );
  }
  const body = figures.length === 0 ? `<p class="note">No method has logged a step yet.</p>` : figures.join("\n");
  return `<section id="curves">\n<h2>Learning curves</h2>\n${body}\n</section>`;
}

/** A panel of examples.json's layout, as far as the report needs it. */
type PanelBox = Pick<FieldPanelLayout, "row" | "column" | "title" | "left" | "top" | "width" | "height" | "range">;

function panelBoxes(layout: Readonly<Record<string, unknown>>): PanelBox[] | undefined {
  if (!Array.isArray(layout.panels)) return undefined;
  const boxes: PanelBox[] = [];
  for (const entry of layout.panels) {
    const panel = recordOf(entry) ?? {};
    const numbers = [panel.row, panel.column, panel.left, panel.top, panel.width, panel.height].map(finiteOf);
    const range = Array.isArray(panel.range) ? panel.range.map(finiteOf) : [];
    if (numbers.some((value) => value === undefined) || range.length !== 2 || range.some((value) => value === undefined)) return undefined;
    const [row, column, left, top, width, height] = numbers as number[];
    boxes.push({ row: row as number, column: column as number, title: textOf(panel.title) ?? "", left: left as number, top: top as number, width: width as number, height: height as number, range: [range[0] as number, range[1] as number] });
  }
  return boxes.length === 0 ? undefined : boxes;
}

/** A vertical colour gradient of the colormap, low at the bottom, defined once per field figure. */
function colormapGradient(id: string, colormap: ColormapName): string {
  const STOPS = 32;
  const stops = Array.from({ length: STOPS + 1 }, (_, k) => {
    const [red, green, blue] = colormapColorUnchecked(colormap, k / STOPS);
    return `<stop offset="${(k / STOPS).toFixed(4)}" stop-color="rgb(${red},${green},${blue})"/>`;
  });
  return `<linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops.join("")}</linearGradient>`;
}

/** Approximate width of one character of the figure's 10–11 px labels, to leave room for them. */
const LABEL_CHARACTER_WIDTH = 6.5;
/** Field panels are drawn at least this wide (in whole multiples of the PNG's pixels), unless the image would exceed MAX_IMAGE_WIDTH. */
const MIN_PANEL_WIDTH = 96;
const MAX_IMAGE_WIDTH = 960;

/**
 * examples.png inside an SVG with what the PNG cannot hold: column headings (y*, each method with its step, x*), a
 * label per row, and per row one colour bar for each distinct colour range among its panels (usually one shared by the
 * predictions and x*, plus y*'s own when it has one), labelled with the range and, where there are several, the columns.
 */
function fieldsFigureSvg(png: Buffer, description: Readonly<Record<string, unknown>>, layoutBoxes: readonly PanelBox[], colormap: ColormapName): string {
  const layout = recordOf(description.layout) ?? {};
  // Small fields (8 × 8 cells at 4 px) would leave no room for their headings: draw them larger, whole pixels only.
  const narrowest = Math.min(...layoutBoxes.map((box) => box.width));
  const zoom = Math.max(1, Math.min(Math.ceil(MIN_PANEL_WIDTH / narrowest), Math.floor(MAX_IMAGE_WIDTH / (finiteOf(layout.width) as number))));
  const imageWidth = (finiteOf(layout.width) as number) * zoom;
  const imageHeight = (finiteOf(layout.height) as number) * zoom;
  const boxes = layoutBoxes.map((box) => ({ ...box, left: box.left * zoom, top: box.top * zoom, width: box.width * zoom, height: box.height * zoom }));
  const columns = Array.isArray(description.columns) ? description.columns.map((column) => displayValue(column)) : [];
  const steps = recordOf(description.steps) ?? {};
  const columnName = (column: number): string => columns[column] ?? boxes.find((box) => box.column === column)?.title ?? `column ${column}`;
  const LEFT = 80;
  const TOP = 40;
  const BAR_GAP = 16;

  const rows = [...new Set(boxes.map((box) => box.row))].sort((a, b) => a - b).map((row) => colourBarsOfRow(boxes.filter((box) => box.row === row), columnName));
  // The k-th bar of every row sits in one slot, wide enough for the longest range or column list written beside it.
  const slotWidths = Array.from({ length: Math.max(...rows.map((row) => row.bars.length)) }, (_, k) => {
    const labels = rows.flatMap((row) => (row.bars[k] === undefined ? [] : [row.bars[k].low, row.bars[k].high, row.bars[k].columns]));
    return 28 + LABEL_CHARACTER_WIDTH * Math.max(...labels.map((label) => label.length));
  });
  const slotLefts = slotWidths.map((_, k) => LEFT + imageWidth + BAR_GAP + slotWidths.slice(0, k).reduce((sum, slot) => sum + slot, 0));
  const width = Math.ceil(LEFT + imageWidth + BAR_GAP + slotWidths.reduce((sum, slot) => sum + slot, 0));
  const height = TOP + imageHeight + 8;
  const gradientId = "field-colormap";
  const parts: string[] = [];
  for (const column of [...new Set(boxes.map((box) => box.column))].sort((a, b) => a - b)) {
    const box = boxes.find((candidate) => candidate.column === column) as PanelBox;
    const name = columnName(column);
    const step = finiteOf(steps[name]);
    const x = LEFT + box.left + box.width / 2;
    parts.push(`<text class="heading" x="${x}" y="${step === undefined ? TOP - 10 : TOP - 22}" text-anchor="middle">${escapeHtml(name)}</text>`);
    if (step !== undefined) parts.push(`<text class="step" x="${x}" y="${TOP - 8}" text-anchor="middle">step ${step}</text>`);
  }
  for (const { row, top, height: rowHeight, bars } of rows) {
    const y = TOP + top;
    parts.push(`<text class="row-label" x="${LEFT - 8}" y="${y + rowHeight / 2}" text-anchor="end" dominant-baseline="middle">example ${row}</text>`);
    bars.forEach((bar, index) => {
      const x = slotLefts[index] as number;
      parts.push(`<rect class="colour-bar" x="${x}" y="${y}" width="12" height="${rowHeight}" fill="url(#${gradientId})" stroke="#444" stroke-width="0.5"/>`);
      parts.push(`<text class="range" x="${x + 16}" y="${y + 8}">${escapeHtml(bar.high)}</text>`);
      // Lifted off the row's bottom edge so it does not run into the next row's high end.
      parts.push(`<text class="range" x="${x + 16}" y="${y + rowHeight - 2}">${escapeHtml(bar.low)}</text>`);
      if (bar.columns.length > 0) parts.push(`<text class="range-columns" x="${x + 16}" y="${y + rowHeight / 2}" dominant-baseline="middle">${escapeHtml(bar.columns)}</text>`);
    });
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="fields" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="field images">`,
    `<defs>${colormapGradient(gradientId, colormap)}</defs>`,
    `<image x="${LEFT}" y="${TOP}" width="${imageWidth}" height="${imageHeight}" preserveAspectRatio="none" style="image-rendering: pixelated" href="data:image/png;base64,${png.toString("base64")}"/>`,
    ...parts,
    `</svg>`,
  ].join("\n");
}

/** The colour bars of one row of field panels: one per distinct colour range, in column order. */
interface RowColourBars {
  readonly row: number;
  readonly top: number;
  readonly height: number;
  /** Range ends as printed, and the columns the bar applies to (empty when the whole row shares one range). */
  readonly bars: readonly { readonly low: string; readonly high: string; readonly columns: string }[];
}

function colourBarsOfRow(panels: readonly PanelBox[], columnName: (column: number) => string): RowColourBars {
  const inOrder = [...panels].sort((a, b) => a.column - b.column);
  const top = Math.min(...inOrder.map((box) => box.top));
  const height = Math.max(...inOrder.map((box) => box.top + box.height)) - top;
  const groups: { range: readonly [number, number]; columns: number[] }[] = [];
  for (const box of inOrder) {
    const group = groups.find((candidate) => candidate.range[0] === box.range[0] && candidate.range[1] === box.range[1]);
    if (group === undefined) groups.push({ range: box.range, columns: [box.column] });
    else group.columns.push(box.column);
  }
  const bars = groups.map((group) => ({
    low: formatNumber(group.range[0]),
    high: formatNumber(group.range[1]),
    columns: groups.length === 1 ? "" : group.columns.map(columnName).join(", "),
  }));
  return { row: (inOrder[0] as PanelBox).row, top, height, bars };
}

/** Width and height from a PNG's IHDR chunk, or undefined for anything that is not a PNG. */
function pngSize(png: Buffer): readonly [number, number] | undefined {
  const signature = "89504e470d0a1a0a";
  if (png.length < 24 || png.subarray(0, 8).toString("hex") !== signature) return undefined;
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

function fieldsSection(directory: string): string {
  const pngPath = join(directory, "examples.png");
  if (!existsSync(pngPath)) return "";
  const png = readFileSync(pngPath);
  const description = readRunJson(WHERE, join(directory, "examples.json"));
  const layout = recordOf(description?.layout);
  const boxes = layout === undefined ? undefined : panelBoxes(layout);
  const size = pngSize(png);
  const fitsLayout = size !== undefined && layout !== undefined && size[0] === finiteOf(layout.width) && size[1] === finiteOf(layout.height);
  const colormap: ColormapName = (COLORMAP_NAMES as readonly unknown[]).includes(layout?.colormap) ? (layout?.colormap as ColormapName) : "viridis";
  let figure: string;
  let caption: string;
  if (description !== undefined && boxes !== undefined && fitsLayout) {
    figure = fieldsFigureSvg(png, description, boxes, colormap);
    const axes = textOf(layout?.axes);
    caption =
      `One row per example: y*, each method's prediction at the step named under it, x*. Colour scale ${colormap}, low at the bottom of each bar, ` +
      `high at the top; each bar gives the range of the panels in its row that share it (values outside are clamped).${axes === undefined ? "" : ` Axes: ${axes}.`}`;
  } else {
    figure = `<img class="fields" alt="field images" src="data:image/png;base64,${png.toString("base64")}">`;
    caption =
      description === undefined
        ? "examples.json is missing, so the columns and colour ranges of this image are unknown."
        : "examples.json does not describe this image (no panel layout, or a different size), so its columns and colour ranges are not drawn.";
  }
  const ranges =
    boxes === undefined || !fitsLayout
      ? ""
      : `<details><summary>Colour range of every panel</summary>\n${htmlTable(
          ["row", "column", "panel", "min", "max"],
          boxes.map((box) => [String(box.row), String(box.column), box.title, String(box.range[0]), String(box.range[1])]),
          new Set([0, 1, 3, 4]),
        )}\n</details>`;
  return [`<section id="fields">\n<h2>Field images</h2>`, `<figure>\n<div class="scroll">${figure}</div>\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`, ranges, `</section>`].join("\n");
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0.5rem 0; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; background: #f4f4f4; padding: 0.1em 0.3em; border-radius: 3px; }
.meta { color: #555; margin-top: 0; }
.status { display: inline-block; padding: 0.05em 0.5em; border-radius: 0.8em; background: #ddd; font-weight: 600; }
.status-done { background: #cdeccd; } .status-running { background: #cfe3f7; } .status-interrupted { background: #f7e7c4; } .status-failed { background: #f5c6c6; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
td { overflow-wrap: anywhere; max-width: 32rem; }
.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem 2rem; align-items: start; }
.fields.wide { grid-column: 1 / -1; }
.fields thead { display: none; }
.fields td:first-child { color: #555; white-space: nowrap; }
.scroll { overflow-x: auto; }
figure { margin: 1rem 0; }
figure.chart { display: inline-block; vertical-align: top; margin-right: 1rem; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.85rem; max-width: 48rem; }
svg.fields text { font-family: system-ui, sans-serif; font-size: 11px; fill: #222; }
svg.fields .step, svg.fields .range-columns { fill: #555; font-size: 10px; }
img.fields { image-rendering: pixelated; max-width: 100%; }
.note { color: #8a5a00; }
`;

/**
 * Writes one self-contained HTML page describing a run directory: the experiment, its status and start time; the
 * run's settings from run.json (arguments, backend, replicas, seed, versions, node, settings, environment, sessions);
 * the summary table from summary.json (per method: status, iterations, running averages at the report iterations and
 * at the last one, s/iter, error; a method summary.json does not list yet is worked out from its CSV); learning curves
 * of `x_err` and `loss` for every method from the CSVs ({@link learningCurvesSvg}, running-average width
 * `averageWindow`, log y when every value is positive); and, when the run drew them, the field images (examples.png)
 * with the column headings, row labels and colour ranges from examples.json. Everything is inline — charts as SVG,
 * the image as a `data:` URL, the style sheet in the page — so the file opens anywhere, offline, and can be mailed or
 * archived alone. Every string read from the run is HTML-escaped.
 * @param directory - a run directory (the `--out` of a run), holding run.json.
 * @param options - {@link RunReportOptions}.
 * @returns where the page went and its size.
 * @throws {@link PgValidationError} naming `directory` if it is not a readable directory or has no run.json; naming
 *   run.json, summary.json or examples.json when one exists but is not a JSON object; naming `options.out` if it is
 *   not a non-empty string, and an option key it does not know (e.g. `options.output`, with `out` suggested); the errors of {@link readMetricsCsv} for a broken CSV.
 * @example
 * import { writeRunReport } from "@pg/cli";
 * import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { basename, join } from "node:path";
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * const run = { format: "pg-run/1", experiment: { name: "demo", source: "built-in" }, arguments: { iterations: 3 }, status: "done", startedAt: "2024-05-01T12:00:00Z" };
 * writeFileSync(join(directory, "run.json"), JSON.stringify(run));
 * const adam = { iterations: 3, loss: 0.25, x_err: 0.2, medianSecondsPerIteration: 0.01, runningAverage: {}, status: "done" };
 * writeFileSync(join(directory, "summary.json"), JSON.stringify({ averageWindow: 2, methods: { adam } }));
 * writeFileSync(join(directory, "adam.csv"), "iteration,seconds,loss,x_err\n1,0.01,1,0.4\n2,0.01,0.5,0.3\n3,0.01,0.25,0.2\n");
 * const { path, bytes } = await writeRunReport(directory);
 * const html = readFileSync(path, "utf8");
 * console.log(basename(path), bytes === Buffer.byteLength(html), html.includes("<title>demo — done")); // report.html true true
 */
export async function writeRunReport(directory: string, options: RunReportOptions = {}): Promise<RunReportResult> {
  if (typeof directory !== "string" || directory.length === 0) throw new PgValidationError(WHERE, "directory", "a run directory path", directory);
  if (options === null || typeof options !== "object") throw new PgValidationError(WHERE, "options", "an options object", options);
  requireKnownKeys(WHERE, "options", options, RUN_REPORT_OPTION_KEYS);
  if (options.out !== undefined && (typeof options.out !== "string" || options.out.length === 0)) {
    throw new PgValidationError(WHERE, "options.out", "a file path", options.out);
  }
  const contents = readRunDirectory(WHERE, "directory", directory);
  const run = contents.run;
  if (run === undefined) throw new PgValidationError(WHERE, "directory", "a run directory with a run.json", directory);
  const html = await renderRunReport(contents, run);
  const path = options.out ?? join(directory, "report.html");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}

async function renderRunReport(contents: RunDirectoryContents, run: Readonly<Record<string, unknown>>): Promise<string> {
  const experiment = textOf(recordOf(run.experiment)?.name) ?? textOf(run.experiment) ?? textOf(contents.summary?.experiment) ?? "run";
  const status = textOf(run.status) ?? textOf(contents.summary?.status) ?? "unknown";
  const startedAt = textOf(run.startedAt) ?? "";
  const updatedAt = textOf(run.updatedAt);
  const command = textOf(run.command);
  const window = contents.averageWindow ?? 1;
  const statusClass = `status-${status.toLowerCase().replace(/[^a-z]/g, "")}`;
  const title = [experiment, status, startedAt].filter((part) => part.length > 0).join(" — ");
  return [
    `<!doctype html>`,
    `<html lang="en">`,
    `<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>`,
    `<body>`,
    `<header>\n<h1>${escapeHtml(experiment)}</h1>`,
    `<p class="meta"><span class="status ${statusClass}">${escapeHtml(status)}</span>${startedAt.length > 0 ? ` started ${escapeHtml(startedAt)}` : ""}${updatedAt === undefined ? "" : ` · updated ${escapeHtml(updatedAt)}`}</p>`,
    command === undefined ? "" : `<p><code>${escapeHtml(command)}</code></p>`,
    `</header>`,
    settingsSection(run, contents.summary),
    summarySection(contents, window),
    await curvesSection(contents, experiment, window),
    fieldsSection(contents.directory),
    `<footer class="meta"><p>Report of the run directory <code>${escapeHtml(contents.directory)}</code>.</p></footer>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}
