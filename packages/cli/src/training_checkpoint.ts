import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { PgValidationError, requireNonNegativeInteger, type SchemeState } from "@pg/core";
import type { RandomState } from "@pg/data";
import type { WeightSnapshot } from "@pg/nets";
import { requireMethod, requirePath } from "./arguments";
import { writeFileAtomic } from "./atomic_file";
import type { OptimizerState } from "./optimizer_state";

/** Where a run keeps its training checkpoints, relative to `--out`. */
export const CHECKPOINTS_DIRECTORY = "checkpoints";
const FORMAT = "pg-checkpoint/1";

/**
 * The whole training state of one method after a completed step: enough to continue with results bit-identical to
 * an uninterrupted run on the same backend and replica count.
 */
export interface TrainingCheckpoint<R = unknown> {
  readonly format: typeof FORMAT;
  readonly method: string;
  /** The last completed step. */
  readonly iteration: number;
  readonly savedAt: string;
  /** Every weight of the network, trainable or not. */
  readonly weights: WeightSnapshot;
  readonly optimizer: OptimizerState;
  /** The batch source's random stream, before the next step's draws. */
  readonly random: RandomState;
  /** The scheme's transform states after the step. */
  readonly schemeState: SchemeState;
  /** The runner's own bookkeeping (running averages, step times, kept examples). */
  readonly runner: R;
}

/**
 * The checkpoint file of `method` in the run directory `out`.
 * @throws {@link PgValidationError} for an empty `out` or a method name that cannot be part of a file name.
 */
export function checkpointPath(out: string, method: string): string {
  requirePath("checkpointPath", "out", out);
  requireMethod("checkpointPath", "method", method);
  return join(out, CHECKPOINTS_DIRECTORY, `${method}.ckpt`);
}

/**
 * Writes a checkpoint in one file (structured-clone serialisation keeps Float32/Float64 arrays exact): written beside
 * the old one, synced, then renamed over it, so the previous checkpoint stays valid until the new one is complete.
 * {@link readCheckpoint} reads it back.
 * @throws {@link PgValidationError} for an empty `out`, a `checkpoint.method` that cannot be part of a file name or a
 * `checkpoint.iteration` that is not a non-negative integer.
 * @example
 * import { checkpointPath, readCheckpoint, writeCheckpoint } from "@pg/cli";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join, relative } from "node:path";
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const weights = { "dense_0/kernel": Float32Array.of(0.1, -2) };
 * const optimizer = { className: "SGD", weights: [], scalars: {} };
 * const random = { algorithm: "xoshiro128**", words: [1, 2, 3, 4], spareNormal: null };
 * const path = writeCheckpoint(out, { method: "adam", iteration: 7, weights, optimizer, random, schemeState: [undefined], runner: {} });
 * console.log(relative(out, path), relative(out, checkpointPath(out, "adam"))); // checkpoints/adam.ckpt checkpoints/adam.ckpt
 * const back = readCheckpoint(out, "adam");
 * console.log(back.iteration, back.weights["dense_0/kernel"][0] === weights["dense_0/kernel"][0], readCheckpoint(out, "pg")); // 7 true undefined
 */
export function writeCheckpoint<R>(out: string, checkpoint: Omit<TrainingCheckpoint<R>, "format" | "savedAt">): string {
  const where = "writeCheckpoint";
  requirePath(where, "out", out);
  if (typeof checkpoint !== "object" || checkpoint === null) throw new PgValidationError(where, "checkpoint", "a checkpoint { method, iteration, weights, … }", checkpoint);
  requireMethod(where, "checkpoint.method", checkpoint.method);
  requireNonNegativeInteger(where, "checkpoint.iteration", checkpoint.iteration);
  mkdirSync(join(out, CHECKPOINTS_DIRECTORY), { recursive: true });
  const path = checkpointPath(out, checkpoint.method);
  writeFileAtomic(path, serialize({ format: FORMAT, savedAt: new Date().toISOString(), ...checkpoint }), { durable: true });
  return path;
}

/**
 * Reads the checkpoint of `method`, or undefined when the run has none for it.
 * @throws {@link PgValidationError} when the file is not a checkpoint of this format or belongs to another method;
 * for an empty `out` or a method name that cannot be part of a file name.
 */
export function readCheckpoint<R>(out: string, method: string): TrainingCheckpoint<R> | undefined {
  requirePath("readCheckpoint", "out", out);
  requireMethod("readCheckpoint", "method", method);
  const path = checkpointPath(out, method);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = deserialize(readFileSync(path));
  } catch (error) {
    throw new PgValidationError("readCheckpoint", "file", `a checkpoint written by writeCheckpoint`, path, String(error));
  }
  const checkpoint = value as Partial<TrainingCheckpoint<R>>;
  if (typeof value !== "object" || value === null || checkpoint.format !== FORMAT) {
    throw new PgValidationError("readCheckpoint", "format", `"${FORMAT}"`, checkpoint?.format, `In ${path}.`);
  }
  if (checkpoint.method !== method) {
    throw new PgValidationError("readCheckpoint", "method", `"${method}"`, checkpoint.method, `In ${path}.`);
  }
  return checkpoint as TrainingCheckpoint<R>;
}
