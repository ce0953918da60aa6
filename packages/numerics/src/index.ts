export { fft2, ifft2, type Fft2Options, type ComplexField } from "./fft2";
export { fftfreq } from "./fftfreq";
export {
  laplacian,
  laplacianOperator,
  type LaplacianBoundary,
  type LaplacianOptions,
  type LaplacianOperatorOptions,
} from "./laplacian";
export {
  conjugateGradient,
  type LinearOperator,
  type ConjugateGradientOptions,
  type ConjugateGradientResult,
  type ConjugateGradientStopReason,
} from "./conjugate_gradient";
export {
  noiseField,
  noiseMask,
  type NormalSource,
  type NoiseFieldOptions,
  type NoiseMaskOptions,
} from "./noise_field";
export { hardBoxMask, type HardBoxMaskOptions } from "./hard_box_mask";
export { softBoxMask, type SoftBoxMaskOptions } from "./soft_box_mask";
