import { squareToyPhysics, squareToySteps, trajectory, type SquareToyPoint, type SquareToyStepRule } from "@pg/physics-toys";

/** The three update rules the figure compares. */
export type TrajectoryMethod = "GD" | "Newton" | "PG";

/** How a trajectory is drawn: one circle per iterate, or a thin line through every iterate. */
export type TrajectoryStyle = "markers" | "line";

/** One drawn trajectory of the 2-D toy y = (x₁, x₂²), L = ‖y‖², from the figure's start point. */
export interface TrajectorySeries {
  /** Legend text, e.g. "GD, η = 0.005, 1000 steps". Unique among the series. */
  readonly label: string;
  readonly method: TrajectoryMethod;
  /** η. */
  readonly stepSize: number;
  /** η as written in the legend ("0.5/36" rather than 0.013888…). */
  readonly stepSizeText: string;
  /** Number of updates; `x` and `y` hold one point more (the start). */
  readonly steps: number;
  readonly style: TrajectoryStyle;
  /** The iterates x₀ … x_steps in x space. */
  readonly x: readonly SquareToyPoint[];
  /** The same iterates mapped through the physics, y = (x₁, x₂²). */
  readonly y: readonly SquareToyPoint[];
}

/** Where every trajectory starts: x = (3, 3), so y = (3, 9) and L = 90. */
export const TRAJECTORY_START: SquareToyPoint = Object.freeze([3, 3] as [number, number]);

/** The step rule of each method, as @pg/physics-toys exports it. */
const RULES: Readonly<Record<TrajectoryMethod, SquareToyStepRule>> = {
  GD: squareToySteps.gradientDescent,
  Newton: squareToySteps.newton,
  PG: squareToySteps.physical,
};

/** What the figure draws: 10 large steps as markers for GD and Newton, near-continuous paths as lines. */
const DRAWN: readonly { method: TrajectoryMethod; stepSize: number; stepSizeText: string; steps: number; style: TrajectoryStyle }[] = [
  // With η = 0.5/36, GD's first step moves x₂ by 4·3³·η = 1.5, half of it, as Newton's first step with η = 0.5 halves x₁.
  { method: "GD", stepSize: 0.5 / 36, stepSizeText: "0.5/36", steps: 10, style: "markers" },
  { method: "Newton", stepSize: 0.5, stepSizeText: "0.5", steps: 10, style: "markers" },
  { method: "GD", stepSize: 0.005, stepSizeText: "0.005", steps: 1000, style: "line" },
  { method: "Newton", stepSize: 0.1, stepSizeText: "0.1", steps: 100, style: "line" },
  { method: "PG", stepSize: 0.05, stepSizeText: "0.05", steps: 100, style: "line" },
];

/** Maps points of x space to y space through the toy's physics, all points as one batch. */
function toYSpace(points: readonly SquareToyPoint[]): SquareToyPoint[] {
  const y = squareToyPhysics().forward(Float64Array.from(points.flat()), points.length);
  return points.map((_, k) => [y[2 * k] as number, y[2 * k + 1] as number]);
}

/**
 * The five trajectories of the figure, all from {@link TRAJECTORY_START} = (3, 3), iterated with the step rules of
 * @pg/physics-toys: GD x ← x − η(2x₁, 4x₂³), Newton x ← x − η(x₁, x₂/3), PG x ← (x₁(1 − η), x₂√(1 − η)). Markers:
 * GD η = 0.5/36 and Newton η = 0.5, 10 steps each. Lines: GD η = 0.005 × 1000, Newton η = 0.1 × 100, PG η = 0.05 × 100.
 * @returns the series in legend order, each with its iterates in x space and in y space.
 * @example
 * import { trajectorySeries } from "@pg/example-trajectories";
 * const series = trajectorySeries();
 * console.log(series.map((s) => `${s.method}:${s.steps}:${s.style}`).join(" ")); // GD:10:markers Newton:10:markers GD:1000:line Newton:100:line PG:100:line
 * const newton = series[1];
 * console.log(newton.label, newton.x[1].join(" "), newton.y[1].join(" ")); // Newton, η = 0.5, 10 steps 1.5 2.5 1.5 6.25
 */
export function trajectorySeries(): TrajectorySeries[] {
  return DRAWN.map(({ method, stepSize, stepSizeText, steps, style }) => {
    const x = trajectory(RULES[method], TRAJECTORY_START, stepSize, steps);
    return { label: `${method}, η = ${stepSizeText}, ${steps} steps`, method, stepSize, stepSizeText, steps, style, x, y: toYSpace(x) };
  });
}
