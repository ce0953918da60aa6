/** The kernels `registerTrainingKernels` replaces or adds on wasm, in registration order (what both tests expect). */
export const TRAINING_KERNEL_NAMES = [
  "Conv2D",
  "FusedConv2D",
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "MaxPoolGrad",
  "Tile",
  "Identity",
  "Slice",
  "SplitV",
  "Concat",
  "Sum",
  "Mean",
] as const;
