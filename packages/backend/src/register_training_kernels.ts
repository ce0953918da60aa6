/**
 * Registers the wasm training kernels: Conv2D and FusedConv2D (native in Node where `@pg/backend-native` loads,
 * else stock), Conv2DBackpropFilter (missing on wasm), Conv2DBackpropInput (fast),
 * MaxPoolGrad (correct for C > 1), Tile (broadcast fast path), Identity (buffer sharing), Slice, SplitV and Concat
 * (inside the wasm heap) and Sum and Mean (leading-axes fast path).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from "@tensorflow/tfjs";
import { PgBackendError, PgValidationError } from "@pg/core";

import { conv2DBackpropFilterConfig } from "./kernels/conv2d_backprop_filter";
import { conv2DBackpropInputConfig } from "./kernels/conv2d_backprop_input";
import { conv2dConfig, fusedConv2dConfig } from "./kernels/convolution";
import { concatConfig, sliceConfig, splitVConfig } from "./kernels/data_movement";
import { identityConfig } from "./kernels/identity";
import { meanConfig, sumConfig } from "./kernels/leading_axes_reduction";
import { maxPoolGradConfig } from "./kernels/max_pool_grad";
import { tileConfig } from "./kernels/tile";
import { stockKernelName, WASM_BACKEND } from "./kernels/wasm_kernel_calls";

const TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2dConfig,
  fusedConv2dConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  tileConfig,
  identityConfig,
  sliceConfig,
  splitVConfig,
  concatConfig,
  sumConfig,
  meanConfig,
];

/**
 * Replaces (or adds) the training kernels of the wasm backend so gradients, layers and optimizers use them.
 *
 * Each stock kernel that is replaced stays registered under an alias (`PgStock<name>`) for the cases a training
 * kernel hands back to it, and so that its setup still runs if the backend is initialised again. Idempotent: a
 * second call finds our kernels in place, registers nothing and returns `[]`. Works before or after `tf.ready()`.
 * Call {@link selfTestTrainingKernels} afterwards and refuse wasm if it fails.
 *
 * @param backendName - the backend whose kernels are replaced; only 'wasm' exists. @defaultValue 'wasm'
 * @returns the kernel names registered by this call (replaced or added), in registration order.
 * @throws {@link PgValidationError} if `backendName` is not 'wasm'.
 * @throws {@link PgBackendError} if the wasm kernels are not registered (`@tensorflow/tfjs-backend-wasm` not imported).
 * @example
 * import { registerTrainingKernels } from "@pg/backend";
 * import { getKernel } from "@tensorflow/tfjs";
 * // importing the wasm backend registers its stock kernels, which lack Conv2DBackpropFilter
 * import { version_wasm } from "@tensorflow/tfjs-backend-wasm";
 * // the first call returns what it registered: Conv2D, FusedConv2D, Conv2DBackpropFilter, Conv2DBackpropInput,
 * // MaxPoolGrad, Tile, Identity, Slice, SplitV, Concat, Sum, Mean
 * registerTrainingKernels();
 * console.log(getKernel("Conv2DBackpropFilter", "wasm") !== undefined, getKernel("PgStockMaxPoolGrad", "wasm") !== undefined); // true true
 * console.log(registerTrainingKernels().length); // 0
 */
export function registerTrainingKernels(backendName: "wasm" = "wasm"): readonly string[] {
  const where = "registerTrainingKernels";
  if (backendName !== WASM_BACKEND) {
    throw new PgValidationError(where, "backendName", "'wasm'", backendName);
  }
  if (getKernel("Conv2D", backendName) === undefined) {
    throw new PgBackendError(
      where,
      [{ name: backendName, reason: "its kernels are not registered" }],
      "Import '@tensorflow/tfjs-backend-wasm' before registering the training kernels.",
    );
  }
  const registered: string[] = [];
  for (const config of TRAINING_KERNELS) {
    const current: KernelConfig | undefined = getKernel(config.kernelName, backendName);
    if (current !== undefined && current.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      const alias = stockKernelName(config.kernelName);
      if (getKernel(alias, backendName) === undefined) registerKernel({ ...current, kernelName: alias });
      unregisterKernel(config.kernelName, backendName);
    }
    registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
