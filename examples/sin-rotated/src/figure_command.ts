import { join } from "node:path";
import { PgValidationError, closestName } from "@pg/core";

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
const VALUE_FLAGS = ["--run", "--out", "--budget", "--smoothing", "--plan"] as const;
const FLAGS = [...VALUE_FLAGS, "--help", "-h"] as const;

/** A positive finite number of seconds, from a flag's text. */
function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new PgValidationError(WHERE, flag, "a number of seconds > 0", text);
  return value;
}

/**
 * Parses the command line of `pnpm figure`: `--run DIR`, `--out DIR`, `--budget S`, `--smoothing N`, `--plan S`,
 * `--help` (`-h`). A leading `--` (which pnpm passes through) is skipped.
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
  if (!Array.isArray(argv)) throw new PgValidationError(WHERE, "argv", "an array of strings", argv);
  const rest = argv[0] === "--" ? argv.slice(1) : argv;
  const values: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < rest.length; i++) {
    const flag: unknown = rest[i];
    if (typeof flag !== "string") throw new PgValidationError(WHERE, `argv[${i}]`, "a string", flag);
    if (flag === "--help" || flag === "-h") {
      help = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      const suggestion = closestName(flag, [...FLAGS]);
      throw new PgValidationError(WHERE, "flag", `one of ${FLAGS.join(", ")}`, flag, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
    }
    const value: unknown = rest[i + 1];
    if (typeof value !== "string" || value.trim() === "" || value.startsWith("--")) throw new PgValidationError(WHERE, flag, "followed by a value", value);
    if (values[flag] !== undefined) throw new PgValidationError(WHERE, flag, "given once", value, `It was already ${JSON.stringify(values[flag])}.`);
    values[flag] = value;
    i++;
  }
  const smoothing = values["--smoothing"] === undefined ? 256 : Number(values["--smoothing"]);
  if (!Number.isInteger(smoothing) || smoothing < 1) throw new PgValidationError(WHERE, "--smoothing", "a positive integer", values["--smoothing"]);
  const run = values["--run"] ?? DEFAULT_SIN_ROTATED_RUN;
  return {
    run,
    out: values["--out"] ?? join(run, "figures"),
    budget: seconds("--budget", values["--budget"]),
    smoothing,
    plan: seconds("--plan", values["--plan"]),
    help,
  };
}
