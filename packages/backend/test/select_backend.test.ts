import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PgBackendError, PgValidationError } from "@pg/core";
import { initBackend } from "../src/index";

afterEach(() => {
  delete process.env.PG_BACKEND;
});

describe("initBackend", () => {
  it("falls through the missing tfjs-node packages to wasm and says why each was skipped", async () => {
    const selection = await initBackend();
    expect(selection.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(selection.skipped.map((s) => s.name)).toEqual(["tensorflow-gpu", "tensorflow"]);
    expect(selection.skipped.map((s) => s.reason)).toEqual(["not installed", "not installed"]);
    expect(selection.message).toBe(
      "wasm (tensorflow-gpu: not installed; tensorflow: not installed) — install @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node for a native backend",
    );
  });

  it("announces a fallback once per process on stderr, or through log, and never when the choice was forced", async () => {
    const lines: string[] = [];
    await initBackend({ log: (line) => lines.push(line) });
    await initBackend({ log: (line) => lines.push(line) });
    // a log function of the caller's receives every announcement; only the default stderr line is printed once
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(lines[0]);
    expect(lines[0]).toMatch(/^wasm \(tensorflow-gpu: not installed; tensorflow: not installed\) — install /);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await initBackend({ backend: ["tensorflow", "cpu"] });
      await initBackend({ backend: ["tensorflow", "cpu"] });
      await initBackend({ backend: "wasm" });
      expect(warn.mock.calls).toEqual([["@pg/backend: cpu (tensorflow: not installed) — install @tensorflow/tfjs-node for a native backend"]]);
    } finally {
      warn.mockRestore();
    }
  });

  it("gives reasons without absolute paths", async () => {
    const selection = await initBackend({
      backend: ["wasm", "cpu"],
      log: false,
      prepare: (name) => {
        if (name === "wasm") throw new Error("Cannot open /home/someone/app/node_modules/@tensorflow/tfjs-node/lib/binding.node or file:///opt/x/y.wasm");
      },
    });
    expect(selection.skipped[0]?.reason).toBe("Cannot open @tensorflow/tfjs-node/lib/binding.node or y.wasm");
  });

  it("uses the backend forced by argument or by PG_BACKEND", async () => {
    expect((await initBackend({ backend: "cpu" })).name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    process.env.PG_BACKEND = "wasm";
    expect((await initBackend()).name).toBe("wasm");
    expect((await initBackend({ backend: "cpu" })).name).toBe("cpu");
  });

  it("skips a backend that prepare refuses", async () => {
    const selection = await initBackend({
      backend: ["wasm", "cpu"],
      prepare: (name) => {
        if (name === "wasm") throw new Error("self-test failed: conv filter gradient off by 3");
      },
      log: false,
    });
    expect(selection.name).toBe("cpu");
    expect(selection.skipped).toEqual([{ name: "wasm", reason: "self-test failed: conv filter gradient off by 3" }]);
  });

  it("names an unknown backend and where it came from", async () => {
    await expect(initBackend({ backend: "gpu" as never })).rejects.toThrow(PgValidationError);
    await expect(initBackend({ backend: "gpu" as never })).rejects.toThrow(/initBackend: backend must be one of "tensorflow-gpu", "tensorflow", "webgpu", "webgl", "wasm", "cpu"; received "gpu"\./);
    process.env.PG_BACKEND = "webgpu2";
    await expect(initBackend()).rejects.toThrow(/initBackend: PG_BACKEND must be one of .*; received "webgpu2"\./);
  });

  it("lists every attempt when none can start", async () => {
    const error = await initBackend({ backend: ["tensorflow"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgBackendError);
    expect((error as Error).message).toMatch(/initBackend: no backend could be initialised; tried tensorflow \(not installed\)\. Choose "wasm" or "cpu"/);
    process.env.PG_BACKEND = "webgl";
    await expect(initBackend()).rejects.toThrow(/tried webgl \(not available in Node\)/);
  });
});
