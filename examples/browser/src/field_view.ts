import { sharpContext } from "./dom";

/** One image of a {@link drawFields} row. */
export interface FieldPanel {
  readonly title: string;
  /** A caption under the title, e.g. the step the prediction belongs to. */
  readonly caption: string;
  /** rows × columns values, row-major; undefined draws an empty frame. */
  readonly values: Float64Array | undefined;
}

/** viridis at 17 evenly spaced positions (matplotlib's table, the colours the Node field figures use). */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 24, 106],
  [71, 45, 123],
  [66, 64, 134],
  [59, 82, 139],
  [51, 99, 141],
  [44, 114, 142],
  [38, 130, 142],
  [33, 145, 140],
  [31, 159, 136],
  [39, 173, 129],
  [61, 188, 116],
  [92, 200, 99],
  [129, 211, 77],
  [170, 220, 50],
  [213, 226, 26],
  [253, 231, 37],
];

/** viridis at t ∈ [0, 1] (clamped), interpolated linearly between the table's entries. */
function viridis(t: number): readonly [number, number, number] {
  const position = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const index = Math.min(VIRIDIS.length - 2, Math.floor(position));
  const fraction = position - index;
  const low = VIRIDIS[index] as readonly [number, number, number];
  const high = VIRIDIS[index + 1] as readonly [number, number, number];
  const mix = (channel: 0 | 1 | 2): number => Math.round(low[channel] + fraction * (high[channel] - low[channel]));
  return [mix(0), mix(1), mix(2)];
}

/** min and max of a field, widened when it is constant so that a colour scale exists. */
export function rangeOf(values: Float64Array): { low: number; high: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (!(low < high)) return { low: low - 0.5, high: low + 0.5 };
  return { low, high };
}

const PANEL_GAP = 18;
const TITLE_HEIGHT = 38;
const BAR_WIDTH = 14;
const BAR_LABEL_WIDTH = 58;

/**
 * Draws fields side by side on one colour scale (values outside it are clamped), each with its title and caption,
 * and a viridis colour bar with its range on the right. Cells are drawn as blocks, not smoothed.
 */
export function drawFields(
  canvas: HTMLCanvasElement,
  panels: readonly FieldPanel[],
  shape: readonly [rows: number, columns: number],
  range: { readonly low: number; readonly high: number },
  scaleLabel: string,
): void {
  const width = Math.max(320, canvas.clientWidth);
  const [rows, columns] = shape;
  const side = Math.max(48, Math.floor((width - BAR_WIDTH - BAR_LABEL_WIDTH - PANEL_GAP * panels.length) / panels.length));
  const height = TITLE_HEIGHT + side + 8;
  canvas.style.height = `${height}px`;
  const context = sharpContext(canvas, width, height);
  if (context === null) return;

  const cells = document.createElement("canvas");
  cells.width = columns;
  cells.height = rows;
  const cellContext = cells.getContext("2d");
  const span = range.high - range.low;

  panels.forEach((panel, index) => {
    const left = index * (side + PANEL_GAP);
    context.fillStyle = "#1f2430";
    context.textAlign = "left";
    context.textBaseline = "top";
    context.font = "600 13px system-ui, sans-serif";
    context.fillText(panel.title, left, 2);
    context.font = "12px system-ui, sans-serif";
    context.fillStyle = "#5a6070";
    context.fillText(panel.caption, left, 19);
    const top = TITLE_HEIGHT;
    if (panel.values !== undefined && cellContext !== null) {
      const image = cellContext.createImageData(columns, rows);
      for (let i = 0; i < rows * columns; i++) {
        const [r, g, b] = viridis(((panel.values[i] as number) - range.low) / span);
        image.data[4 * i] = r;
        image.data[4 * i + 1] = g;
        image.data[4 * i + 2] = b;
        image.data[4 * i + 3] = 255;
      }
      cellContext.putImageData(image, 0, 0);
      context.imageSmoothingEnabled = false;
      context.drawImage(cells, left, top, side, side);
    } else {
      context.fillStyle = "#f1f3f6";
      context.fillRect(left, top, side, side);
    }
    context.strokeStyle = "#c9ced8";
    context.strokeRect(left + 0.5, top + 0.5, side - 1, side - 1);
  });

  // Colour bar: high at the top, with the range and the quantity it shows.
  const barLeft = panels.length * (side + PANEL_GAP);
  const barTop = TITLE_HEIGHT;
  for (let y = 0; y < side; y++) {
    const [r, g, b] = viridis(1 - y / (side - 1));
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.fillRect(barLeft, barTop + y, BAR_WIDTH, 1);
  }
  context.strokeStyle = "#c9ced8";
  context.strokeRect(barLeft + 0.5, barTop + 0.5, BAR_WIDTH - 1, side - 1);
  context.fillStyle = "#1f2430";
  context.font = "12px system-ui, sans-serif";
  context.textAlign = "left";
  context.textBaseline = "top";
  context.fillText(range.high.toPrecision(3), barLeft + BAR_WIDTH + 4, barTop);
  context.textBaseline = "bottom";
  context.fillText(range.low.toPrecision(3), barLeft + BAR_WIDTH + 4, barTop + side);
  context.textBaseline = "middle";
  context.fillText(((range.low + range.high) / 2).toPrecision(3), barLeft + BAR_WIDTH + 4, barTop + side / 2);
  context.textBaseline = "top";
  context.font = "600 12px system-ui, sans-serif";
  context.fillText(scaleLabel, barLeft, 2);
}
