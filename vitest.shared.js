// Shared by every package's vitest.config.ts (plain JavaScript, so configs import it by its file name; types in
// vitest.shared.d.ts).

/**
 * Drops tfjs's "running TensorFlow.js in Node.js" banner, which its cpu backend prints on first use; tests that pick
 * cpu directly (rather than through initBackend, which suppresses it) would otherwise print it once per file.
 * Every other line is shown as vitest would show it.
 * @param {string} log
 * @returns {false | undefined}
 */
export function withoutTfjsBanner(log) {
  return log.includes("looks like you are running TensorFlow.js in Node.js") ? false : undefined;
}
