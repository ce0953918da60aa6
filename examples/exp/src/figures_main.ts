// pnpm --dir examples/exp figures -- --run DIR --out DIR: the published version's Fig. 2 from a run's saved networks.
import { PgError } from "@pg/core";
import { EXP_FIGURES_USAGE, parseExpFigureArguments } from "./exp_command";
import { writeExpFigures } from "./exp_figures";

try {
  const args = parseExpFigureArguments(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${EXP_FIGURES_USAGE}\n`);
  } else {
    const { files, methods } = await writeExpFigures({ run: args.run, out: args.out, points: args.points });
    process.stdout.write(`drew ${methods.join(", ")}: ${files.join(", ")}\n`);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  // Bad usage or a run without networks is the caller's to fix (2); anything else is a failure (1).
  process.exitCode = error instanceof PgError ? 2 : 1;
}
