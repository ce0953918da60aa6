import { sharpContext } from "./dom";

/** One curve of a {@link drawLearningChart}. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Shown after the name in the legend, e.g. why a method stopped. */
  readonly note?: string;
}

/** Titles and scales of a {@link drawLearningChart}. */
export interface ChartLayout {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY: boolean;
  /** The x axis spans at least [0, xMax] (the planned steps), so curves grow across a fixed axis. */
  readonly xMax: number;
  /** Written in the middle of an empty chart. @defaultValue "press Start to train" */
  readonly emptyText?: string;
}

const MARGIN = { left: 62, right: 14, top: 30, bottom: 44 } as const;
const AXIS_COLOR = "#4a5060";
const GRID_COLOR = "#e3e6ec";
const MINOR_GRID_COLOR = "#f1f3f6";
const TEXT_COLOR = "#1f2430";
const SUPERSCRIPTS: Readonly<Record<string, string>> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** 10 to the power k, written as on a printed axis: 10⁻³. */
function powerOfTen(exponent: number): string {
  return `10${[...String(exponent)].map((c) => SUPERSCRIPTS[c] ?? c).join("")}`;
}

/** Round tick positions (1, 2 or 5 × 10^k apart) covering [low, high], about `count` of them. */
function niceTicks(low: number, high: number, count: number): number[] {
  const span = high - low;
  if (!(span > 0)) return [low];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** A short number for the legend: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e4)) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}

function tickLabel(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(0);
  return Number(value.toPrecision(6)).toString();
}

/** The y range of the drawable points: positive ones only on a log axis. */
function valueRange(series: readonly ChartSeries[], logY: boolean): { low: number; high: number } | undefined {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (const v of s.y) {
      if (!Number.isFinite(v) || (logY && v <= 0)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return low <= high ? { low, high } : undefined;
}

/**
 * Draws learning curves into a canvas at the device's pixel ratio: labelled axes, a grid, a log or linear y axis
 * (decades on a log axis) and a legend with each curve's latest value. Long curves are thinned to about one point per
 * pixel column.
 */
export function drawLearningChart(canvas: HTMLCanvasElement, series: readonly ChartSeries[], layout: ChartLayout): void {
  const width = Math.max(200, canvas.clientWidth);
  const height = Math.max(160, canvas.clientHeight);
  const context = sharpContext(canvas, width, height);
  if (context === null) return;
  context.font = "12px system-ui, sans-serif";

  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const plotWidth = plot.right - plot.left;
  const plotHeight = plot.bottom - plot.top;

  // x: from 0 to the planned steps, or further if a curve outgrew them.
  const longest = Math.max(0, ...series.map((s) => s.x[s.x.length - 1] ?? 0));
  const xMax = Math.max(1, layout.xMax, longest);
  const xOf = (x: number): number => plot.left + (x / xMax) * plotWidth;

  const range = valueRange(series, layout.logY);
  let yOf: (y: number) => number;
  let yTicks: { value: number; label: string | undefined; minor: boolean }[];
  if (range === undefined) {
    yOf = () => plot.bottom;
    yTicks = [];
  } else if (layout.logY) {
    const lowExponent = Math.floor(Math.log10(range.low));
    const highExponent = Math.max(lowExponent + 1, Math.ceil(Math.log10(range.high)));
    const decades = highExponent - lowExponent;
    yOf = (y) => plot.bottom - ((Math.log10(y) - lowExponent) / decades) * plotHeight;
    const labelEvery = Math.ceil(decades / 8);
    yTicks = [];
    for (let k = lowExponent; k <= highExponent; k++) {
      yTicks.push({ value: 10 ** k, label: (k - lowExponent) % labelEvery === 0 ? powerOfTen(k) : undefined, minor: false });
      if (k < highExponent && decades <= 6) {
        for (let m = 2; m <= 9; m++) yTicks.push({ value: m * 10 ** k, label: undefined, minor: true });
      }
    }
  } else {
    const pad = range.high === range.low ? Math.max(Math.abs(range.high) * 0.1, 1) : 0;
    const ticks = niceTicks(range.low - pad, range.high + pad, 5);
    const low = Math.min(range.low - pad, ticks[0] ?? range.low);
    const high = Math.max(range.high + pad, ticks[ticks.length - 1] ?? range.high);
    yOf = (y) => plot.bottom - ((y - low) / (high - low)) * plotHeight;
    yTicks = ticks.map((value) => ({ value, label: tickLabel(value), minor: false }));
  }

  // Grid and tick labels.
  context.lineWidth = 1;
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (const tick of yTicks) {
    const y = Math.round(yOf(tick.value)) + 0.5;
    context.strokeStyle = tick.minor ? MINOR_GRID_COLOR : GRID_COLOR;
    context.beginPath();
    context.moveTo(plot.left, y);
    context.lineTo(plot.right, y);
    context.stroke();
    if (tick.label !== undefined) {
      context.fillStyle = TEXT_COLOR;
      context.fillText(tick.label, plot.left - 6, y);
    }
  }
  context.textAlign = "center";
  context.textBaseline = "top";
  for (const value of niceTicks(0, xMax, Math.max(2, Math.floor(plotWidth / 90)))) {
    const x = Math.round(xOf(value)) + 0.5;
    context.strokeStyle = GRID_COLOR;
    context.beginPath();
    context.moveTo(x, plot.top);
    context.lineTo(x, plot.bottom);
    context.stroke();
    context.fillStyle = TEXT_COLOR;
    context.fillText(tickLabel(value), x, plot.bottom + 6);
  }

  // Axes, titles.
  context.strokeStyle = AXIS_COLOR;
  context.strokeRect(plot.left + 0.5, plot.top + 0.5, plotWidth, plotHeight);
  context.fillStyle = TEXT_COLOR;
  context.font = "600 13px system-ui, sans-serif";
  context.textAlign = "left";
  context.textBaseline = "bottom";
  context.fillText(layout.title, plot.left, plot.top - 8);
  context.font = "12px system-ui, sans-serif";
  context.textAlign = "center";
  context.textBaseline = "bottom";
  context.fillText(layout.xLabel, plot.left + plotWidth / 2, height - 6);
  context.save();
  context.translate(14, plot.top + plotHeight / 2);
  context.rotate(-Math.PI / 2);
  context.textBaseline = "middle";
  context.fillText(`${layout.yLabel}${layout.logY ? " (log)" : ""}`, 0, 0);
  context.restore();

  if (range === undefined) {
    context.fillStyle = "#8a90a0";
    context.textAlign = "center";
    context.textBaseline = "middle";
    context.fillText(layout.emptyText ?? "press Start to train", plot.left + plotWidth / 2, plot.top + plotHeight / 2);
  }

  // Curves, clipped to the plot, about one point per pixel column.
  context.save();
  context.beginPath();
  context.rect(plot.left, plot.top, plotWidth, plotHeight);
  context.clip();
  context.lineWidth = 1.8;
  context.lineJoin = "round";
  for (const s of series) {
    const stride = Math.max(1, Math.ceil(s.x.length / plotWidth));
    context.strokeStyle = s.color;
    context.beginPath();
    let drawing = false;
    for (let i = 0; i < s.x.length; i += stride) {
      const index = Math.min(i + stride - 1, s.x.length - 1);
      const value = s.y[index] as number;
      if (!Number.isFinite(value) || (layout.logY && value <= 0)) {
        drawing = false;
        continue;
      }
      const x = xOf(s.x[index] as number);
      const y = yOf(value);
      if (drawing) context.lineTo(x, y);
      else context.moveTo(x, y);
      drawing = true;
    }
    context.stroke();
  }
  context.restore();

  // Legend: colour, name, latest value.
  if (series.length > 0) {
    const lines = series.map((s) => {
      const latest = s.y[s.y.length - 1];
      const value = latest === undefined ? "—" : formatValue(latest);
      return `${s.name}  ${value}${s.note === undefined ? "" : `  (${s.note})`}`;
    });
    const textWidth = Math.max(...lines.map((line) => context.measureText(line).width));
    const boxWidth = textWidth + 36;
    const boxHeight = lines.length * 18 + 8;
    const boxLeft = plot.right - boxWidth - 8;
    const boxTop = plot.top + 8;
    context.fillStyle = "rgba(255, 255, 255, 0.9)";
    context.strokeStyle = GRID_COLOR;
    context.fillRect(boxLeft, boxTop, boxWidth, boxHeight);
    context.strokeRect(boxLeft + 0.5, boxTop + 0.5, boxWidth, boxHeight);
    context.textAlign = "left";
    context.textBaseline = "middle";
    lines.forEach((line, index) => {
      const y = boxTop + 13 + index * 18;
      context.strokeStyle = (series[index] as ChartSeries).color;
      context.lineWidth = 3;
      context.beginPath();
      context.moveTo(boxLeft + 8, y);
      context.lineTo(boxLeft + 24, y);
      context.stroke();
      context.fillStyle = TEXT_COLOR;
      context.fillText(line, boxLeft + 30, y);
    });
  }
}
