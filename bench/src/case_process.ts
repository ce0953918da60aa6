/**
 * Child-process entry of one benchmark run (started by run_isolated.ts with the RunSpec as JSON in argv[2]).
 * Each run gets a fresh process, so a wasm heap grown by one case (3 GB at U-net batch 128), an out-of-memory abort
 * or a hung step cannot affect the next. Progress goes to the parent over the IPC channel as {@link RunMessage}s.
 */
import { measureRun, type RunSetup, type RunSpec, type StepProfile, type StepTiming } from "./measure_run";

/** What a run's child process tells the parent (peer_torch.py prints the same objects, one JSON line each). */
export type RunMessage =
  | { readonly type: "setup"; readonly setup: RunSetup }
  | { readonly type: "step"; readonly step: StepTiming }
  | { readonly type: "profile"; readonly profile: StepProfile }
  | { readonly type: "done"; readonly residentMegabytes: number; readonly summary?: Readonly<Record<string, unknown>> }
  | { readonly type: "failed"; readonly message: string };

function send(message: RunMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    } else {
      process.send(message, undefined, {}, () => resolve());
    }
  });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "null") as RunSpec;
  const pending: Promise<void>[] = [];
  try {
    const measurement = await measureRun(spec, {
      onSetup: (setup) => void pending.push(send({ type: "setup", setup })),
      onStep: (step) => void pending.push(send({ type: "step", step })),
      onProfile: (profile) => void pending.push(send({ type: "profile", profile })),
    });
    await Promise.all(pending);
    await send({ type: "done", residentMegabytes: measurement.residentMegabytes });
  } catch (error) {
    await Promise.all(pending);
    await send({ type: "failed", message: messageOf(error) });
  }
  // Exit explicitly: the wasm module and worker threads may otherwise keep the event loop alive.
  process.exit(0);
}

await main();
