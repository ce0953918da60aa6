import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExperiment } from "@pg/cli";
import { fluidExperiment } from "@pg/experiments";
import type { FluidGrid } from "@pg/physics-fluid";
import { describe, expect, it } from "vitest";
import { writeFluidFigures } from "../src/figures";

const small: FluidGrid = { nx: 16, ny: 16, dx: 2 };
const quiet = () => undefined;

describe("examples/fluid", () => {
  it("trains both methods from the same weights on the same batches (16 × 16, cpu, 2 steps)", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-fluid-"));
    const experiment = fluidExperiment({ grid: small });
    const summary = await runExperiment(experiment, ["--iterations", "2", "--batch", "2", "--seed", "1", "--out", out, "--backend", "cpu"], quiet);
    expect(summary.experiment).toBe("fluid-16x16");
    expect(Object.keys(summary.methods)).toEqual(["adam", "pg-inverse"]);
    const rows = (method: string) =>
      readFileSync(join(out, `${method}.csv`), "utf8").trim().split("\n").slice(1).map((line) => line.split(",").map(Number));
    const adam = rows("adam");
    const pg = rows("pg-inverse");
    expect(adam).toHaveLength(2);
    expect(pg).toHaveLength(2);
    // Step 1: identical network and batch, so identical loss (column 2) and x_err (column 3).
    expect(pg[0]![2]).toBe(adam[0]![2]);
    expect(pg[0]![3]).toBe(adam[0]![3]);
    for (const row of [...adam, ...pg]) {
      expect(row[2]).toBeGreaterThanOrEqual(small.nx * small.ny * Math.sqrt(1e-5) - 1e-9); // the frequency loss floor
      expect(Number.isFinite(row[3])).toBe(true);
    }
    // The two methods update differently, so step 2 differs.
    expect(pg[1]![3]).not.toBe(adam[1]![3]);
    expect(summary.methods["pg-inverse"]!.network).toBe("networks/pg-inverse");
  });

  it("refuses an unknown method, naming the known ones", async () => {
    await expect(runExperiment(fluidExperiment({ grid: small }), ["--methods", "sgd", "--backend", "cpu"], quiet)).rejects.toThrow(
      'fluid-16x16: --methods must be a comma-separated list of "adam", "pg-inverse"; received "sgd".',
    );
  });
});

describe("writeFluidFigures", () => {
  it("draws both methods of two run directories: the curves and one image row per example", async () => {
    const grid: FluidGrid = { nx: 16, ny: 16, dx: 2 };
    const first = mkdtempSync(join(tmpdir(), "pg-fluid-a-"));
    const second = mkdtempSync(join(tmpdir(), "pg-fluid-b-"));
    const args = (methods: string, out: string) => ["--iterations", "1", "--batch", "2", "--seed", "3", "--methods", methods, "--out", out, "--backend", "cpu"];
    await runExperiment(fluidExperiment({ grid }), args("adam", first), quiet);
    await runExperiment(fluidExperiment({ grid }), args("pg-inverse", second), quiet);
    const files = await writeFluidFigures({ runs: [first, second], grid, batch: 4, examples: 2 });
    expect(files.map((file) => file.slice(first.length + 1))).toEqual(["x_err.svg", "loss.svg", "examples.png", "examples.json"]);
    expect(readFileSync(join(first, "x_err.svg"), "utf8")).toContain(">pg-inverse</text>");
    const layout = JSON.parse(readFileSync(join(first, "examples.json"), "utf8"));
    expect(layout.panels.filter((panel: { row: number }) => panel.row === 0).map((panel: { title: string }) => panel.title)).toEqual([
      "m₀",
      "m_t* (observed)",
      "|v₀*| (truth)",
      "|v₀| adam",
      "m(2) = P(v₀) adam",
      "|v₀| pg-inverse",
      "m(2) = P(v₀) pg-inverse",
    ]);
    expect(Math.max(...layout.panels.map((panel: { row: number }) => panel.row))).toBe(1);
  });
});
