// @pg/experiments alone (with its peer @tensorflow/tfjs and its own dependencies): the registry, and two training
// steps of the heat experiment's physical-gradient method on an 8 × 8 grid, driven the way `pg train` drives them.
import assert from "node:assert/strict";
import { train } from "@pg/core";
import { random } from "@pg/data";
import { EXPERIMENTS, experimentEntry, heatExperiment } from "@pg/experiments";

assert.deepEqual(
  EXPERIMENTS.map((entry) => entry.name),
  ["sin", "poisson", "heat", "wavepacket", "fluid", "exp", "sin-rotated"],
);
assert.equal(experimentEntry("heat").create().name, "heat");
assert.throws(() => experimentEntry("haet"), /Did you mean "heat"\?/);

const heat = heatExperiment({ shape: [8, 8] });
const args = { ...heat.defaults, iterations: 2, batch: 2, backend: undefined, replicas: undefined };
const plan = heat.method("pg-inverse", args);
const errors: number[] = [];
const result = await train({
  network: heat.network(0),
  optimizer: plan.optimizer,
  scheme: plan.scheme,
  physics: heat.physics,
  reduction: plan.reduction ?? heat.reduction,
  ...(heat.outputTransform === undefined ? {} : { outputTransform: heat.outputTransform }),
  nextBatch: heat.batches(args, random(0)),
  iterations: args.iterations,
  callbacks: {
    onStep: (report) => {
      errors.push(heat.xError(report, "pg-inverse"));
    },
  },
});
assert.equal(result.steps, 2);
assert.ok(Number.isFinite(result.lastMetrics?.loss), `loss ${result.lastMetrics?.loss}`);
assert.ok(errors.length === 2 && errors.every(Number.isFinite), `x_err ${errors.join(", ")}`);
console.log("ok @pg/experiments", heat.name, errors.map((e) => e.toFixed(3)).join(" "));
