import * as tf from "@tensorflow/tfjs";
import { getKernel, registerKernel, unregisterKernel, type KernelBackend, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { profileKernels, type KernelProfiler, type KernelTime } from "../src/kernel_profile";

/** Kernel names registered by these tests for 'cpu' (unique, so nothing else can use them). */
const OUTER = "BenchProfileTestTripleX";
const THROWING = "BenchProfileTestThrows";

/** x + x + x, as two calls of the registered Add kernel from inside this kernel. */
const tripleX: KernelFunc = ({ inputs, backend }) => {
  const add = getKernel("Add", "cpu");
  if (add === undefined) throw new Error("no Add kernel on cpu");
  const x = inputs.x as TensorInfo;
  const twice = add.kernelFunc({ inputs: { a: x, b: x }, backend, attrs: {} }) as TensorInfo;
  const thrice = add.kernelFunc({ inputs: { a: twice, b: x }, backend, attrs: {} }) as TensorInfo;
  (backend as KernelBackend).disposeData(twice.dataId);
  return thrice;
};

/** Kernel name → calls. */
function callsOf(rows: readonly KernelTime[]): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.kernel, r.calls]));
}

let profiler: KernelProfiler | undefined;

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

afterEach(() => {
  profiler?.restore();
  profiler = undefined;
  for (const name of [OUTER, THROWING]) if (getKernel(name, "cpu") !== undefined) unregisterKernel(name, "cpu");
});

describe("profileKernels", () => {
  it("counts the kernels of tf.add and tf.matMul while recording and nothing while not", () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
    profiler = profileKernels("cpu");
    tf.dispose([tf.add(a, b), tf.matMul(a, b)]);
    expect(profiler.take()).toEqual([]);

    profiler.setRecording(true);
    const sum = tf.add(a, b);
    const product = tf.matMul(a, b);
    profiler.setRecording(false);
    tf.dispose([tf.add(a, b), tf.matMul(a, b)]);
    expect(Array.from(sum.dataSync())).toEqual([6, 8, 10, 12]);
    expect(Array.from(product.dataSync())).toEqual([19, 22, 43, 50]);
    const rows = profiler.take();
    expect(callsOf(rows)).toEqual({ Add: 1, BatchMatMul: 1 });
    for (const row of rows) expect(row.milliseconds).toBeGreaterThanOrEqual(0);
    expect(profiler.take()).toEqual([]); // take() clears

    profiler.setRecording(true);
    tf.dispose([tf.add(a, b), tf.add(b, a), tf.add(a, a)]);
    profiler.setRecording(false);
    expect(callsOf(profiler.take())).toEqual({ Add: 3 });
    tf.dispose([a, b, sum, product]);
  });

  it("charges a kernel that calls another registered kernel once, with the inner calls inside it", () => {
    registerKernel({ kernelName: OUTER, backendName: "cpu", kernelFunc: tripleX });
    profiler = profileKernels("cpu");
    const x = tf.tensor1d([1, 2]);
    profiler.setRecording(true);
    const y = tf.engine().runKernel(OUTER, { x }, {}) as tf.Tensor;
    profiler.setRecording(false);
    expect(Array.from(y.dataSync())).toEqual([3, 6]);
    expect(callsOf(profiler.take())).toEqual({ [OUTER]: 1 });
    tf.dispose([x, y]);
  });

  it("keeps counting after a kernel throws", () => {
    registerKernel({
      kernelName: THROWING,
      backendName: "cpu",
      kernelFunc: () => {
        throw new Error("refused");
      },
    });
    profiler = profileKernels("cpu");
    const x = tf.tensor1d([1, 2]);
    profiler.setRecording(true);
    expect(() => tf.engine().runKernel(THROWING, { x }, {})).toThrow("refused");
    const y = tf.add(x, x);
    profiler.setRecording(false);
    expect(callsOf(profiler.take())).toEqual({ [THROWING]: 1, Add: 1 });
    tf.dispose([x, y]);
  });

  it("restore() puts the registry's original configs back", () => {
    const add = getKernel("Add", "cpu");
    profiler = profileKernels("cpu");
    expect(getKernel("Add", "cpu")).not.toBe(add);
    profiler.restore();
    expect(getKernel("Add", "cpu")).toBe(add);
    profiler.setRecording(true);
    const x = tf.tensor1d([1]);
    tf.dispose([x, tf.add(x, x)]);
    expect(profiler.take()).toEqual([]);
  });
});
