export { heatPhysics, type HeatPhysics, type HeatPhysicsOptions } from "./heat_physics";
export { diffusionLogKernel, type DiffusionLogKernelOptions } from "./diffusion_log_kernel";
export { inverseDiffusion, type InverseDiffusionOptions, type InverseDiffusionResult } from "./inverse_diffusion";
export { heatInverse, type HeatInverseOptions } from "./heat_inverse";
export { meanFix } from "./mean_fix";
