import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { compareRuns, formatComparison } from "../src/compare_runs";

/** One method's CSV rows: x_err per iteration (iterations 1, 2, …), with optional loss and seconds per row. */
interface FixtureMethod {
  readonly xErr: readonly number[];
  readonly loss?: readonly number[];
  readonly seconds?: number;
}

/** A run directory as the runner leaves it: summary.json (when given) and one CSV per method. */
function writeRun(methods: Readonly<Record<string, FixtureMethod>>, summary?: { averageWindow: number; report?: readonly number[] }, parent?: string): string {
  const directory = parent === undefined ? mkdtempSync(join(tmpdir(), "pg-compare-")) : parent;
  mkdirSync(directory, { recursive: true });
  if (summary !== undefined) {
    const runningAverage = Object.fromEntries((summary.report ?? []).map((iteration) => [String(iteration), { loss: 0, x_err: 0 }]));
    const entries = Object.fromEntries(Object.keys(methods).map((name) => [name, { iterations: methods[name]?.xErr.length, runningAverage }]));
    writeFileSync(join(directory, "summary.json"), JSON.stringify({ experiment: "demo", averageWindow: summary.averageWindow, methods: entries }));
  }
  for (const [name, method] of Object.entries(methods)) {
    const rows = method.xErr.map((xErr, k) => `${k + 1},${method.seconds ?? 1},${method.loss?.[k] ?? 1},${xErr},0`);
    writeFileSync(join(directory, `${name}.csv`), `iteration,seconds,loss,x_err,proxy_loss\n${rows.map((row) => `${row}\n`).join("")}`);
  }
  return directory;
}

const constant = (value: number, length: number): number[] => Array.from({ length }, () => value);

describe("compareRuns", () => {
  it("gives exact ratios and step-time ratios for constant curves, at summary.json's report iterations", () => {
    const directory = writeRun(
      {
        adam: { xErr: constant(1, 10), seconds: 0.5 },
        "pg-inverse": { xErr: constant(0.25, 10), seconds: 2 },
        newton: { xErr: constant(0.5, 10), seconds: 1 },
      },
      { averageWindow: 3, report: [5, 10] },
    );
    const comparison = compareRuns([directory]);
    expect(comparison.metric).toBe("x_err");
    expect(comparison.window).toBe(3);
    expect(comparison.baseline).toBe("adam");
    expect(comparison.at.map((row) => row.iteration)).toEqual([5, 10]);
    for (const row of comparison.at) {
      expect(row.averages).toEqual({ adam: 1, "pg-inverse": 0.25, newton: 0.5 });
      expect(row.ratios).toEqual({ "pg-inverse": 4, newton: 2 });
      expect(row.notReached).toEqual([]);
    }
    const [adam, pg, newton] = comparison.methods;
    expect(pg).toMatchObject({ label: "pg-inverse", method: "pg-inverse", directory, lastIteration: 10, finalAverage: 0.25, bestAverage: 0.25, bestIteration: 1 });
    expect([adam?.secondsPerIteration, pg?.secondsPerIteration, newton?.secondsPerIteration]).toEqual([0.5, 2, 1]);
    expect([adam?.secondsRatio, pg?.secondsRatio, newton?.secondsRatio]).toEqual([1, 4, 2]);
    // Both lower than adam from the first step; adam never gets down to either.
    expect([pg?.reachesBaselineBestAt, pg?.baselineReachesBestAt]).toEqual([1, "never"]);
    expect([newton?.reachesBaselineBestAt, newton?.baselineReachesBestAt]).toEqual([1, "never"]);
    expect(comparison.notes).toEqual([]);
  });

  it("finds the first iteration at which a running average reaches the other method's best", () => {
    // Window 2, by hand — adam: 4 4 4 3 2 2 2 2 (best 2 at 5); pg: 8 6 3 1.5 1 1 1 1 (best 1 at 5);
    // slow: 8 8 8 8 8 8 6 3 (best 3 at 8).
    const directory = writeRun({
      adam: { xErr: [4, 4, 4, 2, 2, 2, 2, 2] },
      pg: { xErr: [8, 4, 2, 1, 1, 1, 1, 1] },
      slow: { xErr: [8, 8, 8, 8, 8, 8, 4, 2] },
    });
    const comparison = compareRuns([directory], { window: 2, at: [4, 8] });
    const [adam, pg, slow] = comparison.methods;
    expect([adam?.bestAverage, adam?.bestIteration, pg?.bestAverage, pg?.bestIteration, slow?.bestAverage, slow?.bestIteration]).toEqual([2, 5, 1, 5, 3, 8]);
    expect([pg?.reachesBaselineBestAt, pg?.baselineReachesBestAt]).toEqual([4, "never"]);
    expect([slow?.reachesBaselineBestAt, slow?.baselineReachesBestAt]).toEqual(["never", 4]);
    expect(comparison.at[0]?.averages).toEqual({ adam: 3, pg: 1.5, slow: 8 });
    expect(comparison.at[0]?.ratios).toEqual({ pg: 2, slow: 3 / 8 });
    expect(comparison.at[1]?.ratios).toEqual({ pg: 2, slow: 2 / 3 });
    // Without averaging pg is at 2 from iteration 3 on; the default window is 1 without a summary.json.
    expect(compareRuns([directory]).methods[1]?.reachesBaselineBestAt).toBe(3);
  });

  it("compares at the last iteration every method reached, and skips the cells of methods that stopped earlier", () => {
    const directory = writeRun({ adam: { xErr: constant(1, 10) }, pg: { xErr: constant(0.5, 6) } }, { averageWindow: 1, report: [5, 10] });
    expect(compareRuns([directory]).at.map((row) => row.iteration)).toEqual([5, 6]);
    const comparison = compareRuns([directory], { at: [10, 5, 5] });
    expect(comparison.at.map((row) => row.iteration)).toEqual([5, 10]);
    expect(comparison.at[0]?.ratios).toEqual({ pg: 2 });
    expect(comparison.at[1]).toEqual({ iteration: 10, averages: { adam: 1 }, ratios: {}, notReached: ["pg"] });
    expect(comparison.notes).toEqual(["iteration 10 was not reached by pg (last 6)"]);
    // With pg as the baseline, nothing can be compared at 10.
    expect(compareRuns([directory], { at: [10], baseline: "pg" }).at[0]?.ratios).toEqual({});
  });

  it("compares the loss column when asked", () => {
    const directory = writeRun({ adam: { xErr: [1, 1], loss: [0.5, 0.5] }, pg: { xErr: [1, 1], loss: [0.125, 0.125] } });
    const comparison = compareRuns([directory], { metric: "loss" });
    expect(comparison.metric).toBe("loss");
    expect(comparison.at).toEqual([{ iteration: 2, averages: { adam: 0.5, pg: 0.125 }, ratios: { pg: 4 }, notReached: [] }]);
  });

  it("labels methods found in several directories <directory>/<method>, and accepts either form as the baseline", () => {
    const first = writeRun({ adam: { xErr: [2, 2] }, pg: { xErr: [1, 1] } }, { averageWindow: 1 });
    const second = writeRun({ adam: { xErr: [4, 4] }, newton: { xErr: [0.5, 0.5] } });
    const comparison = compareRuns([first, second]);
    const firstAdam = `${basename(first)}/adam`;
    const secondAdam = `${basename(second)}/adam`;
    expect(comparison.methods.map((method) => method.label)).toEqual([firstAdam, "pg", secondAdam, "newton"]);
    expect(comparison.methods.map((method) => method.method)).toEqual(["adam", "pg", "adam", "newton"]);
    expect(comparison.baseline).toBe(firstAdam);
    expect(comparison.at[0]?.ratios).toEqual({ pg: 2, [secondAdam]: 0.5, newton: 4 });
    expect(compareRuns([first, second], { baseline: secondAdam }).at[0]?.ratios).toEqual({ [firstAdam]: 2, pg: 4, newton: 8 });
    expect(compareRuns([first, second], { baseline: "newton" }).baseline).toBe("newton");
    // "adam" names two methods here.
    expect(() => compareRuns([first, second], { baseline: "adam" })).toThrow(
      new PgValidationError("compareRuns", "baseline", `one of the compared methods ("${firstAdam}", "pg", "${secondAdam}", "newton")`, "adam"),
    );
  });

  it("falls back to the paths as given when directories share a basename", () => {
    const root = mkdtempSync(join(tmpdir(), "pg-compare-"));
    const first = writeRun({ adam: { xErr: [1] } }, undefined, join(root, "a", "out"));
    const second = writeRun({ adam: { xErr: [2] } }, undefined, join(root, "b", "out"));
    expect(compareRuns([first, second]).methods.map((method) => method.label)).toEqual([`${first}/adam`, `${second}/adam`]);
  });

  it("takes methods in summary.json order, then other CSVs by name, and leaves out methods without rows", () => {
    const directory = writeRun({ pg: { xErr: [1] }, adam: { xErr: [2] } }, { averageWindow: 1 });
    writeRun({ newton: { xErr: [0.5] }, empty: { xErr: [] } }, undefined, directory);
    writeFileSync(join(directory, "notes.csv"), "name,value\nlr,0.1\n");
    const comparison = compareRuns([directory]);
    expect(comparison.methods.map((method) => method.label)).toEqual(["pg", "adam", "newton"]);
    expect(comparison.baseline).toBe("pg");
    expect(comparison.notes).toEqual(["empty is left out: its CSV has no rows yet"]);
  });

  it("notes differing averageWindow values and uses the first", () => {
    const first = writeRun({ adam: { xErr: [1, 3] } }, { averageWindow: 2 });
    const second = writeRun({ pg: { xErr: [1, 1] } }, { averageWindow: 1 });
    const comparison = compareRuns([first, second]);
    expect(comparison.window).toBe(2);
    expect(comparison.at[0]?.averages).toEqual({ adam: 2, pg: 1 });
    expect(comparison.notes).toEqual(["the runs use different averageWindow values (2, 1); all are compared over 2"]);
    expect(compareRuns([first, second], { window: 1 }).notes).toEqual([]);
  });

  it("names the directory that holds no metrics CSV, and every other invalid argument", () => {
    const run = writeRun({ adam: { xErr: [1] } });
    const empty = mkdtempSync(join(tmpdir(), "pg-compare-empty-"));
    expect(() => compareRuns([run, empty])).toThrow(new PgValidationError("compareRuns", "directories[1]", "a run directory holding at least one <method>.csv", empty));
    const missing = join(empty, "missing");
    expect(() => compareRuns([missing])).toThrow(/^compareRuns: directories\[0\] must be a run directory; received ".*missing"\. \(ENOENT/);
    expect(() => compareRuns([])).toThrow("compareRuns: directories must be a non-empty list of run directory paths; received Array(0) [].");
    expect(() => compareRuns([run, run])).toThrow(`compareRuns: directories[1] must be a directory not listed before; received "${run}".`);
    expect(() => compareRuns([run], { baseline: "sgd" })).toThrow('compareRuns: baseline must be one of the compared methods ("adam"); received "sgd".');
    expect(() => compareRuns([run], { window: 0 })).toThrow("compareRuns: window must be a positive integer; received 0.");
    expect(() => compareRuns([run], { metric: "proxy_loss" as "loss" })).toThrow('compareRuns: metric must be one of "x_err", "loss"; received "proxy_loss".');
    expect(() => compareRuns([run], { at: [0] })).toThrow("compareRuns: at must be a non-empty array of iterations (positive integers); received Array(1) [0].");
    const noMetric = mkdtempSync(join(tmpdir(), "pg-compare-"));
    writeFileSync(join(noMetric, "adam.csv"), "iteration,loss\n1,0.5\n");
    expect(() => compareRuns([noMetric])).toThrow(/^compareRuns: columns of .*adam\.csv must be a list including "iteration" and "x_err"; received Array\(2\) \["iteration", "loss"\]\.$/);
    expect(() => compareRuns([noMetric], { metric: "loss" })).not.toThrow();
  });
});

describe("formatComparison", () => {
  it("prints a header naming metric, window and baseline, then aligned tables and the notes", () => {
    const directory = writeRun(
      { adam: { xErr: constant(1, 10), seconds: 0.5 }, pg: { xErr: [8, 4, 2, 1, 0.5, 0.5], seconds: 2 } },
      { averageWindow: 1, report: [5, 10] },
    );
    const text = formatComparison(compareRuns([directory], { at: [5, 10] }));
    expect(text.split("\n")).toEqual([
      "x_err, running average over the last 1 iteration, baseline adam (ratio = adam ÷ method: ×2 is half adam's x_err)",
      "iteration   adam      pg  adam ÷ pg",
      "---------  -----  ------  ---------",
      "        5  1.000  0.5000     ×2.000",
      "       10  1.000       -          -",
      "",
      "method  iterations   final    best  best at  reaches adam's best at  adam reaches this method's best at  s/iter  s/iter ÷ adam",
      "------  ----------  ------  ------  -------  ----------------------  ----------------------------------  ------  -------------",
      "adam            10   1.000   1.000        1                       -  -                                   0.5000         ×1.000",
      "pg               6  0.5000  0.5000        5                       4  never                                2.000         ×4.000",
      "note: iteration 10 was not reached by pg (last 6)",
    ]);
  });

  it("names a value that is not a comparison", () => {
    expect(() => formatComparison(null as never)).toThrow("formatComparison: comparison must be a RunComparison from compareRuns; received null.");
  });
});
