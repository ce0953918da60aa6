import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunMessage } from "./case_process";
import type { RunSetup, RunSpec, StepProfile, StepTiming } from "./measure_run";

/** What the parent learned about a run executed in its own process. */
export interface IsolatedRunResult {
  /** Present once the child had its backend, network and engine up. */
  readonly setup?: RunSetup;
  /** Every step the child reported, also when it later failed or was stopped. */
  readonly steps: readonly StepTiming[];
  /** The profiled step after the timed ones (`--profile`, our runs only), once the child reported it. */
  readonly profile?: StepProfile;
  /** Resident set size of the child after its last step, in MB. */
  readonly residentMegabytes?: number;
  /** Why the run did not complete: the error it threw, its exit status, or the wall-time limit. */
  readonly error?: string;
  /** Wall time of the whole child process, start-up included. */
  readonly wallSeconds: number;
}

/** How a run's process is started. */
export interface IsolatedRunOptions {
  /** Wall-time limit of the whole process; it is killed then, and the steps it reported are kept. */
  readonly limitSeconds: number;
  /** The child's complete environment (allocator settings included). */
  readonly env: Readonly<Record<string, string>>;
  /** Called for every progress message, e.g. to print steps as they finish. */
  readonly onMessage?: (message: RunMessage) => void;
}

/** Most of the child's stderr kept for error messages (the tail matters; wasm aborts print the minified module). */
const STDERR_BYTES = 64 * 1024;

/** The last meaningful lines of a child's stderr: minified source lines and caret markers are dropped. */
function stderrTail(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0 && line.length <= 400 && !/^\s*\^+\s*$/.test(line));
  return lines.slice(-6).join(" | ");
}

/**
 * Collects the {@link RunMessage}s of a started run's process until it exits or `limitSeconds` pass (then it is
 * killed). `subscribe` connects the process's message source (IPC or stdout lines) to the handler it is given.
 * Never rejects: failures come back in {@link IsolatedRunResult.error}.
 */
export function superviseRun(
  child: ChildProcess,
  subscribe: (handle: (message: RunMessage) => void) => void,
  limitSeconds: number,
  onMessage?: (message: RunMessage) => void,
): Promise<IsolatedRunResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    let setup: RunSetup | undefined;
    const steps: StepTiming[] = [];
    let profile: StepProfile | undefined;
    let residentMegabytes: number | undefined;
    let failure: string | undefined;
    let stderr = "";
    let isTimedOut = false;
    let isFinished = false;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_BYTES);
    });
    const timer = setTimeout(() => {
      isTimedOut = true;
      child.kill("SIGKILL");
    }, limitSeconds * 1000);
    subscribe((message) => {
      if (message.type === "setup") setup = message.setup;
      else if (message.type === "step") steps.push(message.step);
      else if (message.type === "profile") profile = message.profile;
      else if (message.type === "done") residentMegabytes = message.residentMegabytes;
      else failure = message.message;
      onMessage?.(message);
    });
    const finish = (error: string | undefined) => {
      if (isFinished) return;
      isFinished = true;
      clearTimeout(timer);
      resolve({
        ...(setup === undefined ? {} : { setup }),
        steps,
        ...(profile === undefined ? {} : { profile }),
        ...(residentMegabytes === undefined ? {} : { residentMegabytes }),
        ...(error === undefined ? {} : { error }),
        wallSeconds: (performance.now() - start) / 1000,
      });
    };
    child.on("error", (error) => finish(`could not start the run's process: ${error.message}`));
    // "close" rather than "exit": the last lines of stdout (the peer's messages) have been read by then.
    child.on("close", (code, signal) => {
      if (failure !== undefined) return finish(failure);
      if (isTimedOut) return finish(`stopped at the ${limitSeconds} s wall-time limit of one run (raise it with --run-seconds)`);
      if (residentMegabytes !== undefined && code === 0) return finish(undefined);
      const status = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      const tail = stderrTail(stderr);
      return finish(`the run's process ended with ${status}${tail.length > 0 ? `: ${tail}` : ""}`);
    });
  });
}

/**
 * Runs {@link RunSpec} in a child Node process (same loader flags as this one, the environment of `options.env`) and
 * collects its progress over IPC. Never rejects: failures come back in {@link IsolatedRunResult.error}.
 */
export function runIsolated(spec: RunSpec, options: IsolatedRunOptions): Promise<IsolatedRunResult> {
  const entry = fileURLToPath(new URL("./case_process.ts", import.meta.url));
  const child = fork(entry, [JSON.stringify(spec)], { execArgv: process.execArgv, env: options.env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  child.stdout?.resume(); // tfjs prints a banner; nothing on stdout is needed
  return superviseRun(child, (handle) => child.on("message", handle), options.limitSeconds, options.onMessage);
}
