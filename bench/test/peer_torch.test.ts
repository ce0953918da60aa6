import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PEER_PYTHONS,
  PEER_SCRIPT,
  findPeerPython,
  parsePeerLine,
  peerArguments,
  peerNotFoundMessage,
  peerThreadEnvironment,
  probeTorch,
  type TorchProbe,
} from "../src/peer_torch";

const NO_TORCH: TorchProbe = { ok: false, reason: "ModuleNotFoundError: No module named 'torch'" };

describe("findPeerPython", () => {
  it("tries python3 on PATH, then /usr/bin/python3", () => {
    expect(DEFAULT_PEER_PYTHONS).toEqual(["python3", "/usr/bin/python3"]);
  });

  it("without torch anywhere: not found, with every interpreter tried and why", () => {
    const probed: string[] = [];
    const discovery = findPeerPython(DEFAULT_PEER_PYTHONS, (python) => {
      probed.push(python);
      return python === "python3" ? NO_TORCH : { ok: false, reason: "not found" };
    });
    expect(probed).toEqual(["python3", "/usr/bin/python3"]);
    expect(discovery).toEqual({
      found: false,
      tried: [
        { python: "python3", reason: "ModuleNotFoundError: No module named 'torch'" },
        { python: "/usr/bin/python3", reason: "not found" },
      ],
    });
    if (discovery.found) throw new Error("unreachable");
    const message = peerNotFoundMessage(discovery);
    expect(message).not.toContain("\n");
    expect(message).toContain("PyTorch was not found");
    expect(message).toContain("python3: ModuleNotFoundError: No module named 'torch'");
    expect(message).toContain("ours runs alone");
    expect(message).toContain("apt-get install python3-torch");
    expect(message).toContain("--peer-python");
  });

  it("takes the first interpreter whose import torch works", () => {
    const discovery = findPeerPython(["python3", "/usr/bin/python3", "/never/probed"], (python) =>
      python === "/usr/bin/python3" ? { ok: true, executable: "/usr/bin/python3", torchVersion: "1.13.0a0", pythonVersion: "3.11.2" } : NO_TORCH,
    );
    expect(discovery).toMatchObject({ found: true, python: "/usr/bin/python3", torchVersion: "1.13.0a0", tried: [{ python: "python3" }] });
  });

  it("probeTorch reports an interpreter that does not exist as not found", () => {
    expect(probeTorch("/nonexistent/bin/python3")).toEqual({ ok: false, reason: "not found" });
  });
});

describe("the peer's process", () => {
  it("gets the case, its threads and the step rule as arguments, and as many OpenMP threads", () => {
    expect(peerArguments({ caseName: "unet-b32", threads: 2, warmup: 2, warmupSeconds: 1, repeats: 5, timedSeconds: 0.5 })).toEqual([
      "unet-b32",
      "--threads",
      "2",
      "--warmup",
      "2",
      "--warmup-seconds",
      "1",
      "--repeats",
      "5",
      "--timed-seconds",
      "0.5",
    ]);
    expect(peerThreadEnvironment(2)).toEqual({ OMP_NUM_THREADS: "2", MKL_NUM_THREADS: "2" });
    expect(existsSync(PEER_SCRIPT)).toBe(true);
  });

  it("its JSON lines are read as our runs' messages; other lines are ignored", () => {
    expect(parsePeerLine('{"type": "step", "step": {"phase": "timed", "milliseconds": 1.5, "loss": 0.25}}')).toEqual({
      type: "step",
      step: { phase: "timed", milliseconds: 1.5, loss: 0.25 },
    });
    expect(parsePeerLine('{"type": "failed", "message": "boom"}')).toEqual({ type: "failed", message: "boom" });
    expect(parsePeerLine('{"type": "parameters", "case": "mlp-b1000"}')).toBeUndefined();
    expect(parsePeerLine("Warning: something")).toBeUndefined();
    expect(parsePeerLine("{not json")).toBeUndefined();
  });
});
