import { closestName, PgValidationError, requireKnownKeys, type OptionKeysCover } from "@pg/core";

/** What {@link parseCommandLine} accepts. Flag names are written without their dashes. */
export interface CommandLineOptions {
  /** Flags that take a value, `--name value` or `--name=value`, each given at most once; listed first in messages. */
  readonly values?: readonly string[];
  /** Flags that take none, `--name` (repeating one changes nothing). */
  readonly switches?: readonly string[];
  /** Single-dash short forms: `{ h: "help" }` makes `-h` mean `--help`. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Arguments that are not flags come back in order; when false (the default) they are refused as unknown flags. */
  readonly positional?: boolean;
}

/** A parsed command line: what each flag was given, in the names of {@link CommandLineOptions} (no dashes). */
export interface CommandLine {
  /** The arguments that are not flags, in order (always empty unless `options.positional`). */
  readonly positional: string[];
  /** Each value flag that was given, with its value. */
  readonly values: Map<string, string>;
  /** The switches that were given (an alias counts as its switch). */
  readonly switches: Set<string>;
}

const OPTION_KEYS = ["values", "switches", "aliases", "positional"] as const satisfies readonly (keyof CommandLineOptions)[];
true satisfies OptionKeysCover<CommandLineOptions, typeof OPTION_KEYS>;

/** Letters, digits, `-` and `_`, not starting with `-`: what can follow `--` without being read as something else. */
const FLAG_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function requireFlagNames(parameter: string, names: unknown): readonly string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || !names.every((name) => typeof name === "string" && FLAG_NAME.test(name))) {
    throw new PgValidationError("parseCommandLine", parameter, "an array of flag names without dashes (letters, digits, - and _; no =)", names);
  }
  return names as string[];
}

/**
 * Parses `--name value`, `--name=value` and `--name` flags, the one loop behind the `pg` command and the examples'
 * scripts. A lone `--` (as pnpm passes it) is skipped wherever it stands. Turning values into numbers, and defaults,
 * stay with the caller.
 * @param where - the command's name, which starts every message (e.g. `"pg compare"`).
 * @param argv - the arguments, e.g. `process.argv.slice(2)`.
 * @param options - {@link CommandLineOptions}: the value flags, switches, short aliases, and whether positional
 *   arguments are accepted.
 * @returns the positional arguments, the values and the switches given.
 * @throws {@link PgValidationError} naming `where` for: `argv` not an array of strings; an unknown flag (all flags
 *   listed, the closest suggested); a value flag without a value, with a blank one or one that starts with `--`; a value
 *   flag given twice ("It was already …"); a switch given a value. Naming `parseCommandLine` for options that are not
 *   valid: an unknown key, a flag name with dashes or `=`, a name in both lists, an alias of an unknown flag.
 * @example
 * import { parseCommandLine } from "@pg/cli";
 * const options = { values: ["out", "points"], switches: ["help"], aliases: { h: "help" }, positional: true };
 * const line = parseCommandLine("figures", ["--", "runs/exp", "--out", "figs", "--points=20", "-h"], options);
 * console.log(line.positional.join(), line.values.get("out"), line.values.get("points"), line.switches.has("help")); // runs/exp figs 20 true
 * try {
 *   parseCommandLine("figures", ["--point", "10"], options);
 * } catch (error) {
 *   console.log(error.message); // figures: flag must be one of --out, --points, --help, -h; received "--point". Did you mean "--points"?
 * }
 * try {
 *   parseCommandLine("figures", ["--out", "a", "--out", "b"], options);
 * } catch (error) {
 *   console.log(error.message); // figures: --out must be given once; received "b". It was already "a".
 * }
 */
export function parseCommandLine(where: string, argv: readonly string[], options?: CommandLineOptions): CommandLine {
  if (typeof where !== "string" || where.trim() === "") {
    throw new PgValidationError("parseCommandLine", "where", "the command's name (a non-empty string)", where);
  }
  if (!Array.isArray(argv)) throw new PgValidationError(where, "argv", "an array of strings", argv);
  argv.forEach((token: unknown, index) => {
    if (typeof token !== "string") throw new PgValidationError(where, `argv[${index}]`, "a string", token);
  });
  const { values: valueFlags, switches: switchFlags, aliases, positional: acceptPositional } = requireKnownKeys("parseCommandLine", "options", options, OPTION_KEYS);
  const valueNames = requireFlagNames("options.values", valueFlags);
  const switchNames = requireFlagNames("options.switches", switchFlags);
  const names = [...valueNames, ...switchNames];
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new PgValidationError("parseCommandLine", "options", "flag names given once across values and switches", repeated);
  }
  if (aliases !== undefined && (aliases === null || typeof aliases !== "object" || Array.isArray(aliases))) {
    throw new PgValidationError("parseCommandLine", "options.aliases", "an object of short names, e.g. { h: \"help\" }", aliases);
  }
  const aliasOf = new Map<string, string>();
  for (const [short, target] of Object.entries(aliases ?? {})) {
    if (!FLAG_NAME.test(short)) throw new PgValidationError("parseCommandLine", "options.aliases", "short names without dashes (letters, digits, - and _)", short);
    if (typeof target !== "string" || !names.includes(target)) {
      const suggestion = typeof target === "string" ? closestName(target, names) : undefined;
      throw new PgValidationError("parseCommandLine", `options.aliases.${short}`, "one of the flags in options.values or options.switches", target, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
    }
    aliasOf.set(short, target);
  }
  if (acceptPositional !== undefined && typeof acceptPositional !== "boolean") {
    throw new PgValidationError("parseCommandLine", "options.positional", "true or false", acceptPositional);
  }

  const spelled = [...names.map((name) => `--${name}`), ...[...aliasOf.keys()].map((short) => `-${short}`)];
  const unknown = (typed: string): PgValidationError => {
    const suggestion = closestName(typed, spelled);
    return new PgValidationError(where, "flag", spelled.length === 0 ? "absent (this command takes none)" : `one of ${spelled.join(", ")}`, typed, suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`);
  };
  const line: CommandLine = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") continue;
    let name: string;
    let inline: string | undefined;
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
      inline = eq >= 0 ? token.slice(eq + 1) : undefined;
      if (!names.includes(name)) throw unknown(`--${name}`);
    } else if (token.startsWith("-") && aliasOf.has(token.slice(1))) {
      name = aliasOf.get(token.slice(1)) as string;
    } else if (acceptPositional === true) {
      line.positional.push(token);
      continue;
    } else {
      throw unknown(token);
    }
    if (switchNames.includes(name)) {
      if (inline !== undefined) throw new PgValidationError(where, `--${name}`, "given without a value", token);
      line.switches.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.trim() === "" || value.startsWith("--")) {
      throw new PgValidationError(where, `--${name}`, "followed by a value", value ?? "nothing");
    }
    const earlier = line.values.get(name);
    if (earlier !== undefined) throw new PgValidationError(where, `--${name}`, "given once", value, `It was already ${JSON.stringify(earlier)}.`);
    line.values.set(name, value);
  }
  return line;
}
