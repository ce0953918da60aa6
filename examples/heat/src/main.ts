import { runExperiment } from "@pg/cli";
import { heatExperiment, writeHeatFigures } from "./experiment";

// pnpm --dir examples/heat start -- --iterations N --batch B --seed S --methods adam,pg-inverse,pg-lbfgsb --out DIR
const log = (line: string): void => void process.stdout.write(`${line}\n`);
try {
  const experiment = heatExperiment();
  const summary = await runExperiment(experiment, process.argv.slice(2), log);
  const { files } = await writeHeatFigures(experiment, summary);
  if (files.length > 0) log(`heat: wrote ${files.join(", ")}`);
  if (Object.values(summary.methods).some((m) => m.error !== undefined)) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
