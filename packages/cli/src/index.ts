export { parseRunArguments, type RunArguments, type RunArgumentSpec } from "./run_arguments";
export { runExperiment, summaryTable, type ExperimentDefinition, type ExperimentSummary, type MethodPlan, type MethodSummary } from "./run_experiment";
export { MetricsCsv } from "./metrics_csv";
export { ProgressBar, formatProgress, formatDuration, formatNumber, type ProgressState } from "./progress";
export { RunningAverage, median } from "./running_average";
export { formatTable } from "./summary_table";
