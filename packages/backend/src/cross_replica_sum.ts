import * as tf from "@tensorflow/tfjs";
import type { SharedAllReduce } from "./shared_all_reduce";

/**
 * A differentiable tfjs op that sums a vector over all replicas through shared memory. Its gradient is the same
 * cross-replica sum of the incoming gradients: each replica's loss depends on the global total.
 */
export function crossReplicaSum(allReduce: SharedAllReduce): (values: tf.Tensor1D) => tf.Tensor1D {
  const op = tf.customGrad(((values: tf.Tensor1D) => ({
    value: tf.tensor1d(new Float32Array(allReduce.sum(values.dataSync()))),
    gradFunc: (dy: tf.Tensor) => tf.tensor1d(new Float32Array(allReduce.sum(dy.dataSync()))),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (values) => op(values) as tf.Tensor1D;
}
