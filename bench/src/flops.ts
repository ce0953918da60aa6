import type * as tf from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";

/**
 * A training step costs about three forward passes: the forward itself, the input gradient (dx) and the weight
 * gradient (dW) of every layer, each with the forward's multiply–add count. For the 4-level U-net (106.9 MFLOP per
 * sample forward) that is ≈ 320 MFLOP per sample and 10.26 GFLOP per training step at batch 32.
 */
export const TRAINING_FLOP_FACTOR = 3;

/** Forward FLOPs of one layer for one example. */
export interface LayerFlops {
  readonly name: string;
  readonly className: string;
  readonly flops: number;
}

/** Forward FLOPs of a network for one example, counting only convolutions and dense layers. */
export interface NetworkFlops {
  /** Sum over {@link NetworkFlops.layers}. */
  readonly perSample: number;
  /** Every Conv2D and Dense layer, in model order. */
  readonly layers: readonly LayerFlops[];
}

function fixedSize(shape: readonly (number | null)[], layer: string, what: string): number[] {
  const sizes = shape.slice(1);
  if (sizes.some((s) => typeof s !== "number")) {
    throw new PgValidationError(
      "forwardFlops",
      `${what} of layer "${layer}"`,
      "fully known apart from the batch axis",
      JSON.stringify(shape),
      "Build the network with a fixed input size (e.g. unet({ …, height: 64, width: 64 })).",
    );
  }
  return sizes as number[];
}

function singleShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(shape[0]) ? (shape[0] as tf.Shape) : (shape as tf.Shape);
}

/**
 * Forward multiply–add FLOPs of `model` per example, counted as 2 per multiply–add:
 * Conv2D 2·outH·outW·kh·kw·cin·cout (channels-last), Dense 2·in·out per input row. Batch norm, activations, pooling,
 * upsampling, concatenation and biases are not counted (they are memory-bound and cheap in FLOPs), so GFLOP/s derived
 * from this is the "useful" convolution/matmul rate.
 * @param model - a LayersModel whose layers have fully known output shapes apart from the batch axis.
 * @returns the per-example total and the per-layer breakdown.
 * @throws {@link PgValidationError} when a counted layer has an unknown spatial size.
 * @example
 * forwardFlops(unet({ levels: 4, inputChannels: 1, outputChannels: 1, seed: 0, height: 64, width: 64 })).perSample; // ≈ 1.07e8
 */
export function forwardFlops(model: tf.LayersModel): NetworkFlops {
  const layers: LayerFlops[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== "Conv2D" && className !== "Dense") continue;
    const config = layer.getConfig();
    const input = fixedSize((layer.input as tf.SymbolicTensor).shape, layer.name, "input shape");
    const output = fixedSize(singleShape(layer.outputShape), layer.name, "output shape");
    let flops: number;
    if (className === "Conv2D") {
      if (config.dataFormat === "channelsFirst") {
        throw new PgValidationError("forwardFlops", `dataFormat of layer "${layer.name}"`, '"channelsLast"', config.dataFormat);
      }
      const [kh, kw] = config.kernelSize as number[];
      const [outH, outW, cout] = output as [number, number, number];
      const cin = input[input.length - 1] as number;
      flops = 2 * outH * outW * (kh as number) * (kw as number) * cin * cout;
    } else {
      const rows = output.slice(0, -1).reduce((a, b) => a * b, 1);
      flops = 2 * rows * (input[input.length - 1] as number) * (output[output.length - 1] as number);
    }
    layers.push({ name: layer.name, className, flops });
  }
  return { perSample: layers.reduce((total, l) => total + l.flops, 0), layers };
}
