export { FLUID_GRID, FLUID_DT, FLUID_STEPS, SAMPLE_OFFSETS, type FluidGrid, type StaggeredVelocity, type SampleOffset } from "./fluid_grid";
export { samplePositions, interpolatePeriodic, periodicNodeBounds, type SamplePositions, type PeriodicNodeBounds } from "./periodic_interpolation";
export { macCormack, advectStaggered } from "./mac_cormack";
export {
  makeIncompressible,
  staggeredDivergence,
  PRESSURE_SOLVERS,
  type PressureSolver,
  type MakeIncompressibleOptions,
  type MakeIncompressibleResult,
} from "./make_incompressible";
export { fluidStep, type FluidState, type FluidStepOptions, type FluidStepResult } from "./fluid_step";
export {
  frequencyLoss,
  frequencyWeights,
  FREQUENCY_LOSS_FALLOFF,
  FREQUENCY_LOSS_THRESHOLD,
  type FrequencyLoss,
  type FrequencyLossOptions,
} from "./frequency_loss";
export { centerOfMass } from "./center_of_mass";
export {
  swirlField,
  swirlStrength,
  swirlProjectionConstant,
  uniformVelocity,
  SWIRL_RADIUS,
  SWIRL_NORMALISATION,
  type SwirlOptions,
  type SwirlStrengthOptions,
} from "./swirl";
export { centeredToStaggered, staggeredToCentered, centeredToStaggeredAdjoint, staggeredToCenteredAdjoint } from "./staggering";
export { simulateFluid, type SimulateFluidOptions, type FluidTrajectory } from "./simulate_fluid";
export { fluidEstimator, FLUID_TIME, FLUID_ESTIMATOR_GAIN, type FluidEstimatorOptions, type FluidEstimate } from "./fluid_estimator";
export { macCormackAdjoint, advectStaggeredAdjoint, type MacCormackAdjointResult, type AdvectStaggeredAdjointResult } from "./mac_cormack_adjoint";
export { fluidPhysics, fluidInverse, type FluidPhysics, type FluidPhysicsOptions, type FluidInverseOptions } from "./fluid_physics";
