import { join } from "node:path";
import { PgValidationError } from "@pg/core";
import { parseCommandLine } from "@pg/cli";

/** The run directory `pnpm figure` reads when no `--run` is given: `pg train sin-rotated`'s default output. */
export const DEFAULT_SIN_ROTATED_RUN = "runs/sin-rotated";

/** What `pnpm --dir examples/sin-rotated figure -- --help` prints. */
export const FIGURE_USAGE = `Usage: pnpm --dir examples/sin-rotated figure -- [--run DIR] [--out DIR] [--budget S] [--smoothing N]
       pnpm --dir examples/sin-rotated figure -- --plan S

Draws x_dist (the distance to the closest exact solution) against each method's cumulative wall-clock time from a
run of pg train sin-rotated: DIR/x_dist_wall_time.svg.

  --run DIR       the run directory (default ${DEFAULT_SIN_ROTATED_RUN}; relative paths are taken from examples/sin-rotated)
  --out DIR       where the figure goes (default RUN/figures)
  --budget S      cut every curve at S seconds of its own training (the published figure: 600)
  --smoothing N   running-average window of the curves (default 256, the published figure's)
  --plan S        prints, from the registry's seconds per iteration, how many iterations fill S seconds per method,
                  and draws nothing
  --help, -h      prints this text and draws nothing`;

/** The parsed command line of `pnpm figure`. */
export interface FigureArguments {
  readonly run: string;
  readonly out: string;
  readonly budget: number | undefined;
  readonly smoothing: number;
  /** `--plan S`: print the iterations for S seconds, draw nothing. */
  readonly plan: number | undefined;
  readonly help: boolean;
}

const WHERE = "sin-rotated figure";

/** A positive finite number of seconds, from a flag's text. */
function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new PgValidationError(WHERE, flag, "a number of seconds > 0", text);
  return value;
}

/**
 * Parses the command line of `pnpm figure`: `--run DIR`, `--out DIR`, `--budget S`, `--smoothing N`, `--plan S` (each
 * also as `--flag=value`), `--help` (`-h`). A `--` (which pnpm passes through) is skipped.
 * @param argv - the arguments after the script, e.g. `process.argv.slice(2)`.
 * @returns the parsed arguments, with the defaults filled in.
 * @throws {@link PgValidationError} for an unknown flag (the closest one suggested), a flag without its value, a
 * repeated flag, a budget or plan that is not a number > 0, or a smoothing that is not a positive integer.
 * @example
 * import { parseFigureArguments } from "@pg/example-sin-rotated";
 * const args = parseFigureArguments(["--", "--run", "/tmp/run", "--budget", "600"]);
 * console.log(args.out, args.budget, args.smoothing); // /tmp/run/figures 600 256
 * try {
 *   parseFigureArguments(["--budjet", "600"]);
 * } catch (error) {
 *   console.log(error.message); // sin-rotated figure: flag must be one of --run, --out, --budget, --smoothing, --plan, --help, -h; received "--budjet". Did you mean "--budget"?
 * }
 */
export function parseFigureArguments(argv: readonly string[]): FigureArguments {
  const { values, switches } = parseCommandLine(WHERE, argv, { values: ["run", "out", "budget", "smoothing", "plan"], switches: ["help"], aliases: { h: "help" } });
  const smoothingText = values.get("smoothing");
  const smoothing = smoothingText === undefined ? 256 : Number(smoothingText);
  if (!Number.isInteger(smoothing) || smoothing < 1) throw new PgValidationError(WHERE, "--smoothing", "a positive integer", smoothingText);
  const run = values.get("run") ?? DEFAULT_SIN_ROTATED_RUN;
  return {
    run,
    out: values.get("out") ?? join(run, "figures"),
    budget: seconds("--budget", values.get("budget")),
    smoothing,
    plan: seconds("--plan", values.get("plan")),
    help: switches.has("help"),
  };
}
