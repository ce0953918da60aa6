/**
 * Start-up check of the wasm training kernels against the tfjs cpu backend, meant to run once after
 * `registerTrainingKernels`: a kernel regression (like the stock MaxPoolGrad bug) must refuse wasm, not train wrong.
 */
import * as tf from "@tensorflow/tfjs";

/** Relative tolerance of the self-test: max |wasm − cpu| ≤ 1e-4 · max |cpu| for every gradient. */
const RELATIVE_TOLERANCE = 1e-4;

/** Outcome of {@link selfTestTrainingKernels}; `failures` holds one sentence per failed check. */
export interface TrainingKernelsSelfTestResult {
  readonly ok: boolean;
  readonly failures: string[];
}

/** Deterministic, tie-free test values in [−1, 1]. */
function values(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(1.37 * i + seed) * Math.cos(0.11 * i * seed + 0.5));
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

type Shape4 = [number, number, number, number];

interface GradientCheck {
  readonly name: string;
  /** Returns named gradients computed on the active backend. */
  readonly run: () => Record<string, tf.Tensor>;
}

function convolutionCheck(
  name: string,
  xShape: Shape4,
  filterShape: Shape4,
  strides: number,
  pad: "same" | "valid",
): GradientCheck {
  return {
    name,
    run: () => {
      const x = tf.tensor4d(values(sizeOf(xShape), 1), xShape);
      const filter = tf.tensor4d(values(sizeOf(filterShape), 2), filterShape);
      const y = tf.conv2d(x, filter, strides, pad);
      const dy = tf.tensor4d(values(y.size, 3), [y.shape[0], y.shape[1], y.shape[2], y.shape[3]]);
      const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a.as4D(...xShape), b.as4D(...filterShape), strides, pad),
      )([x, filter], dy);
      return { output: y, "input gradient": dx ?? tf.scalar(Number.NaN), "filter gradient": dFilter ?? tf.scalar(Number.NaN) };
    },
  };
}

/** The fused convolution with bias and ReLU as layers use it: output and all three gradients. */
function fusedConvolutionCheck(name: string, xShape: Shape4, filterShape: Shape4): GradientCheck {
  return {
    name,
    run: () => {
      const x = tf.tensor4d(values(sizeOf(xShape), 4), xShape);
      const filter = tf.tensor4d(values(sizeOf(filterShape), 5), filterShape);
      const bias = tf.tensor1d(values(filterShape[3], 6));
      const convolve = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Tensor =>
        tf.fused.conv2d({ x: a.as4D(...xShape), filter: b.as4D(...filterShape), bias: c, strides: 1, pad: "same", activation: "relu" });
      const y = convolve(x, filter, bias);
      const dy = tf.tensor(values(y.size, 7), y.shape);
      const [dx, dFilter, dBias] = tf.grads(convolve)([x, filter, bias], dy);
      return {
        output: y,
        "input gradient": dx ?? tf.scalar(Number.NaN),
        "filter gradient": dFilter ?? tf.scalar(Number.NaN),
        "bias gradient": dBias ?? tf.scalar(Number.NaN),
      };
    },
  };
}

function maxPoolCheck(name: string, xShape: Shape4, filterSize: number, strides: number, pad: "same" | "valid"): GradientCheck {
  return {
    name,
    run: () => {
      // The last channel is all negative: the stock wasm MaxPoolGrad loses the gradient of every window whose
      // maximum is below FLT_MIN (it starts its running maximum at FLT_MIN), which this catches.
      const channels = xShape[3];
      const inputValues = values(sizeOf(xShape), 4).map((v, i) => (i % channels === channels - 1 ? v - 2 : v));
      const x = tf.tensor4d(inputValues, xShape);
      const y = tf.maxPool(x, filterSize, strides, pad);
      const dy = tf.tensor4d(values(y.size, 5), [y.shape[0], y.shape[1], y.shape[2], y.shape[3]]);
      const dx = tf.grad((a: tf.Tensor) => tf.maxPool(a.as4D(...xShape), filterSize, strides, pad))(x, dy);
      return { "input gradient": dx };
    },
  };
}

/** Batch-norm style reductions over the leading axes and a channel split / concat, with their gradients. */
function reductionAndMovementCheck(name: string, xShape: Shape4): GradientCheck {
  return {
    name,
    run: () => {
      const x = tf.tensor4d(values(sizeOf(xShape), 6), xShape);
      const channels = xShape[3];
      const half = Math.floor(channels / 2);
      const f = (a: tf.Tensor): tf.Tensor => {
        const [low, high] = tf.split(a, [half, channels - half], 3) as [tf.Tensor, tf.Tensor];
        const joined = tf.concat([high, tf.slice(low, [0, 1, 0, 0], [-1, -1, -1, -1]).pad([[0, 0], [1, 0], [0, 0], [0, 0]])], 3);
        return tf.add(tf.sum(tf.square(joined), [0, 1, 2]), tf.mean(joined, [0, 1, 2]));
      };
      const y = f(x);
      const dy = tf.tensor1d(values(y.size, 7));
      return { "value": y, "input gradient": tf.grad(f)(x, dy) };
    },
  };
}

const CHECKS: readonly GradientCheck[] = [
  convolutionCheck("conv2d 3×3 stride 1 'same' [2,5,4,3]→2", [2, 5, 4, 3], [3, 3, 3, 2], 1, "same"),
  convolutionCheck("conv2d 3×3 stride 2 'valid' [1,7,6,2]→3", [1, 7, 6, 2], [3, 3, 2, 3], 2, "valid"),
  // 16-channel multiples: the shapes the native kernels take when @pg/backend-native is installed.
  convolutionCheck("conv2d 3×3 stride 1 'valid' [2,6,11,32]→16", [2, 6, 11, 32], [3, 3, 32, 16], 1, "valid"),
  fusedConvolutionCheck("fused conv2d 3×3 'same' bias ReLU [2,5,13,16]→16", [2, 5, 13, 16], [3, 3, 16, 16]),
  maxPoolCheck("maxPool 2×2 stride 2 [1,4,4,2]", [1, 4, 4, 2], 2, 2, "valid"),
  maxPoolCheck("maxPool 3×3 stride 1 'same' [1,5,4,2]", [1, 5, 4, 2], 3, 1, "same"),
  reductionAndMovementCheck("channel split, slice, concat, sum and mean [3,4,5,6]", [3, 4, 5, 6]),
];

/** Runs every check on the active backend; a check that throws yields its message instead of values. */
async function runChecks(): Promise<Map<string, Map<string, Float32Array> | string>> {
  const results = new Map<string, Map<string, Float32Array> | string>();
  for (const check of CHECKS) {
    try {
      const tensors = tf.tidy(() => check.run());
      const read = new Map<string, Float32Array>();
      for (const [key, tensor] of Object.entries(tensors)) {
        read.set(key, Float32Array.from(await tensor.data()));
        tensor.dispose();
      }
      results.set(check.name, read);
    } catch (error) {
      results.set(check.name, error instanceof Error ? error.message : String(error));
    }
  }
  return results;
}

async function runChecksOn(backendName: string): Promise<Map<string, Map<string, Float32Array> | string> | string> {
  try {
    if (!(await tf.setBackend(backendName))) return `the ${backendName} backend could not be initialised`;
  } catch (error) {
    return `the ${backendName} backend could not be selected (${error instanceof Error ? error.message : String(error)})`;
  }
  return runChecks();
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let maxDifference = 0;
  let maxReference = 0;
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? Number.NaN));
    maxDifference = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(maxDifference, difference);
    maxReference = Math.max(maxReference, Math.abs(expected[i] ?? 0));
  }
  return maxReference === 0 ? maxDifference : maxDifference / maxReference;
}

/**
 * Computes small conv2d input/filter gradients (stride 1 'same', stride 2 'valid'), 2-channel max-pool gradients
 * (2×2 stride 2; 3×3 stride 1 'same'; one channel all negative) and a split/slice/concat/sum/mean composite with its
 * gradient on wasm and on cpu, and compares them with relative tolerance 1e-4 (max |Δ| / max |cpu|). Switches backends and restores the one active before the call (wasm if
 * none was). Does not register anything: run {@link registerTrainingKernels} first.
 *
 * @returns `{ ok, failures }`; each failure names the check, the gradient and the relative error, or the error
 *   thrown. Never throws for a failed check: the caller decides (and refuses wasm with the failures as the reason).
 * @example
 * import { registerTrainingKernels, selfTestTrainingKernels } from "@pg/backend";
 * import { getBackend } from "@tensorflow/tfjs";
 * import { version_wasm } from "@tensorflow/tfjs-backend-wasm";
 * registerTrainingKernels();
 * const result = await selfTestTrainingKernels();
 * // the backend active before the call (cpu here) is active again
 * console.log(result.ok, result.failures.length, getBackend()); // true 0 cpu
 */
export async function selfTestTrainingKernels(): Promise<TrainingKernelsSelfTestResult> {
  const previous: string | null | undefined = tf.getBackend();
  const failures: string[] = [];
  try {
    const wasm = await runChecksOn("wasm");
    const cpu = await runChecksOn("cpu");
    if (typeof wasm === "string") failures.push(wasm);
    if (typeof cpu === "string") failures.push(cpu);
    if (typeof wasm !== "string" && typeof cpu !== "string") {
      for (const check of CHECKS) {
        const actual = wasm.get(check.name);
        const expected = cpu.get(check.name);
        if (typeof actual === "string" || actual === undefined) {
          failures.push(`${check.name}: wasm threw: ${actual ?? "no result"}`);
          continue;
        }
        if (typeof expected === "string" || expected === undefined) {
          failures.push(`${check.name}: cpu reference threw: ${expected ?? "no result"}`);
          continue;
        }
        for (const [gradient, reference] of expected) {
          const error = relativeError(actual.get(gradient) ?? new Float32Array(0), reference);
          if (!(error <= RELATIVE_TOLERANCE)) {
            failures.push(
              `${check.name}: ${gradient} differs from cpu by ${error.toExponential(2)} relative (tolerance ${RELATIVE_TOLERANCE})`,
            );
          }
        }
      }
    }
  } finally {
    // With no backend active before the call, wasm (the backend under test) is left active.
    const restore = typeof previous === "string" && previous !== "" ? previous : "wasm";
    if (restore !== tf.getBackend()) {
      try {
        await tf.setBackend(restore);
      } catch (error) {
        failures.push(`could not restore the ${restore} backend (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  return { ok: failures.length === 0, failures };
}
