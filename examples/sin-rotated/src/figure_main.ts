// pnpm --dir examples/sin-rotated figure -- --run DIR [--budget S]: x_dist against wall-clock time from a run's CSVs.
import { PgError } from "@pg/core";
import { experimentEntry } from "@pg/experiments";
import { FIGURE_USAGE, parseFigureArguments } from "./figure_command";
import { iterationsForBudget, writeWallTimeFigure } from "./wall_time_figure";

try {
  const args = parseFigureArguments(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${FIGURE_USAGE}\n`);
  } else if (args.plan !== undefined) {
    const iterations = iterationsForBudget(args.plan, experimentEntry("sin-rotated").secondsPerIteration);
    const lines = Object.entries(iterations).map(([method, n]) => `  ${method.padEnd(9)} ${n}`);
    const most = Math.max(...Object.values(iterations));
    process.stdout.write(
      `iterations for ${args.plan} s per method at the registry's seconds per iteration:\n${lines.join("\n")}\n` +
        `train with --iterations ${most} (or more: the time per iteration varies with the machine), then draw with --budget ${args.plan}\n`,
    );
  } else {
    const { file, curves } = await writeWallTimeFigure({ run: args.run, out: args.out, smoothing: args.smoothing, ...(args.budget === undefined ? {} : { budget: args.budget }) });
    const drawn = curves.map((curve) => `${curve.method} ${curve.seconds.length} steps, ${(curve.seconds[curve.seconds.length - 1] ?? 0).toFixed(1)} s`);
    process.stdout.write(`drew ${drawn.join("; ")}: ${file}\n`);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof PgError ? 2 : 1;
}
