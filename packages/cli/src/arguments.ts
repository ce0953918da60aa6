// Checks shared by the entry points of @pg/cli (internal): each throws a PgValidationError naming the function, the
// parameter, what it must be and the value received.
import { PgValidationError } from "@pg/core";

/** A non-empty path (a file or a directory). */
export function requirePath(where: string, parameter: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new PgValidationError(where, parameter, "a path (a non-empty string)", value);
  return value;
}

/** A method name, which becomes part of file names (`<method>.csv`, `checkpoints/<method>.ckpt`): no separator, not `.` or `..`. */
export function requireMethod(where: string, parameter: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || /[/\\\0]/.test(value) || value === "." || value === "..") {
    throw new PgValidationError(where, parameter, "a method name (non-empty, usable as a file name: no / or \\)", value);
  }
  return value;
}

/** A tf.Optimizer, recognised by the methods the runner calls (a second copy of tfjs defeats instanceof). */
export function requireOptimizer(where: string, parameter: string, value: unknown): void {
  const ok = typeof value === "object" && value !== null && ["getWeights", "setWeights", "getClassName"].every((name) => typeof Reflect.get(value, name) === "function");
  if (!ok) throw new PgValidationError(where, parameter, "a tf.Optimizer (e.g. tf.train.adam(1e-3))", value);
}

/** A list of distinct non-empty names, e.g. CSV columns. */
export function requireNameList(where: string, parameter: string, value: unknown, forbidden = /[,\n"]/): readonly string[] {
  const ok = Array.isArray(value) && value.length > 0 && value.every((name) => typeof name === "string" && name.length > 0 && !forbidden.test(name));
  if (!ok) throw new PgValidationError(where, parameter, "a non-empty array of non-empty names (no comma, quote or newline)", value);
  const names = value as string[];
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new PgValidationError(where, parameter, "names that are not repeated", value, `"${repeated}" appears twice.`);
  return names;
}
