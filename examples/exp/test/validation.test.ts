// The example's table of bad inputs: every exported function, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { mlp } from "@pg/nets";
import { beforeAll, describe, expect, it } from "vitest";
import { lineFigureSvg, linspace, parseExpFigureArguments, predictX, writeExpFigures, type FigureLine } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const line: FigureLine = { name: "a", x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) };
const labels = { title: "t", xLabel: "x", yLabel: "y" };
const empty = mkdtempSync(join(tmpdir(), "pg-exp-validation-"));
const network = () => mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 });

const cases: BadInputCase[] = [
  { name: "linspace: count 1", call: () => linspace(0, 1, 1), error: PgValidationError, where: "linspace", parameter: "count" },
  { name: "linspace: count 2.5", call: () => linspace(0, 1, 2.5), error: PgValidationError, where: "linspace", parameter: "count" },
  { name: "linspace: stop NaN", call: () => linspace(0, Number.NaN, 3), error: PgValidationError, where: "linspace", parameter: "stop" },
  { name: "predictX: not a network", call: () => predictX({} as never, Float64Array.of(1)), error: PgValidationError, where: "predictX", parameter: "network" },
  { name: "predictX: empty targets", call: () => predictX(network(), new Float64Array(0)), error: PgShapeError, where: "predictX", parameter: "xTarget" },
  { name: "predictX: NaN target", call: () => predictX(network(), Float64Array.of(-1, Number.NaN)), error: PgValidationError, where: "predictX", parameter: "xTarget" },
  { name: "lineFigureSvg: misspelt yLabel", call: () => lineFigureSvg({ ...labels, ylabel: "y", lines: [line] } as never), error: PgValidationError, where: "lineFigureSvg", parameter: "options.ylabel" },
  { name: "lineFigureSvg: no lines", call: () => lineFigureSvg({ ...labels, lines: [] }), error: PgValidationError, where: "lineFigureSvg", parameter: "lines" },
  { name: "lineFigureSvg: repeated name", call: () => lineFigureSvg({ ...labels, lines: [line, line] }), error: PgValidationError, where: "lineFigureSvg", parameter: "lines[1].name" },
  { name: "lineFigureSvg: y shorter than x", call: () => lineFigureSvg({ ...labels, lines: [{ ...line, y: Float64Array.of(1) }] }), error: PgShapeError, where: "lineFigureSvg", parameter: "lines[0].y" },
  { name: "lineFigureSvg: x a plain array", call: () => lineFigureSvg({ ...labels, lines: [{ ...line, x: [0, 1] as never }] }), error: PgShapeError, where: "lineFigureSvg", parameter: "lines[0].x" },
  { name: "lineFigureSvg: misspelt dashed", call: () => lineFigureSvg({ ...labels, lines: [{ ...line, dash: true } as never] }), error: PgValidationError, where: "lineFigureSvg", parameter: "lines[0].dash" },
  { name: "lineFigureSvg: width 0", call: () => lineFigureSvg({ ...labels, lines: [line], width: 0 }), error: PgValidationError, where: "lineFigureSvg", parameter: "width" },
  { name: "lineFigureSvg: title a number", call: () => lineFigureSvg({ ...labels, title: 1 as never, lines: [line] }), error: PgValidationError, where: "lineFigureSvg", parameter: "title" },
  { name: "writeExpFigures: no networks in the run", call: () => writeExpFigures({ run: empty, out: join(empty, "f") }), error: PgValidationError, where: "writeExpFigures", parameter: "run" },
  { name: "writeExpFigures: misspelt points", call: () => writeExpFigures({ run: empty, out: empty, point: 10 } as never), error: PgValidationError, where: "writeExpFigures", parameter: "options.point" },
  { name: "writeExpFigures: points 1", call: () => writeExpFigures({ run: empty, out: empty, points: 1 }), error: PgValidationError, where: "writeExpFigures", parameter: "points" },
  { name: "writeExpFigures: empty out", call: () => writeExpFigures({ run: empty, out: " " }), error: PgValidationError, where: "writeExpFigures", parameter: "out" },
  { name: "parseExpFigureArguments: unknown flag", call: () => parseExpFigureArguments(["--runs", "a"]), error: PgValidationError, where: "exp figures", parameter: "flag" },
  { name: "parseExpFigureArguments: --points not a number", call: () => parseExpFigureArguments(["--points", "many"]), error: PgValidationError, where: "exp figures", parameter: "--points" },
  { name: "parseExpFigureArguments: not an array", call: () => parseExpFigureArguments("--run a" as never), error: PgValidationError, where: "exp figures", parameter: "argv" },
];

badInputSuite(cases, { describe, it, expect });
