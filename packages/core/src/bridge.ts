/**
 * The one place where Float64 physics meets float32 tfjs. Physics runs on Float64Array (tfjs has no float64); the
 * network runs in float32; every conversion between the two goes through this module.
 */
import * as tf from "@tensorflow/tfjs";
import { requireFloat64Array, requirePhysics } from "./checks";
import type { Physics } from "./physics";
import { PgShapeError, PgValidationError } from "./errors";
import { requireShape, shapeSize } from "./validate";

/**
 * Reads a tensor into a new Float64Array (synchronously). A conversion: NaN and ±Infinity convert as they are.
 * @throws {@link PgValidationError} unless `tensor` is a tf.Tensor.
 * @example
 * import { tensorToFloat64 } from "@pg/core";
 * import { tensor2d } from "@tensorflow/tfjs";
 * const values = tensorToFloat64(tensor2d([[0.5, 1], [2, 0.1]]));
 * console.log(values.constructor.name, values.length, values[0]); // Float64Array 4 0.5
 * console.log(values[3]); // 0.10000000149011612
 */
export function tensorToFloat64(tensor: tf.Tensor): Float64Array {
  if (!(tensor instanceof tf.Tensor)) throw new PgValidationError("tensorToFloat64", "tensor", "a tf.Tensor", tensor);
  // The constructor converts element types natively; Float64Array.from(Float32Array) iterates, ~60× slower.
  return new Float64Array(tensor.dataSync() as Float32Array);
}

/**
 * Makes a float32 tensor of `shape` from Float64 values (rounded to float32). A conversion: NaN and ±Infinity convert
 * as they are (the training step checks what it converts).
 * @throws {@link PgValidationError} unless `values` is a Float64Array and `shape` a list of non-negative integers;
 *   {@link PgShapeError} if the length is not the shape's size.
 * @example
 * import { float64ToTensor } from "@pg/core";
 * const tensor = float64ToTensor(Float64Array.of(0.5, 1, 2, 0.1), [2, 2]);
 * console.log(tensor.shape.join("×"), tensor.dtype, tensor.dataSync()[3]); // 2×2 float32 0.10000000149011612
 * try {
 *   float64ToTensor(Float64Array.of(1, 2, 3), [2, 2]);
 * } catch (error) {
 *   console.log(error.message); // float64ToTensor: values must have length 2 × 2 = 4; received Float64Array(3) [1, 2, 3].
 * }
 */
export function float64ToTensor(values: Float64Array, shape: readonly number[]): tf.Tensor {
  requireFloat64Array("float64ToTensor", "values", values);
  const size = shapeSize(requireShape("float64ToTensor", "shape", shape));
  if (values.length !== size) {
    throw new PgShapeError("float64ToTensor", "values", `length ${shape.join(" × ")} = ${size}`, values);
  }
  return tf.tensor(new Float32Array(values), [...shape], "float32");
}

/**
 * Turns a physics operator into a differentiable tfjs op on float32 tensors of shape [batch, ...xShape]: the forward
 * pass calls `physics.forward` in Float64 and the gradient calls `physics.adjoint`, so tfjs autodiff can back-propagate
 * through the simulator (the backprop baseline, Eq. 2). The physics is checked here, once; each call checks the
 * tensor's shape, and the physics' forward and adjoint check the values.
 * @throws {@link PgValidationError} for a physics without xShape, yShape, forward or adjoint.
 * @example
 * import { physicsOp } from "@pg/core";
 * import { grad, tensor2d } from "@tensorflow/tfjs";
 * const square = { name: "x²", xShape: [2], yShape: [2], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * const P = physicsOp(square);
 * const x = tensor2d([[1, 2], [3, 4]]);
 * console.log(P(x).shape.join("×"), P(x).dataSync().join(" ")); // 2×2 1 4 9 16
 * // tfjs autodiff through the simulator: ∂/∂x Σ P(x) = 2x, from square.adjoint
 * console.log(grad((t) => P(t).sum())(x).dataSync().join(" ")); // 2 4 6 8
 */
export function physicsOp(physics: Physics): (x: tf.Tensor) => tf.Tensor {
  requirePhysics("physicsOp", "physics", physics);
  const xSize = shapeSize(physics.xShape);
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const batch = x.shape[0] ?? 0;
    if (x.size !== batch * xSize) {
      throw new PgShapeError(
        `physicsOp(${physics.name})`,
        "x",
        `shape [batch, ${physics.xShape.join(", ")}]`,
        x.shape,
      );
    }
    const x64 = tensorToFloat64(x);
    const y = physics.forward(x64, batch);
    save([x]);
    return {
      value: float64ToTensor(y, [batch, ...physics.yShape]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const savedX = saved[0] as tf.Tensor;
        const dx = physics.adjoint(tensorToFloat64(savedX), tensorToFloat64(dy), batch);
        return float64ToTensor(dx, savedX.shape);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x: tf.Tensor) => op(x) as tf.Tensor;
}
