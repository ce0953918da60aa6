import { PgValidationError } from "@pg/core";
import { random } from "@pg/data";
import { fluidPhysics, uniformVelocity, type FluidGrid } from "@pg/physics-fluid";
import { describe, expect, it } from "vitest";
import { FLUID_METHODS, fluidBatch, fluidExperiment, fluidPressureSolver, velocityError, type FluidTrainingBatch, type RunArguments } from "../src/index";

const small: FluidGrid = { nx: 16, ny: 16, dx: 2 };

function argsOf(batch: number, seed: number): RunArguments {
  return { iterations: 1, batch, seed, methods: [...FLUID_METHODS], out: "", backend: undefined, replicas: undefined };
}

describe("velocityError", () => {
  it("is 0 for the truth itself when it is divergence-free, and |c| for a constant offset c", () => {
    const truth = uniformVelocity(Float64Array.of(1.5, -2, 0.25, 3), small, 2);
    expect(velocityError(truth, truth, small, 2)).toBe(0);
    const shifted = truth.map((v, k) => v + (k % 2 === 0 ? 3 : 4));
    expect(velocityError(shifted, truth, small, 2)).toBeCloseTo(5, 12);
  });
});

describe("fluidExperiment", () => {
  it("feeds [m₀, m_t* = P(v₀*)] per cell, with fluidBatch's data drawn from the given stream", () => {
    const experiment = fluidExperiment({ grid: small });
    const next = experiment.batches(argsOf(2, 5), random(5));
    const first = next(1) as FluidTrainingBatch;
    const second = next(2) as FluidTrainingBatch;
    const stream = random(5);
    const data = fluidBatch(stream, { batch: 2, grid: small });
    const following = fluidBatch(stream, { batch: 2, grid: small });
    expect(Array.from(first.velocityTarget)).toEqual(Array.from(data.velocity));
    expect(Array.from(second.velocityTarget)).toEqual(Array.from(following.velocity));
    const markerTarget = fluidPhysics(data.marker, 2, { grid: small, pressureSolver: "spectral" }).forward(data.velocity, 2);
    expect(Array.from(first.yTarget)).toEqual(Array.from(markerTarget));
    expect(first.inputShape).toEqual([16, 16, 2]);
    for (const k of [0, 17, 300, 511]) {
      expect(first.input[2 * k]).toBe(data.marker[k]);
      expect(first.input[2 * k + 1]).toBe(markerTarget[k]);
    }
    // Every batch carries its own physics: P depends on m₀.
    expect(experiment.physics).toBeUndefined();
    expect(first.physics).not.toBe(second.physics);
  });

  it("configures the paper's Fig. 6: batch 64, mean reduction, window 64, Adam 0.005, spectral pressure by default", () => {
    const experiment = fluidExperiment();
    expect(experiment.name).toBe("fluid");
    expect(experiment.settings).toEqual({ pressureSolver: "spectral" });
    expect(experiment.defaults).toMatchObject({ iterations: 20000, batch: 64, methods: ["adam", "pg-inverse"] });
    expect(experiment.reduction).toBe("mean");
    expect(experiment.averageWindow).toBe(64);
    expect(experiment.reportIterations).toEqual([10, 50, 100, 200, 350, 500, 1000, 5000, 20000]);
    expect(experiment.figures).toEqual({
      labels: { x_err: "x_err = velocity MAE per cell (batch mean)", loss: "loss = frequency loss of m(2) − m_t* (batch mean)" },
      smoothing: 64,
      logY: true,
    });
    const args = argsOf(2, 0);
    expect(experiment.method("adam", args).scheme.description).toBe("backprop");
    expect(experiment.method("pg-inverse", args).scheme.description).toMatch(/^physical\(/);
    expect(experiment.method("adam", args).optimizer.getConfig()).toMatchObject({ learningRate: 0.005 });
    expect(() => experiment.method("sgd", args)).toThrow('fluid: method must be one of adam, pg-inverse; received "sgd".');
  });

  it("names other grids after their size and records the pressure solve", () => {
    const experiment = fluidExperiment({ grid: small, pressureSolver: "cg" });
    expect(experiment.name).toBe("fluid-16x16");
    expect(experiment.settings).toEqual({ pressureSolver: "cg" });
    expect(experiment.pressureSolver).toBe("cg");
  });

  it("measures x_err with velocityError against the batch's v₀*", () => {
    const experiment = fluidExperiment({ grid: small });
    const batch = experiment.batches(argsOf(2, 1), random(1))(1) as FluidTrainingBatch;
    const x = new Float64Array(batch.velocityTarget.length);
    const error = experiment.xError({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x }, "adam");
    expect(error).toBe(velocityError(x, batch.velocityTarget, small, 2));
    expect(error).toBeGreaterThan(0);
  });
});

describe("fluidPressureSolver", () => {
  it("reads spectral by default and cg when asked", () => {
    expect(fluidPressureSolver(undefined)).toBe("spectral");
    expect(fluidPressureSolver("")).toBe("spectral");
    expect(fluidPressureSolver("cg")).toBe("cg");
  });

  it("refuses an unknown solver, naming the variable", () => {
    expect(() => fluidPressureSolver("multigrid")).toThrow(PgValidationError);
    expect(() => fluidPressureSolver("multigrid")).toThrow('fluid: FLUID_PRESSURE_SOLVER must be one of cg, spectral; received "multigrid".');
  });
});
