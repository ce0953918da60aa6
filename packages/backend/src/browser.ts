// The browser entry: everything of @pg/backend that needs no Node built-in. Data-parallel training (worker threads)
// exists only in the Node entry.
export { initBackend, webglRenderer, type WebglRenderer } from "./init_backend_browser";
export {
  BACKEND_NAMES,
  BROWSER_BACKEND_ORDER,
  NODE_BACKEND_ORDER,
  type BackendName,
  type BackendSelection,
  type InitBackendOptions,
} from "./select_backend";
export { registerTrainingKernels } from "./register_training_kernels";
export { selfTestTrainingKernels, type TrainingKernelsSelfTestResult } from "./training_kernels_self_test";
export { describeTrainingKernels } from "./training_kernels_description";
