import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgShapeError, PgValidationError } from "@pg/core";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  MetricsCsv,
  colormapColor,
  fieldImagePng,
  learningCurvesSvg,
  plotRun,
  readMetricsCsv,
  smoothUniform,
  writeFieldImages,
  type FieldPanel,
} from "../src/index";

/** The `d` attribute of every line-mark path in a vega SVG, one per drawn curve. */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/<path[^>]*aria-roledescription="line mark"[^>]*\sd="([^"]*)"/g)].map((match) => match[1] as string);
}

/** Vertices of an SVG path made of M/L commands. */
function vertexCount(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

function pixel(image: PNG, x: number, y: number): [number, number, number, number] {
  const offset = (y * image.width + x) * 4;
  return [image.data[offset], image.data[offset + 1], image.data[offset + 2], image.data[offset + 3]] as [number, number, number, number];
}

describe("smoothUniform", () => {
  it("is a box filter in valid mode placed at x shifted by ⌊n/2⌋ − 1 (as PhiFlow's smooth_uniform_curve)", () => {
    const values = [4, 8, 6, 2, 10, 0, 3];
    // By hand, width 3: (4+8+6)/3, (8+6+2)/3, (6+2+10)/3, (2+10+0)/3, (10+0+3)/3.
    const three = smoothUniform(values, 3);
    expect(Array.from(three.values)).toEqual([6, 16 / 3, 6, 4, 13 / 3]);
    expect(three.offset).toBe(0); // ⌊3/2⌋ − 1
    // Width 4: (4+8+6+2)/4, (8+6+2+10)/4, (6+2+10+0)/4, (2+10+0+3)/4.
    const four = smoothUniform(Float64Array.from(values), 4);
    expect(Array.from(four.values)).toEqual([5, 6.5, 4.5, 3.75]);
    expect(four.offset).toBe(1); // n/2 − 1
    expect(smoothUniform(values, 64).offset).toBe(31);
    expect(smoothUniform(values, 1000).offset).toBe(499);
  });

  it("leaves the curve unchanged for width 1 and returns nothing for a curve shorter than the window", () => {
    expect(smoothUniform([3, 1, 2], 1)).toEqual({ offset: 0, values: Float64Array.of(3, 1, 2) });
    expect(smoothUniform([3, 1, 2], 4).values.length).toBe(0);
    expect(Array.from(smoothUniform([3, 1, 2], 3).values)).toEqual([2]);
  });

  it("matches a direct sum on a long curve (the running sum does not drift)", () => {
    const values = Float64Array.from({ length: 5000 }, (_, k) => Math.exp(-k / 700) * (1 + 0.3 * Math.sin(k)));
    const { values: smoothed } = smoothUniform(values, 64);
    expect(smoothed.length).toBe(5000 - 64 + 1);
    for (const k of [0, 1023, 1024, 3000, smoothed.length - 1]) {
      let sum = 0;
      for (let m = k; m < k + 64; m++) sum += values[m] as number;
      expect(smoothed[k]).toBeCloseTo(sum / 64, 14);
    }
  });

  it("names width when it is not a positive integer", () => {
    expect(() => smoothUniform([1, 2], 0)).toThrow(new PgValidationError("smoothUniform", "width", "a positive integer", 0));
    expect(() => smoothUniform([1, 2], 2.5)).toThrow("smoothUniform: width must be a positive integer; received 2.5.");
  });
});

describe("learningCurvesSvg", () => {
  const iterations = [1, 2, 3, 4, 5, 6];
  const curves = [
    { name: "adam", iterations, values: [1, 0.8, 0.6, 0.5, 0.45, 0.4] },
    { name: "pg-inverse", iterations, values: Float64Array.of(1, 0.3, 0.1, 0.05, 0.02, 0.01) },
  ];

  it("draws one path per curve and names every curve in the legend", async () => {
    const { svg, droppedPoints, plottedPoints } = await learningCurvesSvg({ curves, title: "sin loss", yLabel: "loss" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(linePaths(svg)).toHaveLength(2);
    expect(svg).toContain('aria-label="Symbol legend titled \'method\' for stroke color with 2 values: adam, pg-inverse"');
    expect(svg).toContain(">adam</text>");
    expect(svg).toContain(">pg-inverse</text>");
    expect(svg).toContain(">sin loss</text>");
    expect(svg).toContain("X-axis titled 'iteration'");
    expect(svg).toContain("Y-axis titled 'loss' for a log scale");
    expect(droppedPoints).toEqual({ adam: 0, "pg-inverse": 0 });
    expect(plottedPoints).toEqual({ adam: 6, "pg-inverse": 6 });
  });

  it("draws dashed, labelled reference lines", async () => {
    const references = [
      { name: "L-BFGS-B", value: 0.003 },
      { name: "random guess", value: 2 },
    ];
    const { svg } = await learningCurvesSvg({ curves, title: "wave packets", yLabel: "x error", references });
    const rules = svg.match(/<line[^>]*aria-roledescription="rule mark"[^>]*>/g) ?? [];
    expect(rules).toHaveLength(2);
    for (const rule of rules) expect(rule).toContain('stroke-dasharray="6,4"');
    expect(svg).toContain(">L-BFGS-B</text>");
    expect(svg).toContain(">random guess</text>");
    // Without references there are no rule marks at all.
    const plain = await learningCurvesSvg({ curves, title: "t", yLabel: "loss" });
    expect(plain.svg).not.toContain('aria-roledescription="rule mark"');
  });

  it("drops non-positive and non-finite values on a log axis and reports them per curve", async () => {
    const bad = { name: "supervised", iterations, values: [1, 0, -0.5, Number.NaN, 0.2, Number.POSITIVE_INFINITY] };
    const result = await learningCurvesSvg({ curves: [curves[0] as (typeof curves)[0], bad], title: "t", yLabel: "loss" });
    expect(result.droppedPoints).toEqual({ adam: 0, supervised: 4 });
    expect(result.plottedPoints).toEqual({ adam: 6, supervised: 2 });
    expect(vertexCount(linePaths(result.svg)[1] as string)).toBe(2);
    // On a linear axis only the non-finite ones go.
    const linear = await learningCurvesSvg({ curves: [bad], title: "t", yLabel: "loss", logY: false });
    expect(linear.droppedPoints).toEqual({ supervised: 2 });
    expect(linear.svg).toContain("Y-axis titled 'loss' for a linear scale");
  });

  it("smooths with the given window and places points at the shifted iteration", async () => {
    const long = Array.from({ length: 20 }, (_, k) => k + 1);
    const { plottedPoints, svg } = await learningCurvesSvg({
      curves: [{ name: "adam", iterations: long, values: long.map((k) => 1 / k) }],
      title: "t",
      yLabel: "loss",
      smoothing: 4,
      logY: false,
    });
    expect(plottedPoints.adam).toBe(17);
    // First smoothed point sits at iterations[0 + 1] = 2, the last at iterations[16 + 1] = 18: the x axis spans 2 … 18.
    expect(svg).toContain("X-axis titled 'iteration' for a linear scale with values from 2 to 18");
  });

  it("draws a curve shorter than the window as its mean", async () => {
    const { plottedPoints, svg } = await learningCurvesSvg({
      curves: [{ name: "adam", iterations: [10, 20, 30], values: [1, 2, 6] }],
      title: "t",
      yLabel: "loss",
      smoothing: 64,
    });
    expect(plottedPoints.adam).toBe(2);
    const d = linePaths(svg)[0] as string;
    const ys = [...d.matchAll(/[ML][\d.-]+,([\d.-]+)/g)].map((match) => match[1]);
    expect(ys).toHaveLength(2);
    expect(ys[0]).toBe(ys[1]);
  });

  it("keeps every k-th point so a long curve stays under maxPoints", async () => {
    const length = 10_001;
    const long = Float64Array.from({ length }, (_, k) => k);
    const values = Float64Array.from({ length }, (_, k) => 1 / (k + 1));
    const { plottedPoints, svg } = await learningCurvesSvg({ curves: [{ name: "pg", iterations: long, values }], title: "t", yLabel: "loss" });
    expect(plottedPoints.pg).toBe(Math.ceil(length / Math.ceil(length / 2000)));
    expect(plottedPoints.pg).toBeLessThanOrEqual(2000);
    expect(vertexCount(linePaths(svg)[0] as string)).toBe(plottedPoints.pg);
    const capped = await learningCurvesSvg({ curves: [{ name: "pg", iterations: long, values }], title: "t", yLabel: "loss", maxPoints: 100, smoothing: 16 });
    expect(capped.plottedPoints.pg).toBeLessThanOrEqual(100);
    expect(capped.plottedPoints.pg).toBeGreaterThan(50);
  });

  it("names the parameter and the value it rejects", async () => {
    await expect(learningCurvesSvg({ curves: [], title: "t", yLabel: "loss" })).rejects.toThrow(
      "learningCurvesSvg: curves must be a non-empty array of { name, iterations, values }; received Array(0) [].",
    );
    await expect(learningCurvesSvg({ curves: [{ name: "adam", iterations: [1, 2, 3], values: [1, 2] }], title: "t", yLabel: "loss" })).rejects.toThrow(
      'learningCurvesSvg: curves[0].values must have the length of curves[0].iterations, 3 (curve "adam"); received Array(2) [1, 2].',
    );
    await expect(learningCurvesSvg({ curves: [{ name: "adam", iterations: [], values: [] }], title: "t", yLabel: "loss" })).rejects.toBeInstanceOf(PgShapeError);
    await expect(learningCurvesSvg({ curves: [curves[0] as (typeof curves)[0], curves[0] as (typeof curves)[0]], title: "t", yLabel: "loss" })).rejects.toThrow(
      'learningCurvesSvg: curves[1].name must be a name no other curve has; received "adam".',
    );
    await expect(learningCurvesSvg({ curves, title: "t", yLabel: "loss", smoothing: 0 })).rejects.toThrow("learningCurvesSvg: smoothing must be a positive integer; received 0.");
    await expect(learningCurvesSvg({ curves, title: "t", yLabel: "loss", references: [{ name: "zero", value: 0 }] })).rejects.toThrow(
      "learningCurvesSvg: references[0].value must be a finite number > 0 (the y axis is logarithmic); received 0.",
    );
  });
});

describe("readMetricsCsv and plotRun", () => {
  function writeRun(): string {
    const directory = mkdtempSync(join(tmpdir(), "pg-plots-"));
    const columns = ["iteration", "seconds", "loss", "x_err", "proxy_loss"];
    const adam = new MetricsCsv(join(directory, "adam.csv"), columns);
    const pg = new MetricsCsv(join(directory, "pg.csv"), columns);
    for (let step = 1; step <= 8; step++) {
      adam.write({ iteration: step, seconds: 0.01, loss: 1 / step, x_err: 2 / step, proxy_loss: 0.5 });
      pg.write({ iteration: step, seconds: 0.02, loss: step === 3 ? Number.NaN : 0.1 / step, x_err: 0.2 / step, proxy_loss: 0.25 });
    }
    adam.close();
    pg.close();
    new MetricsCsv(join(directory, "supervised.csv"), columns).close(); // stopped before its first step
    const summary = { experiment: "demo", averageWindow: 2, methods: { adam: {}, pg: {}, supervised: { error: "boom" } } };
    writeFileSync(join(directory, "summary.json"), JSON.stringify(summary));
    return directory;
  }

  it("reads a metrics CSV back column by column", () => {
    const directory = writeRun();
    const table = readMetricsCsv(join(directory, "pg.csv"));
    expect(table.columns).toEqual(["iteration", "seconds", "loss", "x_err", "proxy_loss"]);
    expect(table.rowCount).toBe(8);
    expect(Array.from(table.values.iteration as Float64Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(table.values.loss?.[0]).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(table.values.loss?.[2])).toBe(true);
    expect(table.values.x_err?.[7]).toBeCloseTo(0.025, 12);
  });

  it("writes <directory>/<metric>.svg with every method that logged a step", async () => {
    const directory = writeRun();
    const result = await plotRun({ directory, metric: "loss" });
    expect(result.path).toBe(join(directory, "loss.svg"));
    expect(result.methods).toEqual(["adam", "pg"]);
    expect(result.skippedMethods).toEqual(["supervised"]);
    expect(result.droppedPoints).toEqual({ adam: 0, pg: 1 });
    const svg = readFileSync(result.path, "utf8");
    expect(linePaths(svg)).toHaveLength(2);
    expect(svg).toContain(">demo: loss</text>");
    expect(svg).toContain(">pg</text>");

    const custom = await plotRun({ directory, metric: "x_err", smoothing: 1, title: "x error", file: join(directory, "figures", "x.svg"), xAxis: "wall-clock" });
    expect(custom.path).toBe(join(directory, "figures", "x.svg"));
    const customSvg = readFileSync(custom.path, "utf8");
    expect(customSvg).toContain(">x error</text>");
    expect(customSvg).toContain("X-axis titled 'wall-clock time [s]'");
  });

  it("draws the methods of several run directories (separate processes) into one plot, refusing a repeated name", async () => {
    const first = writeRun();
    const second = mkdtempSync(join(tmpdir(), "pg-plots-second-"));
    const other = new MetricsCsv(join(second, "newton.csv"), ["iteration", "seconds", "loss", "x_err", "proxy_loss"]);
    for (let step = 1; step <= 4; step++) other.write({ iteration: step, seconds: 0.03, loss: 0.3 / step, x_err: 0.6 / step, proxy_loss: 1 });
    other.close();
    writeFileSync(join(second, "summary.json"), JSON.stringify({ experiment: "demo", averageWindow: 2, methods: { newton: {} } }));
    const result = await plotRun({ directory: [first, second], metric: "x_err" });
    expect(result.path).toBe(join(first, "x_err.svg"));
    expect(result.methods).toEqual(["adam", "pg", "newton"]);
    expect(linePaths(readFileSync(result.path, "utf8"))).toHaveLength(3);
    await expect(plotRun({ directory: [first, first], metric: "loss" })).rejects.toThrow(/plotRun: method "adam" must be a name used by one directory only; received ".*pg-plots-.* and .*pg-plots-/);
    await expect(plotRun({ directory: [], metric: "loss" })).rejects.toThrow("plotRun: directory must be a directory path or a non-empty list of them; received Array(0) [].");
  });

  it("names what is wrong with the run directory or the CSV", async () => {
    const empty = mkdtempSync(join(tmpdir(), "pg-plots-empty-"));
    await expect(plotRun({ directory: empty, metric: "loss" })).rejects.toThrow(/plotRun: directory must be a run directory with a readable summary\.json; received ".*pg-plots-empty-/);
    const directory = writeRun();
    await expect(plotRun({ directory, metric: "accuracy" as "loss" })).rejects.toThrow('plotRun: metric must be one of "loss", "x_err", "proxy_loss"; received "accuracy".');
    writeFileSync(join(directory, "broken.csv"), "iteration,loss\n1,0.5\n2\n");
    expect(() => readMetricsCsv(join(directory, "broken.csv"))).toThrow(/readMetricsCsv: line 3 of .*broken\.csv must have 2 cells like the header \(iteration,loss\); received "2"\./);
    writeFileSync(join(directory, "text.csv"), "iteration,loss\n1,fast\n");
    expect(() => readMetricsCsv(join(directory, "text.csv"))).toThrow(/column "loss" of data row 1 in .*text\.csv must be a number; received "fast"\./);
  });
});

describe("fieldImagePng", () => {
  const nx = 8;
  const ny = 6;
  const ramp = Float64Array.from({ length: nx * ny }, (_, k) => k);
  const field = (title: string, values: Float64Array = ramp): FieldPanel => ({ title, values, shape: [nx, ny] });

  it("lays out a 2 × 3 grid of 8 × 6 fields at scale 4 with gap 2", () => {
    const fields = [0, 1].map((r) => ["y*", "pg", "x*"].map((name) => field(`${name} ${r}`)));
    const { png, layout } = fieldImagePng({ fields, scale: 4, gap: 2 });
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([3 * 8 * 4 + 2 * 2, 2 * 6 * 4 + 1 * 2]);
    expect([layout.width, layout.height]).toEqual([100, 50]);
    expect(layout.panels).toHaveLength(6);
    expect(layout.panels[4]).toEqual({ row: 1, column: 1, title: "pg 1", left: 34, top: 26, width: 32, height: 24, shape: [8, 6], range: [0, 47] });
    // The gaps are white.
    expect(pixel(image, 32, 10)).toEqual([255, 255, 255, 255]);
    expect(pixel(image, 10, 24)).toEqual([255, 255, 255, 255]);
    expect(JSON.parse(JSON.stringify(layout))).toEqual(layout);
  });

  it("maps a constant field to one colour", () => {
    const { png } = fieldImagePng({ fields: [[field("flat", new Float64Array(nx * ny).fill(3.5))]], colormap: "coolwarm" });
    const image = PNG.sync.read(png);
    const colors = new Set<string>();
    for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) colors.add(pixel(image, x, y).join(","));
    expect([...colors]).toEqual(["221,221,221,255"]);
  });

  it("maps the minimum and maximum of a ramp to the colormap's ends", () => {
    // values[i * ny + j] = k: the minimum 0 is cell (0, 0) (bottom-left), the maximum 47 is cell (7, 5) (top-right).
    const scale = 4;
    for (const colormap of ["viridis", "coolwarm"] as const) {
      const image = PNG.sync.read(fieldImagePng({ fields: [[field("ramp")]], colormap, scale, range: "per-panel" }).png);
      expect(pixel(image, 0, ny * scale - 1).slice(0, 3)).toEqual([...colormapColor(colormap, 0)]);
      expect(pixel(image, nx * scale - 1, 0).slice(0, 3)).toEqual([...colormapColor(colormap, 1)]);
    }
    expect(colormapColor("viridis", 0)).toEqual([68, 1, 84]);
    expect(colormapColor("viridis", 1)).toEqual([253, 231, 37]);
    expect(colormapColor("coolwarm", 0)).toEqual([59, 76, 192]);
    expect(colormapColor("coolwarm", 1)).toEqual([180, 4, 38]);
    expect(colormapColor("coolwarm", 0.5)).toEqual([221, 221, 221]);
    // Halfway between the anchors at 0 and 1/16 of coolwarm: (59+77)/2, (76+104)/2, (192+215)/2 rounded.
    expect(colormapColor("coolwarm", 1 / 32)).toEqual([68, 90, 204]);
  });

  it("draws y up: a field that is 1 only at cell (0, ny − 1) lights the top-left block", () => {
    const values = new Float64Array(nx * ny);
    values[0 * ny + (ny - 1)] = 1;
    const scale = 3;
    const image = PNG.sync.read(fieldImagePng({ fields: [[field("corner", values)]], scale }).png);
    const high = colormapColor("viridis", 1);
    const low = colormapColor("viridis", 0);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const expected = x < scale && y < scale ? high : low;
        expect(pixel(image, x, y).slice(0, 3)).toEqual([...expected]);
      }
    }
  });

  it("shares one range per row unless a panel brings its own, or uses a fixed range", () => {
    const double = ramp.map((v) => 2 * v);
    const shared = fieldImagePng({ fields: [[field("a"), field("b", double), { ...field("y*"), range: [0, 1] }]] }).layout;
    expect(shared.panels.map((panel) => panel.range)).toEqual([[0, 94], [0, 94], [0, 1]]);
    const perPanel = fieldImagePng({ fields: [[field("a"), field("b", double)]], range: "per-panel" }).layout;
    expect(perPanel.panels.map((panel) => panel.range)).toEqual([[0, 47], [0, 94]]);
    const fixed = fieldImagePng({ fields: [[field("a")]], range: [-1, 1] }).layout;
    expect(fixed.panels[0]?.range).toEqual([-1, 1]);
  });

  it("writes the PNG to a file", () => {
    const path = join(mkdtempSync(join(tmpdir(), "pg-fields-")), "nested", "fields.png");
    const { layout } = writeFieldImages(path, { fields: [[field("a"), field("b")]], scale: 2, gap: 1 });
    const image = PNG.sync.read(readFileSync(path));
    expect([image.width, image.height]).toEqual([layout.width, layout.height]);
    expect([layout.width, layout.height]).toEqual([2 * 16 + 1, 12]);
  });

  it("names the parameter and the value it rejects", () => {
    expect(() => fieldImagePng({ fields: [] })).toThrow(PgValidationError);
    expect(() => fieldImagePng({ fields: [[{ title: "x", values: new Float64Array(47), shape: [nx, ny] }]] })).toThrow(
      "fieldImagePng: fields[0][0].values must have length nx × ny = 8 × 6 = 48 (shape [8, 6]); received Float64Array(47) [0, 0, 0, 0, …].",
    );
    const withNaN = Float64Array.from(ramp);
    withNaN[13] = Number.NaN;
    expect(() => fieldImagePng({ fields: [[field("a"), field("pg", withNaN)]] })).toThrow(
      'fieldImagePng: fields[0][1].values[13] must be a finite number; received NaN. (cell (2, 1) of "pg")',
    );
    expect(() => fieldImagePng({ fields: [[{ title: "x", values: ramp, shape: [8, 0] as unknown as [number, number] }]] })).toThrow(
      "fieldImagePng: fields[0][0].shape must be [nx, ny], two positive integers; received Array(2) [8, 0].",
    );
    expect(() => fieldImagePng({ fields: [[field("a")]], range: [1, 1] })).toThrow("fieldImagePng: range must be [min, max] with finite min < max; received Array(2) [1, 1].");
    expect(() => fieldImagePng({ fields: [[field("a")]], colormap: "jet" as "viridis" })).toThrow('fieldImagePng: colormap must be one of "viridis", "coolwarm"; received "jet".');
    expect(() => fieldImagePng({ fields: [[field("a")]], scale: 0 })).toThrow("fieldImagePng: scale must be a positive integer; received 0.");
    expect(() => fieldImagePng({ fields: [[field("a")]], gap: -1 })).toThrow("fieldImagePng: gap must be a non-negative integer; received -1.");
  });
});
