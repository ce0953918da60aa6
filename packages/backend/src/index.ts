export { initBackend, BACKEND_NAMES, type BackendName, type BackendSelection, type InitBackendOptions } from "./select_backend";
export { dataParallel, defaultReplicas, measureFreeCores, type DataParallelOptions, type DataParallelEngine } from "./data_parallel";
export { registerTrainingKernels } from "./register_training_kernels";
export { selfTestTrainingKernels, type TrainingKernelsSelfTestResult } from "./training_kernels_self_test";
