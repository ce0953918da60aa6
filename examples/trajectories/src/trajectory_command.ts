import { join } from "node:path";
import { PgError, PgValidationError, requireKnownKeys, type OptionKeysCover } from "@pg/core";
import { parseCommandLine, prepareOutputDirectory, writeFileAtomic } from "@pg/cli";
import { resolveFigureOptions, trajectoryFigureSvg, type TrajectoryFigureOptions } from "./trajectory_figure";

/** The figure's file name inside the output directory. */
export const TRAJECTORY_FIGURE_FILE = "trajectories.svg";

/** Where the figure goes when no `--out` is given, relative to the working directory (ignored by git, as `runs/` is). */
export const DEFAULT_TRAJECTORY_OUT = "runs/trajectories";

/** What `--help` prints. */
export const TRAJECTORIES_USAGE = `Usage: pnpm --filter @pg/example-trajectories start -- [--out DIR]

Draws gradient descent, Newton and physical-gradient trajectories on y = (x1, x2^2), L = |y|^2, from x = (3, 3),
in x space and in y space, into one SVG: DIR/${TRAJECTORY_FIGURE_FILE}. Nothing else is written.

  --out DIR   directory for the figure, created if missing (default ${DEFAULT_TRAJECTORY_OUT}; a relative path is taken
              from the working directory, which pnpm sets to examples/trajectories)
  --help, -h  prints this text and writes nothing`;

/** The parsed command line of the example. */
export interface TrajectoryArguments {
  /** The output directory, as given (or {@link DEFAULT_TRAJECTORY_OUT}). */
  readonly out: string;
  /** `--help` or `-h` was given: print {@link TRAJECTORIES_USAGE}, write nothing. */
  readonly help: boolean;
}

const WHERE = "trajectories";

/**
 * Parses the example's command line: `--out DIR` (or `--out=DIR`) and `--help` (`-h`). A `--` that pnpm passes
 * through is skipped.
 * @param argv - the arguments after the script, e.g. `process.argv.slice(2)`.
 * @returns the output directory and whether help was asked for.
 * @throws {@link PgValidationError} for an unknown flag or an argument that is not a flag (the closest flag
 *   suggested), a `--out` without a directory, a repeated `--out` or an argument that is not a string.
 * @example
 * import { parseTrajectoryArguments } from "@pg/example-trajectories";
 * console.log(JSON.stringify(parseTrajectoryArguments(["--", "--out", "figures"]))); // {"out":"figures","help":false}
 * console.log(parseTrajectoryArguments([]).out, parseTrajectoryArguments(["-h"]).help); // runs/trajectories true
 * try {
 *   parseTrajectoryArguments(["--output", "figures"]);
 * } catch (error) {
 *   console.log(error.message); // trajectories: flag must be one of --out, --help, -h; received "--output". Did you mean "--out"?
 * }
 */
export function parseTrajectoryArguments(argv: readonly string[]): TrajectoryArguments {
  const { values, switches } = parseCommandLine(WHERE, argv, { values: ["out"], switches: ["help"], aliases: { h: "help" } });
  return { out: values.get("out") ?? DEFAULT_TRAJECTORY_OUT, help: switches.has("help") };
}

/** Options of {@link writeTrajectoryFigure}: where the figure goes, and how it is drawn. */
export interface WriteTrajectoryFigureOptions extends TrajectoryFigureOptions {
  /** The output directory; created if missing. */
  readonly out: string;
}

const WRITE_OPTION_KEYS = ["out", "panelSize", "gridSpacing"] as const satisfies readonly (keyof WriteTrajectoryFigureOptions)[];
true satisfies OptionKeysCover<WriteTrajectoryFigureOptions, typeof WRITE_OPTION_KEYS>;

/**
 * Renders the figure ({@link trajectoryFigureSvg}) and writes it to `out/trajectories.svg`, replacing an older copy
 * whole; writes no other file.
 * @param options - {@link WriteTrajectoryFigureOptions}; checked before anything is drawn.
 * @returns the path of the file written.
 * @throws {@link PgValidationError} for an unknown option key (the closest suggested), figure options as
 *   {@link trajectoryFigureSvg} refuses them, or an `out` that is not a directory that can be created and written (that
 *   message names it `--out`, as the command does).
 * @example
 * import { writeTrajectoryFigure } from "@pg/example-trajectories";
 * import { mkdtempSync, readdirSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const out = join(mkdtempSync(join(tmpdir(), "pg-trajectories-")), "figures");
 * const path = await writeTrajectoryFigure({ out, gridSpacing: 0.1 });
 * console.log(path === join(out, "trajectories.svg"), readdirSync(out).join(" ")); // true trajectories.svg
 */
export async function writeTrajectoryFigure(options: WriteTrajectoryFigureOptions): Promise<string> {
  const where = "writeTrajectoryFigure";
  if (options === null || typeof options !== "object") throw new PgValidationError(where, "options", "an options object { out, panelSize?, gridSpacing? }", options);
  requireKnownKeys(where, "options", options, WRITE_OPTION_KEYS);
  const { out, ...figure } = options;
  if (typeof out !== "string" || out.trim() === "") throw new PgValidationError(where, "options.out", "a directory path", out);
  resolveFigureOptions(where, figure);
  return writeFigure(where, out, figure);
}

/** Creates `out` if needed (checked before the figure is drawn, which takes seconds), draws the figure and writes it. */
async function writeFigure(where: string, out: string, figure: TrajectoryFigureOptions): Promise<string> {
  const path = join(prepareOutputDirectory(where, out), TRAJECTORY_FIGURE_FILE);
  writeFileAtomic(path, await trajectoryFigureSvg(figure));
  return path;
}

/** Where {@link runTrajectoriesCommand} prints. */
export interface TrajectoryCommandStreams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * The example's command: parses `argv` ({@link parseTrajectoryArguments}), prints the usage for `--help`, otherwise
 * writes the figure ({@link writeTrajectoryFigure}) and prints its path.
 * @param argv - the arguments after the script.
 * @param streams - where to print. @defaultValue process.stdout and process.stderr
 * @returns the exit status: 0 done (or help), 2 bad usage (the message goes to `stderr`).
 * @example
 * import { runTrajectoriesCommand } from "@pg/example-trajectories";
 * const printed = [];
 * const stream = { write: (text) => printed.push(text) };
 * console.log(await runTrajectoriesCommand(["--help"], { stdout: stream, stderr: stream }), printed[0].startsWith("Usage:")); // 0 true
 * console.log(await runTrajectoriesCommand(["--outt", "x"], { stdout: stream, stderr: stream }), printed[1].includes('Did you mean "--out"?')); // 2 true
 */
export async function runTrajectoriesCommand(argv: readonly string[], streams: TrajectoryCommandStreams = process): Promise<number> {
  if (streams === null || typeof streams !== "object" || typeof streams.stdout?.write !== "function" || typeof streams.stderr?.write !== "function") {
    throw new PgValidationError("runTrajectoriesCommand", "streams", "an object { stdout, stderr } whose members have write(text)", streams);
  }
  try {
    const { out, help } = parseTrajectoryArguments(argv);
    if (help) {
      streams.stdout.write(`${TRAJECTORIES_USAGE}\n`);
      return 0;
    }
    const path = await writeFigure(WHERE, out, {});
    streams.stdout.write(`${WHERE}: wrote ${path}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof PgError)) throw error;
    streams.stderr.write(`${error.message}\n`);
    return 2;
  }
}
