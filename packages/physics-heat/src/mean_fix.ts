import * as tf from "@tensorflow/tfjs";
import { PgShapeError, PgValidationError, float64ToTensor, requireFinite, type Batch, type Physics } from "@pg/core";

/**
 * The heat experiment's mean fix (applied to every method's output in the authors' code) as a differentiable output transform: every example
 * of the network output is shifted to the mean of its target, x ← x + mean(y*) − mean(x). Diffusion keeps the mean,
 * so mean(y*) = mean(x*) and the label is never touched. Built from tfjs ops, so its vector–Jacobian product
 * g ↦ g − mean(g) (per example) projects the gradient onto zero-mean fields. Pass it as `outputTransform` to core's
 * `train`/`trainStep` (or an experiment definition): it then runs for every method, metrics included.
 * @param x - the network output, float32 [batch, …] (e.g. [batch, 64, 64, 1]).
 * @param batch - the mini-batch; its `yTarget` (batch × size(yShape), Float64) gives mean(y*) per example.
 * @returns x shifted per example, same shape as `x`.
 * @throws {@link PgValidationError} if `x` has no batch axis; {@link PgShapeError} if `batch.yTarget` is not a
 * Float64Array whose length is a positive multiple of x's batch size; {@link PgNonFiniteError} naming `batch.yTarget`
 * if it holds NaN or ±Infinity (the target is checked like an input). The entries of `x` are deliberately not read
 * back to be checked: it is a tensor on the training tape, and the training step checks the transformed output.
 * @example
 * import { meanFix } from "@pg/physics-heat";
 * import { float64ToTensor } from "@pg/core";
 * const x = float64ToTensor(Float64Array.of(0, 1, 2, 3, 10, 10, 10, 10), [2, 2, 2, 1]);
 * const fixed = meanFix(x, { input: new Float64Array(8), inputShape: [2, 2, 1], yTarget: Float64Array.of(1, 1, 1, 1, 0, 0, 0, 4) });
 * console.log(Array.from(fixed.dataSync()).join(" ")); // -0.5 0.5 1.5 2.5 1 1 1 1
 */
export function meanFix<P extends Physics>(x: tf.Tensor, batch: Batch<P>): tf.Tensor {
  const where = "meanFix";
  const isTensor = typeof x === "object" && x !== null && Array.isArray(x.shape) && typeof x.rank === "number";
  if (!isTensor || x.rank < 2) {
    throw new PgValidationError(where, "x", "a tensor [batch, …] of rank ≥ 2", isTensor ? x.shape : x);
  }
  const examples = x.shape[0] as number;
  const yTarget: unknown = batch?.yTarget;
  if (!(yTarget instanceof Float64Array) || examples < 1 || yTarget.length === 0 || yTarget.length % examples !== 0) {
    throw new PgShapeError(where, "batch.yTarget", `type Float64Array with a positive multiple of ${examples} entries (one y* per example of x)`, yTarget);
  }
  requireFinite(where, "input", yTarget, undefined, "parameter batch.yTarget must be finite");
  const size = yTarget.length / examples;
  const targetMeans = new Float64Array(examples);
  for (let b = 0; b < examples; b++) {
    let sum = 0;
    for (let i = b * size; i < (b + 1) * size; i++) sum += yTarget[i] as number;
    targetMeans[b] = sum / size;
  }
  const broadcastShape = [examples, ...new Array<number>(x.rank - 1).fill(1)];
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return tf.tidy(() => tf.add(tf.sub(x, tf.mean(x, axes, true)), float64ToTensor(targetMeans, broadcastShape)));
}
