import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExperiment } from "@pg/cli";
import { HEAT_METHODS, heatExperiment } from "@pg/experiments";
import { describe, expect, it } from "vitest";

const quiet = () => undefined;
const exampleDirectory = join(__dirname, "..");

function rows(file: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i]!, Number(value)])));
}

describe("examples/heat on the run contract (cpu backend)", () => {
  it("runs 2 iterations of every method at batch 2 and writes CSVs, summary.json and the figures the definition declares", async () => {
    // The cpu backend's convolution gradients take ~15 s per 64 × 64 step; the 16 × 16 grid keeps this test short.
    const out = mkdtempSync(join(tmpdir(), "pg-heat-"));
    const experiment = heatExperiment({ shape: [16, 16] });
    const summary = await runExperiment(experiment, ["--iterations", "2", "--batch", "2", "--seed", "1", "--out", out, "--backend", "cpu"], quiet);
    expect(summary.experiment).toBe("heat-16x16");
    const written = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(written.methods)).toEqual([...HEAT_METHODS]);
    const firstRows: string[] = [];
    for (const method of HEAT_METHODS) {
      expect(written.methods[method]).toMatchObject({ iterations: 2, backend: "cpu" });
      expect(written.methods[method].error).toBeUndefined();
      const table = rows(join(out, `${method}.csv`));
      expect(table).toHaveLength(2);
      expect(Object.keys(table[0]!)).toEqual(["iteration", "seconds", "loss", "x_err", "proxy_loss"]);
      for (const row of table) for (const value of Object.values(row)) expect(Number.isFinite(value)).toBe(true);
      // Same initial weights, same batch: the first step's loss and x_err agree across methods.
      firstRows.push(`${table[0]!.loss},${table[0]!.x_err}`);
    }
    expect(new Set(firstRows).size).toBe(1);
    for (const file of ["x_err.svg", "loss.svg", "examples.png", "examples.json"]) expect(existsSync(join(out, file)), file).toBe(true);
    const description = JSON.parse(readFileSync(join(out, "examples.json"), "utf8"));
    expect(description.columns).toEqual(["y*", ...HEAT_METHODS, "x*"]);
    expect(description.steps).toEqual({ adam: 2, "pg-inverse": 2, "pg-lbfgsb": 2 });
    // Two examples (batch 2), five panels each.
    expect(description.layout.panels).toHaveLength(10);
    expect(readFileSync(join(out, "loss.svg"), "utf8")).toContain("<svg");
  }, 240_000);
});

describe("src/main.ts on the paper's 64 × 64 grid", () => {
  it("trains one step of every method on wasm and writes the figures", () => {
    const out = mkdtempSync(join(tmpdir(), "pg-heat-main-"));
    const result = spawnSync(
      process.execPath,
      ["--conditions=@pg/source", "--import", "tsx", "src/main.ts", "--iterations", "1", "--batch", "2", "--backend", "wasm", "--out", out],
      { cwd: exampleDirectory, encoding: "utf8", timeout: 240_000 },
    );
    expect(result.stderr).not.toMatch(/stopped|Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("heat: backend wasm");
    for (const file of ["adam.csv", "pg-inverse.csv", "pg-lbfgsb.csv", "summary.json", "x_err.svg", "loss.svg", "examples.png", "examples.json"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
  }, 240_000);

  it("exits with code 2 and names the flag for bad arguments", () => {
    const result = spawnSync(process.execPath, ["--conditions=@pg/source", "--import", "tsx", "src/main.ts", "--iterations", "0"], {
      cwd: exampleDirectory,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("heat: --iterations must be a positive integer; received 0.");
  }, 120_000);
});
