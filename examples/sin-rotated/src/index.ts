export {
  cumulativeSeconds,
  iterationsForBudget,
  wallTimeCurve,
  writeWallTimeFigure,
  WALL_TIME_FIGURE_FILE,
  type WallTimeCurve,
  type WallTimeFigureOptions,
  type WallTimeFigureResult,
} from "./wall_time_figure";
export { parseFigureArguments, DEFAULT_SIN_ROTATED_RUN, FIGURE_USAGE, type FigureArguments } from "./figure_command";
