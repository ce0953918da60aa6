import * as tf from "@tensorflow/tfjs";
import { describe, expect, it, vi } from "vitest";
import { initBackend } from "../src/index";

// Its own file: tfjs's cpu backend greets only its first tensor, so this must be the first use in the process.
describe("initBackend and tfjs's cpu banner", () => {
  it("prints no tfjs banner when cpu serves as the wasm self-test's reference or as the backend", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await initBackend({ backend: "wasm" });
      await initBackend({ backend: "cpu" });
      expect(tf.tidy(() => Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()))).toEqual([2, 3]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

});
