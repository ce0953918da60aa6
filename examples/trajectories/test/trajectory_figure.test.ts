import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTOUR_EXPONENTS, TRAJECTORY_PANELS, trajectoryFigureSpec, trajectoryFigureSvg, trajectorySeries, type TrajectoryPanel } from "../src/index";

/** The `d` attribute of the path whose aria-label is `label`. */
function pathOf(svg: string, label: string): string {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = svg.match(new RegExp(`<path aria-label="${escaped}"[^>]*\\sd="([^"]*)"`));
  if (match === null) throw new Error(`no path labelled "${label}"`);
  return match[1] as string;
}

/** The vertices of an SVG path written with M and L commands only. */
function vertices(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Texts of the SVG's text elements. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] as string);
}

/** Pixel (group-local) to the panel's coordinates. */
function toPanel(panel: TrajectoryPanel, size: number, [px, py]: readonly number[]): [number, number] {
  const [[a0, a1], [b0, b1]] = panel.axes;
  return [a0 + ((px as number) / size) * (a1 - a0), b1 - ((py as number) / size) * (b1 - b0)];
}

describe("trajectoryFigureSvg", () => {
  let svg = "";
  beforeAll(async () => {
    svg = await trajectoryFigureSvg();
  });

  it("has two panels side by side, titled x space and y space, with axes titled x₁, x₂ and y₁, y₂", () => {
    expect(svg.startsWith("<svg")).toBe(true);
    const panels = [...svg.matchAll(/<g class="mark-group role-scope ([xy]-space-panel)"[^>]*>\s*<g transform="translate\((-?[\d.]+),(-?[\d.]+)\)">/g)];
    expect(panels.map((m) => m[1])).toEqual(["x-space-panel", "y-space-panel"]);
    // same row, the y panel to the right of the x panel by a panel and a gap
    expect(Number(panels[0]![3])).toBe(Number(panels[1]![3]));
    expect(Number(panels[1]![2]) - Number(panels[0]![2])).toBe(320 + 80);
    expect(texts(svg)).toEqual(expect.arrayContaining(["x space", "y space", "x₁", "x₂", "y₁", "y₂"]));
    for (const axis of ["X-axis titled 'x₁'", "Y-axis titled 'x₂'", "X-axis titled 'y₁'", "Y-axis titled 'y₂'"]) expect(svg).toContain(`aria-label="${axis}`);
  });

  it("names GD, Newton and PG with η and step count in the legend, and gives the contour levels a colour scale 2⁻⁵ … 2⁷", () => {
    const labels = trajectorySeries().map((s) => s.label);
    expect(labels).toEqual(["GD, η = 0.5/36, 10 steps", "Newton, η = 0.5, 10 steps", "GD, η = 0.005, 1000 steps", "Newton, η = 0.1, 100 steps", "PG, η = 0.05, 100 steps"]);
    expect(texts(svg)).toEqual(expect.arrayContaining(labels));
    expect(svg).toContain(`Symbol legend titled 'trajectories (a marker per iterate)' for shape and stroke color with 5 values: ${labels.join(", ")}`);
    expect(svg).toContain("Gradient legend titled 'contour levels of L' for stroke color with values from 0.03125 to 128");
    expect(texts(svg)).toEqual(expect.arrayContaining(["2⁻⁵", "2⁻³", "2⁻¹", "2¹", "2³", "2⁵", "2⁷"]));
  });

  it("draws one contour path per level 2^m, m = −5 … 7, in x space; in y space every level but 2⁷ (L ≤ 102.5 on that grid)", () => {
    const labelled = [...svg.matchAll(/aria-label="contour L = 2\^(-?\d+), ([xy]) space"/g)].map((m) => `${m[2]}:${m[1]}`);
    expect(labelled.filter((l) => l.startsWith("x:"))).toEqual(CONTOUR_EXPONENTS.map((m) => `x:${m}`));
    expect(labelled.filter((l) => l.startsWith("y:"))).toEqual(CONTOUR_EXPONENTS.filter((m) => m < 7).map((m) => `y:${m}`));
    for (const m of CONTOUR_EXPONENTS) {
      expect(vertices(pathOf(svg, `contour L = 2^${m}, x space`)).length, `x space 2^${m}`).toBeGreaterThan(20);
      if (m < 7) expect(vertices(pathOf(svg, `contour L = 2^${m}, y space`)).length, `y space 2^${m}`).toBeGreaterThan(20);
    }
    // grey, darker for higher levels
    const grey = (m: number) => Number(svg.match(new RegExp(`aria-label="contour L = 2\\^${m}, x space"[^>]*stroke="rgb\\((\\d+), \\1, \\1\\)"`))![1]);
    const greys = CONTOUR_EXPONENTS.map(grey);
    greys.slice(1).forEach((g, k) => expect(g).toBeLessThan(greys[k]!));
  });

  it("draws each line trajectory through all its iterates; PG in y space is a straight line to the origin", () => {
    for (const s of trajectorySeries().filter((t) => t.style === "line")) {
      for (const space of ["x", "y"]) expect(vertices(pathOf(svg, `${s.label}, ${space} space`))).toHaveLength(s.steps + 1);
    }
    const [first, ...rest] = vertices(pathOf(svg, "PG, η = 0.05, 100 steps, y space")).map((p) => toPanel(TRAJECTORY_PANELS[1], 320, p));
    expect(first![0]).toBeCloseTo(3, 2);
    expect(first![1]).toBeCloseTo(9, 2);
    // on the ray y₂ = 3y₁ (to the SVG's 3 decimals of a pixel)
    for (const [y1, y2] of rest) expect(Math.abs(y2 - 3 * y1)).toBeLessThan(0.002);
    // Newton in y space is not: its midpoint is off the straight line from start to end
    const newton = vertices(pathOf(svg, "Newton, η = 0.1, 100 steps, y space")).map((p) => toPanel(TRAJECTORY_PANELS[1], 320, p));
    const [y1, y2] = newton[10]!;
    expect(Math.abs(y2 - 3 * y1)).toBeGreaterThan(0.5);
  });

  it("is the figure committed as figures/trajectories.svg (regenerate it with the command in figures/README.md)", () => {
    const committed = readFileSync(join(__dirname, "..", "figures", "trajectories.svg"), "utf8");
    // compared by hand: a failing toBe would print two 200 kB documents
    expect(committed.length).toBe(svg.length);
    expect(committed === svg).toBe(true);
    expect(readFileSync(join(__dirname, "..", "figures", "README.md"), "utf8")).toContain("pnpm --filter @pg/example-trajectories start -- --out figures");
  });

  it("draws a marker per iterate of the two 10-step series in each panel, at the iterate", () => {
    for (const s of trajectorySeries().filter((t) => t.style === "markers")) {
      for (const [index, space] of (["x", "y"] as const).entries()) {
        for (let k = 0; k <= 10; k++) {
          const match = svg.match(new RegExp(`aria-label="${s.label.replace("/", "\\/")}, iterate ${k}, ${space} space"[^>]*transform="translate\\((-?[\\d.]+),(-?[\\d.]+)\\)"`));
          expect(match, `${s.label} iterate ${k} in ${space} space`).not.toBeNull();
          const [u, v] = toPanel(TRAJECTORY_PANELS[index]!, 320, [Number(match![1]), Number(match![2])]);
          const point = (space === "x" ? s.x : s.y)[k]!;
          expect(Math.abs(u - point[0])).toBeLessThan(0.01);
          expect(Math.abs(v - point[1])).toBeLessThan(0.01);
        }
      }
    }
  });
});

describe("trajectoryFigureSpec", () => {
  it("traces every contour along L = 2^m: vertices inside the grid lie on the level to within 2 %", async () => {
    const size = 320;
    const view = new vega.View(vega.parse(trajectoryFigureSpec()), { renderer: "none" });
    await view.runAsync();
    try {
      for (const panel of TRAJECTORY_PANELS) {
        const contours = view.data(`${panel.name} contours`) as { level: number; exponent: number; contour: { coordinates: number[][][][] } }[];
        expect(contours.map((c) => c.exponent)).toEqual(CONTOUR_EXPONENTS.filter((m) => panel.space === "x" || m < 7));
        const [[u0, u1], [v0, v1]] = panel.grid;
        for (const { level, exponent, contour } of contours) {
          expect(level).toBe(2 ** exponent);
          let checked = 0;
          for (const point of contour.coordinates.flat(2)) {
            const [u, v] = toPanel(panel, size, point);
            // the grid's own border, traced where a level leaves the grid, is not on the level
            if (u <= u0 || u >= u1 || v <= v0 || v >= v1) continue;
            expect(Math.abs(panel.loss(u, v) / level - 1), `${panel.name} 2^${exponent} at (${u}, ${v})`).toBeLessThan(0.02);
            checked++;
          }
          expect(checked).toBeGreaterThan(20);
        }
      }
    } finally {
      view.finalize();
    }
  });

  it("follows panelSize and gridSpacing", () => {
    const spec = trajectoryFigureSpec({ panelSize: 200, gridSpacing: 0.1 }) as unknown as {
      width: number;
      data: { name: string; values?: { grid?: { width: number; height: number; values: number[] } }[] }[];
    };
    expect(spec.width).toBe(2 * 200 + 80);
    const grid = (name: string) => spec.data.find((d) => d.name === name)!.values![0]!.grid!;
    expect([grid("x space contours").width, grid("x space contours").height]).toEqual([41, 41]);
    expect([grid("y space contours").width, grid("y space contours").height]).toEqual([41, 101]);
    expect(grid("y space contours").values).toHaveLength(41 * 101);
  });
});
