export { trajectorySeries, TRAJECTORY_START, type TrajectorySeries, type TrajectoryMethod, type TrajectoryStyle } from "./trajectory_series";
export { trajectoryFigureSpec, trajectoryFigureSvg, TRAJECTORY_PANELS, CONTOUR_EXPONENTS, type TrajectoryFigureOptions, type TrajectoryPanel, type Interval } from "./trajectory_figure";
export {
  parseTrajectoryArguments,
  writeTrajectoryFigure,
  runTrajectoriesCommand,
  TRAJECTORIES_USAGE,
  TRAJECTORY_FIGURE_FILE,
  DEFAULT_TRAJECTORY_OUT,
  type TrajectoryArguments,
  type WriteTrajectoryFigureOptions,
  type TrajectoryCommandStreams,
} from "./trajectory_command";
