import {
  PgValidationError,
  requireBatchArray,
  requirePositiveInteger,
  type InverseSolver,
  type SolveProblem,
  type StopReason,
  type OptionKeysCover,
} from "@pg/core";
import { logKernelOf } from "./diffusion_log_kernel";
import type { HeatPhysics } from "./heat_physics";
import { requireOptions } from "./heat_grid";
import { invertDiffusion } from "./inverse_diffusion";

/** Options of {@link heatInverse}: the per-cell uncertainty U = relativeUncertainty·|r| + absoluteUncertainty. */
export interface HeatInverseOptions {
  /** Factor of |r| in U (the authors' code: 1e-6); finite and ≥ 0. @defaultValue 1e-6 */
  readonly relativeUncertainty?: number;
  /** Constant added to U (the authors' single-example optimisation uses 1e-8); finite and ≥ 0. @defaultValue 0 */
  readonly absoluteUncertainty?: number;
}

/** Every key of {@link HeatInverseOptions}: anything else is refused as a misspelling. */
const HEAT_INVERSE_OPTION_KEYS = ["relativeUncertainty", "absoluteUncertainty"] as const satisfies readonly (keyof HeatInverseOptions)[];
// A compile error here means an option of HeatInverseOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<HeatInverseOptions, typeof HEAT_INVERSE_OPTION_KEYS>;

/**
 * The heat experiment's inverse-physics solver ("Adam + PG (inverse physics)", paper App. B.4): with the residual
 * r = y* − P(x) and U = 1e-6·|r| per cell, x̃ = x + InvDiffuse(r, ν·t, U) ({@link inverseDiffusion}), for ν·t and the
 * grid of the problem's {@link HeatPhysics}. One application per `solve`; each example reports `maxIterations` (its
 * one step), or `nonFinite` when x̃ would hold NaN/±Infinity there.
 *
 * Non-finite input is a stop reason here, not an error: like every solver, an example whose `x` or `yTarget` holds
 * NaN or ±Infinity (or whose residual overflows) is reported `nonFinite` with an all-NaN x̃, and the other examples
 * are solved as usual. The physics' `forward` itself, its contract, throws instead.
 * @param options - {@link HeatInverseOptions}; validated once, here.
 * @returns an {@link InverseSolver} for {@link HeatPhysics}.
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested) or an
 * uncertainty option is negative or not finite; its `solve` throws {@link PgValidationError} when the problem's
 * physics is not a {@link HeatPhysics} or `batch` is not a positive integer, and {@link PgShapeError} for arrays of
 * the wrong length.
 * @example
 * import { heatInverse, heatPhysics } from "@pg/physics-heat";
 * const physics = heatPhysics();
 * const xStar = Float64Array.from({ length: 4096 }, (_, c) => 0.01 * Math.sin((2 * Math.PI * (c >> 6)) / 64));
 * const yTarget = physics.forward(xStar, 1);
 * const result = heatInverse().solve({ physics, x: new Float64Array(4096), yTarget, batch: 1 });
 * console.log(Math.abs(result.x[16 * 64] - xStar[16 * 64]) < 1e-12, result.reasons[0]); // true maxIterations
 */
export function heatInverse(options?: HeatInverseOptions): InverseSolver<HeatPhysics> {
  const where = "heatInverse";
  const resolved = requireOptions(where, options, "{ relativeUncertainty?, absoluteUncertainty? }", HEAT_INVERSE_OPTION_KEYS);
  const relative = requireNonNegative(where, "relativeUncertainty", resolved.relativeUncertainty ?? 1e-6);
  const absolute = requireNonNegative(where, "absoluteUncertainty", resolved.absoluteUncertainty ?? 0);
  let cached: { shape: readonly [number, number]; diffusivityTime: number; logKernel: Float64Array } | undefined;
  return {
    name: "inverseDiffusion",
    solve(problem: SolveProblem<HeatPhysics>) {
      const at = "heatInverse.solve";
      if (typeof problem !== "object" || problem === null) {
        throw new PgValidationError(at, "problem", "an object { physics, x, yTarget, batch }", problem);
      }
      const { physics } = problem;
      if (!isHeatPhysics(physics)) {
        throw new PgValidationError(at, "physics", "a HeatPhysics made by heatPhysics() (it carries shape and diffusivityTime)", physics);
      }
      const batch = requirePositiveInteger(at, "batch", problem.batch);
      const x = requireBatchArray(at, "x", problem.x, batch, physics.xShape);
      const yTarget = requireBatchArray(at, "yTarget", problem.yTarget, batch, physics.yShape);
      const { shape, diffusivityTime } = physics;
      if (cached === undefined || cached.diffusivityTime !== diffusivityTime || cached.shape[0] !== shape[0] || cached.shape[1] !== shape[1]) {
        cached = { shape, diffusivityTime, logKernel: logKernelOf(shape, diffusivityTime) };
      }
      const cells = shape[0] * shape[1];
      const finite = new Array<boolean>(batch).fill(true);
      // The forward refuses NaN/±Infinity: an example holding one is simulated as zeros and reported below.
      let simulated = x;
      for (let b = 0; b < batch; b++) {
        for (let i = b * cells; i < (b + 1) * cells; i++) {
          if (!Number.isFinite(x[i] as number) || !Number.isFinite(yTarget[i] as number)) {
            finite[b] = false;
            if (simulated === x) simulated = Float64Array.from(x);
            simulated.fill(0, b * cells, (b + 1) * cells);
            break;
          }
        }
      }
      const y = physics.forward(simulated, batch);
      const residual = new Float64Array(x.length);
      const uncertainty = new Float64Array(x.length);
      for (let i = 0; i < residual.length; i++) {
        const r = (yTarget[i] as number) - (y[i] as number);
        residual[i] = r;
        uncertainty[i] = relative * Math.abs(r) + absolute;
      }
      const reasons: StopReason[] = [];
      for (let b = 0; b < batch; b++) {
        for (let i = b * cells; i < (b + 1) * cells && finite[b]; i++) {
          if (!Number.isFinite(residual[i] as number) || !Number.isFinite(uncertainty[i] as number)) {
            finite[b] = false;
            break;
          }
        }
        // A non-finite example is inverted as zeros and reported, instead of failing the whole batch.
        if (!finite[b]) {
          residual.fill(0, b * cells, (b + 1) * cells);
          uncertainty.fill(0, b * cells, (b + 1) * cells);
        }
      }
      const { correction } = invertDiffusion(residual, uncertainty, batch, shape, cached.logKernel);
      const xTilde = new Float64Array(x.length);
      for (let b = 0; b < batch; b++) {
        let ok = finite[b] as boolean;
        for (let i = b * cells; i < (b + 1) * cells; i++) {
          const v = finite[b] ? (x[i] as number) + (correction[i] as number) : Number.NaN;
          xTilde[i] = v;
          if (!Number.isFinite(v)) ok = false;
        }
        reasons.push(ok ? "maxIterations" : "nonFinite");
      }
      return { x: xTilde, reasons, iterations: new Int32Array(batch).fill(1) };
    },
  };
}

function isHeatPhysics(physics: unknown): physics is HeatPhysics {
  if (typeof physics !== "object" || physics === null) return false;
  const candidate = physics as Partial<HeatPhysics>;
  return (
    typeof candidate.forward === "function" &&
    typeof candidate.diffusivityTime === "number" &&
    Array.isArray(candidate.shape) &&
    candidate.shape.length === 2
  );
}

function requireNonNegative(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a finite number ≥ 0", value);
  }
  return value;
}
