import { closestName, PgValidationError, requireNonNegativeInteger, requirePositiveInteger } from "@pg/core";
import { requireRunArgumentSpec, type RunArgumentSpec, type RunArguments } from "@pg/experiments";
import { parseCommandLine } from "./command_line";

/** The run contract's flags plus the runner's own: `--force` and `--checkpoint-every`. */
export interface TrainArguments extends RunArguments {
  /** Replace the run already in `--out` (its files are removed first). */
  readonly force: boolean;
  /** Steps between training checkpoints (one is also written every 5 minutes and when a method ends). */
  readonly checkpointEvery: number;
}

/** Steps between checkpoints when `--checkpoint-every` is not given. */
export const DEFAULT_CHECKPOINT_EVERY = 100;

/** Flags that take a value; `--force` is the one that takes none. */
const VALUE_FLAGS = ["iterations", "batch", "seed", "methods", "out", "backend", "replicas", "checkpoint-every"] as const;

/**
 * Parses the run contract's flags (`--flag value` or `--flag=value`, `--force` alone) with {@link parseCommandLine};
 * every flag is optional and given at most once.
 * @throws {@link PgValidationError} naming the flag, what it accepts and what was given (unknown flag or method, with
 * the closest known one suggested; a flag given twice; iterations, batch or checkpoint-every ≤ 0, a seed that is not a
 * non-negative integer); naming `argv` when it is not an array of strings, and `spec.<field>` for a spec whose name, known methods
 * or defaults are not valid (see `requireRunArgumentSpec` of @pg/experiments).
 * @example
 * import { parseRunArguments } from "@pg/cli";
 * const defaults = { iterations: 3000, batch: 100, seed: 0, methods: ["adam", "pg"], out: "runs/sin" };
 * const spec = { name: "sin", defaults, knownMethods: ["adam", "pg", "supervised"] };
 * const args = parseRunArguments(["--iterations", "100", "--methods=pg,supervised", "--backend", "cpu"], spec);
 * console.log(args.iterations, args.batch, args.methods.join(","), args.out, args.backend, args.replicas); // 100 100 pg,supervised runs/sin cpu undefined
 * try {
 *   parseRunArguments(["--methods", "supervize"], spec);
 * } catch (error) {
 *   console.log(error.message); // sin: --methods must be a comma-separated list of "adam", "pg", "supervised"; received "supervize". Did you mean "supervised"?
 * }
 */
export function parseRunArguments(argv: readonly string[], spec: RunArgumentSpec): TrainArguments {
  requireRunArgumentSpec("parseRunArguments", spec);
  if (!Array.isArray(argv) || !argv.every((token) => typeof token === "string")) {
    throw new PgValidationError("parseRunArguments", "argv", "an array of strings (the flags, e.g. process.argv.slice(2))", argv);
  }
  const where = spec.name;
  const hint = (typed: string, known: readonly string[]): string | undefined => {
    const suggestion = closestName(typed, known);
    return suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`;
  };
  const { values, switches } = parseCommandLine(where, argv, { values: VALUE_FLAGS, switches: ["force"] });
  const integer = (flag: string, fallback: number, positive: boolean): number => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (Number.isNaN(value)) {
      throw new PgValidationError(where, `--${flag}`, positive ? "a positive integer" : "a non-negative integer", text);
    }
    return positive ? requirePositiveInteger(where, `--${flag}`, value) : requireNonNegativeInteger(where, `--${flag}`, value);
  };
  const methodsText = values.get("methods");
  const methods = methodsText === undefined ? spec.defaults.methods : methodsText.split(",").map((m) => m.trim()).filter((m) => m.length > 0);
  if (methods.length === 0) {
    throw new PgValidationError(where, "--methods", `a comma-separated list of ${spec.knownMethods.join(", ")}`, methodsText);
  }
  for (const method of methods) {
    if (!spec.knownMethods.includes(method)) {
      throw new PgValidationError(where, "--methods", `a comma-separated list of ${spec.knownMethods.map((m) => `"${m}"`).join(", ")}`, method, hint(method, spec.knownMethods));
    }
  }
  return {
    iterations: integer("iterations", spec.defaults.iterations, true),
    batch: integer("batch", spec.defaults.batch, true),
    seed: integer("seed", spec.defaults.seed, false),
    methods,
    out: values.get("out") ?? spec.defaults.out,
    backend: values.get("backend"),
    replicas: values.has("replicas") ? integer("replicas", 1, true) : undefined,
    force: switches.has("force"),
    checkpointEvery: integer("checkpoint-every", DEFAULT_CHECKPOINT_EVERY, true),
  };
}
