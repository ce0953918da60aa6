import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WAVE_PACKET_INITIALIZATION_VARIABLE as INITIALIZATION_VARIABLE } from "@pg/experiments";
import { EVALUATION_EXAMPLES_VARIABLE, runWavePacket } from "../src/run_wave_packet";

const quiet = () => undefined;

function csvRows(file: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(file, "utf8").trim().split("\n");
  return { header: header!.split(","), rows: rows.map((row) => row.split(",")) };
}

describe("examples/wavepacket run", () => {
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env[EVALUATION_EXAMPLES_VARIABLE];
    process.env[EVALUATION_EXAMPLES_VARIABLE] = "40";
  });
  afterEach(() => {
    if (previous === undefined) delete process.env[EVALUATION_EXAMPLES_VARIABLE];
    else process.env[EVALUATION_EXAMPLES_VARIABLE] = previous;
  });

  it("writes the CSVs, summary.json with lbfgsb and random, lbfgsb_bins.csv and the four SVGs (3 iterations, cpu)", async () => {
    const out = mkdtempSync(join(tmpdir(), "pg-wavepacket-"));
    const lines: string[] = [];
    const result = await runWavePacket(["--iterations", "3", "--batch", "8", "--seed", "1", "--methods", "adam", "--out", out, "--backend", "cpu"], {
      log: (line) => lines.push(line),
    });

    const adam = csvRows(join(out, "adam.csv"));
    expect(adam.header).toEqual(["iteration", "seconds", "loss", "x_err", "proxy_loss", "amplitude_err"]);
    expect(adam.rows.map((row) => row[0])).toEqual(["1", "2", "3"]);
    // x_err is the ξ₀ MAE (a packet centre in [0, 204.8)), amplitude_err the A MAE.
    for (const row of adam.rows) {
      expect(Number(row[3])).toBeGreaterThanOrEqual(0);
      expect(Number(row[3])).toBeLessThan(204.8);
      expect(Number(row[5])).toBeGreaterThanOrEqual(0);
    }

    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(summary.methods)).toEqual(["adam", "lbfgsb", "random"]);
    expect(summary.initialization).toBe("glorot");
    expect(summary.methods.adam.iterations).toBe(3);
    expect(summary.methods.adam.backend).toBe("cpu");
    const { lbfgsb, random } = summary.methods;
    for (const key of ["loss", "x_err", "amplitudeError"]) {
      expect(Number.isFinite(lbfgsb[key]), `lbfgsb.${key}`).toBe(true);
      expect(Number.isFinite(random[key]), `random.${key}`).toBe(true);
    }
    expect(lbfgsb.evaluationExamples).toBe(40);
    expect(lbfgsb.divergedFraction).toBeGreaterThanOrEqual(0);
    expect(lbfgsb.divergedFraction).toBeLessThanOrEqual(1);
    expect(lbfgsb.binnedXiError).toHaveLength(8);
    expect(lbfgsb.binnedXiError.reduce((n: number, bin: { examples: number }) => n + bin.examples, 0)).toBe(40);
    expect(random.expectedXiError).toBeCloseTo(204.8 / 3, 10);
    expect(random.expectedAmplitudeError).toBeCloseTo(1, 10);
    // Noise of variance 1 on 256 samples: the objective is at least about 256 for any fit, and random guessing is worse.
    expect(lbfgsb.loss).toBeGreaterThan(150);
    expect(random.loss).toBeGreaterThan(lbfgsb.loss);
    expect(result.summary.methods).toEqual(summary.methods);

    const bins = csvRows(join(out, "lbfgsb_bins.csv"));
    expect(bins.header.slice(0, 8)).toEqual([
      "xi0_low",
      "xi0_high",
      "examples",
      "lbfgsb_diverged",
      "lbfgsb_xi_err",
      "lbfgsb_amplitude_err",
      "lbfgsb_loss",
      "random_xi_err",
    ]);
    expect(bins.header).toContain("adam_xi_err");
    expect(bins.rows).toHaveLength(8);
    expect(Number(bins.rows[0]![0])).toBeCloseTo(25.6, 6);
    expect(Number(bins.rows[7]![1])).toBeCloseTo(230.4, 6);

    for (const figure of ["fig8_objective", "fig8_xi_error", "fig8_amplitude_error", "fig1_example"]) {
      const path = join(out, `${figure}.svg`);
      expect(existsSync(path), path).toBe(true);
      const svg = readFileSync(path, "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
    }
    const xiFigure = readFileSync(join(out, "fig8_xi_error.svg"), "utf8");
    expect(xiFigure).toContain("L-BFGS-B");
    expect(xiFigure).toContain("random guess");

    expect(result.table).toMatch(/L-BFGS-B diverged on \d+ of 40 examples/);
    expect(result.table).toContain("ξ₀ MAE by bin of the true ξ₀");
    expect(Object.keys(result.crossing)).toEqual(["adam"]);
    expect(lines.some((line) => line.startsWith("wavepacket: L-BFGS-B from (128, 2) on 40 examples"))).toBe(true);
  });

  it("builds the CNN with PyTorch initialisation when WAVEPACKET_INITIALIZATION=pytorch, and refuses an unknown one", async () => {
    const previousInitialization = process.env[INITIALIZATION_VARIABLE];
    try {
      process.env[INITIALIZATION_VARIABLE] = "pytorch";
      const out = mkdtempSync(join(tmpdir(), "pg-wavepacket-"));
      const { summary } = await runWavePacket(["--iterations", "1", "--batch", "4", "--backend", "cpu", "--out", out], { log: quiet });
      expect(summary.initialization).toBe("pytorch");
      expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).initialization).toBe("pytorch");
      process.env[INITIALIZATION_VARIABLE] = "he";
      await expect(runWavePacket(["--iterations", "1", "--backend", "cpu", "--out", out], { log: quiet })).rejects.toThrow(
        'wavepacket: WAVEPACKET_INITIALIZATION must be one of pytorch, glorot; received "he".',
      );
    } finally {
      if (previousInitialization === undefined) delete process.env[INITIALIZATION_VARIABLE];
      else process.env[INITIALIZATION_VARIABLE] = previousInitialization;
    }
  });

  it("refuses an evaluation size that is not a positive integer, naming the variable", async () => {
    process.env[EVALUATION_EXAMPLES_VARIABLE] = "ten";
    await expect(runWavePacket(["--iterations", "1", "--backend", "cpu", "--out", mkdtempSync(join(tmpdir(), "pg-wavepacket-"))], { log: quiet })).rejects.toThrow(
      'wavepacket: WAVEPACKET_EVALUATION_EXAMPLES must be a positive integer; received "ten".',
    );
  });
});
