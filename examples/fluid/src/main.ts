import { PgValidationError } from "@pg/core";
import { plotRun, runExperiment } from "@pg/cli";
import { PRESSURE_SOLVERS, type PressureSolver } from "@pg/physics-fluid";
import { fluidExperiment } from "./experiment";

// pnpm --dir examples/fluid start -- --iterations N --batch B --seed S --methods adam,pg-inverse --out DIR
// FLUID_PRESSURE_SOLVER=cg uses the authors' CG pressure solve instead of the exact spectral one.
const log = (line: string): void => void process.stdout.write(`${line}\n`);
try {
  const solver = process.env["FLUID_PRESSURE_SOLVER"]?.trim() || "spectral";
  if (!(PRESSURE_SOLVERS as readonly string[]).includes(solver)) {
    throw new PgValidationError("fluid", "FLUID_PRESSURE_SOLVER", `one of ${PRESSURE_SOLVERS.join(", ")}`, solver);
  }
  const experiment = fluidExperiment({ pressureSolver: solver as PressureSolver });
  log(`fluid: pressure solve ${solver}${solver === "spectral" ? " (FLUID_PRESSURE_SOLVER=cg for the authors' CG)" : ""}`);
  const summary = await runExperiment(experiment, process.argv.slice(2), log);
  if (Object.values(summary.methods).some((m) => m.iterations > 0)) {
    const labels = { x_err: "x_err = velocity MAE per cell (batch mean)", loss: "loss = frequency loss of m(2) − m_t* (batch mean)" } as const;
    for (const metric of ["x_err", "loss"] as const) {
      const plot = await plotRun({ directory: summary.arguments.out, metric, yLabel: labels[metric], title: `fluid: ${metric}` });
      log(`fluid: wrote ${plot.path}`);
    }
  }
  if (Object.values(summary.methods).some((m) => m.error !== undefined)) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
