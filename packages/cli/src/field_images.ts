import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PgShapeError, PgValidationError, requireKnownKeys, requireNonNegativeInteger, requireOneOf, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { PNG } from "pngjs";
import { COLORMAP_NAMES, colormapColorUnchecked, type ColormapName } from "./colormap";

/**
 * One scalar field on a cell-centred grid, drawn as one panel. Axis 0 is x, axis 1 is y (as in the physics packages), and
 * `values` is row-major over `shape`: the value of cell (i, j) is `values[i * ny + j]`, the layout of one example of
 * an NHWC tensor with H = nx, W = ny and one channel.
 */
export interface FieldPanel {
  /** Caption, kept in the layout description (the PNG has no text). */
  readonly title: string;
  /** nx × ny finite numbers, cell (i, j) at index i·ny + j. */
  readonly values: Float64Array | Float32Array | readonly number[];
  /** [nx, ny], two positive integers. */
  readonly shape: readonly [number, number];
  /** Colour range of this panel alone, overriding `range` of the image (e.g. y* next to x-space fields). */
  readonly range?: readonly [number, number];
}

/** How panels share colour ranges: one range per grid row, one per panel, or a fixed [min, max] for all. */
export type FieldRange = "shared-per-row" | "per-panel" | readonly [number, number];

/** Options of {@link fieldImagePng}. */
export interface FieldImageOptions {
  /**
   * The grid of panels, rows × columns: `fields[r][c]` is drawn in grid row r (top to bottom), column c (left to
   * right). For the paper's Fig. 4a/5a: one row per example with columns y*, each method's prediction, x*.
   */
  readonly fields: readonly (readonly FieldPanel[])[];
  /** @defaultValue "viridis" */
  readonly colormap?: ColormapName;
  /**
   * Value → colour range: min maps to the colormap's low end, max to its high end, values outside are clamped; a
   * constant field (min = max) is drawn in the middle colour. Panels with their own `range` keep it.
   * @defaultValue "shared-per-row"
   */
  readonly range?: FieldRange;
  /** Pixels per cell along each axis; a positive integer. @defaultValue 4 */
  readonly scale?: number;
  /** White pixels between neighbouring panels (none around the border); a non-negative integer. @defaultValue 2 */
  readonly gap?: number;
}

/** Where one panel was drawn and with which colour range; JSON-serialisable. */
export interface FieldPanelLayout {
  readonly row: number;
  readonly column: number;
  readonly title: string;
  /** Pixel column of the panel's left edge. */
  readonly left: number;
  /** Pixel row of the panel's top edge. */
  readonly top: number;
  /** nx · scale. */
  readonly width: number;
  /** ny · scale. */
  readonly height: number;
  readonly shape: readonly [number, number];
  /** The values mapped to the colormap's ends. */
  readonly range: readonly [number, number];
}

/** The picture's geometry and conventions, for captions and legends drawn elsewhere; JSON-serialisable. */
export interface FieldImageLayout {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly gap: number;
  readonly colormap: ColormapName;
  /** The axis convention in words (see {@link FIELD_IMAGE_AXES}). */
  readonly axes: string;
  readonly panels: readonly FieldPanelLayout[];
}

/** Result of {@link fieldImagePng}. */
export interface FieldImageResult {
  /** The PNG file contents (8-bit RGBA). */
  readonly png: Buffer;
  readonly layout: FieldImageLayout;
}

/** The axis convention of every field image, as recorded in {@link FieldImageLayout.axes}. */
export const FIELD_IMAGE_AXES =
  "axis 0 = x = image column, left to right; axis 1 = y = image row, y up (cell (i, j) at values[i * ny + j]; " +
  "cell (0, ny - 1) is the top-left block of its panel, cell (nx - 1, 0) the bottom-right)";

const WHERE = "fieldImagePng";
const BACKGROUND = 255;

interface ResolvedFieldImageOptions {
  readonly fields: readonly (readonly FieldPanel[])[];
  readonly colormap: ColormapName;
  readonly range: FieldRange;
  readonly scale: number;
  readonly gap: number;
}

const FIELD_IMAGE_OPTION_KEYS = ["fields", "colormap", "range", "scale", "gap"] as const satisfies readonly (keyof FieldImageOptions)[];
true satisfies OptionKeysCover<FieldImageOptions, typeof FIELD_IMAGE_OPTION_KEYS>;
const FIELD_PANEL_KEYS = ["title", "values", "shape", "range"] as const satisfies readonly (keyof FieldPanel)[];

function requireRange(parameter: string, range: unknown): readonly [number, number] {
  if (!Array.isArray(range) || range.length !== 2) throw new PgValidationError(WHERE, parameter, "[min, max] with finite min < max", range);
  const [min, max] = range as unknown[];
  if (typeof min !== "number" || typeof max !== "number" || !Number.isFinite(min) || !Number.isFinite(max) || !(min < max)) {
    throw new PgValidationError(WHERE, parameter, "[min, max] with finite min < max", range);
  }
  return [min, max];
}

function resolveFieldImageOptions(options: FieldImageOptions): ResolvedFieldImageOptions {
  if (options === null || typeof options !== "object") throw new PgValidationError(WHERE, "options", "an options object", options);
  requireKnownKeys(WHERE, "options", options, FIELD_IMAGE_OPTION_KEYS);
  const colormap = requireOneOf(WHERE, "colormap", options.colormap ?? "viridis", COLORMAP_NAMES);
  const scale = requirePositiveInteger(WHERE, "scale", options.scale ?? 4);
  const gap = requireNonNegativeInteger(WHERE, "gap", options.gap ?? 2);
  const range = options.range ?? "shared-per-row";
  if (typeof range === "string") requireOneOf(WHERE, "range", range, ["shared-per-row", "per-panel"]);
  else requireRange("range", range);
  const { fields } = options;
  if (!Array.isArray(fields) || fields.length === 0) {
    throw new PgValidationError(WHERE, "fields", "a non-empty array of rows, each a non-empty array of { title, values, shape }", fields);
  }
  fields.forEach((row: readonly FieldPanel[], r) => {
    if (!Array.isArray(row) || row.length === 0) throw new PgValidationError(WHERE, `fields[${r}]`, "a non-empty array of { title, values, shape }", row);
    row.forEach((field: FieldPanel, c) => requireFieldPanel(`fields[${r}][${c}]`, field));
  });
  return { fields, colormap, range, scale, gap };
}

function requireFieldPanel(at: string, field: FieldPanel): void {
  if (field === null || typeof field !== "object") throw new PgValidationError(WHERE, at, "an object { title, values, shape }", field);
  requireKnownKeys(WHERE, at, field, FIELD_PANEL_KEYS);
  if (typeof field.title !== "string") throw new PgValidationError(WHERE, `${at}.title`, "a string", field.title);
  const { shape, values } = field;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((size) => typeof size === "number" && Number.isInteger(size) && size >= 1)) {
    throw new PgValidationError(WHERE, `${at}.shape`, "[nx, ny], two positive integers", shape);
  }
  const isNumbers = values instanceof Float64Array || values instanceof Float32Array || (Array.isArray(values) && values.every((v) => typeof v === "number"));
  if (!isNumbers) throw new PgValidationError(WHERE, `${at}.values`, "a Float64Array, Float32Array or number[]", values);
  const [nx, ny] = shape;
  if (values.length !== nx * ny) {
    throw new PgShapeError(WHERE, `${at}.values`, `length nx × ny = ${nx} × ${ny} = ${nx * ny} (shape [${nx}, ${ny}])`, values);
  }
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    if (!Number.isFinite(value)) throw new PgValidationError(WHERE, `${at}.values[${index}]`, "a finite number", value, `(cell (${Math.floor(index / ny)}, ${index % ny}) of "${field.title}")`);
  }
  if (field.range !== undefined) requireRange(`${at}.range`, field.range);
}

function valueRange(fields: readonly FieldPanel[]): readonly [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const field of fields) {
    for (let index = 0; index < field.values.length; index++) {
      const value = field.values[index] as number;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return [min, max];
}

/**
 * Draws a grid of 2-D scalar fields as one PNG, like the paper's Fig. 4a/5a (rows = examples; columns = y*, each
 * method's prediction, x*). Each cell is a `scale` × `scale` block coloured by the colormap at
 * t = (v − min)/(max − min), clamped to [0, 1]. Axis convention (a physics plot, not a matrix plot): axis 0 = x runs
 * along image columns left to right; axis 1 = y runs up, so cell (i, j) fills pixel columns [i·s, (i+1)·s) and pixel
 * rows [(ny − 1 − j)·s, (ny − j)·s) of its panel. Grid column c is as wide as its widest panel and grid row r as tall as
 * its tallest; panels sit at the top-left of their slot, with `gap` white pixels between slots and no outer border.
 * There is no text in the image; titles, pixel positions and colour ranges come back in `layout`.
 * @param options - {@link FieldImageOptions}; validated once, here.
 * @returns the PNG bytes (RGBA, 8 bits per channel) and the layout.
 * @throws {@link PgShapeError} if a field's `values.length` is not nx·ny; {@link PgValidationError} for an empty grid
 *   or row, a bad `shape`, a non-finite value (named by index and cell), an unknown `colormap` or `range`, a range
 *   that is not finite min < max, a non-positive-integer `scale`, a negative `gap`, or a key unknown to the options or
 *   to a panel (the closest one suggested).
 * @example
 * import { fieldImagePng } from "@pg/cli";
 * const ramp = Float64Array.from({ length: 8 * 6 }, (_, k) => k);
 * const { png, layout } = fieldImagePng({ fields: [[{ title: "x*", values: ramp, shape: [8, 6] }]] });
 * console.log(png.subarray(1, 4).toString(), layout.width, layout.height); // PNG 32 24
 * console.log(layout.panels[0].title, layout.panels[0].range.join(" ")); // x* 0 47
 */
export function fieldImagePng(options: FieldImageOptions): FieldImageResult {
  const resolved = resolveFieldImageOptions(options);
  const { fields, scale, gap, colormap } = resolved;
  const columnCount = Math.max(...fields.map((row) => row.length));
  const columnWidths = Array.from({ length: columnCount }, (_, c) => Math.max(0, ...fields.map((row) => (row[c]?.shape[0] ?? 0) * scale)));
  const rowHeights = fields.map((row) => Math.max(...row.map((field) => field.shape[1] * scale)));
  const columnLefts = columnWidths.map((_, c) => columnWidths.slice(0, c).reduce((sum, w) => sum + w + gap, 0));
  const rowTops = rowHeights.map((_, r) => rowHeights.slice(0, r).reduce((sum, h) => sum + h + gap, 0));
  const width = columnWidths.reduce((sum, w) => sum + w, 0) + gap * (columnCount - 1);
  const height = rowHeights.reduce((sum, h) => sum + h, 0) + gap * (fields.length - 1);

  const png = new PNG({ width, height });
  png.data.fill(BACKGROUND);
  const panels: FieldPanelLayout[] = [];
  fields.forEach((row, r) => {
    const rowRange = resolved.range === "shared-per-row" ? valueRange(row.filter((field) => field.range === undefined)) : undefined;
    row.forEach((field, c) => {
      const range = field.range ?? (typeof resolved.range === "string" ? (rowRange ?? valueRange([field])) : resolved.range);
      const left = columnLefts[c] as number;
      const top = rowTops[r] as number;
      drawPanel(png, field, { left, top, scale, range, colormap });
      const [nx, ny] = field.shape;
      panels.push({ row: r, column: c, title: field.title, left, top, width: nx * scale, height: ny * scale, shape: [nx, ny], range: [range[0], range[1]] });
    });
  });
  const layout: FieldImageLayout = { width, height, scale, gap, colormap, axes: FIELD_IMAGE_AXES, panels };
  return { png: PNG.sync.write(png), layout };
}

function drawPanel(
  png: PNG,
  field: FieldPanel,
  placement: { left: number; top: number; scale: number; range: readonly [number, number]; colormap: ColormapName },
): void {
  const { left, top, scale, colormap } = placement;
  const [min, max] = placement.range;
  const [nx, ny] = field.shape;
  const span = max - min;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const value = field.values[i * ny + j] as number;
      const t = span > 0 ? (value - min) / span : 0.5;
      const [red, green, blue] = colormapColorUnchecked(colormap, t);
      const pixelRow0 = top + (ny - 1 - j) * scale; // y up: j = ny − 1 is the top block
      const pixelColumn0 = left + i * scale;
      for (let py = pixelRow0; py < pixelRow0 + scale; py++) {
        for (let px = pixelColumn0; px < pixelColumn0 + scale; px++) {
          const offset = (py * png.width + px) * 4;
          png.data[offset] = red;
          png.data[offset + 1] = green;
          png.data[offset + 2] = blue;
          png.data[offset + 3] = 255;
        }
      }
    }
  }
}

/**
 * {@link fieldImagePng}, written to a file (parent directories are created).
 * @param path - where the PNG goes, e.g. `runs/poisson/examples.png`.
 * @param options - {@link FieldImageOptions}.
 * @returns the path and the layout (titles, pixel boxes, colour ranges), e.g. to store next to the image.
 * @throws the errors of {@link fieldImagePng}, and {@link PgValidationError} if `path` is not a non-empty string.
 * @example
 * import { writeFieldImages } from "@pg/cli";
 * import { existsSync, mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const field = { title: "x*", values: new Float64Array(64 * 64), shape: [64, 64] };
 * const path = join(mkdtempSync(join(tmpdir(), "pg-")), "figures", "fields.png");
 * const { layout } = writeFieldImages(path, { fields: [[field, field]], colormap: "coolwarm" });
 * console.log(layout.width, layout.height, existsSync(path)); // 514 256 true
 */
export function writeFieldImages(path: string, options: FieldImageOptions): { readonly path: string; readonly layout: FieldImageLayout } {
  if (typeof path !== "string" || path.length === 0) throw new PgValidationError("writeFieldImages", "path", "a file path", path);
  const { png, layout } = fieldImagePng(options);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return { path, layout };
}
