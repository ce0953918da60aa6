import { PgValidationError, requireNonNegativeInteger, requirePositiveInteger } from "@pg/core";
import { initBackend, type BackendName } from "@pg/backend";
import { parseCommandLine, readRunRecord } from "@pg/cli";
import { TABLE1_DEFAULTS, measureTable1, readFluidRun, table1Text, writeTable1 } from "./table1";

/** What `table1 --help` prints. */
export const TABLE1_USAGE = `Usage: pnpm --dir examples/fluid table1 -- <run-dir> [flags]

Table 1 of the paper on a trained fluid run (pg train fluid --out <run-dir>): on a fresh batch of test problems drawn
as the experiment draws them, the network's inference time per example and its x_err; the domain-specific estimator
iterated from x = 0 until the batch x_err reaches the network's; gradient descent on the objective (η = 1) from x = 0
plus noise of ±0.001 (the gradient is exactly 0 at x = 0) until the same error. Times per example are batch times
divided by the batch. Progress goes to stderr.

Flags:
  --method NAME          the method whose saved network is measured (default ${TABLE1_DEFAULTS.method})
  --batch N              test problems, solved at once (default ${TABLE1_DEFAULTS.batch}, the paper's)
  --seed S               seed of the test batch (default ${TABLE1_DEFAULTS.seed}, independent of training)
  --estimator-cap N      most estimator iterations (default ${TABLE1_DEFAULTS.estimatorCap})
  --gd-cap N             most gradient-descent iterations (default ${TABLE1_DEFAULTS.gradientDescentCap}; the paper's
                         20k would take days here)
  --repeats N            timed network predictions after one warm-up; the median is reported (default ${TABLE1_DEFAULTS.repeats})
  --backend NAME         tfjs backend (default: the one the run trained on)
  --out DIR              also write DIR/table1.json and DIR/table1.md
  --help                 this text`;

/** Parsed arguments of the `table1` command. */
export interface Table1Arguments {
  readonly run: string;
  readonly method: string;
  readonly batch: number;
  readonly seed: number;
  readonly estimatorCap: number;
  readonly gradientDescentCap: number;
  readonly repeats: number;
  readonly backend: string | undefined;
  readonly out: string | undefined;
  readonly help: boolean;
}

const VALUE_FLAGS = ["method", "batch", "seed", "estimator-cap", "gd-cap", "repeats", "backend", "out"];

/**
 * Parses the `table1` command line: one run directory and the flags of {@link TABLE1_USAGE} (`--flag value` or
 * `--flag=value`; a lone `--`, as pnpm passes it, is skipped).
 * @throws {@link PgValidationError} naming the flag for an unknown flag (the closest suggested), a flag without its
 * value or given twice, a number that is not a positive integer (a seed: an integer ≥ 0), or not exactly one run
 * directory.
 * @example
 * import { parseTable1Arguments } from "./table1_command";
 * const args = parseTable1Arguments(["--", "/tmp/fluid100", "--gd-cap", "5", "--seed=3"]);
 * console.log(args.run, args.gradientDescentCap, args.seed, args.batch, args.method); // /tmp/fluid100 5 3 64 pg-inverse
 * try {
 *   parseTable1Arguments(["run", "--gd-cpa", "5"]);
 * } catch (error) {
 *   console.log(error.message); // table1: flag must be one of --method, --batch, --seed, --estimator-cap, --gd-cap, --repeats, --backend, --out, --help; received "--gd-cpa". Did you mean "--gd-cap"?
 * }
 */
export function parseTable1Arguments(argv: readonly string[]): Table1Arguments {
  const where = "table1";
  const { positional, values, switches } = parseCommandLine(where, argv, { values: VALUE_FLAGS, switches: ["help"], positional: true });
  const help = switches.has("help");
  if (!help && positional.length !== 1) throw new PgValidationError(where, "<run-dir>", "one run directory (the --out of pg train fluid)", positional);
  const integer = (flag: string, fallback: number, allowZero = false): number => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const value = text.trim() === "" ? Number.NaN : Number(text);
    return allowZero ? requireNonNegativeInteger(where, `--${flag}`, value) : requirePositiveInteger(where, `--${flag}`, value);
  };
  return {
    run: positional[0] ?? "",
    method: values.get("method") ?? TABLE1_DEFAULTS.method,
    batch: integer("batch", TABLE1_DEFAULTS.batch),
    seed: integer("seed", TABLE1_DEFAULTS.seed, true),
    estimatorCap: integer("estimator-cap", TABLE1_DEFAULTS.estimatorCap),
    gradientDescentCap: integer("gd-cap", TABLE1_DEFAULTS.gradientDescentCap),
    repeats: integer("repeats", TABLE1_DEFAULTS.repeats),
    backend: values.get("backend"),
    out: values.get("out"),
    help,
  };
}

/** Where the command writes: the table to `out`, progress and errors to `err`. */
export interface Table1Streams {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/**
 * The `table1` command: reads the run, starts the backend it trained on (or `--backend`), measures, prints the table
 * and writes it with `--out`.
 * @returns the exit status: 0 measured (or help printed), 2 bad usage or input (the message on `err`).
 * @throws {@link PgValidationError} only when `streams.out` or `streams.err` has no `write`.
 * @example
 * import { runTable1Command } from "./table1_command";
 * const lines = [];
 * const stream = { write: (text) => lines.push(text) };
 * console.log(await runTable1Command(["--help"], { out: stream, err: stream }), lines[0].startsWith("Usage:")); // 0 true
 * console.log(await runTable1Command([], { out: stream, err: stream }), lines[1].startsWith("table1: <run-dir> must be")); // 2 true
 */
export async function runTable1Command(argv: readonly string[], streams: Table1Streams = { out: process.stdout, err: process.stderr }): Promise<number> {
  // Checked before anything can be printed: with no usable stream there is nowhere to say what went wrong.
  for (const name of ["out", "err"] as const) {
    const stream: unknown = typeof streams === "object" && streams !== null ? streams[name] : undefined;
    if (typeof stream !== "object" || stream === null || typeof (stream as { write?: unknown }).write !== "function") {
      throw new PgValidationError("table1", `streams.${name}`, "a writable stream (e.g. process.stdout)", stream);
    }
  }
  let args: Table1Arguments;
  try {
    args = parseTable1Arguments(argv);
  } catch (error) {
    streams.err.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (args.help) {
    streams.out.write(`${TABLE1_USAGE}\n`);
    return 0;
  }
  const progress = (line: string): void => void streams.err.write(`table1: ${line}\n`);
  let run: Awaited<ReturnType<typeof readFluidRun>> | undefined;
  try {
    // The backend first: the network's weights are then created where they are used.
    const record = readRunRecord(args.run, "table1");
    const backend = await initBackend({ backend: (args.backend ?? record.backend) as BackendName, log: progress });
    run = await readFluidRun(args.run, { method: args.method });
    progress(`${run.definition.name}, ${run.method} network of iteration ${run.networkIteration}, backend ${backend.name}`);
    const table = await measureTable1({
      definition: run.definition,
      network: run.network,
      method: run.method,
      batch: args.batch,
      seed: args.seed,
      estimatorCap: args.estimatorCap,
      gradientDescentCap: args.gradientDescentCap,
      repeats: args.repeats,
      training: { seconds: run.trainingSeconds, iterations: run.networkIteration },
      backend: backend.name,
      progress,
    });
    streams.out.write(`${table1Text(table)}\n`);
    if (args.out !== undefined) streams.out.write(`table1: wrote ${writeTable1(table, args.out).join(", ")}\n`);
    return 0;
  } catch (error) {
    streams.err.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    run?.network.dispose();
  }
}
