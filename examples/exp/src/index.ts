export {
  linspace,
  predictX,
  lineFigureSvg,
  writeExpFigures,
  PREDICTION_METHODS,
  EXP_FIGURE_FILES,
  type FigureLine,
  type LineFigureOptions,
  type ExpFiguresOptions,
  type ExpFiguresResult,
} from "./exp_figures";
export { parseExpFigureArguments, DEFAULT_EXP_RUN, EXP_FIGURES_USAGE, type ExpFigureArguments } from "./exp_command";
