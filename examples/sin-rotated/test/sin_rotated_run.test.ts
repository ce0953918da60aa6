import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMetricsCsv, runExperiment } from "@pg/cli";
import { SIN_ROTATED_METHODS, experimentEntry, sinRotatedExperiment } from "@pg/experiments";
import { beforeAll, describe, expect, it } from "vitest";
import { WALL_TIME_FIGURE_FILE, cumulativeSeconds, iterationsForBudget, parseFigureArguments, wallTimeCurve, writeWallTimeFigure } from "../src/index";

const quiet = () => undefined;
const METHODS = ["newton", "adam", "sgd", "adadelta"];
let run: string;

beforeAll(async () => {
  run = mkdtempSync(join(tmpdir(), "pg-sin-rotated-"));
  await runExperiment(sinRotatedExperiment({ illConditioning: 32, angle: 30 }), ["--iterations", "40", "--batch", "16", "--seed", "1", "--methods", METHODS.join(","), "--out", run, "--backend", "cpu"], quiet);
});

describe("pg train sin-rotated (small)", () => {
  it("writes x_err = x_dist, loss = y_l2 and x_dist ≤ x_l1 ≤ √2·x_dist in every row of every method", () => {
    for (const method of METHODS) {
      const table = readMetricsCsv(join(run, `${method}.csv`));
      expect(table.columns).toEqual(["iteration", "seconds", "loss", "x_err", "proxy_loss", "x_l1", "x_dist", "y_l2"]);
      expect(table.rowCount).toBe(40);
      const { x_err, x_dist, x_l1, loss, y_l2 } = table.values as Record<string, Float64Array>;
      for (let i = 0; i < 40; i++) {
        expect(x_err![i]).toBe(x_dist![i]);
        expect(loss![i]).toBeCloseTo(y_l2![i]!, 12);
        expect(x_l1![i]).toBeGreaterThanOrEqual(x_dist![i]!);
        expect(x_l1![i]).toBeLessThanOrEqual(Math.SQRT2 * x_dist![i]! * (1 + 1e-12));
      }
    }
    // newton trains on the L1 proxy: every entry of its x-space gradient is ±1, so ½‖g‖² per example is 1.
    expect(Array.from(readMetricsCsv(join(run, "newton.csv")).values.proxy_loss!).every((value) => value === 1)).toBe(true);
  });

  it("gives every method the same initial weights and batches, and records ξ and φ for pg resume", () => {
    const first = METHODS.map((method) => {
      const { values } = readMetricsCsv(join(run, `${method}.csv`));
      return [values.loss![0], values.x_dist![0], values.x_l1![0]].join(",");
    });
    expect(new Set(first).size).toBe(1);
    const record = JSON.parse(readFileSync(join(run, "run.json"), "utf8"));
    expect(record.settings).toMatchObject({ illConditioning: 32, angle: 30 });
  });
});

describe("the wall-clock figure", () => {
  it("draws x_dist against each method's cumulative seconds, one line per method, labelled axes", async () => {
    const out = join(run, "figures");
    const { file, curves } = await writeWallTimeFigure({ run, out, smoothing: 8 });
    expect(file).toBe(join(out, WALL_TIME_FIGURE_FILE));
    expect(curves.map((curve) => curve.method)).toEqual(METHODS);
    for (const curve of curves) {
      const table = readMetricsCsv(join(run, `${curve.method}.csv`));
      expect(Array.from(curve.seconds)).toEqual(Array.from(cumulativeSeconds(table.values.seconds!)));
      expect(Array.from(curve.xDist)).toEqual(Array.from(table.values.x_dist!));
    }
    const svg = readFileSync(file, "utf8");
    for (const text of [...METHODS, "wall-clock time of training (s)", "x_dist", "ξ = 32, φ = 30°"]) expect(svg).toContain(text);
  });

  it("cuts every curve at the budget", async () => {
    const full = wallTimeCurve(run, "adam");
    const budget = full.seconds[19]!;
    const cut = wallTimeCurve(run, "adam", budget);
    expect(cut.seconds.length).toBeGreaterThanOrEqual(20);
    expect(cut.seconds.every((time) => time <= budget)).toBe(true);
    expect(cut.seconds.length === full.seconds.length || full.seconds[cut.seconds.length]! > budget).toBe(true);
    const { curves } = await writeWallTimeFigure({ run, out: join(run, "budget"), smoothing: 4, budget });
    for (const curve of curves) expect(curve.seconds.every((time) => time <= budget)).toBe(true);
  });

  it("plans iterations for a budget from the registry's seconds per iteration", () => {
    const perIteration = experimentEntry("sin-rotated").secondsPerIteration;
    const plan = iterationsForBudget(600, perIteration);
    expect(Object.keys(plan)).toEqual([...SIN_ROTATED_METHODS]);
    for (const method of SIN_ROTATED_METHODS) {
      expect(plan[method]! * perIteration[method]!).toBeGreaterThanOrEqual(600 - 1e-9);
      expect((plan[method]! - 1) * perIteration[method]!).toBeLessThan(600);
    }
  });

  it("parses the command line", () => {
    expect(parseFigureArguments([])).toEqual({ run: "runs/sin-rotated", out: join("runs/sin-rotated", "figures"), budget: undefined, smoothing: 256, plan: undefined, help: false });
    expect(parseFigureArguments(["--plan", "600", "--smoothing", "64", "-h"])).toMatchObject({ plan: 600, smoothing: 64, help: true });
    expect(() => parseFigureArguments(["--budget", "0"])).toThrow('sin-rotated figure: --budget must be a number of seconds > 0; received "0".');
    expect(() => parseFigureArguments(["--smoothing", "2.5"])).toThrow(/--smoothing must be a positive integer/);
  });
});
