import * as tf from "@tensorflow/tfjs";
import { PgShapeError } from "@pg/core";

/**
 * Returns the one shape a single-input layer was given (tfjs passes `Shape | Shape[]`).
 * @throws {@link PgShapeError} if `shape` is a list of shapes of any length other than one.
 */
export function singleShape(where: string, shape: tf.Shape | tf.Shape[]): tf.Shape {
  if (shape.length > 0 && Array.isArray(shape[0])) {
    const shapes = shape as tf.Shape[];
    if (shapes.length !== 1 || shapes[0] === undefined) {
      throw new PgShapeError(where, "inputs", "exactly one input", shapes.length);
    }
    return shapes[0];
  }
  return shape as tf.Shape;
}

/**
 * Returns the one tensor a single-input layer was called with (tfjs passes `Tensor | Tensor[]`).
 * @throws {@link PgShapeError} if `inputs` is a list of any length other than one.
 */
export function singleTensor(where: string, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1 || inputs[0] === undefined) {
      throw new PgShapeError(where, "inputs", "exactly one tensor", inputs.length);
    }
    return inputs[0];
  }
  return inputs;
}
