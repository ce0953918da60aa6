import { PgValidationError, requireNonNegativeInteger } from "@pg/core";
import { requirePoint, requireStepSize, type SquareToyPoint } from "./square_toy_point";
import type { SquareToyStepRule } from "./square_toy_steps";

/**
 * Iterates a step rule of the 2-D toy: x₀ = start, x_{k+1} = rule(x_k, stepSize), as drawn in the paper's Fig. 2a
 * (e.g. PG with η = 0.05 for 100 steps, GD with η = 0.005 for 1000, both from (3, 3)).
 * @param rule - one of {@link squareToySteps}, or any {@link SquareToyStepRule}.
 * @param start - the starting point [x₁, x₂].
 * @param stepSize - η, finite and > 0 (the rule may restrict it further).
 * @param steps - number of updates, an integer ≥ 0.
 * @returns `steps + 1` points: the start followed by every iterate.
 * @throws {@link PgValidationError} if `rule` is not a function, `start` is not two finite numbers, `stepSize`
 * is not finite and > 0, `steps` is not a non-negative integer, or the rule rejects its input.
 * @example
 * import { squareToySteps, trajectory } from "@pg/physics-toys";
 * const points = trajectory(squareToySteps.newton, [3, 3], 0.5, 10);
 * console.log(points.length); // 11
 * console.log(points[1].join(" ")); // 1.5 2.5
 */
export function trajectory(
  rule: SquareToyStepRule,
  start: SquareToyPoint,
  stepSize: number,
  steps: number,
): SquareToyPoint[] {
  if (typeof rule !== "function") {
    throw new PgValidationError("trajectory", "rule", "a step rule (x, stepSize) => x, e.g. squareToySteps.physical", rule);
  }
  const first = requirePoint("trajectory", "start", start);
  requireStepSize("trajectory", stepSize);
  requireNonNegativeInteger("trajectory", "steps", steps);
  const points: SquareToyPoint[] = [first];
  let current: SquareToyPoint = first;
  for (let k = 0; k < steps; k++) {
    current = rule(current, stepSize);
    points.push(current);
  }
  return points;
}
