// Shared by every package's vitest.config.ts.

/**
 * Drops tfjs's "running TensorFlow.js in Node.js" banner, which its cpu backend prints on first use; tests that pick
 * cpu directly (rather than through initBackend, which suppresses it) would otherwise print it once per file.
 * Every other line is shown as vitest would show it.
 */
export function withoutTfjsBanner(log: string): false | undefined {
  return log.includes("looks like you are running TensorFlow.js in Node.js") ? false : undefined;
}
