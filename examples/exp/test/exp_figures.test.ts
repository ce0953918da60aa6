import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { runExperiment } from "@pg/cli";
import { expExperiment } from "@pg/experiments";
import { loadNetwork } from "@pg/nets";
import { beforeAll, describe, expect, it } from "vitest";
import { EXP_FIGURE_FILES, PREDICTION_METHODS, linspace, parseExpFigureArguments, predictX, writeExpFigures } from "../src/index";

const quiet = () => undefined;
const METHODS = ["adjoint", "adjoint-adam", "ground-truth", "newton-clipped", "rescaled"];
let run: string;

beforeAll(async () => {
  run = mkdtempSync(join(tmpdir(), "pg-exp-"));
  await runExperiment(expExperiment(), ["--iterations", "30", "--batch", "20", "--seed", "2", "--methods", METHODS.join(","), "--out", run, "--backend", "cpu"], quiet);
});

function rows(file: string): string[][] {
  return readFileSync(file, "utf8").trim().split("\n").map((line) => line.split(","));
}

describe("pg train exp (small)", () => {
  it("writes every method's CSV with x_err = x_l1, loss = y_l2, and saves each network", () => {
    for (const method of METHODS) {
      const [header, ...body] = rows(join(run, `${method}.csv`));
      expect(header).toEqual(["iteration", "seconds", "loss", "x_err", "proxy_loss", "y_l2", "y_l1", "x_l2", "x_l1"]);
      expect(body).toHaveLength(30);
      for (const row of body) {
        const value = (column: string) => Number(row[header!.indexOf(column)]);
        expect(value("x_err")).toBe(value("x_l1"));
        expect(value("loss")).toBeCloseTo(value("y_l2"), 12);
        expect(Number.isFinite(value("x_l2"))).toBe(true);
      }
      expect(existsSync(join(run, "networks", method, "network.json"))).toBe(true);
    }
    // Step 1: the same untouched network and the same batch in every method.
    const firstRows = METHODS.map((method) => rows(join(run, `${method}.csv`))[1]!.filter((_, i) => i !== 1 && i !== 4).join(","));
    expect(new Set(firstRows).size).toBe(1);
  });
});

describe("writeExpFigures", () => {
  it("draws the prediction plot (three methods and the dashed identity) and the error plot (every saved method)", async () => {
    const out = join(run, "figures");
    const result = await writeExpFigures({ run, out, points: 40 });
    expect(result.methods).toEqual(METHODS);
    expect(result.files).toEqual([join(out, EXP_FIGURE_FILES.prediction), join(out, EXP_FIGURE_FILES.error)]);
    const prediction = readFileSync(result.files[0]!, "utf8");
    for (const text of [...Object.values(PREDICTION_METHODS), "x = x*", "x*", "predicted x"]) expect(prediction).toContain(text);
    expect(prediction).toContain("stroke-dasharray");
    expect(prediction).not.toContain("ground-truth");
    const error = readFileSync(result.files[1]!, "utf8");
    for (const text of [...METHODS, "|x − x*|", "x*"]) expect(error).toContain(text);
  });

  it("predicts x from y* = e^{x*} with the saved network", async () => {
    const network = await loadNetwork(join(run, "networks", "rescaled"));
    const xTarget = linspace(-12, 0, 7);
    const expected = tf.tidy(() => Array.from((network.predict(tf.tensor2d(Array.from(xTarget, Math.exp), [7, 1])) as tf.Tensor).dataSync()));
    expect(Array.from(predictX(network, xTarget))).toEqual(expected);
    network.dispose();
  });

  it("refuses a directory without saved networks, naming the run", async () => {
    const empty = mkdtempSync(join(tmpdir(), "pg-exp-empty-"));
    await expect(writeExpFigures({ run: empty, out: join(empty, "figures") })).rejects.toThrow(/writeExpFigures: run must be a run directory of pg train exp/);
  });
});

describe("linspace and the figure command line", () => {
  it("spaces points evenly with both ends included", () => {
    const points = linspace(-11, 0, 1000);
    expect(points).toHaveLength(1000);
    expect(points[0]).toBe(-11);
    expect(points[999]).toBe(0);
    expect(points[1]! - points[0]!).toBeCloseTo(11 / 999, 14);
  });

  it("parses --run, --out, --points and --help", () => {
    expect(parseExpFigureArguments([])).toEqual({ run: "runs/exp", out: join("runs/exp", "figures"), points: 1000, help: false });
    expect(parseExpFigureArguments(["--run", "a", "--out", "b", "--points", "20", "-h"])).toEqual({ run: "a", out: "b", points: 20, help: true });
    expect(() => parseExpFigureArguments(["--points", "1"])).toThrow("exp figures: --points must be an integer ≥ 2; received \"1\".");
    expect(() => parseExpFigureArguments(["--run", "a", "--run", "b"])).toThrow(/--run must be given once/);
    expect(() => parseExpFigureArguments(["--out"])).toThrow(/--out must be followed by a value/);
  });
});
