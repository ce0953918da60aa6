// The Node entry: the browser entry plus saving to and loading from a directory.
export * from "./browser";
export { saveNetwork, type SavedNetwork } from "./save_network";
export { loadNetwork } from "./load_network";
