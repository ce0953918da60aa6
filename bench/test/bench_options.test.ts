import { PgValidationError } from "@pg/core";
import { describe, expect, it } from "vitest";
import { BENCH_USAGE, WASM_CEILING_GFLOPS_PER_CORE, parseBenchOptions, wantsHelp } from "../src/bench_options";
import { BENCH_CASES } from "../src/cases";

/** The PgValidationError `argv` throws. */
function errorOf(argv: readonly string[]): PgValidationError {
  try {
    parseBenchOptions(argv);
  } catch (error) {
    if (error instanceof PgValidationError) return error;
    throw error;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

describe("parseBenchOptions", () => {
  it("without a peer: no peer, tuned allocator, no load wait, time-based warm-up and repeats", () => {
    const options = parseBenchOptions([]);
    expect(options.peer).toBeUndefined();
    expect(options.peerPython).toBeUndefined();
    expect(options.allocator).toBe("tuned");
    expect(options.quietLoad).toBeUndefined();
    expect(options.quietLoadWaitSeconds).toBe(120);
    expect([options.warmup, options.warmupSeconds, options.repeats, options.timedSeconds]).toEqual([2, 20, 5, 0.5]);
    expect(options.rounds).toBe(1);
    expect(parseBenchOptions(["--rounds", "7"]).rounds).toBe(7);
    expect(parseBenchOptions(["--rounds=3"]).rounds).toBe(3);
    expect(options.ceilingGflops).toBe(WASM_CEILING_GFLOPS_PER_CORE);
    expect(WASM_CEILING_GFLOPS_PER_CORE).toBe(56);
  });

  it("--profile is a switch, off by default, that leaves the other options alone", () => {
    expect(parseBenchOptions([]).profile).toBe(false);
    expect(parseBenchOptions([]).includeSlow).toBe(false);
    const options = parseBenchOptions(["--cases", "unet-b32", "--profile", "--backends", "wasm"]);
    expect(options.profile).toBe(true);
    expect(options.includeSlow).toBe(false);
    expect(options.cases).toEqual(["unet-b32"]);
    expect(options.backends).toEqual(["wasm"]);
    const both = parseBenchOptions(["--include-slow", "--profile"]);
    expect([both.includeSlow, both.profile]).toEqual([true, true]);
    expect(parseBenchOptions(["--include-slow"]).profile).toBe(false);
  });

  it("--peer torch runs both allocator modes and waits for a load below 1 by default", () => {
    const options = parseBenchOptions(["--peer", "torch"]);
    expect(options.peer).toBe("torch");
    expect(options.allocator).toBe("both");
    expect(options.quietLoad).toBe(1);
  });

  it("takes --allocator, --quiet-load (or off), --peer-python and the seconds flags in both spellings", () => {
    const options = parseBenchOptions([
      "--peer=torch",
      "--allocator",
      "default",
      "--quiet-load=0.5",
      "--quiet-load-wait",
      "30",
      "--peer-python",
      "/opt/python/bin/python3",
      "--warmup-seconds",
      "2.5",
      "--timed-seconds=0",
      "--ceiling-gflops",
      "100",
    ]);
    expect(options.allocator).toBe("default");
    expect(options.quietLoad).toBe(0.5);
    expect(options.quietLoadWaitSeconds).toBe(30);
    expect(options.peerPython).toBe("/opt/python/bin/python3");
    expect(options.warmupSeconds).toBe(2.5);
    expect(options.timedSeconds).toBe(0);
    expect(options.ceilingGflops).toBe(100);
    expect(parseBenchOptions(["--peer", "torch", "--quiet-load", "off"]).quietLoad).toBeUndefined();
    expect(parseBenchOptions(["--quiet-load", "1.5"]).quietLoad).toBe(1.5);
    expect(parseBenchOptions(["--peer", "torch", "--peer-python", "python3.11"]).peerPython).toBe("python3.11");
  });

  it.each([
    [["--peer", "pytorch"], "--peer", '"torch"', '"pytorch"'],
    [["--allocator", "fast"], "--allocator", '"tuned", "default", "both"', '"fast"'],
    [["--quiet-load", "-1"], "--quiet-load", 'a load average > 0, or "off"', '"-1"'],
    [["--quiet-load", "busy"], "--quiet-load", 'a load average > 0, or "off"', '"busy"'],
    [["--quiet-load", "0"], "--quiet-load", "a load average > 0", '"0"'],
    [["--quiet-load-wait", "soon"], "--quiet-load-wait", "a number ≥ 0", '"soon"'],
    [["--warmup-seconds", "1s"], "--warmup-seconds", "a number ≥ 0", '"1s"'],
    [["--timed-seconds", "-0.5"], "--timed-seconds", "a number ≥ 0", '"-0.5"'],
    [["--ceiling-gflops", "0"], "--ceiling-gflops", "a number > 0", '"0"'],
    [["--rounds", "0"], "--rounds", "integer", "0"],
    [["--peer-python", "/usr/bin/python3"], "--peer-python", "given together with --peer torch", "/usr/bin/python3"],
    [["--peer"], "--peer", "followed by a value", "nothing"],
    [["--profile=yes"], "--profile", "given without a value", "yes"],
  ])("%j is refused, naming pnpm bench, the flag, what it accepts and what was given", (argv, flag, expected, given) => {
    const error = errorOf(argv);
    expect(error.where).toBe("pnpm bench");
    expect(error.parameter).toBe(flag);
    expect(error.expected).toContain(expected);
    expect(error.message).toContain("pnpm bench");
    expect(error.message).toContain(flag);
    expect(error.message).toContain(given);
  });

  it("names the unknown flag", () => {
    const error = errorOf(["--peers", "torch"]);
    expect(error.message).toContain("--peers");
    expect(error.expected).toContain("--peer");
  });
});

describe("--help", () => {
  it("is asked for by --help or -h anywhere among the arguments, and by nothing else", () => {
    expect(wantsHelp(["--help"])).toBe(true);
    expect(wantsHelp(["--cases", "unet-b32", "-h"])).toBe(true);
    expect(wantsHelp(["--cases", "unet-b32"])).toBe(false);
  });

  it("lists every flag the parser accepts and every case", () => {
    const flags = [...BENCH_USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map((match) => match[1]);
    for (const flag of flags.filter((f) => f !== "--help")) {
      // A listed flag is known to the parser: it fails on its value, never as an unknown flag.
      expect(() => parseBenchOptions([flag as string, "x"])).not.toThrow(/flag must be one of/);
    }
    expect(flags.length).toBe(18);
    for (const c of BENCH_CASES) expect(BENCH_USAGE).toContain(c.name);
  });
});
