import * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPERIMENTS, experimentEntry, type RunArguments } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function caught(run: () => unknown): PgValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof PgValidationError) return error;
    throw error;
  }
  throw new Error("expected a PgValidationError, but nothing was thrown");
}

describe("EXPERIMENTS", () => {
  it("lists the paper's five experiments in order, then the published version's two", () => {
    expect(EXPERIMENTS.map((entry) => entry.name)).toEqual(["sin", "poisson", "heat", "wavepacket", "fluid", "exp", "sin-rotated"]);
  });

  it.each(EXPERIMENTS.map((entry) => [entry.name, entry] as const))("%s creates a definition consistent with its entry", (name, entry) => {
    const definition = entry.create();
    // Poisson's definition is named after its grid (poisson-64x64); the others carry the entry's name.
    if (name === "poisson") expect(definition.name).toBe("poisson-64x64");
    else expect(definition.name).toBe(name);
    expect(definition.description).toBe(entry.description);
    expect(definition.knownMethods.length).toBeGreaterThan(0);
    expect(new Set(definition.knownMethods).size).toBe(definition.knownMethods.length);
    for (const method of definition.defaults.methods) expect(definition.knownMethods).toContain(method);
    expect(Object.keys(entry.secondsPerIteration).sort()).toEqual([...definition.knownMethods].sort());
    for (const seconds of Object.values(entry.secondsPerIteration)) expect(seconds).toBeGreaterThan(0);
    expect(Number.isInteger(definition.defaults.iterations) && definition.defaults.iterations > 0).toBe(true);
    expect(Number.isInteger(definition.defaults.batch) && definition.defaults.batch > 0).toBe(true);
    expect(definition.defaults.out).toBe(`runs/${name}`);
    expect(definition.reportIterations.length).toBeGreaterThan(0);
    expect([...definition.reportIterations].sort((a, b) => a - b)).toEqual(definition.reportIterations);
    expect(definition.figures?.logY).toBe(true);
    const args: RunArguments = { ...definition.defaults, backend: undefined, replicas: undefined };
    for (const method of definition.knownMethods) {
      const plan = definition.method(method, args);
      expect(plan.optimizer, `${name} ${method}`).toBeInstanceOf(tf.Optimizer);
      expect(plan.scheme.description.length).toBeGreaterThan(0);
    }
  });

  it.each(EXPERIMENTS.flatMap((entry) => entry.environment.map((variable) => [entry.name, variable.name, variable] as const)))(
    "%s accepts every documented value of %s and refuses others, naming the variable",
    (name, variableName, variable) => {
      const entry = experimentEntry(name);
      expect(variable.description.length).toBeGreaterThan(0);
      // A variable has a fixed list of values or, for a number, a default.
      expect((variable.values?.length ?? 0) > 0 !== (variable.defaultValue !== undefined)).toBe(true);
      for (const value of variable.values ?? [variable.defaultValue!]) expect(() => entry.create({ [variableName]: value })).not.toThrow();
      const error = caught(() => entry.create({ [variableName]: "bogus" }));
      expect(error.parameter).toBe(variableName);
      expect(error.message).toContain(variable.values === undefined ? `${variableName} must be a number` : `${variableName} must be one of`);
      expect(error.message).toContain('received "bogus".');
    },
  );

  it("reads the documented variables into the definitions' settings; the first documented value is the default", () => {
    expect(experimentEntry("poisson").create({ POISSON_GRID: "80x60" }).settings).toMatchObject({ grid: { name: "80x60", shape: [80, 60] } });
    expect(experimentEntry("poisson").create().settings).toMatchObject({ grid: { name: "64x64" } });
    expect(experimentEntry("fluid").create({ FLUID_PRESSURE_SOLVER: "cg" }).settings).toEqual({ pressureSolver: "cg" });
    expect(experimentEntry("fluid").create({}).settings).toEqual({ pressureSolver: "spectral" });
    expect(experimentEntry("wavepacket").create({ WAVEPACKET_INITIALIZATION: "pytorch" }).settings).toMatchObject({ initialization: "pytorch" });
    expect(experimentEntry("wavepacket").create({ WAVEPACKET_INITIALIZATION: undefined }).settings).toMatchObject({ initialization: "glorot" });
    expect(experimentEntry("poisson").environment[0]?.values?.[0]).toBe("64x64");
    expect(experimentEntry("fluid").environment[0]?.values?.[0]).toBe("spectral");
    expect(experimentEntry("wavepacket").environment[0]?.values?.[0]).toBe("glorot");
    const rotated = experimentEntry("sin-rotated");
    expect(rotated.create({ SIN_ROTATED_ILL_CONDITIONING: "32", SIN_ROTATED_ANGLE: "30" }).settings).toMatchObject({ illConditioning: 32, angle: 30 });
    expect(rotated.create().settings).toMatchObject({ illConditioning: 10, angle: 45 });
    expect(rotated.environment.map((variable) => [variable.name, variable.defaultValue])).toEqual([
      ["SIN_ROTATED_ILL_CONDITIONING", "10"],
      ["SIN_ROTATED_ANGLE", "45"],
    ]);
    expect(caught(() => rotated.create({ SIN_ROTATED_ILL_CONDITIONING: "-1" })).message).toBe(
      'sin-rotated: SIN_ROTATED_ILL_CONDITIONING must be a number > 0, e.g. 1, 10 or 32; received "-1".',
    );
  });

  it("ignores variables that belong to other experiments", () => {
    expect(experimentEntry("heat").create({ POISSON_GRID: "bogus", FLUID_PRESSURE_SOLVER: "bogus" }).name).toBe("heat");
  });
});

describe("experimentEntry", () => {
  it("finds every entry by its name", () => {
    for (const entry of EXPERIMENTS) expect(experimentEntry(entry.name)).toBe(entry);
  });

  it("refuses an unknown name, listing the known ones and suggesting the closest", () => {
    const error = caught(() => experimentEntry("haet"));
    expect(error.parameter).toBe("name");
    expect(error.message).toBe(
      'experimentEntry: name must be one of "sin", "poisson", "heat", "wavepacket", "fluid", "exp", "sin-rotated"; received "haet". Did you mean "heat"?',
    );
    expect(caught(() => experimentEntry("wavepackets")).message).toMatch(/Did you mean "wavepacket"\?$/);
    expect(caught(() => experimentEntry("Fluid")).message).toMatch(/Did you mean "fluid"\?$/);
    expect(caught(() => experimentEntry("poisson-64x64")).message).toMatch(/Did you mean "poisson"\?$/);
    expect(caught(() => experimentEntry("wave")).message).toMatch(/Did you mean "wavepacket"\?$/);
    expect(caught(() => experimentEntry("sine")).message).toMatch(/Did you mean "sin"\?$/);
    expect(caught(() => experimentEntry("expo")).message).toMatch(/Did you mean "exp"\?$/);
  });

  it("suggests nothing for a name that is no typo of a known one", () => {
    const error = caught(() => experimentEntry("navier-stokes"));
    expect(error.message).toBe('experimentEntry: name must be one of "sin", "poisson", "heat", "wavepacket", "fluid", "exp", "sin-rotated"; received "navier-stokes".');
    expect(caught(() => experimentEntry("")).message).not.toContain("Did you mean");
  });
});
