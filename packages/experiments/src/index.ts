export type {
  RunArguments,
  RunArgumentSpec,
  MethodPlan,
  FieldFigureSpec,
  FigureSpec,
  ExperimentDefinition,
} from "./contract";
export { sinExperiment, SIN_METHODS, type SinExperimentOptions } from "./sin";
export {
  poissonExperiment,
  poissonGrid,
  POISSON_METHODS,
  POISSON_GRIDS,
  POISSON_GRID_VARIABLE,
  DEFAULT_POISSON_GRID,
  type PoissonExperiment,
  type PoissonExperimentOptions,
  type PoissonGrid,
  type PoissonTrainingBatch,
} from "./poisson";
export { heatExperiment, HEAT_METHODS, HEAT_SHAPE, type HeatExperiment, type HeatExperimentOptions, type HeatTrainingBatch } from "./heat";
export {
  wavePacketExperiment,
  wavePacketInitialization,
  wavePacketOutput,
  parameterErrors,
  trueParameters,
  WAVE_PACKET_METHODS,
  WAVE_PACKET_REPORT_ITERATIONS,
  WAVE_PACKET_AVERAGE_WINDOW,
  WAVE_PACKET_INITIALIZATION_VARIABLE,
  type WavePacketExperiment,
  type WavePacketExperimentOptions,
  type WavePacketTrainingBatch,
} from "./wave_packet";
export {
  fluidExperiment,
  fluidPressureSolver,
  velocityError,
  FLUID_METHODS,
  FLUID_PRESSURE_SOLVER_VARIABLE,
  type FluidExperiment,
  type FluidExperimentOptions,
  type FluidTrainingBatch,
} from "./fluid";
export { fluidBatch, type FluidBatch, type FluidBatchOptions } from "./fluid_batch";
export { expExperiment, expMetrics, EXP_METHODS, EXP_TARGET_RANGE, type ExpExperiment, type ExpExperimentOptions, type ExpMetrics, type ExpTrainingBatch } from "./exp";
export {
  sinRotatedExperiment,
  sinRotatedSetting,
  sinRotatedMetrics,
  limitedNewtonStep,
  limitedNewton,
  SIN_ROTATED_METHODS,
  SIN_ROTATED_ILL_CONDITIONING_VARIABLE,
  SIN_ROTATED_ANGLE_VARIABLE,
  SIN_ROTATED_MAX_LOSS_CHANGE,
  type SinRotatedExperiment,
  type SinRotatedExperimentOptions,
  type SinRotatedMetrics,
  type LimitedNewtonOptions,
} from "./sin_rotated";
export { signTransform } from "./sign_transform";
export { torchAdadelta, torchAdagrad, torchRmsprop, type TorchAdadeltaOptions, type TorchAdagradOptions, type TorchRmspropOptions } from "./torch_optimizers";
export { EXPERIMENTS, experimentEntry, type ExperimentEntry, type ExperimentVariable, type ExperimentEnvironment } from "./registry";
export { batchField } from "./batch_field";
export {
  requireExperimentDefinition,
  requireRunArgumentSpec,
  requireMethodPlan,
  requireMethodName,
  requireBatchArgument,
  EXPERIMENT_DEFINITION_KEYS,
} from "./validate_definition";
