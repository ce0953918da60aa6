import { readFileSync } from "node:fs";
import os from "node:os";
import { version as tfjsVersions } from "@tensorflow/tfjs";
import { version_wasm as tfjsWasmVersion } from "@tensorflow/tfjs-backend-wasm";
import { loadNativeKernels } from "@pg/backend-native";

/** The machine and software a benchmark ran on. */
export interface MachineInfo {
  /** `os.cpus()[0].model`, e.g. "AMD EPYC 9R14 …". */
  readonly cpuModel: string;
  /** `os.availableParallelism()`: the cores data-parallel runs use. */
  readonly cores: number;
  /** `os.cpus().length`. */
  readonly logicalCpus: number;
  readonly totalMemoryGigabytes: number;
  /** e.g. "Linux 6.1.0 x64". */
  readonly os: string;
  readonly node: string;
  readonly tfjs: string;
  readonly tfjsBackendWasm: string;
  /**
   * The native kernels the wasm runs use: their instruction set ("avx512", …), or "off: " and why (another platform,
   * not built, `PG_NATIVE=0`).
   */
  readonly nativeKernels: string;
  /** ISO 8601 time the benchmark started. */
  readonly date: string;
}

function nativeKernelsOf(): string {
  const status = loadNativeKernels();
  return status.available ? status.kernels.instructionSet : `off: ${status.reason}`;
}

/** Describes this machine and the tfjs build. Reads versions only; no backend is started here. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    logicalCpus: cpus.length,
    totalMemoryGigabytes: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: tfjsVersions.tfjs,
    tfjsBackendWasm: tfjsWasmVersion,
    nativeKernels: nativeKernelsOf(),
    date: new Date().toISOString(),
  };
}

/** How busy the machine is: run-queue length averaged over 1, 5 and 15 minutes. */
export interface LoadAverage {
  /** `os.loadavg()`, rounded to hundredths. */
  readonly minutes1To15: readonly number[];
  /** The line of /proc/loadavg (adds running/total tasks), where it exists. */
  readonly procLoadavg: string | null;
  /** ISO 8601 time of the reading. */
  readonly date: string;
}

/** Reads the load average now. */
export function loadAverage(): LoadAverage {
  let procLoadavg: string | null = null;
  try {
    procLoadavg = readFileSync("/proc/loadavg", "utf8").trim();
  } catch {
    // not Linux: os.loadavg() is enough
  }
  return {
    minutes1To15: os.loadavg().map((load) => Math.round(load * 100) / 100),
    procLoadavg,
    date: new Date().toISOString(),
  };
}
