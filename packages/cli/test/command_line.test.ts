import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { parseCommandLine, runCommand } from "../src/index";

const figures = { values: ["run", "out", "points"], switches: ["help"], aliases: { h: "help" } };
const table = { values: ["batch", "out"], switches: ["help"], positional: true };

describe("parseCommandLine", () => {
  it("reads --name value, --name=value, switches, aliases and positional arguments, skipping every lone --", () => {
    const line = parseCommandLine("table1", ["--", "runs/a", "--batch", "8", "--", "--out=x=y", "--help", "--help"], table);
    expect(line.positional).toEqual(["runs/a"]);
    expect([...line.values]).toEqual([["batch", "8"], ["out", "x=y"]]);
    expect([...line.switches]).toEqual(["help"]);
    expect(parseCommandLine("exp figures", ["-h", "--points", "20"], figures)).toEqual({ positional: [], values: new Map([["points", "20"]]), switches: new Set(["help"]) });
    expect(parseCommandLine("exp figures", [], figures)).toEqual({ positional: [], values: new Map(), switches: new Set() });
    // A value may be a single-dash word, e.g. a negative number the caller then refuses or accepts.
    expect(parseCommandLine("table1", ["r", "--batch", "-1"], table).values.get("batch")).toBe("-1");
  });

  it("refuses an unknown flag, listing all and suggesting the closest", () => {
    expect(() => parseCommandLine("exp figures", ["--point", "10"], figures)).toThrow('exp figures: flag must be one of --run, --out, --points, --help, -h; received "--point". Did you mean "--points"?');
    expect(() => parseCommandLine("exp figures", ["--hlep"], figures)).toThrow('received "--hlep". Did you mean "--help"?');
    expect(() => parseCommandLine("exp figures", ["--outt=a"], figures)).toThrow('received "--outt". Did you mean "--out"?');
    expect(() => parseCommandLine("exp figures", ["-x"], figures)).toThrow('exp figures: flag must be one of --run, --out, --points, --help, -h; received "-x".');
    expect(() => parseCommandLine("pg resume", ["dir", "--rows", "3"], { positional: true })).toThrow('pg resume: flag must be absent (this command takes none); received "--rows".');
  });

  it("refuses positional arguments unless asked to accept them", () => {
    expect(() => parseCommandLine("trajectories", ["figures"], { values: ["out"] })).toThrow('trajectories: flag must be one of --out; received "figures".');
    expect(() => parseCommandLine("trajectories", ["out", "x"], { values: ["out"] })).toThrow('received "out". Did you mean "--out"?');
    expect(parseCommandLine("pg compare", ["a", "-", "b"], { values: ["at"], positional: true }).positional).toEqual(["a", "-", "b"]);
  });

  it("refuses a missing, blank or flag-like value, a repeated value flag and a switch with a value", () => {
    expect(() => parseCommandLine("exp figures", ["--out"], figures)).toThrow('exp figures: --out must be followed by a value; received "nothing".');
    expect(() => parseCommandLine("exp figures", ["--out", "--points", "3"], figures)).toThrow('exp figures: --out must be followed by a value; received "--points".');
    expect(() => parseCommandLine("exp figures", ["--out="], figures)).toThrow("--out must be followed by a value");
    expect(() => parseCommandLine("exp figures", ["--out", " "], figures)).toThrow("--out must be followed by a value");
    expect(() => parseCommandLine("exp figures", ["--run", "a", "--run=b"], figures)).toThrow('exp figures: --run must be given once; received "b". It was already "a".');
    expect(() => parseCommandLine("exp figures", ["--help=yes"], figures)).toThrow('exp figures: --help must be given without a value; received "--help=yes".');
  });

  it("names the argument that is not a string", () => {
    expect(() => parseCommandLine("exp figures", ["--help", 3] as never, figures)).toThrow("exp figures: argv[1] must be a string; received 3.");
    expect(() => parseCommandLine("exp figures", "--help" as never, figures)).toThrow(PgValidationError);
  });

  it("checks its options", () => {
    expect(() => parseCommandLine("x", [], { value: ["out"] } as never)).toThrow('parseCommandLine: options.value must be one of the known options "values", "switches", "aliases", "positional"; received Array(1) ["out"]. Did you mean "values"?');
    expect(() => parseCommandLine("x", [], { values: ["--out"] })).toThrow("parseCommandLine: options.values must be an array of flag names without dashes");
    expect(() => parseCommandLine("x", [], { values: ["out"], switches: ["out"] })).toThrow("parseCommandLine: options must be flag names given once");
    expect(() => parseCommandLine("x", [], { switches: ["help"], aliases: { h: "hepl" } })).toThrow('parseCommandLine: options.aliases.h must be one of the flags in options.values or options.switches; received "hepl". Did you mean "help"?');
    expect(() => parseCommandLine("", [], {})).toThrow("parseCommandLine: where must be");
  });
});

describe("the pg command's read-only commands", () => {
  it("refuse a misspelt flag with a suggestion and a repeated one", async () => {
    const lines: string[] = [];
    const stream = { write: (text: string) => lines.push(text) } as never;
    expect(await runCommand(["compare", "runs/a", "--baselin", "adam"], { out: stream, err: stream })).toBe(2);
    expect(lines.pop()).toBe('pg compare: flag must be one of --metric, --at, --baseline, --window; received "--baselin". Did you mean "--baseline"?\n');
    expect(await runCommand(["report", "runs/a", "--out", "a.html", "--out=b.html"], { out: stream, err: stream })).toBe(2);
    expect(lines.pop()).toBe('pg report: --out must be given once; received "b.html". It was already "a.html".\n');
  });
});
