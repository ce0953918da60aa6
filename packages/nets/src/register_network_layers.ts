import * as tf from "@tensorflow/tfjs";
import { BatchStatisticsNormalization } from "./batch_statistics_normalization";
import { BilinearUpsampling2D } from "./bilinear_upsampling";
import { CircularPadding2D } from "./circular_padding";
import { SkipConcatenation } from "./skip_concatenation";
import { SpatialSizeGuard } from "./spatial_size_guard";

/**
 * Registers this package's custom layers with `tf.serialization.registerClass`, so that `model.toJSON()` /
 * `tf.models.modelFromJSON` and the tfjs IO handlers can round-trip a U-net. Idempotent; `unet()` calls it, and
 * nothing registers on import.
 * @returns the class names registered.
 * @example
 * import { registerNetworkLayers } from "@pg/nets";
 * const names = registerNetworkLayers();
 * console.log(names.length, names.includes("PgBatchStatisticsNormalization")); // 5 true
 * console.log(names.join(" ")); // PgBatchStatisticsNormalization PgBilinearUpsampling2D PgCircularPadding2D PgSkipConcatenation PgSpatialSizeGuard
 */
export function registerNetworkLayers(): readonly string[] {
  const classes = [
    BatchStatisticsNormalization,
    BilinearUpsampling2D,
    CircularPadding2D,
    SkipConcatenation,
    SpatialSizeGuard,
  ];
  for (const layerClass of classes) tf.serialization.registerClass(layerClass);
  return classes.map((layerClass) => layerClass.className);
}
