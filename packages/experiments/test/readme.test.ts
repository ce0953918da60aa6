// The README's user-defined experiment must stay a module that `pg train ./my-experiment.ts` can run: it is written
// to a file beside this test (so that its imports resolve as in a project), imported, and exercised.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { random, uniformSampler } from "@pg/data";
import type { SinPhysics } from "@pg/physics-toys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition, RunArguments } from "../src/index";

const directory = mkdtempSync(join(__dirname, ".readme-"));

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The first ```ts block after the heading "### A user-defined experiment". */
function userExperimentSource(): string {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### A user-defined experiment"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error("README.md: no ```ts block after “### A user-defined experiment”");
  return match[1] as string;
}

describe("README: a user-defined experiment", () => {
  it("is a module whose default export is a working definition that draws only from the given stream", async () => {
    const file = join(directory, "my_experiment.ts");
    writeFileSync(file, userExperimentSource());
    const module = (await import(pathToFileURL(file).href)) as { default: ExperimentDefinition<SinPhysics> };
    const definition = module.default;
    expect(definition.name).toBe("my-sin");
    expect(definition.knownMethods).toEqual(["adam", "pg"]);
    for (const method of definition.defaults.methods) expect(definition.knownMethods).toContain(method);

    const args: RunArguments = { ...definition.defaults, batch: 8, backend: undefined, replicas: undefined };
    const batch = definition.batches(args, random(4))(1);
    expect(Array.from(batch.input)).toEqual(Array.from(uniformSampler({ low: 0.1, high: 10.1 }).sample(random(4), 8)));

    const network = definition.network(0);
    const x = (network.predict(tf.tensor2d(Array.from(batch.input), [8, 1])) as tf.Tensor).dataSync();
    expect(x).toHaveLength(8);
    network.dispose();

    expect(definition.method("pg", args).scheme.description).toBe("physical(closestMinimum)");
    expect(definition.method("adam", args).scheme.description).toBe("backprop → clipByValue(1)");
    // x_err is 0 on an exact solution and positive off it.
    const exact = batch.physics!.closestMinimum(new Float64Array(8).fill(1));
    const report = (values: Float64Array) => ({ metrics: { step: 1, loss: 0, proxyLoss: 0 }, seconds: 0, state: [], batch, x: values });
    expect(definition.xError(report(exact), "pg")).toBeLessThan(1e-12);
    expect(definition.xError(report(exact.map((v) => v + 0.01)), "pg")).toBeGreaterThan(0);
  });
});
