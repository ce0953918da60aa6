/** How long a waiter polls before it sleeps, in milliseconds. */
const POLL_MILLISECONDS = 0.1;

/**
 * Blocks until `counter[index]` ≥ `target`; returns undefined then, or the reason `aborted` gives while waiting.
 *
 * It polls for up to 0.1 ms before it sleeps on the word with `Atomics.wait`: at a replica barrier the other replica
 * is usually that close, and waking a sleeping thread takes tens of microseconds (more on a virtual machine), paid
 * at every one of the ~45 barriers of a U-net step. Asleep, it wakes every 200 ms to ask `aborted` (a replica died).
 */
export function waitForCounter(counter: Int32Array, index: number, target: number, aborted: () => string | undefined): string | undefined {
  if (Atomics.load(counter, index) >= target) return undefined;
  const until = performance.now() + POLL_MILLISECONDS;
  for (let polls = 1; ; polls++) {
    if (Atomics.load(counter, index) >= target) return undefined;
    // Reading the clock costs more than reading the word: look at it every 64 polls.
    if ((polls & 63) === 0 && performance.now() >= until) break;
  }
  for (let seen = Atomics.load(counter, index); seen < target; seen = Atomics.load(counter, index)) {
    Atomics.wait(counter, index, seen, 200);
    const reason = aborted();
    if (reason !== undefined) return reason;
  }
  return undefined;
}
