import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  PgNonFiniteError,
  PgValidationError,
  backprop,
  clipByValue,
  computeNetworkGradients,
  physical,
  physicsOp,
  scheme,
  supervised,
  train,
  trainStep,
  type Batch,
  type GradientEngine,
  type InverseSolver,
  type StepReport,
} from "../src/index";
import { sinOfLinear } from "./sin_of_linear";
import { relativeDifference } from "../src/testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function network(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, activation: "tanh", inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

function batchOf(size: number, offset = 0): Batch {
  const input = Float64Array.from({ length: size * 2 }, (_, i) => Math.sin(1.7 * i + offset));
  const yTarget = Float64Array.from({ length: size * 2 }, (_, i) => 0.5 * Math.cos(0.9 * i + offset));
  return { input, inputShape: [2], yTarget };
}

/** A solver that proposes a fixed point, so the PG vector is known in closed form. */
function constantSolver(value: number): InverseSolver {
  return {
    name: "constant",
    solve: ({ x, batch }) => ({ x: new Float64Array(x.length).fill(value), reasons: new Array(batch).fill("exact"), iterations: new Int32Array(batch).fill(1) }),
  };
}

describe("schemes", () => {
  it("physical() hands the network x − x̃ and supervised() hands it x − label", () => {
    const physics = sinOfLinear();
    const model = network(1);
    const data = batchOf(4);
    const labels = new Float64Array(12).fill(0.25);
    const pg = computeNetworkGradients({ network: model, scheme: scheme(physical({ solver: constantSolver(0.25) })), physics, batch: data, step: 1 });
    const sv = computeNetworkGradients({ network: model, scheme: scheme(supervised()), physics, batch: { ...data, labels }, step: 1 });
    for (const name of Object.keys(pg.grads)) {
      const a = pg.grads[name]!.dataSync();
      const b = sv.grads[name]!.dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(a.some((v) => v !== 0)).toBe(true);
    }
    expect(pg.metrics.reasons).toEqual({ exact: 4 });
    expect(pg.metrics.proxyLoss).toBeCloseTo(pg.x.reduce((s, v) => s + 0.5 * (v - 0.25) ** 2, 0) / 4, 10);
  });

  it("clipByValue clips every entry of the x-space gradient", () => {
    const clip = clipByValue({ limit: 1 });
    const [out] = clip.update(Float64Array.of(-3, -0.5, 0, 0.5, 3), undefined, {} as never);
    expect(Array.from(out)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(() => clipByValue({ limit: 0 })).toThrow(/clipByValue: limit must be a finite number > 0; received 0\./);
  });

  it("supervised() without labels names the missing labels", () => {
    const physics = sinOfLinear();
    expect(() => computeNetworkGradients({ network: network(1), scheme: scheme(supervised()), physics, batch: batchOf(2), step: 3 })).toThrow(
      /supervised: batch labels must be a Float64Array of length 6/,
    );
  });

  it("sum and mean reductions differ by the batch size", () => {
    const physics = sinOfLinear();
    const model = network(2);
    const data = batchOf(5);
    const mean = computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics, batch: data, step: 1, reduction: "mean" });
    const sum = computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics, batch: data, step: 1, reduction: "sum" });
    for (const name of Object.keys(mean.grads)) {
      const m = mean.grads[name]!.dataSync();
      const s = sum.grads[name]!.dataSync();
      m.forEach((v, i) => expect(v * 5).toBeCloseTo(s[i]!, 5));
    }
  });
});

describe("trainStep", () => {
  it("lowers the objective over a few Adam steps on a fixed batch", () => {
    const physics = sinOfLinear();
    const model = network(3);
    const optimizer = tf.train.adam(0.05);
    const data = batchOf(8);
    const losses: number[] = [];
    for (let step = 1; step <= 30; step++) losses.push(trainStep({ network: model, optimizer, scheme: scheme(backprop()), physics, batch: data, step }).metrics.loss);
    expect(losses[29]!).toBeLessThan(0.5 * losses[0]!);
  });

  it("stops with the step number when the solver proposes NaN, without updating the network", () => {
    const physics = sinOfLinear();
    const model = network(4);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const bad = scheme(physical({ solver: constantSolver(Number.NaN) }));
    let error: unknown;
    try {
      trainStep({ network: model, optimizer: tf.train.adam(0.1), scheme: bad, physics, batch: batchOf(2), step: 17 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PgNonFiniteError);
    expect((error as PgNonFiniteError).step).toBe(17);
    expect((error as Error).message).toMatch(/x-space gradient is NaN at step 17 \(first non-finite entry at index 0\); scheme "physical\(constant\)"; the solver proposal x̃ is NaN there/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });

  it("rejects a non-finite input and a target of the wrong length", () => {
    const physics = sinOfLinear();
    const data = batchOf(2);
    const input = Float64Array.from(data.input);
    input[3] = Number.POSITIVE_INFINITY;
    const common = { network: network(5), optimizer: tf.train.sgd(0.1), scheme: scheme(backprop()), physics, step: 1 };
    expect(() => trainStep({ ...common, batch: { ...data, input } })).toThrow(/input is Infinity at step 1 \(first non-finite entry at index 3\)/);
    expect(() => trainStep({ ...common, batch: { ...data, yTarget: new Float64Array(3) } })).toThrow(
      /trainStep: batch.yTarget must have length batch × 2 = 4 \(batch = 2\); received Float64Array\(3\)/,
    );
    expect(() => trainStep({ ...common, batch: { ...data, input: new Float64Array(0) } })).toThrow(/batch.input must have a positive multiple of 2 entries/);
  });
});

describe("trainStep with an engine", () => {
  it("an engine that passes trainStep's options on is not checked a second time; changed options are checked", () => {
    let shapeReads = 0;
    const base = sinOfLinear();
    const physics = Object.defineProperty({ ...base }, "yShape", { get: () => (shapeReads++, base.yShape) }) as typeof base;
    const common = { optimizer: tf.train.sgd(0.1), scheme: scheme(backprop()), physics, batch: batchOf(4), step: 1 };
    const alone = trainStep({ ...common, network: network(6) });
    const readsAlone = shapeReads;
    shapeReads = 0;
    const passOn: GradientEngine = { computeNetworkGradients: (options) => computeNetworkGradients(options) };
    const viaEngine = trainStep({ ...common, network: network(6), engine: passOn });
    expect(viaEngine.metrics.loss).toBe(alone.metrics.loss);
    expect(shapeReads).toBe(readsAlone);
    // a called computeNetworkGradients checks again, and so does an engine that hands on other options
    shapeReads = 0;
    computeNetworkGradients({ ...common, network: network(6) });
    expect(shapeReads).toBeGreaterThan(0);
    const changed: GradientEngine = { computeNetworkGradients: (options) => computeNetworkGradients({ ...options, step: 0 }) };
    expect(() => trainStep({ ...common, network: network(6), engine: changed })).toThrow(/computeNetworkGradients: step must be a positive integer/);
  });
});

describe("train", () => {
  it("reports every step, then onEnd, and refuses iterations ≤ 0", async () => {
    const physics = sinOfLinear();
    const reports: StepReport[] = [];
    let ended: { steps: number; error?: unknown } | undefined;
    const result = await train({
      network: network(6),
      optimizer: tf.train.adam(0.01),
      scheme: scheme(backprop()),
      physics,
      nextBatch: (step) => batchOf(4, step),
      iterations: 5,
      callbacks: { onStep: (r) => void reports.push(r), onEnd: (o) => void (ended = o) },
    });
    expect(result.steps).toBe(5);
    expect(reports.map((r) => r.metrics.step)).toEqual([1, 2, 3, 4, 5]);
    expect(reports.every((r) => r.seconds >= 0 && Number.isFinite(r.metrics.loss))).toBe(true);
    expect(ended).toEqual({ steps: 5 });
    await expect(train({ network: network(6), optimizer: tf.train.adam(0.01), scheme: scheme(backprop()), physics, nextBatch: () => batchOf(1), iterations: 0 })).rejects.toThrow(
      PgValidationError,
    );
  });

  it("on a non-finite loss calls onEnd with the steps done, then throws naming the step", async () => {
    const physics = sinOfLinear();
    const explode = { ...physics, forward: (x: Float64Array, b: number) => (x.length > 0 ? physics.forward(x, b).map(() => Number.NaN) : physics.forward(x, b)) };
    let calls = 0;
    const flaky = { ...physics, name: "flaky", forward: (x: Float64Array, b: number) => (++calls > 3 ? explode.forward(x, b) : physics.forward(x, b)) };
    let ended: { steps: number; error?: unknown } | undefined;
    await expect(
      train({
        network: network(7),
        optimizer: tf.train.adam(0.01),
        scheme: scheme(backprop()),
        physics: flaky,
        nextBatch: (step) => batchOf(2, step),
        iterations: 10,
        callbacks: { onEnd: (o) => void (ended = o) },
      }),
    ).rejects.toThrow(/at step 4/);
    expect(ended?.steps).toBe(3);
    expect(ended?.error).toBeInstanceOf(PgNonFiniteError);
  });
});

describe("train: continuing and stopping", () => {
  it("continues from firstStep with the scheme state given: the same weights as one uninterrupted run", async () => {
    const physics = sinOfLinear();
    const s = scheme(backprop(), clipByValue({ limit: 0.05 }));
    const uninterrupted = network(11);
    await train({ network: uninterrupted, optimizer: tf.train.sgd(0.1), scheme: s, physics, nextBatch: (step) => batchOf(4, step), iterations: 6 });
    const split = network(11);
    const reports: StepReport[] = [];
    const first = await train({ network: split, optimizer: tf.train.sgd(0.1), scheme: s, physics, nextBatch: (step) => batchOf(4, step), iterations: 3, callbacks: { onStep: (r) => void reports.push(r) } });
    expect(first).toMatchObject({ steps: 3, interrupted: false });
    const steps: number[] = [];
    const second = await train({
      network: split,
      optimizer: tf.train.sgd(0.1),
      scheme: s,
      physics,
      nextBatch: (step) => batchOf(4, step),
      iterations: 6,
      firstStep: 4,
      initialState: reports[2]!.state,
      callbacks: { onStep: (r) => void steps.push(r.metrics.step) },
    });
    expect(steps).toEqual([4, 5, 6]);
    expect(second.steps).toBe(6);
    const a = uninterrupted.getWeights().map((w) => Array.from(w.dataSync()));
    const b = split.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
  });

  it("stops after the step in flight once the signal is aborted, and says so", async () => {
    const physics = sinOfLinear();
    const controller = new AbortController();
    let ended: { steps: number; interrupted?: boolean } | undefined;
    const result = await train({
      network: network(12),
      optimizer: tf.train.sgd(0.1),
      scheme: scheme(backprop()),
      physics,
      nextBatch: (step) => batchOf(2, step),
      iterations: 10,
      signal: controller.signal,
      callbacks: { onStep: (r) => void (r.metrics.step === 3 && controller.abort()), onEnd: (o) => void (ended = o) },
    });
    expect(result).toMatchObject({ steps: 3, interrupted: true });
    expect(ended).toEqual({ steps: 3, interrupted: true });
  });

  it("lets a timer abort between steps (each step ends with a turn of the event loop)", async () => {
    const physics = sinOfLinear();
    const controller = new AbortController();
    let steps = 0;
    const slowBatch = (step: number) => {
      const until = performance.now() + 5;
      while (performance.now() < until); // a step that takes 5 ms of synchronous work
      return batchOf(2, step);
    };
    setTimeout(() => controller.abort(), 20);
    const result = await train({ network: network(14), optimizer: tf.train.sgd(0.1), scheme: scheme(backprop()), physics, nextBatch: slowBatch, iterations: 1000, signal: controller.signal, callbacks: { onStep: () => void steps++ } });
    expect(result.interrupted).toBe(true);
    expect(steps).toBeLessThan(1000);
  });

  it("refuses a firstStep beyond iterations + 1", async () => {
    const run = train({ network: network(13), optimizer: tf.train.sgd(0.1), scheme: scheme(backprop()), physics: sinOfLinear(), nextBatch: () => batchOf(1), iterations: 3, firstStep: 5 });
    await expect(run).rejects.toThrow(/train: firstStep must be an integer in \[1, iterations \+ 1 = 4\]/);
  });
});

describe("outputTransform", () => {
  it("trains through a transform of the whole batch: the scheme sees the transformed x, the network its pull-back", () => {
    const physics = sinOfLinear();
    const model = network(9);
    const data = batchOf(4);
    // Shift every example to zero mean: a linear, per-example transform with Jacobian I − 11ᵀ/n.
    const centre = (x: tf.Tensor) => tf.sub(x, tf.mean(x, 1, true));
    const withTransform = computeNetworkGradients({ network: model, scheme: scheme(backprop()), physics, batch: data, step: 1, outputTransform: centre });
    for (let b = 0; b < 4; b++) expect(Math.abs(withTransform.x[3 * b]! + withTransform.x[3 * b + 1]! + withTransform.x[3 * b + 2]!)).toBeLessThan(1e-6);
    // Reference: the same loss written end to end in tfjs through the bridge.
    const P = physicsOp(physics);
    const input = tf.tensor2d(Float32Array.from(data.input), [4, 2]);
    const target = tf.tensor2d(Float32Array.from(data.yTarget), [4, 2]);
    const reference = tf.variableGrads(
      () => tf.mul(tf.sum(tf.square(tf.sub(P(centre(model.apply(input) as tf.Tensor)), target))), 0.5 / 4) as tf.Scalar,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    ).grads;
    for (const name of Object.keys(reference)) {
      expect(relativeDifference(withTransform.grads[name]!.dataSync(), reference[name]!.dataSync())).toBeLessThan(1e-5);
    }
  });
});

describe("batchMeanL1", () => {
  it("sums |a − b| over each example and averages over the batch", async () => {
    const { batchMeanL1 } = await import("../src/index");
    expect(batchMeanL1(Float64Array.of(1, -2, 3, 4), Float64Array.of(0, 0, 3, 3), 2)).toBe(2);
    expect(batchMeanL1(Float64Array.of(1, 1), Float64Array.of(1, 1), 1)).toBe(0);
  });
});
