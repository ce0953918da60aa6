import * as tf from "@tensorflow/tfjs";
import {
  PgShapeError,
  PgValidationError,
  adam as adamOptimizer,
  backprop,
  firstNonFinite,
  physical,
  requireKnownKeys,
  requirePositive,
  requirePositiveInteger,
  scheme,
  type Batch,
  type InverseSolver,
  type OptionKeysCover,
  type StopReason,
} from "@pg/core";
import { uniformSampler } from "@pg/data";
import { mlp } from "@pg/nets";
import { rotatedSinPhysics, type RotatedSinPhysics } from "@pg/physics-toys";
import type { ExperimentDefinition, MethodPlan } from "./contract";
import { signTransform } from "./sign_transform";
import { torchAdadelta, torchAdagrad, torchRmsprop } from "./torch_optimizers";
import { requireBatchArgument, requireMethodName } from "./validate_definition";

/** The methods of the published figure, in its legend's order: the limited Newton step ("SIP"), then the optimizers. */
export const SIN_ROTATED_METHODS = ["newton", "adam", "sgd", "adadelta", "adagrad", "rmsprop"] as const;

/** The environment variable `pg train sin-rotated` reads ξ from. */
export const SIN_ROTATED_ILL_CONDITIONING_VARIABLE = "SIN_ROTATED_ILL_CONDITIONING";
/** The environment variable `pg train sin-rotated` reads φ (degrees) from. */
export const SIN_ROTATED_ANGLE_VARIABLE = "SIN_ROTATED_ANGLE";

/** The limit c of the Newton step: roughly how much one step may lower L along a weakly curved direction. */
export const SIN_ROTATED_MAX_LOSS_CHANGE = 0.2;

/**
 * Reads one of the rotated sin's settings from its environment variable: unset or blank gives the default (ξ = 10,
 * φ = 45°), anything else must be a number (ξ finite and > 0, φ finite, in degrees).
 * @param variable - {@link SIN_ROTATED_ILL_CONDITIONING_VARIABLE} or {@link SIN_ROTATED_ANGLE_VARIABLE}.
 * @param value - the variable's value, e.g. `process.env.SIN_ROTATED_ANGLE`.
 * @returns the number.
 * @throws {@link PgValidationError} naming the variable for a value that is not such a number, or naming `variable` for
 * an unknown variable.
 * @example
 * import { sinRotatedSetting } from "@pg/experiments";
 * console.log(sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", undefined), sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", "32")); // 10 32
 * console.log(sinRotatedSetting("SIN_ROTATED_ANGLE", " "), sinRotatedSetting("SIN_ROTATED_ANGLE", "-30")); // 45 -30
 * try {
 *   sinRotatedSetting("SIN_ROTATED_ILL_CONDITIONING", "0");
 * } catch (error) {
 *   console.log(error.message); // sin-rotated: SIN_ROTATED_ILL_CONDITIONING must be a number > 0, e.g. 1, 10 or 32; received "0".
 * }
 */
export function sinRotatedSetting(variable: string, value: string | undefined): number {
  const known = [SIN_ROTATED_ILL_CONDITIONING_VARIABLE, SIN_ROTATED_ANGLE_VARIABLE];
  if (!known.includes(variable)) throw new PgValidationError("sinRotatedSetting", "variable", `one of ${known.join(", ")}`, variable);
  const conditioning = variable === SIN_ROTATED_ILL_CONDITIONING_VARIABLE;
  const expected = conditioning ? "a number > 0, e.g. 1, 10 or 32" : "a number of degrees, e.g. 45";
  if (value !== undefined && typeof value !== "string") throw new PgValidationError("sin-rotated", variable, expected, value);
  const text = value?.trim();
  if (text === undefined || text === "") return conditioning ? 10 : 45;
  const number = Number(text);
  if (!Number.isFinite(number) || (conditioning && !(number > 0))) throw new PgValidationError("sin-rotated", variable, expected, text);
  return number;
}

/** Throws unless `array` is a finite Float64Array of `batch × size` entries. */
function requireFiniteBatch(where: string, parameter: string, array: unknown, batch: number, size: number): Float64Array {
  if (!(array instanceof Float64Array) || array.length !== batch * size) {
    throw new PgShapeError(where, parameter, `a Float64Array of batch × ${size} = ${batch * size} entries`, array);
  }
  const bad = firstNonFinite(array);
  if (bad >= 0) throw new PgValidationError(where, parameter, "finite numbers", array, `Entry ${bad} is ${String(array[bad])}.`);
  return array;
}

/**
 * The limited Newton step of the published characterisation experiment, per example, from the gradient g and the
 * symmetric 2 × 2 Hessian H of the objective: with H = V diag(λ) Vᵀ and ĝ = Vᵀg, the Newton components
 * n_i = −ĝ_i/λ_i (0 where λ_i = 0) are limited to ℓ_i = |c/ĝ_i| (0 where ĝ_i = 0) in the directions whose λ_i is not
 * above λ̄ = √|λ₁λ₂|, given the sign of −ĝ_i (always downhill, also where λ_i < 0), and Δ = V n. A weakly or negatively
 * curved direction thus moves by at most c/|ĝ_i|, about a loss change of c. This is the mathematically correct form;
 * the published code contracts V in transposed order (ĝ = Vg, Δ = Vᵀn), which agrees with it only when the
 * eigensolver happens to return a symmetric V.
 * @param gradient - g, batch × 2, finite.
 * @param hessian - H, batch × 4 row-major per example ([H₁₁, H₁₂, H₂₁, H₂₂]), finite; the mean of H₁₂ and H₂₁ is used.
 * @param batch - the number of examples, a positive integer.
 * @param maxLossChange - c, a number > 0; Infinity gives the unlimited step with the sign flip. @defaultValue 0.2
 * @returns Δ, batch × 2.
 * @throws {@link PgValidationError} for a batch that is not a positive integer, a c that is not a number > 0 or a
 * non-finite entry; {@link PgShapeError} for arrays of the wrong length.
 * @example
 * import { limitedNewtonStep } from "@pg/experiments";
 * // λ = 4 (above λ̄ = 2): the Newton step −2/4; λ = 1: limited to 0.2/3
 * const step = limitedNewtonStep(Float64Array.of(2, 3), Float64Array.of(4, 0, 0, 1), 1);
 * console.log(Array.from(step, (v) => v.toFixed(4)).join(" ")); // -0.5000 -0.0667
 * // λ = −1 points uphill: flipped to descend and limited to 0.2/1
 * const flipped = limitedNewtonStep(Float64Array.of(1, 1), Float64Array.of(-1, 0, 0, 4), 1);
 * console.log(Array.from(flipped, (v) => v.toFixed(4)).join(" ")); // -0.2000 -0.2500
 */
export function limitedNewtonStep(gradient: Float64Array, hessian: Float64Array, batch: number, maxLossChange = SIN_ROTATED_MAX_LOSS_CHANGE): Float64Array {
  const where = "limitedNewtonStep";
  requirePositiveInteger(where, "batch", batch);
  const c = requirePositive(where, "maxLossChange", maxLossChange, true);
  requireFiniteBatch(where, "gradient", gradient, batch, 2);
  requireFiniteBatch(where, "hessian", hessian, batch, 4);
  const step = new Float64Array(2 * batch);
  for (let b = 0; b < batch; b++) {
    const a = hessian[4 * b] as number;
    const off = 0.5 * ((hessian[4 * b + 1] as number) + (hessian[4 * b + 2] as number));
    const d = hessian[4 * b + 3] as number;
    // The rotation that diagonalises [[a, off], [off, d]]: eigenvectors v₁ = (cos θ, sin θ), v₂ = (−sin θ, cos θ).
    // A diagonal H keeps θ = 0, so that its eigenvalues are exactly a and d (a zero stays zero, not 1e-32).
    const theta = off === 0 ? 0 : 0.5 * Math.atan2(2 * off, a - d);
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const lambda1 = a * cos * cos + 2 * off * sin * cos + d * sin * sin;
    const lambda2 = a * sin * sin - 2 * off * sin * cos + d * cos * cos;
    const g1 = gradient[2 * b] as number;
    const g2 = gradient[2 * b + 1] as number;
    const projected = [cos * g1 + sin * g2, -sin * g1 + cos * g2] as const;
    const lambdas = [lambda1, lambda2] as const;
    const mean = Math.sqrt(Math.abs(lambda1 * lambda2));
    const n = [0, 0];
    for (let i = 0; i < 2; i++) {
      const gi = projected[i] as number;
      const li = lambdas[i] as number;
      const newton = li === 0 ? 0 : Math.abs(gi / li);
      const limit = li > mean ? newton : gi === 0 ? 0 : Math.abs(c / gi);
      n[i] = Math.min(newton, limit) * Math.sign(-gi);
    }
    step[2 * b] = cos * (n[0] as number) - sin * (n[1] as number);
    step[2 * b + 1] = sin * (n[0] as number) + cos * (n[1] as number);
  }
  return step;
}

/** Options of {@link limitedNewton}. */
export interface LimitedNewtonOptions {
  /** c of {@link limitedNewtonStep}. @defaultValue 0.2 */
  readonly maxLossChange?: number;
}

const LIMITED_NEWTON_OPTION_KEYS = ["maxLossChange"] as const satisfies readonly (keyof LimitedNewtonOptions)[];
true satisfies OptionKeysCover<LimitedNewtonOptions, typeof LIMITED_NEWTON_OPTION_KEYS>;

/**
 * The rotated sin's inverse solver: x̃ = x + Δ with Δ the {@link limitedNewtonStep} of the physics' gradient and Hessian
 * of ½‖P(x) − y*‖². An example with NaN or ±Infinity in x or y*, or whose step is not finite, stops with the
 * `nonFinite` reason at its x (a solver reports, it does not throw); the others with `maxIterations` after 1 iteration.
 * @param options - {@link LimitedNewtonOptions}.
 * @returns an {@link InverseSolver} named "limitedNewton(c)".
 * @throws {@link PgValidationError} for an unknown option or a c that is not a number > 0.
 * @example
 * import { limitedNewton } from "@pg/experiments";
 * import { rotatedSinPhysics } from "@pg/physics-toys";
 * const physics = rotatedSinPhysics({ illConditioning: 1, angle: 0 });
 * // u = 10x = (1, 1) for y* = (sin 1, 0): H = diag(100 cos²1, 100); λ₂ = 100 is above λ̄ = 54, so the full Newton step
 * // −0.1 along x₂ solves it
 * const result = limitedNewton().solve({ physics, x: Float64Array.of(0.1, 0.1), yTarget: Float64Array.of(Math.sin(1), 0), batch: 1 });
 * console.log(Array.from(result.x, (v) => v.toFixed(6)).join(" "), result.reasons[0]); // 0.100000 0.000000 maxIterations
 */
export function limitedNewton(options: LimitedNewtonOptions = {}): InverseSolver<RotatedSinPhysics> {
  const where = "limitedNewton";
  const checked = requireKnownKeys(where, "options", options, LIMITED_NEWTON_OPTION_KEYS);
  const maxLossChange = requirePositive(where, "options.maxLossChange", checked.maxLossChange ?? SIN_ROTATED_MAX_LOSS_CHANGE, true);
  return {
    name: `limitedNewton(${maxLossChange})`,
    solve({ physics, x, yTarget, batch }) {
      const proposal = Float64Array.from(x);
      const reasons: StopReason[] = [];
      const iterations = new Int32Array(batch);
      for (let b = 0; b < batch; b++) {
        const xb = x.subarray(2 * b, 2 * b + 2);
        const yb = yTarget.subarray(2 * b, 2 * b + 2);
        if (firstNonFinite(xb) >= 0 || firstNonFinite(yb) >= 0) {
          reasons.push("nonFinite");
          continue;
        }
        const { gradient, hessian } = physics.lossDerivatives(Float64Array.from(xb), Float64Array.from(yb), 1);
        if (firstNonFinite(gradient) >= 0 || firstNonFinite(hessian) >= 0) {
          reasons.push("nonFinite");
          continue;
        }
        const step = limitedNewtonStep(gradient, hessian, 1, maxLossChange);
        proposal[2 * b] = (xb[0] as number) + (step[0] as number);
        proposal[2 * b + 1] = (xb[1] as number) + (step[1] as number);
        reasons.push("maxIterations");
        iterations[b] = 1;
      }
      return { x: proposal, reasons, iterations };
    },
  };
}

/** Options of {@link sinRotatedExperiment}. */
export interface SinRotatedExperimentOptions {
  /** ξ, a finite number > 0. @defaultValue 10 */
  readonly illConditioning?: number;
  /** φ in degrees, finite. @defaultValue 45 */
  readonly angle?: number;
}

const SIN_ROTATED_OPTION_KEYS = ["illConditioning", "angle"] as const satisfies readonly (keyof SinRotatedExperimentOptions)[];
true satisfies OptionKeysCover<SinRotatedExperimentOptions, typeof SIN_ROTATED_OPTION_KEYS>;

/** The rotated-sin experiment: a run-contract definition with its physics. */
export interface SinRotatedExperiment extends ExperimentDefinition<RotatedSinPhysics> {
  readonly physics: RotatedSinPhysics;
}

/** The logged distances of one step to the closest exact solutions (batch means). */
export interface SinRotatedMetrics {
  /** Σ over the two components of |x − x_sol|. */
  readonly x_l1: number;
  /** ‖x − x_sol‖₂. */
  readonly x_dist: number;
  /** L = ½‖P(x) − y*‖². */
  readonly y_l2: number;
}

/**
 * The rotated-sin experiment's metrics: with x_sol = `physics.closestSolution(x, y*)`, the batch means of
 * Σ|x − x_sol| (x_l1), ‖x − x_sol‖₂ (x_dist) and ½‖P(x) − y*‖² (y_l2).
 * @param physics - the rotated sin the predictions were made for.
 * @param x - predictions, batch × 2.
 * @param yTarget - y*, batch × 2, |y₁*| ≤ 1.
 * @param batch - the number of examples.
 * @returns the three batch means.
 * @throws what `physics.closestSolution` throws for bad arguments (naming `rotatedSinPhysics.closestSolution`).
 * @example
 * import { sinRotatedMetrics } from "@pg/experiments";
 * import { rotatedSinPhysics } from "@pg/physics-toys";
 * const physics = rotatedSinPhysics({ illConditioning: 1, angle: 0 });
 * // u = 10x = (0.3, 0.4) for y* = (0, 0): x_sol = (0, 0)
 * const metrics = sinRotatedMetrics(physics, Float64Array.of(0.03, 0.04), Float64Array.of(0, 0), 1);
 * console.log(metrics.x_l1.toFixed(4), metrics.x_dist.toFixed(4), metrics.y_l2.toFixed(4)); // 0.0700 0.0500 0.1237
 */
export function sinRotatedMetrics(physics: RotatedSinPhysics, x: Float64Array, yTarget: Float64Array, batch: number): SinRotatedMetrics {
  const solution = physics.closestSolution(x, yTarget, batch);
  const y = physics.forward(x, batch);
  let l1 = 0;
  let distance = 0;
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const d1 = (x[2 * b] as number) - (solution[2 * b] as number);
    const d2 = (x[2 * b + 1] as number) - (solution[2 * b + 1] as number);
    const r1 = (y[2 * b] as number) - (yTarget[2 * b] as number);
    const r2 = (y[2 * b + 1] as number) - (yTarget[2 * b + 1] as number);
    l1 += Math.abs(d1) + Math.abs(d2);
    distance += Math.hypot(d1, d2);
    loss += 0.5 * (r1 * r1 + r2 * r2);
  }
  return { x_l1: l1 / batch, x_dist: distance / batch, y_l2: loss / batch };
}

/** One line for `pg list`; the registry shows it too. */
export const SIN_ROTATED_DESCRIPTION =
  "the rotated, ill-conditioned sin (sin u₁, u₂), an MLP maps y* to x (published version, experimental characterisation): the limited Newton step against Adam, SGD, Adadelta, Adagrad and RMSprop";

/**
 * The published version's experimental characterisation: P(x) = (sin u₁, u₂) with u = diag(10/ξ, 10ξ)·R(φ)·x
 * (`rotatedSinPhysics` of `@pg/physics-toys`, φ in degrees converted with π ≈ 3.1415); an MLP 2-32-64-32-2 with ReLU
 * (4,354 parameters) maps y* ~ U[−1, 1)² to x; batch 100, fresh every step; L = ½‖P(x) − y*‖² averaged over the batch.
 * Methods: `newton` ("SIP") trains with Adam 1e-3 on the L1 proxy Σ|x − stopgrad(x + Δ)|, Δ the
 * {@link limitedNewtonStep} with c = 0.2, whose output gradient is −sign(Δ) (`physical` then {@link signTransform});
 * the others back-propagate L: `adam` (Adam 1e-3), `sgd` (lr 0.01/ξ²), `adadelta` (3e-3), `adagrad` (3e-3) and
 * `rmsprop` (3e-5), the last three as PyTorch defines them ({@link torchAdadelta}, {@link torchAdagrad},
 * {@link torchRmsprop}). `x_err` is x_dist, the batch mean of ‖x − x_sol‖₂ to the closest exact solution; the CSVs add
 * x_l1, x_dist and y_l2 ({@link sinRotatedMetrics}).
 * @param options - {@link SinRotatedExperimentOptions}.
 * @returns a {@link SinRotatedExperiment}, named "sin-rotated"; ξ and φ are in its `settings`.
 * @throws {@link PgValidationError} for an unknown option (the closest known one suggested), a ξ that is not a finite
 * number > 0 or a φ that is not finite; `batches` for an `args.batch` that is not a positive integer; `method` for an
 * unknown method.
 * @example
 * import { random } from "@pg/data";
 * import { sinRotatedExperiment } from "@pg/experiments";
 * const experiment = sinRotatedExperiment({ illConditioning: 32 });
 * console.log(experiment.name, experiment.settings.illConditioning, experiment.settings.angle); // sin-rotated 32 45
 * const args = { ...experiment.defaults, batch: 4, backend: undefined, replicas: undefined };
 * const batch = experiment.batches(args, random(0))(1);
 * console.log(batch.input.length, batch.yTarget.every((y) => y >= -1 && y < 1)); // 8 true
 * console.log(experiment.method("newton", args).scheme.description); // physical(limitedNewton(0.2)) → sign
 * console.log(experiment.method("sgd", args).optimizer.getConfig().learningRate.toExponential(4)); // 9.7656e-6
 */
export function sinRotatedExperiment(options: SinRotatedExperimentOptions = {}): SinRotatedExperiment {
  const where = "sinRotatedExperiment";
  const checked = requireKnownKeys(where, "options", options, SIN_ROTATED_OPTION_KEYS);
  const illConditioning = requirePositive(where, "options.illConditioning", checked.illConditioning ?? 10);
  const angle = checked.angle ?? 45;
  if (typeof angle !== "number" || !Number.isFinite(angle)) throw new PgValidationError(where, "options.angle", "a finite number of degrees", angle);
  const physics = rotatedSinPhysics({ illConditioning, angle });
  const targets = uniformSampler({ low: -1, high: 1 });
  const adam = (): tf.Optimizer => adamOptimizer(1e-3, 0.9, 0.999, 1e-8);
  return {
    name: "sin-rotated",
    description: SIN_ROTATED_DESCRIPTION,
    settings: { illConditioning, angle, angleRadians: physics.angleRadians, scale: physics.scale, maxLossChange: SIN_ROTATED_MAX_LOSS_CHANGE },
    defaults: { iterations: 20000, batch: 100, seed: 0, methods: SIN_ROTATED_METHODS, out: "runs/sin-rotated" },
    knownMethods: SIN_ROTATED_METHODS,
    physics,
    reduction: "mean",
    inputShape: [2],
    outputShape: [2],
    averageWindow: 256,
    reportIterations: [100, 1000, 3000, 10000, 20000],
    figures: {
      labels: { x_err: "x_err = x_dist = ‖x − x_sol‖₂ (batch mean)", loss: "loss = ½‖P(x) − y*‖² (batch mean)" },
      smoothing: 256,
      logY: true,
    },
    network: (seed) => mlp({ inputSize: 2, hiddenSizes: [32, 64, 32], outputSize: 2, activation: "relu", seed }),
    batches(args, stream) {
      const batch = requireBatchArgument("sin-rotated", args);
      return (): Batch<RotatedSinPhysics> => {
        const yTarget = targets.sample(stream, 2 * batch);
        return { input: yTarget, inputShape: [2], yTarget };
      };
    },
    method(name): MethodPlan<RotatedSinPhysics> {
      requireMethodName("sin-rotated", name, SIN_ROTATED_METHODS);
      const loss = scheme(backprop<RotatedSinPhysics>());
      switch (name) {
        case "newton":
          return { optimizer: adam(), scheme: scheme(physical({ solver: limitedNewton() }), signTransform()) };
        case "adam":
          return { optimizer: adam(), scheme: loss };
        case "sgd":
          return { optimizer: tf.train.sgd(1e-2 / (illConditioning * illConditioning)), scheme: loss };
        case "adadelta":
          return { optimizer: torchAdadelta(3e-3), scheme: loss };
        case "adagrad":
          return { optimizer: torchAdagrad(3e-3), scheme: loss };
        case "rmsprop":
          return { optimizer: torchRmsprop(3e-5), scheme: loss };
        default:
          // requireMethodName has refused every other name.
          throw new PgValidationError("sin-rotated", "method", `one of ${SIN_ROTATED_METHODS.join(", ")}`, name);
      }
    },
    xError(report) {
      return sinRotatedMetrics(physics, report.x, report.batch.yTarget, report.x.length / 2).x_dist;
    },
    extraMetrics: {
      columns: ["x_l1", "x_dist", "y_l2"],
      values: (report) => ({ ...sinRotatedMetrics(physics, report.x, report.batch.yTarget, report.x.length / 2) }),
    },
  };
}
