/**
 * The wasm training kernels against the tfjs cpu backend: gradients of conv2d, maxPool and tile through tf.grads on
 * varied shapes, the stock MaxPoolGrad bug case, Identity buffer sharing, registration, the self-test and a short
 * training run. Errors are relative: max |wasm − cpu| / max |cpu|.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { PgBackendError, PgValidationError } from "@pg/core";
import { loadNativeKernels } from "@pg/backend-native";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { useNativeKernels, type NativeKernels } from "../src/kernels/native_kernels";

import { registerTrainingKernels } from "../src/register_training_kernels";
import { selfTestTrainingKernels } from "../src/training_kernels_self_test";
import { TRAINING_KERNEL_NAMES } from "./training_kernel_names";

const GRADIENT_TOLERANCE = 1e-5;

const wasmAvailable = await tf.setBackend("wasm").catch(() => false);
const firstRegistration = wasmAvailable ? registerTrainingKernels() : [];

/** Largest relative error seen per test group, printed when PG_KERNEL_REPORT is set. */
const maxErrors = new Map<string, number>();
function record(group: string, error: number): void {
  maxErrors.set(group, Math.max(maxErrors.get(group) ?? 0, error));
}
afterAll(() => {
  if (process.env["PG_KERNEL_REPORT"] !== undefined) {
    console.info(JSON.stringify(Object.fromEntries([...maxErrors].map(([k, v]) => [k, v.toExponential(2)])), null, 1));
  }
});

/** Seeded uniform values in [−1, 1) (mulberry32), identical on every backend. */
function seeded(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** Runs `compute` on a backend and returns its outputs as arrays (all tensors freed). */
async function runOn(backendName: string, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backendName);
  const outputs = tf.tidy(compute);
  const arrays = await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outputs);
  await tf.setBackend("wasm");
  return arrays;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let difference = 0;
  let reference = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? Number.NaN));
    difference = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(difference, d);
    reference = Math.max(reference, Math.abs(expected[i] ?? 0));
  }
  return reference === 0 ? difference : difference / reference;
}

/** Relative error of each output of `compute` on wasm against cpu. */
async function errorsAgainstCpu(compute: () => tf.Tensor[]): Promise<number[]> {
  const wasm = await runOn("wasm", compute);
  const cpu = await runOn("cpu", compute);
  return wasm.map((values, i) => relativeError(values, cpu[i] ?? new Float32Array(0)));
}

type Shape4 = [number, number, number, number];

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
}

function describeConv(c: ConvCase): string {
  return `x ${JSON.stringify(c.x)}, filter ${JSON.stringify(c.filter)}, strides ${JSON.stringify(c.strides)}, pad ${JSON.stringify(c.pad)}`;
}

/** dx and dW of conv2d through tf.grads with a random upstream gradient. */
function convGradients(c: ConvCase, seed = 1): () => tf.Tensor[] {
  return () => {
    const x = randomTensor(c.x, seed);
    const filter = randomTensor(c.filter, seed + 1);
    const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2d(a.as4D(...c.x), b.as4D(...c.filter), c.strides, c.pad);
    const dy = randomTensor(conv(x, filter).shape, seed + 2);
    return tf.grads(conv)([x, filter], dy);
  };
}

const convCases: readonly ConvCase[] = [
  { x: [1, 7, 5, 1], filter: [3, 3, 1, 3], strides: 1, pad: "same" },
  { x: [3, 9, 9, 3], filter: [3, 3, 3, 16], strides: 1, pad: "valid" },
  { x: [3, 7, 5, 16], filter: [3, 3, 16, 3], strides: 1, pad: "same" },
  { x: [1, 9, 9, 16], filter: [3, 3, 16, 16], strides: 1, pad: "same" },
  { x: [2, 6, 21, 32], filter: [3, 3, 32, 16], strides: 1, pad: "same" },
  { x: [1, 9, 9, 16], filter: [3, 3, 16, 32], strides: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
  { x: [3, 7, 5, 16], filter: [3, 3, 16, 3], strides: 2, pad: "same" },
  { x: [1, 9, 9, 3], filter: [3, 3, 3, 16], strides: 2, pad: "valid" },
  { x: [3, 9, 9, 1], filter: [3, 3, 1, 3], strides: 2, pad: "same" },
  { x: [1, 8, 8, 3], filter: [3, 3, 3, 3], strides: 2, pad: "valid" },
  { x: [3, 7, 5, 16], filter: [1, 1, 16, 16], strides: 1, pad: "same" },
  { x: [1, 9, 9, 3], filter: [1, 1, 3, 16], strides: 1, pad: "valid" },
  { x: [1, 9, 9, 3], filter: [1, 1, 3, 16], strides: 2, pad: "valid" },
  { x: [3, 7, 5, 16], filter: [1, 1, 16, 1], strides: 2, pad: "same" },
  { x: [1, 9, 9, 3], filter: [5, 5, 3, 3], strides: 1, pad: "same" },
  { x: [3, 9, 9, 1], filter: [5, 5, 1, 3], strides: 2, pad: "same" },
  { x: [1, 7, 5, 3], filter: [5, 5, 3, 1], strides: 1, pad: "valid" },
  { x: [3, 9, 7, 3], filter: [3, 1, 3, 3], strides: [1, 2], pad: "same" },
  { x: [1, 9, 9, 3], filter: [3, 3, 3, 3], strides: 1, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 9, 9, 3], filter: [3, 3, 3, 3], strides: 2, pad: [[0, 0], [0, 2], [3, 1], [0, 0]] },
  { x: [1, 9, 9, 3], filter: [3, 3, 3, 3], strides: 2, pad: 1 },
  { x: [1, 5, 5, 3], filter: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [4, 0], [0, 4], [0, 0]] },
  // Every window of the first output row lies in the top padding; the filter gradient is zero.
  { x: [2, 1, 5, 2], filter: [1, 3, 2, 2], strides: [3, 1], pad: [[0, 0], [4, 0], [1, 1], [0, 0]] },
];

/**
 * Every case runs twice where the native kernels load (linux-x64): once on the wasm kernels alone, as in a browser,
 * and once with the native kernels installed, as `initBackend` does in Node.
 */
const nativeStatus = loadNativeKernels();
const KERNEL_SETS: readonly (readonly [string, NativeKernels | undefined])[] = nativeStatus.available
  ? [
      ["wasm kernels only", undefined],
      [`native kernels (${nativeStatus.kernels.instructionSet})`, nativeStatus.kernels],
    ]
  : [["wasm kernels only", undefined]];

describe.skipIf(!wasmAvailable).each(KERNEL_SETS)("wasm training kernels (backend 'wasm', %s)", (_label, native) => {
  beforeAll(() => useNativeKernels(native));
  afterAll(() => useNativeKernels(undefined));
  describe("Conv2DBackpropInput and Conv2DBackpropFilter", () => {
    it.each(convCases.map((c) => [describeConv(c), c] as const))(
      "match the cpu backend for %s",
      async (_, c) => {
        const [dxError = Infinity, dFilterError = Infinity] = await errorsAgainstCpu(convGradients(c));
        record(`conv dx stride ${JSON.stringify(c.strides)}`, dxError);
        record(`conv dW stride ${JSON.stringify(c.strides)}`, dFilterError);
        expect(dxError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
        expect(dFilterError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      },
    );
  });

  describe("Conv2D gradients with dilation 2 at stride 1", () => {
    /** Inserts one zero row and column between filter taps: a dilation-2 filter as a plain filter. */
    function dilateFilter(filter: tf.Tensor, shape: [number, number, number, number]): tf.Tensor4D {
      const [height, width, inChannels, outChannels] = shape;
      const spread = tf.pad(
        filter.reshape([height, 1, width, 1, inChannels, outChannels]),
        [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0], [0, 0]],
      );
      return spread
        .reshape([2 * height, 2 * width, inChannels, outChannels])
        .slice([0, 0, 0, 0], [2 * height - 1, 2 * width - 1, inChannels, outChannels])
        .as4D(2 * height - 1, 2 * width - 1, inChannels, outChannels);
    }

    it("are refused by tfjs-core's conv2d gradient on wasm as on cpu (a tfjs limitation, not a kernel)", () => {
      const x = randomTensor([1, 7, 7, 2], 3).as4D(1, 7, 7, 2);
      const filter = randomTensor([3, 3, 2, 2], 4).as4D(3, 3, 2, 2);
      expect(() => tf.grad((a: tf.Tensor) => tf.conv2d(a.as4D(1, 7, 7, 2), filter, 1, "same", "NHWC", 2))(x)).toThrow(/dilation/);
    });

    const dilationCases: [Shape4, Shape4, "same" | "valid"][] = [
      [[1, 9, 9, 3], [3, 3, 3, 16], "same"],
      [[3, 9, 7, 1], [3, 3, 1, 3], "valid"],
    ];
    it.each(dilationCases)("match the cpu backend through a zero-dilated filter: x %j, filter %j, pad %s", async (xShape, filterShape, pad) => {
      const compute = (): tf.Tensor[] => {
        const x = randomTensor(xShape, 5);
        const filter = randomTensor(filterShape, 6);
        const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2d(a.as4D(...xShape), dilateFilter(b, filterShape), 1, pad);
        const dilated = tf.conv2d(x.as4D(...xShape), filter.as4D(...filterShape), 1, pad, "NHWC", 2);
        const dy = randomTensor(dilated.shape, 7);
        return [tf.sub(conv(x, filter), dilated), ...tf.grads(conv)([x, filter], dy)];
      };
      const [forwardError = Infinity, dxError = Infinity, dFilterError = Infinity] = await errorsAgainstCpu(compute);
      const [difference] = await runOn("wasm", () => [compute()[0] ?? tf.scalar(Number.NaN)]);
      expect(Math.max(...Array.from(difference ?? [Infinity], Math.abs))).toBeLessThan(1e-5);
      record("conv dilation 2 (dx, dW)", Math.max(dxError, dFilterError));
      expect(forwardError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      expect(dxError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      expect(dFilterError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
    });

    it("match the cpu kernels run on the zero-dilated filter when the dilations attribute is passed directly", async () => {
      const xShape: [number, number, number, number] = [2, 9, 8, 3];
      const filterShape: [number, number, number, number] = [3, 3, 3, 4];
      const dyShape = [2, 9, 8, 4];
      const wasm = await runOn("wasm", () => {
        const x = randomTensor(xShape, 8);
        const dy = randomTensor(dyShape, 9);
        const filter = randomTensor(filterShape, 10);
        const common = { strides: 1, pad: "same", dataFormat: "NHWC", dilations: 2 };
        return [
          tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...common, filterShape }) as tf.Tensor,
          tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, { ...common, inputShape: xShape }) as tf.Tensor,
        ];
      });
      const cpu = await runOn("cpu", () => {
        const x = randomTensor(xShape, 8);
        const dy = randomTensor(dyShape, 9);
        const filter = dilateFilter(randomTensor(filterShape, 10), filterShape);
        const common = { strides: 1, pad: "same", dataFormat: "NHWC" };
        const dFilter5 = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...common, filterShape: [5, 5, 3, 4] }) as tf.Tensor;
        return [
          tf.stridedSlice(dFilter5, [0, 0, 0, 0], [5, 5, 3, 4], [2, 2, 1, 1]),
          tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, { ...common, inputShape: xShape }) as tf.Tensor,
        ];
      });
      const [dFilterError, dxError] = wasm.map((values, i) => relativeError(values, cpu[i] ?? new Float32Array(0)));
      record("conv dilation 2 (dx, dW)", Math.max(dxError ?? Infinity, dFilterError ?? Infinity));
      expect(dFilterError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      expect(dxError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
    });
  });

  it.each([1, 2])("computes NCHW conv gradients like the cpu kernels (stride %i)", async (strides) => {
    const xShape: [number, number, number, number] = [2, 3, 9, 7];
    const filterShape: [number, number, number, number] = [3, 3, 3, 4];
    const outHeight = strides === 1 ? 9 : 5;
    const outWidth = strides === 1 ? 7 : 4;
    const errors = await errorsAgainstCpu(() => {
      const x = randomTensor(xShape, 11);
      const dy = randomTensor([2, 4, outHeight, outWidth], 12);
      const filter = randomTensor(filterShape, 13);
      const common = { strides, pad: "same", dataFormat: "NCHW" };
      return [
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...common, filterShape }) as tf.Tensor,
        tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, { ...common, inputShape: xShape }) as tf.Tensor,
      ];
    });
    record("conv NCHW (dx, dW)", Math.max(...errors));
    for (const error of errors) expect(error).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
  });

  it("rejects a dy whose shape does not match the convolution, naming the shape received", () => {
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    const run = (): unknown =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 2, 3] });
    expect(run).toThrow(PgValidationError);
    expect(run).toThrow(
      "Conv2DBackpropFilter (wasm training kernel): dy.shape must be [1, 5, 5, 3]; received Array(4) [1, 4, 4, 3].",
    );
    tf.dispose([x, dy]);
  });

  describe("MaxPoolGrad", () => {
    interface PoolCase {
      readonly x: [number, number, number, number];
      readonly filter: number | [number, number];
      readonly strides: number | [number, number];
      readonly pad: "same" | "valid";
    }
    const poolCases: readonly PoolCase[] = [
      { x: [3, 9, 9, 16], filter: 2, strides: 2, pad: "valid" },
      { x: [1, 8, 8, 1], filter: 2, strides: 2, pad: "valid" },
      { x: [1, 7, 5, 3], filter: 2, strides: 2, pad: "same" },
      { x: [3, 7, 5, 3], filter: 3, strides: 3, pad: "same" },
      { x: [1, 9, 7, 3], filter: [3, 2], strides: [3, 2], pad: "valid" },
      { x: [3, 9, 9, 1], filter: 3, strides: 1, pad: "same" },
      { x: [1, 9, 9, 16], filter: 3, strides: 2, pad: "valid" },
      { x: [3, 9, 9, 16], filter: 3, strides: 2, pad: "same" },
      { x: [3, 7, 5, 3], filter: 2, strides: 1, pad: "valid" },
      { x: [1, 9, 9, 3], filter: 1, strides: 2, pad: "valid" },
      { x: [1, 9, 7, 3], filter: [3, 2], strides: [2, 1], pad: "same" },
    ];
    const path = (c: PoolCase): string => (JSON.stringify(c.filter) === JSON.stringify(c.strides) ? "fast" : "general");
    const poolRows = poolCases.map(
      (c) =>
        [`${path(c)} path, x ${JSON.stringify(c.x)}, filter ${JSON.stringify(c.filter)}, strides ${JSON.stringify(c.strides)}, ${c.pad}`, c] as const,
    );

    function poolGradient(c: PoolCase, input: (shape: number[]) => tf.Tensor): () => tf.Tensor[] {
      return () => {
        const x = input([...c.x]);
        const pool = (a: tf.Tensor): tf.Tensor => tf.maxPool(a.as4D(...c.x), c.filter, c.strides, c.pad);
        const dy = randomTensor(pool(x).shape, 21);
        return [tf.grad(pool)(x, dy)];
      };
    }

    it.each(poolRows)(
      "matches the cpu backend: %s",
      async (_, c) => {
        const [error = Infinity] = await errorsAgainstCpu(poolGradient(c, (shape) => randomTensor(shape, 20)));
        record(`maxPool dx (${path(c)} path)`, error);
        expect(error).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      },
    );

    const bugCases: [Shape4, number][] = [
      [[1, 4, 4, 2], 8],
      [[2, 4, 4, 3], 24],
    ];
    it.each(bugCases)("routes every upstream 1 of a 2×2 pool on %j to one input (gradient sum %i, the stock kernel's bug case)", async (shape, sum) => {
      const compute = (): tf.Tensor[] => {
        // The last channel is all negative: the stock kernel loses the gradient of windows whose maximum is < FLT_MIN.
        const channels = shape[3];
        const shift = tf.tensor(Array.from({ length: channels }, (_, c) => (c === channels - 1 ? 2 : 0)));
        const x = tf.sub(randomTensor(shape, 30), shift);
        const dx = tf.grad((a: tf.Tensor) => tf.maxPool(a.as4D(...shape), 2, 2, "valid"))(x, tf.ones([shape[0], 2, 2, shape[3]]));
        return [dx, dx.sum()];
      };
      const [dx, total] = await runOn("wasm", compute);
      expect(total?.[0]).toBe(sum);
      const [cpuDx] = await runOn("cpu", compute);
      expect(Array.from(dx ?? [])).toEqual(Array.from(cpuDx ?? []));
    });

    it.each(poolRows)(
      "gives tied maxima's gradient to the first maximum in window order, as cpu does: %s",
      async (_, c) => {
        // Values from {0, 0, 0, 0.5, 1}: most windows hold ties, as after a ReLU. A misrouted tie is an O(1) error;
        // where windows overlap, cpu and wasm sum the overlapping contributions in different orders (≈1e-7).
        const tied = (shape: number[]): tf.Tensor => tf.relu(tf.round(tf.mul(randomTensor(shape, 40), 2.5)).div(2).sub(0.5));
        const [error = Infinity] = await errorsAgainstCpu(poolGradient(c, tied));
        record(`maxPool dx with ties (${path(c)} path)`, error);
        if (path(c) === "fast") expect(error).toBe(0);
        expect(error).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      },
    );

    it.each(poolRows)(
      "handles +∞ and −∞ inputs like cpu (windows all −∞ pass no gradient): %s",
      async (_, c) => {
        // About 1 value in 8 is +∞ and 1 in 8 is −∞; uniform values stay finite elsewhere.
        const infinite = (shape: number[]): tf.Tensor => {
          const u = randomTensor(shape, 45);
          return tf.where(tf.greater(u, 0.75), tf.fill(shape, Infinity), tf.where(tf.less(u, -0.75), tf.fill(shape, -Infinity), tf.mul(u, 0.5)));
        };
        const [error = Infinity] = await errorsAgainstCpu(poolGradient(c, infinite));
        record(`maxPool dx with ±∞ (${path(c)} path)`, error);
        expect(error).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
      },
    );

    it("sends a window of equal values all its gradient through its first (top-left) position", async () => {
      const [dx] = await runOn("wasm", () => [tf.grad((a: tf.Tensor) => tf.maxPool(a.as4D(1, 2, 2, 1), 2, 2, "valid"))(tf.ones([1, 2, 2, 1]), tf.fill([1, 1, 1, 1], 3))]);
      expect(Array.from(dx ?? [])).toEqual([3, 0, 0, 0]);
    });
  });

  describe("Tile", () => {
    it.each([
      [[1, 1, 1, 16], [2, 5, 7, 1]],
      [[3, 1], [1, 4]],
      [[1], [5]],
      [[1, 3, 1], [2, 1, 4]],
      [[2, 3], [1, 1]],
      [[2, 3], [2, 2]],
      [[2, 1, 3], [3, 2, 2]],
    ])("matches the cpu backend, values and gradient, for x %j tiled %j", async (shape, reps) => {
      const compute = (): tf.Tensor[] => {
        const x = randomTensor(shape, 50);
        const y = tf.tile(x, reps);
        return [y, tf.grad((a: tf.Tensor) => tf.tile(a, reps))(x, randomTensor(y.shape, 51))];
      };
      const [valueError = Infinity, gradientError = Infinity] = await errorsAgainstCpu(compute);
      record("tile (values, gradient)", Math.max(valueError, gradientError));
      expect(valueError).toBe(0);
      expect(gradientError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
    });

    it("throws PgBackendError for a non-broadcast tile when the stock kernel was not kept", () => {
      const stock = tf.getKernel("PgStockTile", "wasm");
      tf.unregisterKernel("PgStockTile", "wasm");
      try {
        const x = tf.ones([2, 3]);
        expect(() => tf.tile(x, [2, 1])).toThrow(PgBackendError);
        expect(() => tf.tile(x, [2, 1])).toThrow(/stock Tile kernel .* was not kept/);
        x.dispose();
      } finally {
        tf.registerKernel(stock);
      }
    });

    it("keeps −0, infinities and NaN on the broadcast path and tiles int32 through the stock kernel", async () => {
      const [floats, ints] = await runOn("wasm", () => [
        tf.tile(tf.tensor([[-0], [Infinity], [Number.NaN]]), [1, 2]),
        tf.tile(tf.tensor([[1, 2]], [1, 2], "int32"), [2, 2]),
      ]);
      expect(Array.from(floats ?? [])).toEqual([-0, -0, Infinity, Infinity, Number.NaN, Number.NaN]);
      expect(Object.is(floats?.[0], -0)).toBe(true);
      expect(Array.from(ints ?? [])).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    });
  });

  describe("Conv2DBackpropFilter at stride 1 in batch chunks", () => {
    // 40 images of 32×32 with 16 channels shift 144 planes of 40·1024 elements, more than one chunk (2^24) holds.
    it.each([
      { x: [40, 32, 32, 16], filter: [3, 3, 16, 16], strides: 1, pad: "same" },
      { x: [40, 32, 32, 24], filter: [3, 3, 24, 16], strides: 1, pad: "valid" },
    ] satisfies ConvCase[])("matches the cpu backend for x $x, filter $filter, pad $pad", async (c) => {
      const [, dFilterError = Infinity] = await errorsAgainstCpu(convGradients(c, 70));
      record("conv dW stride 1, chunked", dFilterError);
      expect(dFilterError).toBeLessThanOrEqual(GRADIENT_TOLERANCE);
    });
  });

  describe("Slice, SplitV and Concat", () => {
    it.each([
      [[4, 5, 6, 7], [1, 0, 2, 3], [2, 5, 3, 4]],
      [[4, 5, 6, 7], [0, 0, 0, 0], [4, 5, 6, 7]],
      [[4, 5, 6, 32], [0, 1, 0, 16], [4, 3, 6, 16]],
      [[6, 40], [2, 0], [3, 40]],
      [[6, 40], [2, 3], [-1, 20]],
      [[9], [4], [5]],
      [[3, 0, 2], [0, 0, 0], [2, 0, 2]],
    ])("slices x %j at %j, size %j, exactly as the cpu backend, with its gradient", async (shape, begin, size) => {
      const compute = (): tf.Tensor[] => {
        const x = randomTensor(shape, 80);
        const y = tf.slice(x, begin, size);
        return [y, tf.grad((a: tf.Tensor) => tf.slice(a, begin, size))(x, randomTensor(y.shape, 81))];
      };
      const [valueError = Infinity, gradientError = Infinity] = await errorsAgainstCpu(compute);
      expect(valueError).toBe(0);
      expect(gradientError).toBe(0);
    });

    it.each([
      [[2, 5, 4, 48], [16, 32], 3],
      [[2, 5, 4, 6], [1, -1, 2], 1],
      [[7, 3], 7, 0],
      [[3, 10], [2, 0, 8], -1],
    ])("splits x %j into %j along axis %i exactly as the cpu backend, and concatenates the parts back", async (shape, sizes, axis) => {
      const compute = (): tf.Tensor[] => {
        const x = randomTensor(shape, 82);
        const parts = tf.split(x, sizes, axis);
        return [...parts, tf.concat(parts, axis), tf.concat([...parts].reverse(), axis)];
      };
      const errors = await errorsAgainstCpu(compute);
      expect(errors.every((error) => error === 0)).toBe(true);
      const [whole] = await runOn("wasm", () => {
        const x = randomTensor(shape, 82);
        return [tf.sub(tf.concat(tf.split(x, sizes, axis), axis), x)];
      });
      expect(Array.from(whole ?? []).every((v) => v === 0)).toBe(true);
    });

    it("moves int32 and bool exactly and leaves strings to the stock kernels", async () => {
      const [ints, bools] = await runOn("wasm", () => [
        tf.concat([tf.tensor2d([[1, 2]], [1, 2], "int32"), tf.slice(tf.tensor2d([[3, 4, 5]], [1, 3], "int32"), [0, 1], [1, 2])], 1),
        tf.cast(tf.concat([tf.tensor1d([true, false], "bool"), tf.tensor1d([true], "bool")]), "int32"),
      ]);
      expect(Array.from(ints ?? [])).toEqual([1, 2, 4, 5]);
      expect(Array.from(bools ?? [])).toEqual([1, 0, 1]);
      await tf.setBackend("wasm");
      const words = tf.concat([tf.tensor1d(["a"], "string"), tf.slice(tf.tensor1d(["b", "c"], "string"), [1], [1])]);
      expect(await words.array()).toEqual(["a", "c"]);
      words.dispose();
    });
  });

  describe("Sum and Mean", () => {
    it.each([
      [[6, 9, 7, 16], [0, 1, 2], false],
      [[6, 9, 7, 16], [2, 0, 1], true],
      [[6, 9, 7, 16], [0], false],
      [[300, 5], [0], true],
      [[6, 9, 7, 16], [1, 2], false],
      [[6, 9, 7, 16], [3], false],
      [[6, 9], null, false],
    ])("reduce x %j over axes %j (keepDims %j) as the cpu backend does, with their gradients", async (shape, axes, keepDims) => {
      const compute = (): tf.Tensor[] => {
        const x = tf.add(randomTensor(shape, 90), 2);
        const axis = axes ?? undefined;
        const sum = tf.sum(x, axis, keepDims);
        const mean = tf.mean(x, axis, keepDims);
        return [
          sum,
          mean,
          tf.grad((a: tf.Tensor) => tf.sum(a, axis, keepDims))(x, randomTensor(sum.shape, 91)),
          tf.grad((a: tf.Tensor) => tf.mean(a, axis, keepDims))(x, randomTensor(mean.shape, 92)),
        ];
      };
      const wasm = await runOn("wasm", compute);
      const cpu = await runOn("cpu", compute);
      const shapes = await runOn("wasm", () => compute().map((t) => tf.tensor1d(t.shape, "float32")));
      const cpuShapes = await runOn("cpu", () => compute().map((t) => tf.tensor1d(t.shape, "float32")));
      expect(shapes.map((s) => Array.from(s))).toEqual(cpuShapes.map((s) => Array.from(s)));
      wasm.forEach((values, i) => {
        const error = relativeError(values, cpu[i] ?? new Float32Array(0));
        record("sum/mean", error);
        expect(error).toBeLessThanOrEqual(1e-6);
      });
    });

    it("propagates infinities and NaN like the cpu backend", async () => {
      const compute = (): tf.Tensor[] => [
        tf.sum(tf.tensor2d([[1, Infinity], [2, Number.NaN], [3, 4]]), 0),
        tf.mean(tf.tensor2d([[Infinity, 1], [-Infinity, 2]]), 0),
      ];
      const [sum, mean] = await runOn("wasm", compute);
      expect(Array.from(sum ?? [])).toEqual([6, Number.NaN]);
      expect(Array.from(mean ?? [])).toEqual([Number.NaN, 1.5]);
    });
  });

  describe("Identity", () => {
    it("shares its input's buffer and keeps it alive until the last holder is disposed", () => {
      const backend = tf.backend();
      const before = backend.numDataIds();
      const source = tf.tensor([1, 2, 3]);
      const copy = tf.clone(source);
      expect(copy.dataId).toBe(source.dataId);
      expect(backend.numDataIds()).toBe(before + 1);
      source.dispose();
      expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
      expect(backend.numDataIds()).toBe(before + 1);
      copy.dispose();
      expect(backend.numDataIds()).toBe(before);
    });
  });

  it("frees every temporary: a gradient through all kernels leaves no wasm buffer behind", () => {
    const backend = tf.backend();
    const compute = (): tf.Tensor[] => [
      ...convGradients({ x: [2, 9, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: "same" })(),
      ...convGradients({ x: [2, 9, 7, 3], filter: [1, 1, 3, 4], strides: 1, pad: "valid" })(),
      tf.grad((a: tf.Tensor) => tf.maxPool(a.as4D(2, 9, 7, 3), 2, 2, "same"))(randomTensor([2, 9, 7, 3], 60)),
      tf.grad((a: tf.Tensor) => tf.maxPool(a.as4D(2, 9, 7, 3), 3, 2, "same"))(randomTensor([2, 9, 7, 3], 61)),
      tf.tile(randomTensor([1, 1, 3], 62), [4, 5, 1]),
    ];
    tf.dispose(tf.tidy(compute)); // warm-up: allocations tfjs keeps (e.g. the scalar cache) happen here
    const before = backend.numDataIds();
    tf.dispose(tf.tidy(compute));
    expect(backend.numDataIds()).toBe(before);
  });

  describe("registerTrainingKernels", () => {
    it("replaces or adds the twelve training kernels on the first call", () => {
      expect(firstRegistration).toEqual([...TRAINING_KERNEL_NAMES]);
      expect(tf.getKernel("PgStockMaxPoolGrad", "wasm")).toBeDefined();
      expect(tf.getKernel("PgStockConv2DBackpropFilter", "wasm")).toBeUndefined();
    });

    it("registers nothing and returns [] when called again", () => {
      const before = tf.getKernelsForBackend("wasm").length;
      expect(registerTrainingKernels()).toEqual([]);
      expect(registerTrainingKernels("wasm")).toEqual([]);
      expect(tf.getKernelsForBackend("wasm").length).toBe(before);
    });

    it("rejects a backend other than wasm, naming the value received", () => {
      expect(() => Reflect.apply(registerTrainingKernels, undefined, ["webgl"])).toThrow(PgValidationError);
      expect(() => Reflect.apply(registerTrainingKernels, undefined, ["webgl"])).toThrow(
        `registerTrainingKernels: backendName must be 'wasm'; received "webgl".`,
      );
    });
  });

  describe("selfTestTrainingKernels", () => {
    it("passes and restores the active backend", async () => {
      await expect(selfTestTrainingKernels()).resolves.toEqual({ ok: true, failures: [] });
      expect(tf.getBackend()).toBe("wasm");
      await tf.setBackend("cpu");
      await expect(selfTestTrainingKernels()).resolves.toEqual({ ok: true, failures: [] });
      expect(tf.getBackend()).toBe("cpu");
      await tf.setBackend("wasm");
    });

    it("fails, naming the max-pool check, when the stock MaxPoolGrad is put back", async () => {
      const ours = tf.getKernel("MaxPoolGrad", "wasm");
      const stock = tf.getKernel("PgStockMaxPoolGrad", "wasm");
      tf.unregisterKernel("MaxPoolGrad", "wasm");
      tf.registerKernel({ ...stock, kernelName: "MaxPoolGrad" });
      try {
        const result = await selfTestTrainingKernels();
        expect(result.ok).toBe(false);
        expect(result.failures.join("\n")).toMatch(/maxPool 2×2 stride 2 \[1,4,4,2\]: input gradient differs from cpu/);
      } finally {
        tf.unregisterKernel("MaxPoolGrad", "wasm");
        tf.registerKernel(ours);
      }
    });
  });

  it("trains a small conv net 5 Adam steps on wasm with the same losses as on cpu", async () => {
    const buildModel = (): tf.Sequential => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 8, kernelSize: 3, padding: "same", activation: "relu" }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same" }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
      return model;
    };
    await tf.setBackend("cpu");
    const initial = buildModel().getWeights().map((w) => ({ shape: w.shape, values: w.dataSync().slice() }));
    const train = async (backendName: string): Promise<number[]> => {
      await tf.setBackend(backendName);
      const model = buildModel();
      model.setWeights(initial.map((w) => tf.tensor(w.values, w.shape)));
      const x = randomTensor([2, 16, 16, 1], 70);
      const y = randomTensor([2, 8, 8, 2], 71);
      const losses: number[] = [];
      for (let step = 0; step < 5; step++) {
        const loss = await model.trainOnBatch(x, y);
        losses.push(typeof loss === "number" ? loss : Number.NaN);
      }
      model.dispose();
      tf.dispose([x, y]);
      return losses;
    };
    const cpu = await train("cpu");
    const wasm = await train("wasm");
    const errors = wasm.map((loss, step) => Math.abs(loss - (cpu[step] ?? Number.NaN)) / Math.abs(cpu[step] ?? Number.NaN));
    record("training losses (5 Adam steps)", Math.max(...errors));
    expect(cpu[4]).toBeLessThan(cpu[0] ?? 0);
    for (const error of errors) expect(error).toBeLessThanOrEqual(1e-4);
  });
});
