export { sinPhysics, type SinPhysics, type SinPhysicsOptions } from "./sin_physics";
export { SIN_TARGET, sinTargets } from "./sin_target";
export { squareToyPhysics, type SquareToyPhysics } from "./square_toy_physics";
export { squareToySteps, squareToyLoss, type SquareToySteps, type SquareToyStepRule } from "./square_toy_steps";
export { trajectory } from "./square_toy_trajectory";
export type { SquareToyPoint } from "./square_toy_point";
export { wavePacketPhysics, type WavePacketPhysics, type WavePacketPhysicsOptions } from "./wave_packet_physics";
export { expPhysics, type ExpPhysics } from "./exp_physics";
export {
  rotatedSinPhysics,
  DEGREES_PI,
  type RotatedSinPhysics,
  type RotatedSinPhysicsOptions,
  type RotatedSinLossDerivatives,
} from "./rotated_sin_physics";
