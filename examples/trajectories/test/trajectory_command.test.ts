import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_TRAJECTORY_OUT, TRAJECTORIES_USAGE, parseTrajectoryArguments, runTrajectoriesCommand, trajectoryFigureSvg, writeTrajectoryFigure } from "../src/index";

const exampleDirectory = join(__dirname, "..");
const main = join(exampleDirectory, "src", "main.ts");
// The TypeScript loader, resolved from the example, so that main.ts can run in an empty working directory.
const tsx = pathToFileURL(createRequire(join(exampleDirectory, "package.json")).resolve("tsx")).href;

/** Runs src/main.ts as `pnpm start` does, but in `cwd`. */
function runMain(cwd: string, argv: readonly string[]) {
  return spawnSync(process.execPath, ["--conditions=@pg/source", "--import", tsx, main, ...argv], { cwd, encoding: "utf8", timeout: 240_000 });
}

function capture() {
  const printed = { stdout: "", stderr: "" };
  const streams = { stdout: { write: (text: string) => (printed.stdout += text) }, stderr: { write: (text: string) => (printed.stderr += text) } };
  return { printed, streams };
}

describe("parseTrajectoryArguments", () => {
  it("reads --out DIR (or --out=DIR) and --help / -h, skips the -- that pnpm passes, and defaults --out to runs/trajectories", () => {
    expect(parseTrajectoryArguments(["--out", "a b"])).toEqual({ out: "a b", help: false });
    expect(parseTrajectoryArguments(["--out=figs"])).toEqual({ out: "figs", help: false });
    expect(parseTrajectoryArguments(["--", "--out", "figs", "--help"])).toEqual({ out: "figs", help: true });
    expect(parseTrajectoryArguments(["-h"])).toEqual({ out: DEFAULT_TRAJECTORY_OUT, help: true });
    expect(parseTrajectoryArguments([])).toEqual({ out: "runs/trajectories", help: false });
  });

  it("refuses unknown flags (suggesting the closest), --out without a directory and a second --out", () => {
    expect(() => parseTrajectoryArguments(["--output", "x"])).toThrow('trajectories: flag must be one of --out, --help, -h; received "--output". Did you mean "--out"?');
    expect(() => parseTrajectoryArguments(["figures"])).toThrow('trajectories: flag must be one of --out, --help, -h; received "figures".');
    expect(() => parseTrajectoryArguments(["--out"])).toThrow('trajectories: --out must be followed by a value; received "nothing".');
    expect(() => parseTrajectoryArguments(["--out", "--help"])).toThrow('trajectories: --out must be followed by a value; received "--help".');
    expect(() => parseTrajectoryArguments(["--out", "a", "--out", "b"])).toThrow('trajectories: --out must be given once; received "b". It was already "a".');
  });
});

describe("writeTrajectoryFigure and runTrajectoriesCommand", () => {
  it("writes exactly out/trajectories.svg, the figure trajectoryFigureSvg draws, creating out", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "pg-trajectories-")), "new", "figures");
    const path = await writeTrajectoryFigure({ out, panelSize: 200 });
    expect(path).toBe(join(out, "trajectories.svg"));
    expect(readdirSync(out)).toEqual(["trajectories.svg"]);
    const written = readFileSync(path, "utf8");
    expect(written.startsWith("<svg")).toBe(true);
    // compared by hand: a failing toBe would print two 200 kB documents
    expect(written === (await trajectoryFigureSvg({ panelSize: 200 }))).toBe(true);
  });

  it("checks every option before it creates out", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "pg-trajectories-")), "never");
    await expect(writeTrajectoryFigure({ out, panelSize: 0 })).rejects.toThrow("writeTrajectoryFigure: options.panelSize must be a positive integer; received 0.");
    expect(existsSync(out)).toBe(false);
  });

  it("prints the usage for --help and writes nothing; exits 2 with the message for a bad flag", async () => {
    const help = capture();
    expect(await runTrajectoriesCommand(["--help", "--out", join(tmpdir(), "pg-trajectories-never")], help.streams)).toBe(0);
    expect(help.printed.stdout).toBe(`${TRAJECTORIES_USAGE}\n`);
    expect(existsSync(join(tmpdir(), "pg-trajectories-never"))).toBe(false);
    const bad = capture();
    expect(await runTrajectoriesCommand(["--outt", "x"], bad.streams)).toBe(2);
    expect(bad.printed.stderr).toContain('trajectories: flag must be one of --out, --help, -h; received "--outt". Did you mean "--out"?');
    expect(bad.printed.stdout).toBe("");
  });

  it("names --out when it cannot be a directory", async () => {
    const { printed, streams } = capture();
    expect(await runTrajectoriesCommand(["--out", "/proc/pg-trajectories"], streams)).toBe(2);
    expect(printed.stderr).toContain('trajectories: --out must be a directory on a file system that stores files; received "/proc/pg-trajectories".');
  });
});

describe("src/main.ts", () => {
  it("writes the figure where --out says and nothing in the working directory", () => {
    const cwd = mkdtempSync(join(tmpdir(), "pg-trajectories-cwd-"));
    const out = join(mkdtempSync(join(tmpdir(), "pg-trajectories-")), "figs");
    const result = runMain(cwd, ["--", "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`trajectories: wrote ${join(out, "trajectories.svg")}\n`);
    expect(readdirSync(out)).toEqual(["trajectories.svg"]);
    expect(readdirSync(cwd)).toEqual([]);
  }, 240_000);

  it("writes runs/trajectories/trajectories.svg under the working directory without --out", () => {
    const cwd = mkdtempSync(join(tmpdir(), "pg-trajectories-cwd-"));
    const result = runMain(cwd, []);
    expect(result.status).toBe(0);
    expect(readdirSync(join(cwd, "runs", "trajectories"))).toEqual(["trajectories.svg"]);
    expect(readdirSync(cwd)).toEqual(["runs"]);
  }, 240_000);

  it("prints the usage for --help and writes nothing; exits 2 naming the flag for a bad one", () => {
    const cwd = mkdtempSync(join(tmpdir(), "pg-trajectories-cwd-"));
    const help = runMain(cwd, ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: pnpm --filter @pg/example-trajectories start -- [--out DIR]");
    const bad = runMain(cwd, ["--iterations", "3"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('trajectories: flag must be one of --out, --help, -h; received "--iterations".\n');
    expect(readdirSync(cwd)).toEqual([]);
  }, 240_000);
});
