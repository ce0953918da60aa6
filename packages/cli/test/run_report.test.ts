import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { writeFieldImages } from "../src/field_images";
import { writeRunReport } from "../src/run_report";

const STARTED = "2026-01-02T03:04:05.000Z";

/** A finished run: run.json, summary.json, two methods' CSVs, and optionally the field images with their description. */
function writeRun(options: { fields?: "described" | "image only" } = {}): string {
  const directory = mkdtempSync(join(tmpdir(), "pg-report-"));
  const run = {
    format: "pg-run/1",
    experiment: { name: "heat", source: "built-in", environment: { resolution: [8, 8], note: "<script>alert(1)</script>" } },
    settings: { diffusivity: 0.5 },
    arguments: { iterations: 6, batch: 4, seed: 0, methods: ["adam", "pg-inverse"], out: directory, backend: "wasm", replicas: 1, checkpointEvery: 3 },
    backend: "wasm",
    replicas: 1,
    seed: 0,
    versions: { "@pg/cli": "0.0.0", "@tensorflow/tfjs": "4.22.0" },
    node: "v20.20.2",
    startedAt: STARTED,
    updatedAt: "2026-01-02T04:00:00.000Z",
    status: "done",
    command: "pg train heat --iterations 6",
    sessions: [{ startedAt: STARTED, endedAt: "2026-01-02T04:00:00.000Z", status: "done" }],
  };
  writeFileSync(join(directory, "run.json"), JSON.stringify(run));
  const methods = {
    adam: { iterations: 6, loss: 0.375, x_err: 0.75, medianSecondsPerIteration: 0.01, backend: "wasm", runningAverage: { "3": { loss: 0.5, x_err: 1.25 } }, status: "done" },
    "pg-inverse": {
      iterations: 4,
      loss: 0.0625,
      x_err: 0.125,
      medianSecondsPerIteration: 0.04,
      backend: "wasm",
      runningAverage: { "3": { loss: 0.09375, x_err: 0.1875 } },
      status: "stopped",
      error: "solver <diverged> & stopped",
    },
  };
  writeFileSync(join(directory, "summary.json"), JSON.stringify({ experiment: "heat", arguments: run.arguments, backend: "wasm", replicas: 1, averageWindow: 2, status: "done", methods }));
  // adam's loss touches 0, so the loss chart must fall back to a linear axis; x_err stays positive (log axis).
  writeFileSync(join(directory, "adam.csv"), "iteration,seconds,loss,x_err,proxy_loss\n1,0.01,1,2,\n2,0.01,0.5,1.5,\n3,0.01,0.25,1,\n4,0.01,0,1,\n5,0.01,0.5,0.75,\n6,0.01,0.25,0.75,\n");
  writeFileSync(join(directory, "pg-inverse.csv"), "iteration,seconds,loss,x_err,proxy_loss\n1,0.04,0.25,0.5,\n2,0.04,0.125,0.25,\n3,0.04,0.0625,0.125,\n4,0.04,0.0625,0.125,\n");
  if (options.fields !== undefined) {
    const shape: [number, number] = [4, 4];
    const ramp = (scale: number): Float64Array => Float64Array.from({ length: 16 }, (_, k) => scale * k);
    // As the runner draws them: y* on its own range, the predictions on the range of the row's x*.
    const rows = [0, 1].map((example) => [
      { title: `y* (example ${example})`, values: ramp(0.5), shape, range: [0, 7.5] as const },
      { title: "adam (step 6)", values: ramp(0.9), shape, range: [0, 15] as const },
      { title: "pg-inverse (step 4)", values: ramp(1.1), shape, range: [0, 15] as const },
      { title: `x* (example ${example})`, values: ramp(1), shape, range: [0, 15] as const },
    ]);
    const { layout } = writeFieldImages(join(directory, "examples.png"), { fields: rows, colormap: "viridis" });
    if (options.fields === "described") {
      writeFileSync(join(directory, "examples.json"), JSON.stringify({ columns: ["y*", "adam", "pg-inverse", "x*"], steps: { adam: 6, "pg-inverse": 4 }, layout }));
    }
  }
  return directory;
}

/** The inline SVG charts vega drew, one per learning-curve figure. */
function charts(html: string): string[] {
  return [...html.matchAll(/<figure class="chart">\n(<svg[\s\S]*?<\/svg>)/g)].map((match) => match[1] as string);
}

describe("writeRunReport", () => {
  it("writes one self-contained page with the title, settings, summary, learning curves and field images", async () => {
    const directory = writeRun({ fields: "described" });
    const { path, bytes } = await writeRunReport(directory);
    expect(path).toBe(join(directory, "report.html"));
    expect(bytes).toBe(statSync(path).size);
    const html = readFileSync(path, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain(`<title>heat — done — ${STARTED}</title>`);
    expect(html).toContain("<h1>heat</h1>");
    expect(html).toContain("<code>pg train heat --iterations 6</code>");

    // Settings from run.json.
    for (const cell of ["<td>checkpointEvery</td><td>3</td>", "<td>@tensorflow/tfjs</td><td>4.22.0</td>", "<td>node</td><td>v20.20.2</td>", "<td>diffusivity</td><td>0.5</td>", "<td>resolution</td><td>8, 8</td>"]) {
      expect(html).toContain(cell);
    }
    // Summary: running averages at the report iteration, the last ones, s/iter, status and error.
    expect(html).toContain("<th class=\"number\">x_err @3</th><th class=\"number\">loss @3</th>");
    expect(html).toContain('<tr><td>adam</td><td>done</td><td class="number">6</td><td class="number">1.250</td><td class="number">0.5000</td><td class="number">0.7500</td><td class="number">0.3750</td><td class="number">0.01000</td><td></td></tr>');
    expect(html).toContain("<td>stopped</td>");
    expect(html).toContain("solver &#60;diverged&#62; &#38; stopped");

    // Learning curves: both charts inline, each with a line and a legend entry per method.
    const [xErrChart, lossChart] = charts(html);
    for (const chart of [xErrChart, lossChart]) {
      expect(chart).toBeDefined();
      expect(chart?.match(/aria-roledescription="line mark"/g)).toHaveLength(2);
      expect(chart).toContain(">adam</text>");
      expect(chart).toContain(">pg-inverse</text>");
      expect(chart).toContain(">iteration</text>");
    }
    expect(xErrChart).toContain(">heat: x_err</text>");
    expect(lossChart).toContain(">heat: loss</text>");
    expect(html).toContain("x_err of every method, running average of width 1 (the run window, 2, is more than a tenth of the curves); logarithmic y axis.");
    expect(html).toContain("loss of every method, running average of width 1 (the run window, 2, is more than a tenth of the curves); linear y axis.");
    // One page holds several SVGs: every id is unique and every url(#…) points at one of them.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const references = [...html.matchAll(/url\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((reference) => !ids.includes(reference))).toEqual([]);
    expect(xErrChart).toMatch(/clip-path="url\(#curve-x_err-clip\d+\)"/);

    // Field images: the PNG itself, the column headings, the steps and a colour scale per row.
    const embedded = html.match(/href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/)?.[1];
    expect(Buffer.from(embedded ?? "", "base64").equals(readFileSync(join(directory, "examples.png")))).toBe(true);
    for (const heading of [">y*</text>", ">adam</text>", ">pg-inverse</text>", ">x*</text>", ">step 6</text>", ">step 4</text>", ">example 0</text>", ">example 1</text>"]) {
      expect(html).toContain(heading);
    }
    expect(html).toContain('<linearGradient id="field-colormap"');
    expect(html).toContain('stop-color="rgb(68,1,84)"'); // viridis, low end
    expect(html).toContain('stop-color="rgb(253,231,37)"'); // viridis, high end
    expect(html.match(/class="colour-bar"/g)).toHaveLength(4); // two rows × (y*'s range, the shared one)
    expect(html).toContain('<text class="range" x="');
    expect(html).toContain(">7.500</text>");
    expect(html).toContain(">15.00</text>");
    expect(html).toContain(">adam, pg-inverse, x*</text>");

    // Nothing fetched from elsewhere, nothing executable, every string escaped.
    expect(html).not.toMatch(/(src|href)="http/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<link");
    expect(html).not.toContain("@import");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
  });

  it("leaves out the field images when the run drew none, and writes where asked", async () => {
    const directory = writeRun();
    const out = join(directory, "reports", "nested", "heat.html");
    const { path } = await writeRunReport(directory, { out });
    expect(path).toBe(out);
    const html = readFileSync(out, "utf8");
    expect(html).not.toContain("data:image/png");
    expect(html).not.toContain('id="fields"');
    expect(charts(html)).toHaveLength(2);
  });

  it("embeds examples.png as an image with a note when examples.json is missing", async () => {
    const directory = writeRun({ fields: "image only" });
    const html = readFileSync((await writeRunReport(directory)).path, "utf8");
    expect(html).toContain('<img class="fields" alt="field images" src="data:image/png;base64,');
    expect(html).toContain("examples.json is missing, so the columns and colour ranges of this image are unknown.");
  });

  it("works out the summary row of a method summary.json does not list yet from its CSV", async () => {
    const directory = writeRun();
    // newton: x_err 4, 2, 1 → trailing running averages (window 2) 4, 3, 1.5; at report iteration 3: 1.5.
    writeFileSync(join(directory, "newton.csv"), "iteration,seconds,loss,x_err,proxy_loss\n1,0.5,8,4,\n2,1.5,4,2,\n3,1,2,1,\n");
    const html = readFileSync((await writeRunReport(directory)).path, "utf8");
    expect(html).toContain('<tr><td>newton</td><td>no summary entry</td><td class="number">3</td><td class="number">1.500</td><td class="number">3.000</td><td class="number">1.500</td><td class="number">3.000</td><td class="number">1.000</td><td></td></tr>');
    expect(charts(html)[0]).toContain(">newton</text>");
  });

  it("names writeRunReport and the directory when there is no run.json", async () => {
    const directory = mkdtempSync(join(tmpdir(), "pg-report-empty-"));
    writeFileSync(join(directory, "adam.csv"), "iteration,loss,x_err\n1,1,1\n");
    await expect(writeRunReport(directory)).rejects.toThrow(new PgValidationError("writeRunReport", "directory", "a run directory with a run.json", directory));
    await expect(writeRunReport(join(directory, "missing"))).rejects.toThrow(/^writeRunReport: directory must be a run directory; received ".*missing"\. \(ENOENT/);
    await expect(writeRunReport("")).rejects.toThrow('writeRunReport: directory must be a run directory path; received "".');
    await expect(writeRunReport(writeRun(), { out: "" })).rejects.toThrow('writeRunReport: options.out must be a file path; received "".');
    const broken = writeRun();
    writeFileSync(join(broken, "summary.json"), "{");
    await expect(writeRunReport(broken)).rejects.toThrow(/^writeRunReport: .*summary\.json must be a readable JSON file; received "\{"\. \(/);
  });
});
