import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { PgShapeError, physicsOp, tensorToFloat64, type Physics } from "../src/index";
import { sinOfLinear } from "./sin_of_linear";
import { checkAdjoint, checkFiniteDifferences, relativeDifference } from "../src/testing";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("checkAdjoint and checkFiniteDifferences", () => {
  it("accept a correct adjoint", () => {
    const physics = sinOfLinear();
    expect(checkAdjoint(physics, { batch: 4 }).relativeError).toBeLessThan(1e-8);
    expect(checkFiniteDifferences(physics, { batch: 4 }).relativeError).toBeLessThan(1e-7);
  });

  it("reject an adjoint that is off by a factor", () => {
    const good = sinOfLinear();
    const wrong: Physics = { ...good, adjoint: (x, dy, b) => good.adjoint(x, dy, b).map((v) => 1.01 * v) };
    expect(checkAdjoint(wrong, { batch: 4 }).relativeError).toBeGreaterThan(1e-3);
    expect(checkFiniteDifferences(wrong, { batch: 4 }).relativeError).toBeGreaterThan(1e-3);
  });
});

describe("physicsOp", () => {
  it("forwards in Float64 and rounds once to float32", () => {
    const physics = sinOfLinear();
    const x64 = Float64Array.of(0.1, 0.2, 0.3, -1, 0.5, 2);
    const y = physicsOp(physics)(tf.tensor2d(Float32Array.from(x64), [2, 3]));
    expect(y.shape).toEqual([2, 2]);
    const reference = physics.forward(Float64Array.from(Float32Array.from(x64)), 2);
    expect(relativeDifference(tensorToFloat64(y), reference)).toBeLessThan(1e-7);
  });

  it("back-propagates the adjoint: tfjs gradient equals Jᵀw and central finite differences", () => {
    const physics = sinOfLinear();
    const batch = 3;
    const x64 = Float64Array.from({ length: batch * 3 }, (_, i) => Math.cos(i + 0.3));
    const w64 = Float64Array.from({ length: batch * 2 }, (_, i) => Math.sin(2 * i + 1));
    const w = tf.tensor2d(Float32Array.from(w64), [batch, 2]);
    const P = physicsOp(physics);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(P(x), w)))(tf.tensor2d(Float32Array.from(x64), [batch, 3]));
    const fromTfjs = tensorToFloat64(grad);
    const adjoint = physics.adjoint(Float64Array.from(Float32Array.from(x64)), Float64Array.from(Float32Array.from(w64)), batch);
    expect(relativeDifference(fromTfjs, adjoint)).toBeLessThan(1e-6);
    const h = 1e-6;
    const fd = x64.map((_, i) => {
      const plus = Float64Array.from(x64);
      const minus = Float64Array.from(x64);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const s = (y: Float64Array) => y.reduce((acc, v, k) => acc + v * (w64[k] as number), 0);
      return (s(physics.forward(plus, batch)) - s(physics.forward(minus, batch))) / (2 * h);
    });
    expect(relativeDifference(fromTfjs, fd)).toBeLessThan(1e-5);
  });

  it("rejects a tensor whose size does not match xShape", () => {
    const P = physicsOp(sinOfLinear());
    expect(() => P(tf.zeros([2, 4]))).toThrow(PgShapeError);
    expect(() => P(tf.zeros([2, 4]))).toThrow(/physicsOp\(sin\(Wx\)\): x must have shape \[batch, 3\]; received Array\(2\) \[2, 4\]/);
  });
});
