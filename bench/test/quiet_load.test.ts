import { describe, expect, it } from "vitest";
import { waitForQuietLoad, type LoadClock } from "../src/quiet_load";

/** A clock whose load readings come from `loads` (the last one repeats) and whose sleep only advances time. */
function fakeClock(loads: readonly number[]): LoadClock & { readonly slept: number[] } {
  let time = 0;
  let reading = 0;
  const slept: number[] = [];
  return {
    slept,
    readLoad: () => loads[Math.min(reading++, loads.length - 1)] as number,
    sleep: async (seconds) => {
      slept.push(seconds);
      time += seconds;
    },
    now: () => time,
  };
}

describe("waitForQuietLoad", () => {
  it("without a threshold, only records the load", async () => {
    const clock = fakeClock([2.345]);
    const load = await waitForQuietLoad({ threshold: undefined, maxWaitSeconds: 120 }, clock);
    expect(load).toEqual({ beforeWait: 2.35, atStart: 2.35, waitedSeconds: 0, threshold: null, isQuiet: null });
    expect(clock.slept).toEqual([]);
  });

  it("waits, polling, until the load is below the threshold, and says it waits once", async () => {
    const clock = fakeClock([1.8, 1.4, 1.1, 0.9]);
    const waits: number[] = [];
    const load = await waitForQuietLoad({ threshold: 1, maxWaitSeconds: 120, onWait: (now) => waits.push(now) }, clock);
    expect(load).toEqual({ beforeWait: 1.8, atStart: 0.9, waitedSeconds: 15, threshold: 1, isQuiet: true });
    expect(waits).toEqual([1.8]);
  });

  it("gives up after the longest wait and reports the load as not quiet", async () => {
    const clock = fakeClock([3]);
    const load = await waitForQuietLoad({ threshold: 1, maxWaitSeconds: 12, pollSeconds: 5 }, clock);
    expect(clock.slept).toEqual([5, 5, 2]);
    expect(load).toEqual({ beforeWait: 3, atStart: 3, waitedSeconds: 12, threshold: 1, isQuiet: false });
  });

  it("does not wait when the load is already below the threshold", async () => {
    const clock = fakeClock([0.4]);
    const load = await waitForQuietLoad({ threshold: 1, maxWaitSeconds: 120 }, clock);
    expect(load.isQuiet).toBe(true);
    expect(load.waitedSeconds).toBe(0);
    expect(clock.slept).toEqual([]);
  });
});
