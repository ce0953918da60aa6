// The example's table of bad inputs: every exported function, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { cumulativeSeconds, iterationsForBudget, parseFigureArguments, wallTimeCurve, writeWallTimeFigure } from "../src/index";

const empty = mkdtempSync(join(tmpdir(), "pg-sin-rotated-validation-"));
const withoutDistance = mkdtempSync(join(tmpdir(), "pg-sin-rotated-validation-"));
writeFileSync(join(withoutDistance, "adam.csv"), "iteration,seconds,x_err\n1,0.1,0.5\n");

const cases: BadInputCase[] = [
  { name: "cumulativeSeconds: a negative time", call: () => cumulativeSeconds([0.1, -0.1]), error: PgValidationError, where: "cumulativeSeconds", parameter: "seconds[1]" },
  { name: "cumulativeSeconds: NaN", call: () => cumulativeSeconds(Float64Array.of(Number.NaN)), error: PgValidationError, where: "cumulativeSeconds", parameter: "seconds[0]" },
  { name: "iterationsForBudget: budget 0", call: () => iterationsForBudget(0, { adam: 0.001 }), error: PgValidationError, where: "iterationsForBudget", parameter: "budget" },
  { name: "iterationsForBudget: a time of 0", call: () => iterationsForBudget(600, { adam: 0 }), error: PgValidationError, where: "iterationsForBudget", parameter: "secondsPerIteration.adam" },
  { name: "iterationsForBudget: times not an object", call: () => iterationsForBudget(600, null as never), error: PgValidationError, where: "iterationsForBudget", parameter: "secondsPerIteration" },
  { name: "wallTimeCurve: no CSV", call: () => wallTimeCurve(empty, "adam"), error: PgValidationError, where: "readMetricsCsv", parameter: "path" },
  { name: "wallTimeCurve: CSV without x_dist", call: () => wallTimeCurve(withoutDistance, "adam"), error: PgValidationError, where: "wallTimeCurve", parameter: "columns of adam.csv" },
  { name: "wallTimeCurve: negative budget", call: () => wallTimeCurve(withoutDistance, "adam", -1), error: PgValidationError, where: "wallTimeCurve", parameter: "budget" },
  { name: "wallTimeCurve: method empty", call: () => wallTimeCurve(withoutDistance, ""), error: PgValidationError, where: "wallTimeCurve", parameter: "method" },
  { name: "writeWallTimeFigure: no CSV in the run", call: () => writeWallTimeFigure({ run: empty, out: empty }), error: PgValidationError, where: "writeWallTimeFigure", parameter: "run" },
  { name: "writeWallTimeFigure: misspelt budget", call: () => writeWallTimeFigure({ run: empty, out: empty, budjet: 600 } as never), error: PgValidationError, where: "writeWallTimeFigure", parameter: "options.budjet" },
  { name: "writeWallTimeFigure: smoothing 0", call: () => writeWallTimeFigure({ run: empty, out: empty, smoothing: 0 }), error: PgValidationError, where: "writeWallTimeFigure", parameter: "smoothing" },
  { name: "writeWallTimeFigure: budget Infinity", call: () => writeWallTimeFigure({ run: empty, out: empty, budget: Infinity }), error: PgValidationError, where: "writeWallTimeFigure", parameter: "budget" },
  { name: "writeWallTimeFigure: run not a string", call: () => writeWallTimeFigure({ run: 1 as never, out: empty }), error: PgValidationError, where: "writeWallTimeFigure", parameter: "run" },
  { name: "parseFigureArguments: unknown flag", call: () => parseFigureArguments(["--runs", "a"]), error: PgValidationError, where: "sin-rotated figure", parameter: "flag" },
  { name: "parseFigureArguments: --plan without a value", call: () => parseFigureArguments(["--plan"]), error: PgValidationError, where: "sin-rotated figure", parameter: "--plan" },
  { name: "parseFigureArguments: repeated --out", call: () => parseFigureArguments(["--out", "a", "--out", "b"]), error: PgValidationError, where: "sin-rotated figure", parameter: "--out" },
  { name: "parseFigureArguments: not an array", call: () => parseFigureArguments("--run a" as never), error: PgValidationError, where: "sin-rotated figure", parameter: "argv" },
];

badInputSuite(cases, { describe, it, expect });
