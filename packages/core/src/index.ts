export {
  PgError,
  PgValidationError,
  PgShapeError,
  PgNonFiniteError,
  PgBackendError,
  describeValue,
  type PgErrorCode,
  type NonFiniteStage,
} from "./errors";
export {
  requirePositiveInteger,
  requireNonNegativeInteger,
  requirePositive,
  requireFiniteNumber,
  requireOneOf,
  requireBatchArray,
  requireFinite,
  firstNonFinite,
  shapeSize,
} from "./validate";
export {
  halfSquaredError,
  objectiveOf,
  evaluateObjective,
  type Physics,
  type Objective,
  type NewtonDerivatives,
  type ObjectiveEvaluation,
} from "./physics";
export {
  solveRepeatedly,
  countReasons,
  type StopReason,
  type SolveProblem,
  type SolveResult,
  type InverseSolver,
} from "./solver";
