import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunningAverage, median } from "@pg/core";
import { MetricsCsv, formatDuration, formatNumber, formatProgress, formatTable, parseRunArguments } from "../src/index";

const spec = {
  name: "demo",
  defaults: { iterations: 100, batch: 8, seed: 0, methods: ["adam", "pg"], out: "runs/demo" },
  knownMethods: ["adam", "pg", "supervised"],
};

describe("parseRunArguments", () => {
  it("applies defaults and reads --flag value and --flag=value", () => {
    expect(parseRunArguments([], spec)).toEqual({ iterations: 100, batch: 8, seed: 0, methods: ["adam", "pg"], out: "runs/demo", backend: undefined, replicas: undefined, force: false, checkpointEvery: 100 });
    expect(parseRunArguments(["--", "--iterations", "5", "--batch=3", "--seed", "7", "--methods", "pg,supervised", "--out", "x", "--backend", "cpu", "--replicas", "2", "--force", "--checkpoint-every", "25"], spec)).toEqual({
      iterations: 5,
      batch: 3,
      seed: 7,
      methods: ["pg", "supervised"],
      out: "x",
      backend: "cpu",
      replicas: 2,
      force: true,
      checkpointEvery: 25,
    });
  });

  it("names the flag, what it accepts and what it got", () => {
    expect(() => parseRunArguments(["--iterations", "0"], spec)).toThrow("demo: --iterations must be a positive integer; received 0.");
    expect(() => parseRunArguments(["--batch", "2.5"], spec)).toThrow('demo: --batch must be a positive integer; received "2.5".');
    expect(() => parseRunArguments(["--replicas", "0"], spec)).toThrow("demo: --replicas must be a positive integer; received 0.");
    expect(() => parseRunArguments(["--checkpoint-every", "0"], spec)).toThrow("demo: --checkpoint-every must be a positive integer; received 0.");
    expect(() => parseRunArguments(["--force=yes"], spec)).toThrow('demo: --force must be given without a value; received "--force=yes".');
    expect(() => parseRunArguments(["--seed", "-1"], spec)).toThrow("demo: --seed must be a non-negative integer; received -1.");
    expect(() => parseRunArguments(["--methods", "sgd"], spec)).toThrow('demo: --methods must be a comma-separated list of "adam", "pg", "supervised"; received "sgd".');
    expect(() => parseRunArguments(["--methods", ","], spec)).toThrow(/--methods must be a comma-separated list/);
    expect(() => parseRunArguments(["--iterations"], spec)).toThrow('demo: --iterations must be followed by a value; received "nothing".');
    expect(() => parseRunArguments(["fast"], spec)).toThrow(/^demo: flag must be one of --iterations, --batch, .*; received "fast"\.$/);
    expect(() => parseRunArguments(["--seed", "1", "--seed=2"], spec)).toThrow('demo: --seed must be given once; received "2". It was already "1".');
  });
});

describe("RunningAverage and median", () => {
  it("averages over the last window values", () => {
    const average = new RunningAverage(3);
    expect(Number.isNaN(average.value)).toBe(true);
    expect([1, 2, 3, 4, 5].map((v) => average.push(v))).toEqual([1, 1.5, 2, 3, 4]);
  });

  it("takes the median of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});

describe("MetricsCsv", () => {
  it("writes a header and appends every row as it is written", () => {
    const path = join(mkdtempSync(join(tmpdir(), "pg-cli-")), "nested", "m.csv");
    const csv = new MetricsCsv(path, ["iteration", "loss", "note"]);
    expect(readFileSync(path, "utf8")).toBe("iteration,loss,note\n");
    csv.write({ iteration: 1, loss: 0.5 });
    expect(readFileSync(path, "utf8")).toBe("iteration,loss,note\n1,0.500000000,\n");
    csv.write({ iteration: 2, loss: 1 / 3, note: "a,b" });
    expect(readFileSync(path, "utf8")).toBe('iteration,loss,note\n1,0.500000000,\n2,0.333333333,"a,b"\n');
  });

  it("continues after a checkpoint: keeps rows up to it, drops the rest, refuses a file that lacks rows", () => {
    const path = join(mkdtempSync(join(tmpdir(), "pg-cli-")), "m.csv");
    const csv = new MetricsCsv(path, ["iteration", "loss"]);
    for (let i = 1; i <= 5; i++) csv.write({ iteration: i, loss: i / 2 });
    const resumed = MetricsCsv.continueAfter(path, ["iteration", "loss"], 3);
    expect(readFileSync(path, "utf8")).toBe("iteration,loss\n1,0.500000000\n2,1\n3,1.50000000\n");
    resumed.write({ iteration: 4, loss: 9 });
    expect(readFileSync(path, "utf8").trim().split("\n").at(-1)).toBe("4,9");
    expect(() => MetricsCsv.continueAfter(path, ["iteration", "loss"], 7)).toThrow(/MetricsCsv.continueAfter: rows must be 7 rows, one per iteration up to the checkpoint; received 4/);
    expect(() => MetricsCsv.continueAfter(path, ["iteration", "x"], 1)).toThrow(/header must be "iteration,x"/);
  });
});

describe("formatting", () => {
  it("formats progress lines, numbers, durations and tables", () => {
    expect(formatProgress({ label: "pg", step: 50, total: 100, loss: 0.00012, elapsed: 10 }, 10)).toBe("pg [#####-----] 50/100 loss 1.200e-4 5.0 it/s ETA 0:10");
    expect(formatNumber(0.25)).toBe("0.2500");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatTable(["method", "loss"], [["adam", "0.5"], ["pg-inverse", "1e-5"]])).toBe(
      ["method      loss", "----------  ----", "adam         0.5", "pg-inverse  1e-5"].join("\n"),
    );
  });
});
