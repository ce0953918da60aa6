import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
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
    expect(selection.skipped.every((s) => s.reason.length > 0)).toBe(true);
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
    });
    expect(selection.name).toBe("cpu");
    expect(selection.skipped).toEqual([{ name: "wasm", reason: "self-test failed: conv filter gradient off by 3" }]);
  });

  it("names an unknown backend and where it came from", async () => {
    await expect(initBackend({ backend: "gpu" as never })).rejects.toThrow(PgValidationError);
    await expect(initBackend({ backend: "gpu" as never })).rejects.toThrow(/initBackend: backend must be one of "tensorflow-gpu", "tensorflow", "wasm", "cpu"; received "gpu"\./);
    process.env.PG_BACKEND = "webgpu";
    await expect(initBackend()).rejects.toThrow(/initBackend: PG_BACKEND must be one of .*; received "webgpu"\./);
  });

  it("lists every attempt when none can start", async () => {
    const error = await initBackend({ backend: ["tensorflow"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgBackendError);
    expect((error as Error).message).toMatch(/initBackend: no backend could be initialised; tried tensorflow \(/);
  });
});
