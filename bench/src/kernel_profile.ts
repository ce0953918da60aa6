/**
 * Times every kernel call of one backend by wrapping the registered kernel functions: `pnpm bench --profile` uses it
 * to split one step by kernel. Only outermost calls are counted, so a training kernel that calls other kernels
 * (Conv2DBackpropFilter runs Transpose and BatchMatMul) is charged once, with everything it ran.
 *
 * What is timed is the synchronous kernel function on the calling thread: on wasm and cpu that is the kernel's whole
 * work. Work outside kernel functions (tensor creation and upload, reading data back, the gradient tape, disposal,
 * JavaScript between ops) and kernels of other threads (data-parallel workers have their own tfjs) are not seen.
 */
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from "@tensorflow/tfjs";

/** Time spent in one kernel during the profiled calls. */
export interface KernelTime {
  readonly kernel: string;
  /** Wall time of its outermost calls, nested kernel calls included. */
  readonly milliseconds: number;
  /** Outermost calls (a kernel called from inside another kernel is not counted). */
  readonly calls: number;
}

/** A switchable timer over every kernel of a backend; {@link KernelProfiler.take} returns and clears its counts. */
export interface KernelProfiler {
  /** Counts calls only while on, so warm-up and untimed work stay out. Off when created. */
  setRecording(on: boolean): void;
  /** Kernels by time spent, most first (ties by name); resets the counts. */
  take(): KernelTime[];
  /** Puts the original kernel configs back in the registry (kernels since unregistered stay unregistered). */
  restore(): void;
}

/**
 * Wraps every kernel registered for `backendName` now: each config is replaced in tfjs's kernel registry by a copy
 * whose `kernelFunc` times its outermost calls (the original config objects are left as they were, and
 * {@link KernelProfiler.restore} puts them back). Kernels registered later are not wrapped. While not recording, a
 * wrapped call costs one extra function call and a test.
 * @example
 * const profiler = profileKernels("cpu");
 * profiler.setRecording(true);
 * tf.add(a, b);
 * profiler.setRecording(false);
 * profiler.take(); // [{ kernel: "Add", milliseconds: 0.05, calls: 1 }]
 * profiler.restore();
 */
export function profileKernels(backendName: string): KernelProfiler {
  const totals = new Map<string, { milliseconds: number; calls: number }>();
  let recording = false;
  let depth = 0;
  const originals: KernelConfig[] = [];
  const wrapped: KernelConfig[] = [];
  for (const config of getKernelsForBackend(backendName)) {
    const run: KernelFunc = config.kernelFunc;
    const kernelName = config.kernelName;
    const timed: KernelFunc = (args) => {
      if (!recording || depth > 0) return run(args);
      depth++;
      const start = performance.now();
      try {
        return run(args);
      } finally {
        const milliseconds = performance.now() - start;
        depth--;
        const entry = totals.get(kernelName);
        if (entry === undefined) totals.set(kernelName, { milliseconds, calls: 1 });
        else {
          entry.milliseconds += milliseconds;
          entry.calls++;
        }
      }
    };
    const copy: KernelConfig = { ...config, kernelFunc: timed };
    unregisterKernel(kernelName, backendName);
    registerKernel(copy);
    originals.push(config);
    wrapped.push(copy);
  }
  let isRestored = false;
  return {
    setRecording(on) {
      recording = on;
    },
    take() {
      const rows = [...totals].map(([kernel, { milliseconds, calls }]) => ({ kernel, milliseconds, calls }));
      totals.clear();
      return rows.sort((a, b) => b.milliseconds - a.milliseconds || a.kernel.localeCompare(b.kernel));
    },
    restore() {
      if (isRestored) return;
      isRestored = true;
      recording = false;
      const registered = new Set(getKernelsForBackend(backendName));
      for (const [index, copy] of wrapped.entries()) {
        if (!registered.has(copy)) continue; // unregistered or replaced since: leave the registry's choice
        unregisterKernel(copy.kernelName, backendName);
        registerKernel(originals[index] as KernelConfig);
      }
    },
  };
}
