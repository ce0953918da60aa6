import { PgValidationError, requireKnownKeys, requirePositive, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { squareToyLoss } from "@pg/physics-toys";
import type { Spec } from "vega";
import { trajectorySeries, type TrajectoryMethod, type TrajectorySeries } from "./trajectory_series";

/** An interval [low, high] of one coordinate. */
export type Interval = readonly [number, number];

/** One panel of the figure: which coordinates it shows, the axes' ranges and the grid the contours are traced on. */
export interface TrajectoryPanel {
  /** Panel title, also in the names of its data sets ("x space contours") and marks ("x-space-panel"). */
  readonly name: "x space" | "y space";
  /** Which points of a {@link TrajectorySeries} are drawn: `x` or `y`. */
  readonly space: "x" | "y";
  /** Titles of the horizontal and vertical axes. */
  readonly axisTitles: readonly [string, string];
  /** Ranges the axes show (horizontal, vertical); everything else is clipped. */
  readonly axes: readonly [Interval, Interval];
  /** Ranges the contour grid covers (horizontal, vertical); wider than the axes so no contour ends inside them. */
  readonly grid: readonly [Interval, Interval];
  /** L at a point (u, v) of the panel's space. */
  readonly loss: (u: number, v: number) => number;
}

/** The two panels: L = x₁² + x₂⁴ over x space, L = y₁² + y₂² over y space. */
export const TRAJECTORY_PANELS: readonly [TrajectoryPanel, TrajectoryPanel] = [
  {
    name: "x space",
    space: "x",
    axisTitles: ["x₁", "x₂"],
    axes: [[-0.3, 3.2], [-0.1, 3.5]],
    grid: [[-0.5, 3.5], [-0.5, 3.5]],
    loss: (u, v) => squareToyLoss([u, v]),
  },
  {
    name: "y space",
    space: "y",
    axisTitles: ["y₁", "y₂"],
    axes: [[-0.3, 3.2], [-0.1, 9.5]],
    grid: [[-0.5, 3.5], [-0.5, 9.5]],
    loss: (u, v) => u * u + v * v,
  },
];

/** Exponents m of the contour levels L = 2^m. */
export const CONTOUR_EXPONENTS: readonly number[] = Object.freeze(Array.from({ length: 13 }, (_, k) => k - 5));

/** Options of {@link trajectoryFigureSpec} and {@link trajectoryFigureSvg}. */
export interface TrajectoryFigureOptions {
  /** Width and height in pixels of each panel's plotting area, an integer in [120, 2000]. @defaultValue 320 */
  readonly panelSize?: number;
  /** Distance between neighbouring samples of the contour grids, in units of the panel's coordinates, in [0.005, 0.25]. @defaultValue 0.025 */
  readonly gridSpacing?: number;
}

const OPTION_KEYS = ["panelSize", "gridSpacing"] as const satisfies readonly (keyof TrajectoryFigureOptions)[];
true satisfies OptionKeysCover<TrajectoryFigureOptions, typeof OPTION_KEYS>;

const METHOD_COLORS: Readonly<Record<TrajectoryMethod, string>> = { GD: "#1f77b4", Newton: "#2ca02c", PG: "#d62728" };
const PANEL_GAP = 80;

const SUPERSCRIPTS: Readonly<Record<string, string>> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** "2⁻⁵" for m = −5: how the legend writes a level. */
function powerOfTwo(m: number): string {
  return `2${[...String(m)].map((c) => SUPERSCRIPTS[c] ?? c).join("")}`;
}

/** Checks figure options once; returns them with defaults filled in. Internal: {@link writeTrajectoryFigure} checks its own with it. */
export function resolveFigureOptions(where: string, options: TrajectoryFigureOptions | undefined): Required<TrajectoryFigureOptions> {
  requireKnownKeys(where, "options", options, OPTION_KEYS);
  const panelSize = requirePositiveInteger(where, "options.panelSize", options?.panelSize ?? 320);
  if (panelSize < 120 || panelSize > 2000) throw new PgValidationError(where, "options.panelSize", "an integer in [120, 2000]", panelSize);
  const gridSpacing = requirePositive(where, "options.gridSpacing", options?.gridSpacing ?? 0.025);
  if (gridSpacing < 0.005 || gridSpacing > 0.25) throw new PgValidationError(where, "options.gridSpacing", "a number in [0.005, 0.25]", gridSpacing);
  return { panelSize, gridSpacing };
}

/**
 * L sampled on the panel's grid as vega's isocontour transform reads it: row-major, first row at the top (largest v),
 * with the scale and translation that take grid coordinates to the panel's pixels. The transform places sample (i, j)
 * at grid coordinates (i + ½, j + ½).
 */
function contourGrid(panel: TrajectoryPanel, size: number, spacing: number) {
  const [[u0, u1], [v0, v1]] = panel.grid;
  const [[a0, a1], [b0, b1]] = panel.axes;
  const width = Math.round((u1 - u0) / spacing) + 1;
  const height = Math.round((v1 - v0) / spacing) + 1;
  const h = (u1 - u0) / (width - 1);
  const k = (v1 - v0) / (height - 1);
  // isocontour keeps the region where the field ≥ the threshold; −L ≥ −level is the inside of the level curve, so the
  // grid's border is traced only where a curve leaves the grid (outside the axes, and clipped).
  const values: number[] = [];
  let lowest = Infinity;
  let highest = -Infinity;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const loss = panel.loss(u0 + i * h, v1 - j * k);
      values.push(-loss);
      lowest = Math.min(lowest, loss);
      highest = Math.max(highest, loss);
    }
  }
  const pixelsPerU = size / (a1 - a0);
  const pixelsPerV = size / (b1 - b0);
  // A level above every sample (y space: L ≤ 102.5 on its grid, below 2⁷) has no curve, only the grid's border.
  return {
    grid: { width, height, values, scale: [h * pixelsPerU, k * pixelsPerV], translate: [(u0 - h / 2 - a0) * pixelsPerU, (b1 - v1 - k / 2) * pixelsPerV] },
    thresholds: CONTOUR_EXPONENTS.map((m) => 2 ** m).filter((level) => level > lowest && level < highest).map((level) => -level),
  };
}

/** "x-space-…" for the x space panel: mark names become SVG class names, where a space would split them. */
function markName(panel: TrajectoryPanel, what: string): string {
  return `${panel.name.replace(" ", "-")}-${what}`;
}

/** The marks of one panel: contours, then the lines, then the markers on top. */
function panelGroup(panel: TrajectoryPanel, index: number, size: number, series: readonly TrajectorySeries[]) {
  const [u, v] = panel.space === "x" ? ["x1", "x2"] : ["y1", "y2"];
  const [[a0, a1], [b0, b1]] = panel.axes;
  const lines = series.filter((s) => s.style === "line");
  return {
    type: "group",
    name: markName(panel, "panel"),
    encode: { enter: { x: { value: index * (size + PANEL_GAP) }, y: { value: 0 }, width: { value: size }, height: { value: size } } },
    scales: [
      { name: "u", type: "linear", domain: [a0, a1], range: [0, size], nice: false, zero: false },
      { name: "v", type: "linear", domain: [b0, b1], range: [size, 0], nice: false, zero: false },
    ],
    axes: [
      { scale: "u", orient: "bottom", title: panel.axisTitles[0], titleFontSize: 13, grid: false },
      { scale: "v", orient: "left", title: panel.axisTitles[1], titleFontSize: 13, titleAngle: 0, titleAlign: "right", titleBaseline: "middle", grid: false },
    ],
    marks: [
      {
        // A text mark rather than a group title: a title would sit higher over a panel whose top tick label sticks out.
        type: "text",
        name: markName(panel, "title"),
        encode: { enter: { x: { value: size / 2 }, y: { value: -12 }, text: { value: panel.name }, align: { value: "center" }, fontSize: { value: 13 }, fontWeight: { value: "bold" } } },
      },
      {
        type: "shape",
        name: markName(panel, "contours"),
        from: { data: `${panel.name} contours` },
        clip: true,
        encode: {
          enter: {
            stroke: { scale: "level", field: "level" },
            strokeWidth: { value: 0.8 },
            fill: { value: null },
            description: { signal: `'contour L = 2^' + datum.exponent + ', ${panel.name}'` },
          },
        },
        transform: [{ type: "geoshape", field: "datum.contour" }],
      },
      ...lines.map((s) => ({
        type: "line",
        name: markName(panel, `${s.method}-line`),
        from: { data: s.label },
        clip: true,
        sort: { field: "datum.k" },
        encode: {
          enter: {
            x: { scale: "u", field: u },
            y: { scale: "v", field: v },
            stroke: { value: METHOD_COLORS[s.method] },
            strokeWidth: { value: 1.5 },
            description: { value: `${s.label}, ${panel.name}` },
          },
        },
      })),
      {
        type: "symbol",
        name: markName(panel, "markers"),
        from: { data: "markers" },
        clip: true,
        encode: {
          enter: {
            x: { scale: "u", field: u },
            y: { scale: "v", field: v },
            shape: { value: "circle" },
            size: { value: 36 },
            fill: { scale: "series color", field: "label" },
            fillOpacity: { value: 0.75 },
            stroke: { value: "white" },
            strokeWidth: { value: 0.5 },
            description: { signal: `datum.label + ', iterate ' + datum.k + ', ${panel.name}'` },
          },
        },
      },
    ],
  };
}

/**
 * The figure as a vega specification: two panels side by side, x space (left) and y space (right), each with the
 * contours of L at the levels 2^m, m = −5 … 7 (traced from a gridded field by vega's isocontour transform), the three
 * line trajectories and the two marker trajectories of {@link trajectorySeries}; a legend naming each trajectory
 * with its η and step count, and a colour scale for the contour levels. Embed it anywhere vega runs; render it with
 * {@link trajectoryFigureSvg}.
 * @param options - {@link TrajectoryFigureOptions}; checked here.
 * @returns the specification (plain data, no functions).
 * @throws {@link PgValidationError} for a key unknown to the options (the closest suggested), a `panelSize` that is not
 *   an integer in [120, 2000] or a `gridSpacing` outside [0.005, 0.25].
 * @example
 * import { trajectoryFigureSpec } from "@pg/example-trajectories";
 * const spec = trajectoryFigureSpec({ gridSpacing: 0.1 });
 * console.log(spec.marks.map((mark) => mark.name).join(" ")); // x-space-panel y-space-panel
 * console.log(spec.data.find((d) => d.name === "x space contours").values[0].grid.width); // 41
 */
export function trajectoryFigureSpec(options?: TrajectoryFigureOptions): Spec {
  const { panelSize, gridSpacing } = resolveFigureOptions("trajectoryFigureSpec", options);
  const series = trajectorySeries();
  const rows = (s: TrajectorySeries) => s.x.map(([x1, x2], k) => ({ label: s.label, method: s.method, k, x1, x2, y1: (s.y[k] as readonly number[])[0], y2: (s.y[k] as readonly number[])[1] }));
  const levels = CONTOUR_EXPONENTS.map((m) => 2 ** m);
  const labels = series.map((s) => s.label);
  const spec = {
    $schema: "https://vega.github.io/schema/vega/v6.json",
    description: "Gradient descent, Newton and physical-gradient trajectories minimising L = ‖y‖², y = (x₁, x₂²), from x = (3, 3)",
    title: { text: "Minimising L = ‖y‖² with y = (x₁, x₂²) from x = (3, 3)", fontSize: 14 },
    background: "white",
    padding: 8,
    autosize: "pad",
    width: 2 * panelSize + PANEL_GAP,
    height: panelSize,
    data: [
      { name: "markers", values: series.filter((s) => s.style === "markers").flatMap(rows) },
      ...series.filter((s) => s.style === "line").map((s) => ({ name: s.label, values: rows(s) })),
      ...TRAJECTORY_PANELS.map((panel) => {
        const { grid, thresholds } = contourGrid(panel, panelSize, gridSpacing);
        return {
          name: `${panel.name} contours`,
          values: [{ grid }],
          transform: [
            { type: "isocontour", field: "grid", thresholds },
            { type: "formula", as: "level", expr: "-datum.contour.value" },
            { type: "formula", as: "exponent", expr: "round(log(datum.level) / LN2)" },
          ],
        };
      }),
    ],
    scales: [
      { name: "series color", type: "ordinal", domain: labels, range: series.map((s) => METHOD_COLORS[s.method]) },
      { name: "series fill", type: "ordinal", domain: labels, range: series.map((s) => (s.style === "markers" ? METHOD_COLORS[s.method] : "transparent")) },
      { name: "series shape", type: "ordinal", domain: labels, range: series.map((s) => (s.style === "markers" ? "circle" : "stroke")) },
      { name: "level", type: "log", base: 2, domain: [levels[0], levels[levels.length - 1]], range: { scheme: "greys", extent: [0.3, 0.85] } },
    ],
    legends: [
      {
        stroke: "series color",
        shape: "series shape",
        title: "trajectories (a marker per iterate)",
        orient: "right",
        labelLimit: 0,
        titleLimit: 0,
        symbolStrokeWidth: 2,
        encode: { symbols: { update: { fill: { scale: "series fill", field: "value" } } } },
      },
      {
        stroke: "level",
        type: "gradient",
        title: "contour levels of L",
        orient: "right",
        direction: "horizontal",
        gradientLength: 200,
        titleLimit: 0,
        values: levels.filter((_, k) => k % 2 === 0),
        labelOverlap: false,
        encode: { labels: { update: { text: { signal: `${JSON.stringify(CONTOUR_EXPONENTS.map(powerOfTwo))}[round(log(datum.value) / LN2) + ${-(CONTOUR_EXPONENTS[0] as number)}]` } } } },
      },
    ],
    marks: TRAJECTORY_PANELS.map((panel, index) => panelGroup(panel, index, panelSize, series)),
  };
  return spec as unknown as Spec;
}

/**
 * Renders {@link trajectoryFigureSpec} headless with vega (no browser, no canvas) to one standalone SVG document; the
 * same options give the same text.
 * Every contour path is labelled `contour L = 2^m, <panel>`, every trajectory with its legend text and panel, in the
 * SVG's `aria-label` attributes.
 * @param options - {@link TrajectoryFigureOptions}; checked here.
 * @returns the SVG text.
 * @throws {@link PgValidationError} as {@link trajectoryFigureSpec}.
 * @example
 * import { trajectoryFigureSvg } from "@pg/example-trajectories";
 * const svg = await trajectoryFigureSvg({ gridSpacing: 0.1 });
 * console.log(svg.startsWith("<svg"), svg.includes("contour L = 2^-5, x space")); // true true
 */
export async function trajectoryFigureSvg(options?: TrajectoryFigureOptions): Promise<string> {
  resolveFigureOptions("trajectoryFigureSvg", options);
  const spec = trajectoryFigureSpec(options);
  // Loaded on first use: vega is large, and the trajectories need none of it.
  const vega = await import("vega");
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return renumberIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Numbers the SVG's clip-path and gradient ids from 1 in order of appearance. vega counts them per process, so
 * without this a second figure drawn in the same process would differ from the first in its ids alone.
 */
function renumberIds(svg: string): string {
  const renamed = new Map<string, string>();
  const counts = new Map<string, number>();
  return svg.replace(/(id="|url\(#)([A-Za-z_-]+)(\d+)(?=[")])/g, (_, before: string, prefix: string, number: string) => {
    const old = `${prefix}${number}`;
    let name = renamed.get(old);
    if (name === undefined) {
      const count = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, count);
      name = `${prefix}${count}`;
      renamed.set(old, name);
    }
    return `${before}${name}`;
  });
}
