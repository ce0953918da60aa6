import {
  PgValidationError,
  evaluateObjective,
  firstNonFinite,
  requireKnownKeys,
  shapeSize,
  type InverseSolver,
  type Physics,
  type SolveProblem,
  type SolveResult,
  type StopReason,
} from "@pg/core";
import {
  LBFGSB_ALGORITHM_OPTION_KEYS,
  requireOrderedBounds,
  resolveBound,
  resolveLbfgsbOptions,
  runLbfgsb,
  type LbfgsbAlgorithmOptions,
  type LbfgsbBounds,
} from "./lbfgsb_minimize";
import { validateProblem } from "./validate_problem";

/** Options of {@link lbfgsb}: scipy's L-BFGS-B defaults, and a fallback box. */
export interface LbfgsbOptions extends LbfgsbAlgorithmOptions {
  /**
   * Box used when the problem brings none. A Float64Array holds one example (size(xShape)) shared by the batch, or
   * batch × size(xShape) entries, one box per example. @defaultValue unbounded
   */
  readonly bounds?: LbfgsbBounds;
}

/** Every key of {@link LbfgsbOptions}: anything else is refused as a misspelling. */
const LBFGSB_OPTION_KEYS = [...LBFGSB_ALGORITHM_OPTION_KEYS, "bounds"] as const satisfies readonly (keyof LbfgsbOptions)[];
// A compile error here means an option of LbfgsbOptions is missing from the list (and would be refused).
true satisfies [Exclude<keyof LbfgsbOptions, (typeof LBFGSB_OPTION_KEYS)[number]>] extends [never] ? true : false;

/** The keys of a box {@link LbfgsbBounds}. */
const BOUNDS_KEYS = ["lower", "upper"] as const satisfies readonly (keyof LbfgsbBounds)[];
// Likewise for the box: a new side would otherwise be refused.
true satisfies [Exclude<keyof LbfgsbBounds, (typeof BOUNDS_KEYS)[number]>] extends [never] ? true : false;

/** A {@link SolveProblem} that may carry its own box; it takes precedence over {@link LbfgsbOptions.bounds}. */
export interface BoundedSolveProblem<P extends Physics = Physics> extends SolveProblem<P> {
  readonly bounds?: LbfgsbBounds;
}

/** An {@link InverseSolver} whose `solve` also accepts a box on the problem. */
export interface LbfgsbSolver<P extends Physics = Physics> extends InverseSolver<P> {
  solve(problem: BoundedSolveProblem<P>): SolveResult;
}

/**
 * L-BFGS-B on L(x) = ½‖P(x) − y*‖² (or the physics' own objective), run separately for every example of the batch
 * from the given x. As a physical-gradient solver it is usually truncated (the heat experiment takes 32 iterations
 * with 10 pairs from the network's prediction); run to convergence it gives reference solutions. Truncated runs take
 * the same iterates as scipy's L-BFGS-B. Each objective evaluation calls `physics.forward` and `physics.adjoint`
 * with batch = 1 on that example's slice. See {@link minimizeLbfgsb} for the algorithm and the stop reasons;
 * `iterations` counts accepted steps and `objective` is L at the proposal.
 *
 * Non-finite values are a stop reason, not an error, as for every solver here (per example, so one bad example does
 * not end the batch): an example with NaN/±Infinity in x or yTarget never reaches the physics and stops with
 * `nonFinite` at its x after 0 iterations with objective NaN; a physics that returns or throws
 * ({@link PgNonFiniteError}) a non-finite value during the search is handled as in {@link minimizeLbfgsb}.
 * @throws {@link PgValidationError} for an unknown option (e.g. `maxIteration`), invalid options, bounds with an
 * unknown key, of the wrong length or with lower > upper, and from `solve` for a problem that is not
 * `{ physics, x, yTarget, batch }`; {@link PgShapeError} for x or yTarget of the wrong length.
 * @example
 * import { squareToyPhysics } from "@pg/physics-toys";
 * import { lbfgsb } from "@pg/solvers";
 * const problem = { physics: squareToyPhysics(), x: Float64Array.of(3, 3), yTarget: Float64Array.of(1, 4), batch: 1 };
 * const solver = lbfgsb({ maxIterations: 32 }); // heat L-BFGS-B PG
 * const result = solver.solve(problem);
 * console.log(Array.from(result.x, (v) => v.toFixed(4)).join(" "), result.reasons[0]); // 1.0000 2.0000 converged
 * const boxed = lbfgsb().solve({ ...problem, bounds: { lower: 0, upper: 1.5 } });
 * console.log(Array.from(boxed.x, (v) => v.toFixed(4)).join(" ")); // 1.0000 1.5000
 * console.log(solver.name); // lbfgsb(historySize=10, maxIterations=32)
 * const broken = solver.solve({ ...problem, yTarget: Float64Array.of(1, NaN) });
 * console.log(broken.reasons[0], broken.iterations[0], broken.x.join(" ")); // nonFinite 0 3 3
 */
export function lbfgsb<P extends Physics = Physics>(options?: LbfgsbOptions): LbfgsbSolver<P> {
  const where = "lbfgsb";
  const checked = requireKnownKeys(where, "options", options, LBFGSB_OPTION_KEYS);
  const resolved = resolveLbfgsbOptions(where, checked);
  const fallbackBounds = checked.bounds;
  if (fallbackBounds !== undefined) checkBoundsShape(where, fallbackBounds);
  return {
    name: `lbfgsb(historySize=${resolved.historySize}, maxIterations=${resolved.maxIterations})`,
    solve(problem) {
      const at = "lbfgsb.solve";
      validateProblem(at, problem);
      const { physics, x, yTarget, batch } = problem;
      const problemBounds = problem.bounds;
      if (problemBounds !== undefined) checkBoundsShape(at, problemBounds);
      const bounds = problemBounds ?? fallbackBounds;
      const xSize = shapeSize(physics.xShape);
      const ySize = shapeSize(physics.yShape);
      const boxes = resolveBoxes(at, bounds, xSize, batch);
      const proposal = new Float64Array(x.length);
      const reasons: StopReason[] = [];
      const iterations = new Int32Array(batch);
      const objective = new Float64Array(batch);
      for (let b = 0; b < batch; b++) {
        const target = yTarget.slice(b * ySize, (b + 1) * ySize);
        const start = x.subarray(b * xSize, (b + 1) * xSize);
        if (firstNonFinite(start) >= 0 || firstNonFinite(target) >= 0) {
          // The physics' forward throws for non-finite input; a solver reports it instead.
          proposal.set(start, b * xSize);
          reasons.push("nonFinite");
          objective[b] = NaN;
          continue;
        }
        const fit = runLbfgsb(
          (xb, gradient) => {
            const evaluation = evaluateObjective(physics, xb, target, 1);
            gradient.set(evaluation.gradient);
            return evaluation.value[0] as number;
          },
          start,
          boxes.lower(b),
          boxes.upper(b),
          resolved,
        );
        proposal.set(fit.x, b * xSize);
        reasons.push(fit.reason);
        iterations[b] = fit.iterations;
        objective[b] = fit.value;
      }
      return { x: proposal, reasons, iterations, objective };
    },
  };
}

function checkBoundsShape(where: string, bounds: LbfgsbBounds): void {
  if (typeof bounds !== "object" || bounds === null) {
    throw new PgValidationError(where, "bounds", "an object { lower, upper }", bounds);
  }
  requireKnownKeys(where, "bounds", bounds, BOUNDS_KEYS);
  for (const side of ["lower", "upper"] as const) {
    const value = bounds[side];
    if (typeof value !== "number" && !(value instanceof Float64Array)) {
      throw new PgValidationError(where, `bounds.${side}`, "a number or a Float64Array", value);
    }
  }
  if (typeof bounds.lower === "number" && typeof bounds.upper === "number") {
    requireOrderedBounds(where, Float64Array.of(bounds.lower), Float64Array.of(bounds.upper), "bounds.");
  }
}

/** Per-example lower and upper bounds, validated once for the whole batch. */
function resolveBoxes(
  where: string,
  bounds: LbfgsbBounds | undefined,
  xSize: number,
  batch: number,
): { lower(b: number): Float64Array; upper(b: number): Float64Array } {
  const side = (name: "lower" | "upper"): ((b: number) => Float64Array) => {
    const value = bounds?.[name];
    if (value instanceof Float64Array && value.length === batch * xSize && batch > 1) {
      const all = resolveBound(where, name, value, batch * xSize, `bounds.${name}`);
      return (b) => all.subarray(b * xSize, (b + 1) * xSize);
    }
    if (value instanceof Float64Array && value.length !== xSize) {
      throw new PgValidationError(
        where,
        `bounds.${name}`,
        `a number or a Float64Array of length size(xShape) = ${xSize} or batch × size(xShape) = ${batch * xSize}`,
        value,
      );
    }
    const one = resolveBound(where, name, value, xSize, `bounds.${name}`);
    return () => one;
  };
  const lower = side("lower");
  const upper = side("upper");
  for (let b = 0; b < batch; b++) requireOrderedBounds(where, lower(b), upper(b), "bounds.", b * xSize);
  return { lower, upper };
}
