// The package's table of bad inputs: every public entry point of @pg/backend, called as a new user might get it wrong,
// must throw (or reject with) the right error class with a message that starts with the function and names the
// parameter. New entry points add their rows here. (selfTestTrainingKernels and describeTrainingKernels take no argument: they have no row.)
import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, backprop, scheme, type Physics } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { mlp } from "@pg/nets";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { dataParallel, defaultReplicas, initBackend, measureFreeCores, registerTrainingKernels } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
// A row that got past validation could leave another backend active.
afterEach(async () => {
  await tf.setBackend("cpu");
});

const network = mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 0 });
const valid = { network, inputShape: [1], outputShape: [1], maxBatch: 4, replicas: 1, backend: "cpu" } as const;
const identity: Physics = { name: "identity", xShape: [1], yShape: [1], forward: (x) => Float64Array.from(x), adjoint: (_x, dy) => Float64Array.from(dy) };

/** Runs `call` with PG_BACKEND set to `value`, then puts the variable back as it was. */
async function withBackendVariable(value: string, call: () => Promise<unknown>): Promise<unknown> {
  const previous = process.env.PG_BACKEND;
  process.env.PG_BACKEND = value;
  try {
    return await call();
  } finally {
    if (previous === undefined) delete process.env.PG_BACKEND;
    else process.env.PG_BACKEND = previous;
  }
}

const cases: BadInputCase[] = [
  // initBackend
  { name: "initBackend: misspelt backend key", call: () => initBackend({ backnd: "cpu" } as never), error: PgValidationError, where: "initBackend", parameter: "options.backnd" },
  { name: "initBackend: misspelt backend name", call: () => initBackend({ backend: "wsam" as never }), error: PgValidationError, where: "initBackend", parameter: "backend" },
  { name: "initBackend: an empty order", call: () => initBackend({ backend: [] }), error: PgValidationError, where: "initBackend", parameter: "backend" },
  { name: "initBackend: an unknown name in the order", call: () => initBackend({ backend: ["wasm", "gpu" as never] }), error: PgValidationError, where: "initBackend", parameter: "backend" },
  { name: "initBackend: prepare not a function", call: () => initBackend({ backend: "cpu", prepare: "selfTest" as never }), error: PgValidationError, where: "initBackend", parameter: "options.prepare" },
  { name: "initBackend: log true", call: () => initBackend({ backend: "cpu", log: true as never }), error: PgValidationError, where: "initBackend", parameter: "options.log" },
  { name: "initBackend: wasmPaths a number", call: () => initBackend({ backend: "cpu", wasmPaths: 5 as never }), error: PgValidationError, where: "initBackend", parameter: "options.wasmPaths" },
  { name: "initBackend: options a string", call: () => initBackend("cpu" as never), error: PgValidationError, where: "initBackend", parameter: "options" },
  { name: "initBackend: PG_BACKEND misspelt", call: () => withBackendVariable("wsam", () => initBackend()), error: PgValidationError, where: "initBackend", parameter: "PG_BACKEND" },
  // dataParallel
  { name: "dataParallel: misspelt maxBatch", call: () => dataParallel({ ...valid, maxbatch: 4 } as never), error: PgValidationError, where: "dataParallel", parameter: "options.maxbatch" },
  { name: "dataParallel: options missing", call: () => dataParallel(undefined as never), error: PgValidationError, where: "dataParallel", parameter: "options" },
  { name: "dataParallel: a network not built by @pg/nets", call: () => dataParallel({ ...valid, network: tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] }) }), error: PgValidationError, where: "dataParallel", parameter: "network" },
  { name: "dataParallel: inputShape that does not fit the network", call: () => dataParallel({ ...valid, inputShape: [2] }), error: PgShapeError, where: "dataParallel", parameter: "inputShape" },
  { name: "dataParallel: inputShape with a 0", call: () => dataParallel({ ...valid, inputShape: [0] }), error: PgValidationError, where: "dataParallel", parameter: "inputShape" },
  { name: "dataParallel: outputShape missing", call: () => dataParallel({ ...valid, outputShape: undefined } as never), error: PgValidationError, where: "dataParallel", parameter: "outputShape" },
  { name: "dataParallel: maxBatch 0", call: () => dataParallel({ ...valid, maxBatch: 0 }), error: PgValidationError, where: "dataParallel", parameter: "maxBatch" },
  { name: "dataParallel: more replicas than maxBatch", call: () => dataParallel({ ...valid, maxBatch: 2, replicas: 3 }), error: PgValidationError, where: "dataParallel", parameter: "replicas" },
  { name: "dataParallel: fractional replicas", call: () => dataParallel({ ...valid, replicas: 1.5 }), error: PgValidationError, where: "dataParallel", parameter: "replicas" },
  { name: "dataParallel: misspelt backend", call: () => dataParallel({ ...valid, backend: "wsam" as never }), error: PgValidationError, where: "dataParallel", parameter: "backend" },
  {
    name: "dataParallel.computeNetworkGradients: another network",
    call: async () => {
      const engine = await dataParallel(valid);
      try {
        const other = mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 1 });
        const batch = { input: Float64Array.of(1), inputShape: [1], yTarget: Float64Array.of(1) };
        return engine.computeNetworkGradients({ network: other, scheme: scheme(backprop()), physics: identity, batch, step: 1 });
      } finally {
        await engine.dispose();
      }
    },
    error: PgValidationError,
    where: "dataParallel.computeNetworkGradients",
    parameter: "network",
  },
  // defaultReplicas, measureFreeCores
  { name: "defaultReplicas: NaN free cores", call: () => defaultReplicas(2e6, 32, Number.NaN), error: PgValidationError, where: "defaultReplicas", parameter: "freeCores" },
  { name: "defaultReplicas: batch 0", call: () => defaultReplicas(2e6, 0, 8), error: PgValidationError, where: "defaultReplicas", parameter: "batch" },
  { name: "defaultReplicas: negative parameter count", call: () => defaultReplicas(-1, 32, 8), error: PgValidationError, where: "defaultReplicas", parameter: "parameters" },
  { name: "measureFreeCores: NaN window", call: () => measureFreeCores(Number.NaN), error: PgValidationError, where: "measureFreeCores", parameter: "windowMilliseconds" },
  { name: "measureFreeCores: negative window", call: () => measureFreeCores(-5), error: PgValidationError, where: "measureFreeCores", parameter: "windowMilliseconds" },
  // registerTrainingKernels
  { name: "registerTrainingKernels: a backend other than wasm", call: () => registerTrainingKernels("webgl" as never), error: PgValidationError, where: "registerTrainingKernels", parameter: "backendName" },
];

badInputSuite(cases, { describe, it, expect });

describe("what the table refuses is only what is wrong", () => {
  it("suggests the closest backend and option", async () => {
    await expect(initBackend({ backend: "wsam" as never })).rejects.toThrow('Did you mean "wasm"?');
    await expect(initBackend({ backnd: "cpu" } as never)).rejects.toThrow('Did you mean "backend"?');
    await expect(dataParallel({ ...valid, maxbatch: 4 } as never)).rejects.toThrow('Did you mean "maxBatch"?');
  });

  it("accepts every documented option", async () => {
    const selection = await initBackend({ backend: ["cpu"], prepare: () => undefined, log: false, wasmPaths: "/wasm/" });
    expect(selection.name).toBe("cpu");
    const engine = await dataParallel(valid);
    expect(engine.replicas).toBe(1);
    await engine.dispose();
    expect(defaultReplicas(2e6, 32, -1)).toBe(1);
    expect(await measureFreeCores(0)).toBeGreaterThanOrEqual(0);
  });
});
