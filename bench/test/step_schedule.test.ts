import { describe, expect, it } from "vitest";
import { nextPhase, type StepProgress } from "../src/step_schedule";

const schedule = { warmup: 2, warmupSeconds: 1, repeats: 5, timedSeconds: 0.5 };
const at = (progress: Partial<StepProgress>): StepProgress => ({ warmupSteps: 0, warmupElapsedSeconds: 0, timedSteps: 0, timedSeconds: 0, ...progress });

describe("nextPhase", () => {
  it("warms up until both the count and the seconds are reached", () => {
    expect(nextPhase(schedule, at({}))).toBe("warmup");
    expect(nextPhase(schedule, at({ warmupSteps: 100, warmupElapsedSeconds: 0.2 }))).toBe("warmup"); // a fast step: seconds missing
    expect(nextPhase(schedule, at({ warmupSteps: 1, warmupElapsedSeconds: 3 }))).toBe("warmup"); // a slow step: count missing
    expect(nextPhase(schedule, at({ warmupSteps: 2, warmupElapsedSeconds: 1 }))).toBe("timed");
  });

  it("times steps until both the count and their seconds are reached, then is done", () => {
    const warm = { warmupSteps: 2, warmupElapsedSeconds: 1 };
    expect(nextPhase(schedule, at({ ...warm, timedSteps: 5, timedSeconds: 0.01 }))).toBe("timed");
    expect(nextPhase(schedule, at({ ...warm, timedSteps: 4, timedSeconds: 12 }))).toBe("timed");
    expect(nextPhase(schedule, at({ ...warm, timedSteps: 5, timedSeconds: 12 }))).toBe("done");
    expect(nextPhase(schedule, at({ ...warm, timedSteps: 250, timedSeconds: 0.5 }))).toBe("done");
  });

  it("never warms up again once timing began, and skips warm-up when both minimums are 0", () => {
    expect(nextPhase(schedule, at({ timedSteps: 1, timedSeconds: 0.001 }))).toBe("timed");
    expect(nextPhase({ ...schedule, warmup: 0, warmupSeconds: 0 }, at({}))).toBe("timed");
  });
});
