// The example's table of bad inputs: every public entry point, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter. New entry points add their
// rows here.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import {
  parseTrajectoryArguments,
  runTrajectoriesCommand,
  trajectoryFigureSpec,
  trajectoryFigureSvg,
  writeTrajectoryFigure,
  type TrajectoryCommandStreams,
  type TrajectoryFigureOptions,
  type WriteTrajectoryFigureOptions,
} from "../src/index";

// Deliberately wrong types, as a JavaScript caller could pass them.
const asAny = <T>(value: unknown): T => value as T;
const aFile = join(mkdtempSync(join(tmpdir(), "pg-trajectories-")), "a-file");
writeFileSync(aFile, "not a directory");

const cases: BadInputCase[] = [
  // trajectoryFigureSpec
  {
    name: "trajectoryFigureSpec: misspelt panelSize",
    call: () => trajectoryFigureSpec(asAny<TrajectoryFigureOptions>({ panelsize: 300 })),
    error: PgValidationError,
    where: "trajectoryFigureSpec",
    parameter: 'options.panelsize must be one of the known options "panelSize", "gridSpacing"; received 300. Did you mean "panelSize"?',
  },
  { name: "trajectoryFigureSpec: options a string", call: () => trajectoryFigureSpec(asAny<TrajectoryFigureOptions>("large")), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options must be an options object" },
  { name: "trajectoryFigureSpec: panelSize 2.5", call: () => trajectoryFigureSpec({ panelSize: 2.5 }), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options.panelSize must be a positive integer" },
  { name: "trajectoryFigureSpec: panelSize 50", call: () => trajectoryFigureSpec({ panelSize: 50 }), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options.panelSize must be an integer in [120, 2000]; received 50." },
  { name: "trajectoryFigureSpec: panelSize a string", call: () => trajectoryFigureSpec(asAny<TrajectoryFigureOptions>({ panelSize: "320" })), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options.panelSize" },
  { name: "trajectoryFigureSpec: gridSpacing NaN", call: () => trajectoryFigureSpec({ gridSpacing: Number.NaN }), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options.gridSpacing" },
  { name: "trajectoryFigureSpec: gridSpacing 0.001 (millions of samples)", call: () => trajectoryFigureSpec({ gridSpacing: 0.001 }), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options.gridSpacing must be a number in [0.005, 0.25]; received 0.001." },
  { name: "trajectoryFigureSpec: gridSpacing 1", call: () => trajectoryFigureSpec({ gridSpacing: 1 }), error: PgValidationError, where: "trajectoryFigureSpec", parameter: "options.gridSpacing must be a number in [0.005, 0.25]; received 1." },
  // trajectoryFigureSvg
  { name: "trajectoryFigureSvg: misspelt gridSpacing", call: () => trajectoryFigureSvg(asAny<TrajectoryFigureOptions>({ gridspacing: 0.1 })), error: PgValidationError, where: "trajectoryFigureSvg", parameter: 'options.gridspacing must be one of the known options "panelSize", "gridSpacing"; received 0.1. Did you mean "gridSpacing"?' },
  { name: "trajectoryFigureSvg: negative gridSpacing", call: () => trajectoryFigureSvg({ gridSpacing: -0.1 }), error: PgValidationError, where: "trajectoryFigureSvg", parameter: "options.gridSpacing" },
  { name: "trajectoryFigureSvg: panelSize Infinity", call: () => trajectoryFigureSvg({ panelSize: Infinity }), error: PgValidationError, where: "trajectoryFigureSvg", parameter: "options.panelSize" },
  // writeTrajectoryFigure
  { name: "writeTrajectoryFigure: no options", call: () => writeTrajectoryFigure(asAny<WriteTrajectoryFigureOptions>(undefined)), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "options must be an options object { out, panelSize?, gridSpacing? }" },
  {
    name: "writeTrajectoryFigure: misspelt out",
    call: () => writeTrajectoryFigure(asAny<WriteTrajectoryFigureOptions>({ outDir: "figures" })),
    error: PgValidationError,
    where: "writeTrajectoryFigure",
    parameter: 'options.outDir must be one of the known options "out", "panelSize", "gridSpacing"; received "figures". Did you mean "out"?',
  },
  { name: "writeTrajectoryFigure: out missing", call: () => writeTrajectoryFigure(asAny<WriteTrajectoryFigureOptions>({ panelSize: 200 })), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "options.out must be a directory path; received undefined." },
  { name: "writeTrajectoryFigure: out empty", call: () => writeTrajectoryFigure({ out: " " }), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "options.out must be a directory path" },
  { name: "writeTrajectoryFigure: out a file", call: () => writeTrajectoryFigure({ out: aFile }), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "--out must be a directory (or a path where one can be created)" },
  { name: "writeTrajectoryFigure: out under /proc", call: () => writeTrajectoryFigure({ out: "/proc/pg-trajectories" }), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "--out must be a directory on a file system that stores files" },
  { name: "writeTrajectoryFigure: panelSize 0", call: () => writeTrajectoryFigure({ out: mkdtempSync(join(tmpdir(), "pg-trajectories-")), panelSize: 0 }), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "options.panelSize must be a positive integer" },
  { name: "writeTrajectoryFigure: gridSpacing too fine", call: () => writeTrajectoryFigure({ out: mkdtempSync(join(tmpdir(), "pg-trajectories-")), gridSpacing: 1e-4 }), error: PgValidationError, where: "writeTrajectoryFigure", parameter: "options.gridSpacing must be a number in [0.005, 0.25]" },
  // parseTrajectoryArguments
  { name: "parseTrajectoryArguments: a string, not an array", call: () => parseTrajectoryArguments(asAny<string[]>("--out figures")), error: PgValidationError, where: "trajectories", parameter: "argv must be an array of strings" },
  { name: "parseTrajectoryArguments: a number among the arguments", call: () => parseTrajectoryArguments(asAny<string[]>(["--help", 3])), error: PgValidationError, where: "trajectories", parameter: "argv[1] must be a string; received 3." },
  { name: "parseTrajectoryArguments: misspelt --help", call: () => parseTrajectoryArguments(["--hlep"]), error: PgValidationError, where: "trajectories", parameter: 'flag must be one of --out, --help, -h; received "--hlep". Did you mean "--help"?' },
  { name: "parseTrajectoryArguments: --out= without a directory", call: () => parseTrajectoryArguments(["--out="]), error: PgValidationError, where: "trajectories", parameter: '--out must be followed by a value; received "".' },
  { name: "parseTrajectoryArguments: --out at the end", call: () => parseTrajectoryArguments(["--out"]), error: PgValidationError, where: "trajectories", parameter: '--out must be followed by a value; received "nothing".' },
  { name: "parseTrajectoryArguments: --out twice", call: () => parseTrajectoryArguments(["--out", "a", "--out", "b"]), error: PgValidationError, where: "trajectories", parameter: "--out must be given once" },
  // runTrajectoriesCommand
  { name: "runTrajectoriesCommand: streams without write", call: () => runTrajectoriesCommand(["--help"], asAny<TrajectoryCommandStreams>({ stdout: {}, stderr: {} })), error: PgValidationError, where: "runTrajectoriesCommand", parameter: "streams must be an object { stdout, stderr } whose members have write(text)" },
  { name: "runTrajectoriesCommand: streams null", call: () => runTrajectoriesCommand(["--help"], asAny<TrajectoryCommandStreams>(null)), error: PgValidationError, where: "runTrajectoriesCommand", parameter: "streams" },
];

badInputSuite(cases, { describe, it, expect });
