export { runCommand, type CommandStreams } from "./commands";
export { parseCommandLine, type CommandLine, type CommandLineOptions } from "./command_line";
export { parseRunArguments, DEFAULT_CHECKPOINT_EVERY, type TrainArguments } from "./run_arguments";
export {
  runExperiment,
  resumeExperiment,
  readRunRecord,
  resumeCommand,
  summaryTable,
  CHECKPOINT_SECONDS,
  type ExperimentSource,
  type ExperimentSummary,
  type MethodStatus,
  type MethodSummary,
  type RunOptions,
  type RunRecord,
  type RunSession,
  type RunStatus,
} from "./run_experiment";
export type { ExperimentDefinition, FigureSpec, FieldFigureSpec, MethodPlan, RunArgumentSpec, RunArguments } from "@pg/experiments";
export { prepareOutputDirectory, directoryContents, clearRunDirectory, RunLock, RUN_FILE, SUMMARY_FILE, LOCK_FILE, type DirectoryContents, type LockOwner } from "./output_directory";
export { writeFileAtomic, syncDirectory } from "./atomic_file";
export { captureOptimizerState, restoreOptimizerState, type OptimizerState, type OptimizerTensor } from "./optimizer_state";
export { writeCheckpoint, readCheckpoint, checkpointPath, CHECKPOINTS_DIRECTORY, type TrainingCheckpoint } from "./training_checkpoint";
export { MetricsCsv } from "./metrics_csv";
export { saveTrainedNetwork, recoverTrainedNetwork, TRAINED_NETWORKS_DIRECTORY, type SaveOutcome } from "./trained_network_store";
export { ProgressBar, formatProgress, formatDuration, formatNumber, type ProgressState } from "./progress";
export { formatTable } from "./summary_table";
export { smoothUniform, type SmoothUniformResult } from "./smooth_uniform";
export { learningCurvesSvg, renderVegaLiteSvg, type LearningCurve, type LearningCurvesOptions, type LearningCurvesResult, type ReferenceLevel } from "./plot_learning_curves";
export { readMetricsCsv, type MetricsTable } from "./read_metrics_csv";
export { plotRun, type PlotRunOptions, type PlotRunResult, type RunMetric } from "./plot_run";
export { colormapColor, type ColormapName, type RgbColor } from "./colormap";
export { fieldImagePng, writeFieldImages, FIELD_IMAGE_AXES, type FieldPanel, type FieldRange, type FieldImageOptions, type FieldImageLayout, type FieldPanelLayout, type FieldImageResult } from "./field_images";
export { LastExamples, writeExperimentFigures, fieldRange, type KeptExamples, type ExperimentFiguresOptions } from "./example_figures";
export { compareRuns, formatComparison, type CompareRunsOptions, type ComparisonMetric, type ComparedMethod, type ComparisonAtIteration, type RunComparison } from "./compare_runs";
export { writeRunReport, type RunReportOptions, type RunReportResult } from "./run_report";
export { verifyRun, formatVerification, type VerifyRunOptions, type VerifyRunResult, type VerifiedMethod, type RowDifference } from "./verify_run";
export {
  allocatorDecision,
  restartWithAllocatorSettings,
  ALLOCATOR_SETTINGS,
  ALLOCATOR_OPT_OUT,
  type AllocatorSituation,
  type AllocatorDecision,
  type AllocatorKeepReason,
  type RestartOptions,
} from "./allocator_settings";
