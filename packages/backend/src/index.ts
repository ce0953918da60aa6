export { initBackend, BACKEND_NAMES, type BackendName, type BackendSelection, type InitBackendOptions } from "./select_backend";
