import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runExperiment } from "@pg/cli";
import { POISSON_GRID_VARIABLE, poissonExperiment, poissonGrid, writePoissonFigures } from "./experiment";

// POISSON_GRID=64x64|80x60 pnpm --dir examples/poisson start -- --iterations N --batch B --seed S --methods m1,m2 --out DIR
const log = (line: string): void => void process.stdout.write(`${line}\n`);
try {
  const grid = poissonGrid(process.env[POISSON_GRID_VARIABLE]);
  let warnings = 0;
  const experiment = poissonExperiment({
    grid,
    onWarning: (warning) => {
      warnings++;
      process.stderr.write(`${warning.message}\n`);
    },
  });
  log(`poisson: ${POISSON_GRID_VARIABLE}=${grid.name} (${grid.shape[0]} × ${grid.shape[1]} cells, dx = 1; SGD lr ${grid.sgdLearningRate}, ${grid.source})`);
  const summary = await runExperiment(experiment, process.argv.slice(2), log);
  // The grid and the CG warning count go into summary.json too (runExperiment knows neither).
  const summaryPath = join(summary.arguments.out, "summary.json");
  const written = JSON.parse(readFileSync(summaryPath, "utf8")) as Record<string, unknown>;
  const solver = { method: "conjugate gradient", relativeTolerance: experiment.physics.relativeTolerance, absoluteTolerance: experiment.physics.absoluteTolerance, maxIterations: experiment.physics.maxIterations, nonConvergenceWarnings: warnings };
  writeFileSync(summaryPath, `${JSON.stringify({ ...written, grid, solver }, null, 2)}\n`);
  const { files } = await writePoissonFigures(experiment, summary);
  if (files.length > 0) log(`poisson: wrote ${files.join(", ")}`);
  if (warnings > 0) log(`poisson: ${warnings} CG solves did not converge for some example (see stderr)`);
  if (Object.values(summary.methods).some((m) => m.error !== undefined)) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
