import * as tf from "@tensorflow/tfjs";
import { PgValidationError, backprop, computeNetworkGradients, physical, scheme, supervised, type Batch, type Scheme } from "@pg/core";
import { relativeDifference } from "@pg/core/testing";
import { poissonBatch, random } from "@pg/data";
import { unet } from "@pg/nets";
import { poissonInverse, poissonPhysics, type PoissonPhysics } from "@pg/physics-poisson";
import { beforeAll, describe, expect, it } from "vitest";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const SHAPE = [16, 16] as const;

function networkGradient(model: tf.LayersModel, s: Scheme<PoissonPhysics>, physics: PoissonPhysics, batch: Batch<PoissonPhysics>): Float64Array {
  const { grads } = computeNetworkGradients({ network: model, scheme: s, physics, batch, step: 1, reduction: "sum" });
  const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const flat = Float64Array.from(names.flatMap((name) => Array.from(grads[name]!.dataSync())));
  tf.dispose(grads);
  return flat;
}

describe("Theorem 3 on Poisson: PG that points at the solution is supervised training", () => {
  it("gives the network the gradient of supervised training with labels x* (relative difference ≲ 1e-4 at rtol 1e-5)", () => {
    for (const relativeTolerance of [1e-5, 1e-12]) {
      const physics = poissonPhysics({ shape: SHAPE, relativeTolerance });
      const xStar = poissonBatch(random(0), { batch: 2, shape: SHAPE }).x;
      const yTarget = physics.forward(xStar, 2);
      const batch: Batch<PoissonPhysics> = { input: yTarget, inputShape: [...SHAPE, 1], yTarget, labels: xStar };
      const model = unet({ levels: 2, inputChannels: 1, outputChannels: 1, seed: 3, height: SHAPE[0], width: SHAPE[1] });
      const pg = networkGradient(model, scheme(physical({ solver: poissonInverse() })), physics, batch);
      const sv = networkGradient(model, scheme(supervised<PoissonPhysics>()), physics, batch);
      const bp = networkGradient(model, scheme(backprop<PoissonPhysics>()), physics, batch);
      expect(relativeDifference(pg, sv), `rtol ${relativeTolerance}`).toBeLessThan(relativeTolerance === 1e-5 ? 1e-4 : 1e-5);
      // The comparison means something: back-propagation through P gives a very different direction.
      expect(relativeDifference(bp, sv)).toBeGreaterThan(0.5);
      model.dispose();
    }
  }, 120_000);
});

describe("the U-net on Poisson grids", () => {
  it("refuses a grid the 4-level U-net cannot pool, naming the size and the rule", () => {
    expect(() => unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0, height: 6, width: 6 })).toThrow(PgValidationError);
    expect(() => unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0, height: 6, width: 6 })).toThrow(
      "unet: height must be an integer ≥ 2^(levels − 1) = 8 so that 3 max-poolings leave a cell (levels = 4); received 6.",
    );
  });

  it("maps an 80 × 60 field (pooling 60 → 30 → 15 → 7) to an 80 × 60 field", () => {
    const model = unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0, height: 80, width: 60 });
    const output = model.apply(tf.zeros([1, 80, 60, 1]), { training: true }) as tf.Tensor;
    expect(output.shape).toEqual([1, 80, 60, 1]);
    tf.dispose(output);
    model.dispose();
  });
});
