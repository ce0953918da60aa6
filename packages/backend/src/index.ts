// The Node entry. The browser entry (browser.ts) has the same names except the data-parallel ones.
export { initBackend } from "./init_backend_node";
export {
  BACKEND_NAMES,
  BROWSER_BACKEND_ORDER,
  NODE_BACKEND_ORDER,
  type BackendName,
  type BackendSelection,
  type InitBackendOptions,
} from "./select_backend";
export { dataParallel, defaultReplicas, measureFreeCores, type DataParallelOptions, type DataParallelEngine } from "./data_parallel";
export { registerTrainingKernels } from "./register_training_kernels";
export { selfTestTrainingKernels, type TrainingKernelsSelfTestResult } from "./training_kernels_self_test";
export { describeTrainingKernels } from "./training_kernels_description";
