export { gradientDescent, type GradientDescentOptions } from "./gradient_descent";
export { newton, type NewtonOptions } from "./newton";
export { inverseGradient, type InverseGradientOptions } from "./inverse_gradient";
export { analyticInverse, type AnalyticInverseOptions } from "./analytic_inverse";
export { repeated, type RepeatedOptions } from "./repeated";
