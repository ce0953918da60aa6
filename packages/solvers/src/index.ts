export { gradientDescent, type GradientDescentOptions } from "./gradient_descent";
export { newton, type NewtonOptions } from "./newton";
export { inverseGradient, type InverseGradientOptions } from "./inverse_gradient";
export { analyticInverse, type AnalyticInverseOptions } from "./analytic_inverse";
export { repeated, type RepeatedOptions } from "./repeated";
export { lbfgsb, type LbfgsbOptions, type LbfgsbSolver, type BoundedSolveProblem } from "./lbfgsb";
export {
  minimizeLbfgsb,
  LBFGSB_DEFAULTS,
  type LbfgsbObjective,
  type LbfgsbResult,
  type LbfgsbConvergence,
  type LbfgsbBounds,
  type LbfgsbAlgorithmOptions,
  type MinimizeLbfgsbOptions,
  type ResolvedLbfgsbOptions,
} from "./lbfgsb_minimize";
