// The checks that keep a non-finite network out of a file, and out of a loaded model (internal).
import * as tf from "@tensorflow/tfjs";
import { PgNonFiniteError, firstNonFinite } from "@pg/core";
import type { NetworkConfig } from "./network_config";

/** Throws a {@link PgNonFiniteError} naming the weight and its first NaN or ±Infinity; `whose` says where it is. */
export function requireFiniteWeight(where: string, name: string, shape: readonly number[], values: ArrayLike<number>, whose: string): void {
  const bad = firstNonFinite(values);
  if (bad >= 0) {
    throw new PgNonFiniteError(
      where,
      "weight",
      bad,
      values[bad] as number,
      undefined,
      `weight "${name}" (shape [${shape.join(", ")}]) of ${whose} must be finite (training probably diverged)`,
    );
  }
}

/** The input shape of a probe: two examples (batch statistics need two) of the smallest size the network takes. */
function probeShape(model: tf.LayersModel, config: NetworkConfig): number[] {
  const declared = model.inputs[0]?.shape ?? [];
  const open = config.builder === "unet" ? 2 ** (config.options.levels - 1) : 1;
  return [2, ...declared.slice(1).map((extent) => extent ?? open)];
}

/**
 * Throws unless `model` predicts finite values for a fixed probe input. Finite weights can still overflow float32 on
 * the way through (a network stopped after a non-finite step has weights near 1e38): such a network predicts NaN for
 * any input, and is refused with the largest weight named.
 */
export function requireFinitePredictions(where: string, model: tf.LayersModel, config: NetworkConfig, action: "saved" | "loaded"): void {
  const shape = probeShape(model, config);
  const output = tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const input = tf.tensor(Float32Array.from({ length: size }, (_, i) => Math.sin(1.7 * i + 0.3)), shape, "float32");
    return (model.apply(input, { training: false }) as tf.Tensor).dataSync();
  });
  const bad = firstNonFinite(output);
  if (bad < 0) return;
  let largest = { name: "none", value: 0 };
  for (const weight of model.weights) {
    const values = weight.read().dataSync();
    for (let i = 0; i < values.length; i++) {
      const magnitude = Math.abs(values[i] as number);
      if (magnitude > largest.value) largest = { name: weight.originalName, value: magnitude };
    }
  }
  throw new PgNonFiniteError(
    where,
    "network output",
    bad,
    output[bad] as number,
    undefined,
    `on a probe input of shape [${shape.join(", ")}]; every weight is finite but the largest, |w| = ${largest.value.toPrecision(3)} in "${largest.name}", overflows on the way through, so the network is not ${action} (training probably diverged)`,
  );
}
