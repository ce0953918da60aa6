import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExperiment } from "@pg/cli";
import { POISSON_METHODS, poissonExperiment, poissonGrid } from "@pg/experiments";
import { describe, expect, it } from "vitest";

const quiet = () => undefined;
const exampleDirectory = join(__dirname, "..");

function rows(file: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i]!, Number(value)])));
}

/** Runs src/main.ts as `pnpm start` does, with POISSON_GRID set. */
function runMain(grid: string, argv: readonly string[]) {
  return spawnSync(process.execPath, ["--conditions=@pg/source", "--import", "tsx", "src/main.ts", ...argv], {
    cwd: exampleDirectory,
    env: { ...process.env, POISSON_GRID: grid },
    encoding: "utf8",
    timeout: 240_000,
  });
}

describe("POISSON_GRID", () => {
  it("makes main exit with code 2 and the message on stderr for a bad value", () => {
    const result = runMain("128", ["--iterations", "1", "--out", mkdtempSync(join(tmpdir(), "pg-poisson-"))]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('poisson: POISSON_GRID must be one of "64x64"');
    expect(result.stderr).toContain('received "128".');
  }, 120_000);
});

describe("examples/poisson on the run contract (16 × 16 test grid, cpu backend)", () => {
  it("runs every method for 3 iterations, writes the CSVs and the summary, and starts every method from the same loss", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-poisson-"));
    const experiment = poissonExperiment({ grid: poissonGrid("16x16") });
    const summary = await runExperiment(experiment, ["--iterations", "3", "--batch", "4", "--seed", "1", "--out", out, "--backend", "cpu"], quiet);
    expect(summary.experiment).toBe("poisson-16x16");
    const written = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(written.methods)).toEqual([...POISSON_METHODS]);
    expect(written.averageWindow).toBe(16);
    const firstRows = POISSON_METHODS.map((method) => {
      const table = rows(join(out, `${method}.csv`));
      expect(table).toHaveLength(3);
      expect(written.methods[method]).toMatchObject({ iterations: 3, backend: "cpu" });
      for (const row of table) for (const value of Object.values(row)) expect(Number.isFinite(value)).toBe(true);
      return table[0]!;
    });
    // Step 1: identical initial weights and batch, so identical prediction, loss and x_err for every method.
    for (const row of firstRows) {
      expect(row.loss).toBe(firstRows[0]!.loss);
      expect(row.x_err).toBe(firstRows[0]!.x_err);
    }
    // The PG proxy loss is ½‖x − x*‖² per example (batch mean), a different quantity from the backprop one.
    expect(firstRows[2]!.proxy_loss).not.toBe(firstRows[0]!.proxy_loss);
    // The runner draws the field images the definition declares, from each method's last step.
    const description = JSON.parse(readFileSync(join(out, "examples.json"), "utf8"));
    expect(description.columns).toEqual(["y*", ...POISSON_METHODS, "x*"]);
    expect(description.steps).toEqual({ adam: 3, sgd: 3, "pg-inverse": 3 });
  }, 240_000);

  it("writes the learning curves, examples.png and the grid in summary.json when run through main", () => {
    const out = mkdtempSync(join(tmpdir(), "pg-poisson-"));
    const result = runMain("16x16", ["--iterations", "2", "--batch", "4", "--methods", "adam,pg-inverse", "--backend", "cpu", "--out", out]);
    expect(result.status, result.stderr).toBe(0);
    for (const file of ["adam.csv", "pg-inverse.csv", "summary.json", "x_err.svg", "loss.svg", "examples.png", "examples.json"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.settings.grid).toMatchObject({ name: "16x16", shape: [16, 16] });
    expect(summary.settings.solver).toMatchObject({ method: "conjugate gradient", relativeTolerance: 1e-5, maxIterations: 1000 });
    const description = JSON.parse(readFileSync(join(out, "examples.json"), "utf8"));
    expect(description.columns).toEqual(["y*", "adam", "pg-inverse", "x*"]);
    expect(description.layout.panels).toHaveLength(3 * 4);
  }, 240_000);
});
