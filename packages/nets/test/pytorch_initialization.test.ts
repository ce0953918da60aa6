import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { deriveSeed, pytorchInitializers } from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("pytorchInitializers", () => {
  it("derives distinct seeds for every (seed, layer, tensor) triple, including seed + 1 vs layer + 1", () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      for (let layer = 0; layer < 20; layer++) {
        seeds.add(deriveSeed(seed, layer, "kernel"));
        seeds.add(deriveSeed(seed, layer, "bias"));
      }
    }
    expect(seeds.size).toBe(800);
    expect(deriveSeed(2 ** 40 + 3, 0, "kernel")).not.toBe(deriveSeed(3, 0, "kernel"));
  });

  it("draws U(−1/√fanIn, 1/√fanIn) reproducibly", () => {
    const { kernelInitializer } = pytorchInitializers(25, 4, 0);
    const first = kernelInitializer.apply([2000], "float32");
    const second = pytorchInitializers(25, 4, 0).kernelInitializer.apply([2000], "float32");
    const values = Array.from(first.dataSync());
    expect(Array.from(second.dataSync())).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.2);
    expect(Math.max(...values)).toBeLessThanOrEqual(0.2);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(0.04 / 3, 3);
    tf.dispose([first, second]);
  });
});
