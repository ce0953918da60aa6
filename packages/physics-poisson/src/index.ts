export {
  poissonPhysics,
  type PoissonPhysics,
  type PoissonPhysicsOptions,
  type PoissonSolveReport,
  type PoissonWarning,
} from "./poisson_physics";
export { poissonInverse } from "./poisson_inverse";
