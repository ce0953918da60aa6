// The example's table of bad inputs: every entry point of the Table 1 script, called as a user might get it wrong,
// must throw the right error class with a message that starts with the function and names the parameter. New entry
// points add their rows here.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { fluidExperiment } from "@pg/experiments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureTable1, readFluidRun, writeTable1, type MeasureTable1Options } from "../src/table1";
import { parseTable1Arguments, runTable1Command } from "../src/table1_command";
import { table1Fixture } from "./table1_fixture";

const grid = { nx: 16, ny: 16, dx: 2 };
const definition = fluidExperiment({ grid });
let network: tf.LayersModel;
beforeAll(async () => {
  await tf.setBackend("cpu");
  network = definition.network(0);
});
afterAll(() => network?.dispose());

/** A directory with a run.json of `experiment` and, optionally, a summary.json naming a saved pg-inverse network and its CSV. */
function fakeRun(experiment: string, withSummary: boolean): string {
  const directory = mkdtempSync(join(tmpdir(), "pg-fluid-table1-bad-"));
  writeFileSync(join(directory, "run.json"), JSON.stringify({ format: "pg-run/1", experiment: { name: experiment, source: "built-in", environment: {} }, backend: "cpu" }));
  if (withSummary) {
    writeFileSync(join(directory, "summary.json"), JSON.stringify({ methods: { "pg-inverse": { iterations: 1, network: "networks/pg-inverse" } } }));
    writeFileSync(join(directory, "pg-inverse.csv"), "iteration,seconds,loss,x_err,proxy_loss\n1,2.5,100,10,1\n");
  }
  return directory;
}

const measure = (overrides: Record<string, unknown>) => () => measureTable1({ definition, network, batch: 2, repeats: 1, ...overrides } as unknown as MeasureTable1Options);
const validation = (name: string, call: () => unknown, where: string, parameter: string): BadInputCase => ({ name, call, error: PgValidationError, where, parameter });

const cases: BadInputCase[] = [
  validation("measureTable1: no options", () => measureTable1(undefined as unknown as MeasureTable1Options), "measureTable1", "options"),
  validation("measureTable1: misspelt estimatorCap", measure({ estimatorcap: 3 }), "measureTable1", "options.estimatorcap"),
  validation("measureTable1: a definition that is not a fluid experiment", measure({ definition: { name: "heat" } }), "measureTable1", "options.definition"),
  validation("measureTable1: a network that is not a LayersModel", measure({ network: {} }), "measureTable1", "options.network"),
  validation("measureTable1: method not a string", measure({ method: 3 }), "measureTable1", "options.method"),
  validation("measureTable1: batch 0", measure({ batch: 0 }), "measureTable1", "options.batch"),
  validation("measureTable1: seed −1", measure({ seed: -1 }), "measureTable1", "options.seed"),
  validation("measureTable1: estimatorCap 1.5", measure({ estimatorCap: 1.5 }), "measureTable1", "options.estimatorCap"),
  validation("measureTable1: gradientDescentCap 0", measure({ gradientDescentCap: 0 }), "measureTable1", "options.gradientDescentCap"),
  validation("measureTable1: repeats NaN", measure({ repeats: Number.NaN }), "measureTable1", "options.repeats"),
  validation("measureTable1: target −1", measure({ target: -1 }), "measureTable1", "options.target"),
  validation("measureTable1: target Infinity", measure({ target: Number.POSITIVE_INFINITY }), "measureTable1", "options.target"),
  validation("measureTable1: training without seconds", measure({ training: { iterations: 3 } }), "measureTable1", "options.training"),
  validation("measureTable1: backend not a string", measure({ backend: 1 }), "measureTable1", "options.backend"),
  validation("measureTable1: progress not a function", measure({ progress: "stderr" }), "measureTable1", "options.progress"),
  validation("readFluidRun: misspelt method", () => readFluidRun(fakeRun("fluid", true), { methd: "adam" } as never), "readFluidRun", "options.methd"),
  validation("readFluidRun: a directory without run.json", () => readFluidRun(join(tmpdir(), "pg-no-such-run")), "readFluidRun", "run directory"),
  validation("readFluidRun: a run of another experiment", () => readFluidRun(fakeRun("heat", true)), "readFluidRun", "run.json experiment"),
  validation("readFluidRun: a definition that is not a fluid experiment", () => readFluidRun(fakeRun("fluid", true), { definition: {} as never }), "readFluidRun", "options.definition"),
  validation("readFluidRun: a definition of another grid than the run's", () => readFluidRun(fakeRun("fluid", true), { definition }), "readFluidRun", "options.definition"),
  validation("readFluidRun: a run without summary.json", () => readFluidRun(fakeRun("fluid", false)), "readFluidRun", "run directory"),
  validation("readFluidRun: a method without a saved network", () => readFluidRun(fakeRun("fluid", true), { method: "adam" }), "readFluidRun", "options.method"),
  validation("readFluidRun: method not a string", () => readFluidRun(fakeRun("fluid", true), { method: 1 as never }), "readFluidRun", "options.method"),
  validation("parseTable1Arguments: argv not an array", () => parseTable1Arguments("run" as never), "table1", "argv"),
  validation("parseTable1Arguments: misspelt --gd-cap", () => parseTable1Arguments(["run", "--gd-cpa", "3"]), "table1", "flag"),
  validation("parseTable1Arguments: --batch without its value", () => parseTable1Arguments(["run", "--batch"]), "table1", "--batch"),
  validation("parseTable1Arguments: --batch followed by a flag", () => parseTable1Arguments(["run", "--batch", "--seed", "1"]), "table1", "--batch"),
  validation("parseTable1Arguments: --gd-cap 0", () => parseTable1Arguments(["run", "--gd-cap", "0"]), "table1", "--gd-cap"),
  validation("parseTable1Arguments: --estimator-cap 2.5", () => parseTable1Arguments(["run", "--estimator-cap", "2.5"]), "table1", "--estimator-cap"),
  validation("parseTable1Arguments: --repeats empty", () => parseTable1Arguments(["run", "--repeats="]), "table1", "--repeats"),
  validation("parseTable1Arguments: --seed −1", () => parseTable1Arguments(["run", "--seed", "-1"]), "table1", "--seed"),
  validation("parseTable1Arguments: --batch not a number", () => parseTable1Arguments(["run", "--batch", "many"]), "table1", "--batch"),
  validation("parseTable1Arguments: no run directory", () => parseTable1Arguments([]), "table1", "<run-dir>"),
  validation("parseTable1Arguments: two run directories", () => parseTable1Arguments(["a", "b"]), "table1", "<run-dir>"),
  validation("runTable1Command: a stream without write", () => runTable1Command(["--help"], { out: {} as never, err: process.stderr }), "table1", "streams.out"),
  validation("writeTable1: an empty directory", () => writeTable1(table1Fixture(), " "), "writeTable1", "directory"),
];

badInputSuite(cases, { describe, it, expect });

describe("the fake runs above are valid apart from the one thing each row breaks", () => {
  it("a fluid run.json with a summary.json gets as far as loading the network", async () => {
    const directory = fakeRun("fluid", true);
    mkdirSync(join(directory, "networks", "pg-inverse"), { recursive: true });
    await expect(readFluidRun(directory)).rejects.toThrow(/^loadNetwork:/);
  });
});
