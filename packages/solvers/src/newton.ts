import {
  PgValidationError,
  evaluateObjective,
  requireKnownKeys,
  requirePositive,
  type InverseSolver,
  type Physics,
} from "@pg/core";
import { maskObjective, perExampleResult, screenProblem, unlessNonFinite, validateProblem } from "./validate_problem";

/** Options of {@link newton}. */
export interface NewtonOptions {
  /** Scales the Newton step; a finite number > 0. @defaultValue 1 */
  readonly stepSize?: number;
  /** Flip a step that is not a descent direction of L (paper, sin and exp experiments). @defaultValue true */
  readonly ensureDescent?: boolean;
  /** Largest |Δx| per component, a number > 0; longer steps are clipped. @defaultValue Infinity */
  readonly clipStep?: number;
}

/** Every key of {@link NewtonOptions}: anything else is refused as a misspelling. */
const NEWTON_OPTION_KEYS = ["stepSize", "ensureDescent", "clipStep"] as const satisfies readonly (keyof NewtonOptions)[];
// A compile error here means an option of NewtonOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof NewtonOptions, (typeof NEWTON_OPTION_KEYS)[number]>] extends [never] ? true : false;

/**
 * One Newton step per component from the physics' closed-form derivatives ({@link Physics.newtonDerivatives}):
 * Δ = −f′/f″ with, when `ensureDescent`, its direction set to descend L: Δ = |Δ|·sign(−∂L/∂x), because near a
 * maximum or an inflection point (f″ ≤ 0) the plain Newton step climbs.
 * Components with zero curvature or zero ∂L/∂x get Δ = 0.
 *
 * Non-finite values are a stop reason, not an error (a solver reports per example, and one bad example should not
 * end the batch): an example with NaN/±Infinity in x or yTarget never reaches the physics and stops with `nonFinite`
 * at its x after 0 iterations; one whose proposal (or, with `ensureDescent`, objective) is not finite stops with
 * `nonFinite` (the proposal is returned as computed); if the physics refuses a non-finite intermediate (throws a
 * {@link PgNonFiniteError}), the batch cannot be split and every example stops with `nonFinite` at its x. Otherwise
 * the reason is `maxIterations`.
 * @throws {@link PgValidationError} for an unknown option, a `stepSize` that is not a finite number > 0, a `clipStep`
 * that is not a number > 0, an `ensureDescent` that is not a boolean, and from `solve` if the physics has no
 * closed-form Newton derivatives or the problem is not `{ physics, x, yTarget, batch }`.
 * @example
 * import { sinPhysics, sinTargets } from "@pg/physics-toys";
 * import { newton } from "@pg/solvers";
 * const physics = sinPhysics({ a: Float64Array.of(1, 3) });
 * const problem = { physics, x: Float64Array.of(0.5, -2), yTarget: sinTargets(2), batch: 2 };
 * const result = newton().solve(problem);
 * console.log(Array.from(result.x, (v) => v.toFixed(4)).join(" ")); // 0.4215 -1.8956
 * console.log(Array.from(physics.forward(result.x, 2), (y) => y.toFixed(4)).join(" ")); // 0.6955 -0.9999
 * const clipped = newton({ clipStep: 0.01 }).solve(problem);
 * console.log(Array.from(clipped.x, (v) => v.toFixed(4)).join(" ")); // 0.4900 -1.9900
 * console.log(newton().solve({ ...problem, x: Float64Array.of(0.5, Infinity) }).reasons.join(" ")); // maxIterations nonFinite
 */
export function newton<P extends Physics = Physics>(options?: NewtonOptions): InverseSolver<P> {
  const checked = requireKnownKeys("newton", "options", options, NEWTON_OPTION_KEYS);
  const stepSize = requirePositive("newton", "stepSize", checked.stepSize ?? 1);
  const clipStep = requirePositive("newton", "clipStep", checked.clipStep ?? Infinity, true);
  const ensureDescent = checked.ensureDescent ?? true;
  if (typeof ensureDescent !== "boolean") throw new PgValidationError("newton", "ensureDescent", "a boolean", ensureDescent);
  return {
    name: "newton",
    solve(problem) {
      validateProblem("newton.solve", problem);
      const newtonDerivatives = problem.physics.newtonDerivatives;
      if (typeof newtonDerivatives !== "function") {
        throw new PgValidationError(
          "newton.solve",
          "physics",
          "a Physics with closed-form newtonDerivatives",
          problem.physics.name,
          "Use lbfgsb() or gradientDescent() for physics without closed-form second derivatives.",
        );
      }
      const screened = screenProblem(problem);
      const finite = screened.finite;
      const evaluated =
        finite === undefined
          ? undefined
          : unlessNonFinite(() => {
              const { physics, x, yTarget, batch } = finite;
              const derivatives = newtonDerivatives.call(physics, x, yTarget, batch);
              return { derivatives, descent: ensureDescent ? evaluateObjective(physics, x, yTarget, batch) : undefined };
            });
      let proposal: Float64Array | undefined;
      if (evaluated !== undefined) {
        const { gradient, curvature } = evaluated.derivatives;
        const { descent } = evaluated;
        const x = problem.x;
        proposal = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const h = curvature[i] as number;
          let step = h === 0 ? 0 : (-stepSize * (gradient[i] as number)) / h;
          if (descent !== undefined) step = Math.abs(step) * Math.sign(-(descent.gradient[i] as number));
          if (Math.abs(step) > clipStep) step = Math.sign(step) * clipStep;
          proposal[i] = (x[i] as number) + step;
        }
      }
      const result = perExampleResult(problem, screened, proposal, "maxIterations");
      if (!ensureDescent) return result;
      const descent = evaluated?.descent;
      const objective = descent === undefined ? new Float64Array(problem.batch).fill(NaN) : maskObjective(descent.value, screened);
      for (let b = 0; b < problem.batch; b++) if (!Number.isFinite(objective[b] as number)) result.reasons[b] = "nonFinite";
      return { ...result, objective };
    },
  };
}
