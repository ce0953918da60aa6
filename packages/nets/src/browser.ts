// The browser entry: every network builder and layer, and (de)serialisation to bytes. Saving to and loading from a
// directory (node:fs) exist only in the Node entry (index.ts).
export { mlp, MLP_ACTIVATIONS, type MlpOptions, type MlpActivation } from "./mlp";
export { unet, UNET_PADDINGS, type UNetOptions, type UNetPadding } from "./unet";
export { waveCnn, WAVE_CNN_INITIALIZATIONS, type WaveCnnOptions, type WaveCnnInitialization } from "./wave_cnn";
export { buildNetwork } from "./build_network";
export { networkConfigOf, NETWORK_BUILDERS, type NetworkConfig, type NetworkBuilder } from "./network_config";
export { countParameters } from "./count_parameters";
export { snapshotWeights, restoreWeights, type WeightSnapshot } from "./weight_snapshot";
export { serializeNetwork, deserializeNetwork, type SerializedNetwork } from "./network_bytes";
export { NETWORK_FILE_NAME, WEIGHTS_FILE_NAME, type NetworkFile, type NetworkFileWeight } from "./network_file";
export {
  BatchStatisticsNormalization,
  setCrossReplicaSum,
  type BatchStatisticsNormalizationArgs,
} from "./batch_statistics_normalization";
export { BilinearUpsampling2D, upsampleBilinear2x } from "./bilinear_upsampling";
export { CircularPadding2D } from "./circular_padding";
export { SkipConcatenation } from "./skip_concatenation";
export { SpatialSizeGuard, type SpatialSizeGuardArgs } from "./spatial_size_guard";
export { registerNetworkLayers } from "./register_network_layers";
export { glorotInitializers, type GlorotInitializers } from "./glorot_initialization";
export { pytorchInitializers, deriveSeed, type PytorchInitializers, type WeightInitializer, type InitializedTensor } from "./pytorch_initialization";
