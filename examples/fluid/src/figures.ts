import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgValidationError, float64ToTensor, tensorToFloat64 } from "@pg/core";
import { plotRun, writeFieldImages, type FieldPanel } from "@pg/cli";
import { random } from "@pg/data";
import { fluidBatch } from "@pg/experiments";
import { loadNetwork } from "@pg/nets";
import { FLUID_GRID, fluidPhysics, type FluidGrid } from "@pg/physics-fluid";

/** Options of {@link writeFluidFigures}. */
export interface FluidFiguresOptions {
  /** Run directories (`--out` of one or more runs of this example); every method with a saved network is drawn. */
  readonly runs: readonly string[];
  /** Where the figures go. @defaultValue the first run directory */
  readonly out?: string;
  /** Examples (rows) of the image. @defaultValue 3 */
  readonly examples?: number;
  /** Seed of the evaluation batch, independent of training. @defaultValue 12345 */
  readonly seed?: number;
  /** Batch the networks see: batch norm always uses the batch's statistics, so it is the training batch. @defaultValue 64 */
  readonly batch?: number;
  readonly grid?: FluidGrid;
}

/** Cell-wise speed |v| of a cell-centred vector field, one example. */
function speed(velocity: Float64Array, example: number, cells: number): Float64Array {
  const out = new Float64Array(cells);
  for (let k = 0; k < cells; k++) {
    const at = 2 * (example * cells + k);
    out[k] = Math.hypot(velocity[at] as number, velocity[at + 1] as number);
  }
  return out;
}

/**
 * Fig. 6/13-style figures from finished runs: `x_err.svg` and `loss.svg` with every method of every run directory,
 * and `examples.png` (+ `examples.json` naming the panels): one row per example of a fresh batch, columns m₀, m_t*,
 * |v₀*|, then per method the speed |v₀| of its prediction and the marker m(2) = P(v₀) it produces. Markers are drawn
 * on [0, 1], speeds on a range shared along the row.
 * @returns the files written.
 */
export async function writeFluidFigures(options: FluidFiguresOptions): Promise<string[]> {
  const runs = options.runs;
  if (!Array.isArray(runs) || runs.length === 0) throw new PgValidationError("writeFluidFigures", "runs", "a non-empty list of run directories", runs);
  const out = options.out ?? (runs[0] as string);
  const grid = options.grid ?? FLUID_GRID;
  const batch = options.batch ?? 64;
  const shown = Math.min(options.examples ?? 3, batch);
  const cells = grid.nx * grid.ny;
  const files: string[] = [];
  for (const metric of ["x_err", "loss"] as const) {
    files.push((await plotRun({ directory: runs, metric, file: join(out, `${metric}.svg`), title: `fluid: ${metric}` })).path);
  }

  const data = fluidBatch(random(options.seed ?? 12345), { batch, grid });
  const physics = fluidPhysics(data.marker, batch, { grid, pressureSolver: "spectral" });
  const markerTarget = physics.forward(data.velocity, batch);
  const input = new Float64Array(batch * cells * 2);
  for (let k = 0; k < batch * cells; k++) {
    input[2 * k] = data.marker[k] as number;
    input[2 * k + 1] = markerTarget[k] as number;
  }
  const predictions: { name: string; velocity: Float64Array; marker: Float64Array }[] = [];
  for (const run of runs) {
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8")) as { methods: Record<string, { network?: string }> };
    for (const [name, method] of Object.entries(summary.methods)) {
      if (method.network === undefined) continue;
      const network = await loadNetwork(join(run, method.network));
      const inputTensor = float64ToTensor(input, [batch, grid.nx, grid.ny, 2]);
      const output = network.predict(inputTensor, { batchSize: batch }) as tf.Tensor;
      const velocity = tensorToFloat64(output);
      tf.dispose([inputTensor, output]);
      network.dispose();
      predictions.push({ name, velocity, marker: physics.forward(velocity, batch) });
    }
  }
  const rows: FieldPanel[][] = [];
  for (let e = 0; e < shown; e++) {
    const slice = (field: Float64Array) => field.slice(e * cells, (e + 1) * cells);
    const speeds = [speed(data.velocity, e, cells), ...predictions.map((p) => speed(p.velocity, e, cells))];
    const top = Math.max(...speeds.map((s) => s.reduce((m, v) => Math.max(m, v), 0)));
    const markerPanel = (title: string, values: Float64Array): FieldPanel => ({ title, values, shape: [grid.nx, grid.ny], range: [0, 1] });
    const speedPanel = (title: string, values: Float64Array): FieldPanel => ({ title, values, shape: [grid.nx, grid.ny], range: [0, top] });
    rows.push([
      markerPanel("m₀", slice(data.marker)),
      markerPanel("m_t* (observed)", slice(markerTarget)),
      speedPanel("|v₀*| (truth)", speeds[0] as Float64Array),
      ...predictions.flatMap((p, i) => [speedPanel(`|v₀| ${p.name}`, speeds[i + 1] as Float64Array), markerPanel(`m(2) = P(v₀) ${p.name}`, slice(p.marker))]),
    ]);
  }
  const { path, layout } = writeFieldImages(join(out, "examples.png"), { fields: rows });
  writeFileSync(join(out, "examples.json"), `${JSON.stringify(layout, null, 2)}\n`);
  files.push(path, join(out, "examples.json"));
  return files;
}
