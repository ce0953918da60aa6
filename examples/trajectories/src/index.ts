export { trajectorySeries, TRAJECTORY_START, type TrajectorySeries, type TrajectoryMethod, type TrajectoryStyle } from "./trajectory_series";
export { trajectoryFigureSpec, trajectoryFigureSvg, TRAJECTORY_PANELS, CONTOUR_EXPONENTS, type TrajectoryFigureOptions, type TrajectoryPanel, type Interval } from "./trajectory_figure";
