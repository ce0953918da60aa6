import { join } from "node:path";
import { PgValidationError } from "@pg/core";
import { parseCommandLine } from "@pg/cli";

/** The run directory `pnpm figures` reads when no `--run` is given: `pg train exp`'s default output. */
export const DEFAULT_EXP_RUN = "runs/exp";

/** What `pnpm --dir examples/exp figures -- --help` prints. */
export const EXP_FIGURES_USAGE = `Usage: pnpm --dir examples/exp figures -- [--run DIR] [--out DIR] [--points N]

Draws the published version's Fig. 2 from a run of pg train exp (its saved networks): DIR/prediction.svg, the
prediction x against x* in [-11, 0] for backprop with SGD and Adam and the rescaled update with the identity dashed,
and DIR/error.svg, |x - x*| against x* in [-12, 0] for every trained method.

  --run DIR     the run directory (default ${DEFAULT_EXP_RUN}; relative paths are taken from examples/exp)
  --out DIR     where the figures go (default RUN/figures)
  --points N    points on x* per curve, an integer >= 2 (default 1000)
  --help, -h    prints this text and draws nothing`;

/** The parsed command line of `pnpm figures`. */
export interface ExpFigureArguments {
  readonly run: string;
  readonly out: string;
  readonly points: number;
  readonly help: boolean;
}

const WHERE = "exp figures";

/**
 * Parses the command line of `pnpm figures`: `--run DIR`, `--out DIR`, `--points N` (each also as `--flag=value`),
 * `--help` (`-h`). A `--` (which pnpm passes through) is skipped.
 * @param argv - the arguments after the script, e.g. `process.argv.slice(2)`.
 * @returns the run and output directories, the point count and whether help was asked for.
 * @throws {@link PgValidationError} for an unknown flag (the closest one suggested), a flag without its value, a
 * repeated flag or a `--points` that is not an integer ≥ 2.
 * @example
 * import { parseExpFigureArguments } from "@pg/example-exp";
 * console.log(JSON.stringify(parseExpFigureArguments(["--", "--run", "/tmp/exp"]))); // {"run":"/tmp/exp","out":"/tmp/exp/figures","points":1000,"help":false}
 * try {
 *   parseExpFigureArguments(["--point", "10"]);
 * } catch (error) {
 *   console.log(error.message); // exp figures: flag must be one of --run, --out, --points, --help, -h; received "--point". Did you mean "--points"?
 * }
 */
export function parseExpFigureArguments(argv: readonly string[]): ExpFigureArguments {
  const { values, switches } = parseCommandLine(WHERE, argv, { values: ["run", "out", "points"], switches: ["help"], aliases: { h: "help" } });
  const pointsText = values.get("points");
  const points = pointsText === undefined ? 1000 : Number(pointsText);
  if (!Number.isInteger(points) || points < 2) throw new PgValidationError(WHERE, "--points", "an integer ≥ 2", pointsText);
  const run = values.get("run") ?? DEFAULT_EXP_RUN;
  return { run, out: values.get("out") ?? join(run, "figures"), points, help: switches.has("help") };
}
