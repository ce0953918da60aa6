/**
 * One data-parallel worker: its own tfjs instance and backend, a replica of the network, and a loop that follows
 * the main thread step by step through shared memory (see data_parallel.ts for the protocol).
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { buildNetwork, setCrossReplicaSum, type NetworkConfig } from "@pg/nets";
import { crossReplicaSum } from "./cross_replica_sum";
import { CONTROL, STOP_GENERATION, ALL_REDUCE_CAPACITY, reportFailure, replicaRows, viewShared, waitAtLeast, failureOf, type LayoutSizes, type SharedBuffers } from "./data_parallel_layout";
import { initBackend } from "./init_backend_node";
import type { BackendName } from "./select_backend";
import { registerTrainingKernels } from "./register_training_kernels";
import { SharedAllReduce } from "./shared_all_reduce";

/** What the main thread hands a worker at start. */
export interface WorkerSetup {
  readonly replica: number;
  readonly sizes: LayoutSizes;
  readonly buffers: SharedBuffers;
  readonly config: NetworkConfig;
  readonly backend: BackendName;
  readonly inputShape: readonly number[];
}

async function main(setup: WorkerSetup): Promise<void> {
  const layout = viewShared(setup.buffers, setup.sizes);
  try {
    await initBackend({
      backend: setup.backend,
      prepare: (name) => {
        if (name === "wasm") registerTrainingKernels();
      },
    });
    const network = buildNetwork(setup.config);
    const allReduce = new SharedAllReduce(layout.allReduceBuffer, setup.sizes.replicas, ALL_REDUCE_CAPACITY, setup.replica, () => failureOf(layout));
    setCrossReplicaSum(network, crossReplicaSum(allReduce));
    const variables = network.trainableWeights.map((w) => w.read() as tf.Variable);
    const inputSize = setup.sizes.inputSize;
    const outputSize = setup.sizes.outputSize;
    Atomics.add(layout.control, CONTROL.ready, 1);
    Atomics.notify(layout.control, CONTROL.ready);

    for (let generation = 1; ; generation++) {
      waitAtLeast(layout, CONTROL.step, generation);
      if (Atomics.load(layout.control, CONTROL.step) >= STOP_GENERATION) break;
      const batch = Atomics.load(layout.control, CONTROL.batch);
      const { start, end } = replicaRows(batch, setup.sizes.replicas, setup.replica);
      const rows = end - start;
      tf.tidy(() => {
        let offset = 0;
        for (const v of variables) {
          v.assign(tf.tensor(layout.weights.slice(offset, offset + v.size), v.shape, "float32"));
          offset += v.size;
        }
      });
      const input = tf.tensor(new Float32Array(layout.input.subarray(start * inputSize, end * inputSize)), [rows, ...setup.inputShape], "float32");
      const { value, grads } = tf.variableGrads(() => {
        const x = network.apply(input, { training: true }) as tf.Tensor;
        layout.prediction.set(x.dataSync(), start * outputSize);
        Atomics.add(layout.control, CONTROL.predictionsWritten, 1);
        Atomics.notify(layout.control, CONTROL.predictionsWritten);
        waitAtLeast(layout, CONTROL.gradientWritten, generation);
        const g = tf.tensor(new Float32Array(layout.gradient.subarray(start * outputSize, end * outputSize)), x.shape, "float32");
        return tf.sum(tf.mul(x, g)) as tf.Scalar;
      }, variables);
      const block = (setup.replica - 1) * setup.sizes.parameters;
      let offset = 0;
      for (const v of variables) {
        const g = grads[v.name] as tf.Tensor;
        layout.parameterGradients.set(g.dataSync(), block + offset);
        offset += v.size;
      }
      tf.dispose([input, value, grads]);
      Atomics.add(layout.control, CONTROL.gradientsWritten, 1);
      Atomics.notify(layout.control, CONTROL.gradientsWritten);
    }
  } catch (error) {
    reportFailure(layout, `data-parallel worker ${setup.replica}: ${error instanceof Error ? error.message : String(error)}`);
  }
  parentPort?.close();
}

void main(workerData as WorkerSetup);
