import { PgNonFiniteError, PgShapeError, PgValidationError, type NonFiniteStage } from "./errors";

/**
 * Throws unless `value` is an integer ≥ 1.
 * @example
 * import { requirePositiveInteger } from "@pg/core";
 * console.log(requirePositiveInteger("mlp", "outputSize", 3)); // 3
 * try {
 *   requirePositiveInteger("mlp", "outputSize", 2.5);
 * } catch (error) {
 *   console.log(error.message); // mlp: outputSize must be a positive integer; received 2.5.
 * }
 */
export function requirePositiveInteger(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new PgValidationError(where, parameter, "a positive integer", value);
  }
  return value;
}

/**
 * Throws unless `value` is an integer ≥ 0.
 * @example
 * import { requireNonNegativeInteger } from "@pg/core";
 * console.log(requireNonNegativeInteger("mlp", "seed", 0)); // 0
 * try {
 *   requireNonNegativeInteger("mlp", "seed", -1);
 * } catch (error) {
 *   console.log(error.message); // mlp: seed must be a non-negative integer; received -1.
 * }
 */
export function requireNonNegativeInteger(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PgValidationError(where, parameter, "a non-negative integer", value);
  }
  return value;
}

/**
 * Throws unless `value` is a finite number > 0 (Infinity allowed when `allowInfinity`).
 * @example
 * import { requirePositive } from "@pg/core";
 * console.log(requirePositive("newton", "stepSize", 0.5), requirePositive("newton", "clipStep", Infinity, true)); // 0.5 Infinity
 * try {
 *   requirePositive("newton", "clipStep", Infinity);
 * } catch (error) {
 *   console.log(error.message); // newton: clipStep must be a finite number > 0; received Infinity.
 * }
 */
export function requirePositive(where: string, parameter: string, value: unknown, allowInfinity = false): number {
  const ok = typeof value === "number" && value > 0 && (allowInfinity ? !Number.isNaN(value) : Number.isFinite(value));
  if (!ok) throw new PgValidationError(where, parameter, allowInfinity ? "a number > 0" : "a finite number > 0", value);
  return value;
}

/**
 * Throws unless `value` is a finite number.
 * @example
 * import { requireFiniteNumber } from "@pg/core";
 * console.log(requireFiniteNumber("scaleBy", "factor", -2)); // -2
 * try {
 *   requireFiniteNumber("scaleBy", "factor", NaN);
 * } catch (error) {
 *   console.log(error.message); // scaleBy: factor must be a finite number; received NaN.
 * }
 */
export function requireFiniteNumber(where: string, parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PgValidationError(where, parameter, "a finite number", value);
  }
  return value;
}

/**
 * Throws unless `value` is one of `choices`.
 * @example
 * import { requireOneOf } from "@pg/core";
 * console.log(requireOneOf("trainStep", "reduction", "sum", ["sum", "mean"])); // sum
 * try {
 *   requireOneOf("trainStep", "reduction", "max", ["sum", "mean"]);
 * } catch (error) {
 *   console.log(error.message); // trainStep: reduction must be one of "sum", "mean"; received "max".
 * }
 */
export function requireOneOf<T extends string>(where: string, parameter: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new PgValidationError(where, parameter, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
  }
  return value as T;
}

/**
 * Throws unless `shape` is an array of non-negative integers (the extents of one example).
 * @example
 * import { requireShape } from "@pg/core";
 * console.log(requireShape("poissonPhysics", "options.shape", [16, 16]).join("×")); // 16×16
 * try {
 *   requireShape("poissonPhysics", "options.shape", [16, 1.5]);
 * } catch (error) {
 *   console.log(error.message); // poissonPhysics: options.shape must be an array of non-negative integers (a shape); received Array(2) [16, 1.5].
 * }
 */
export function requireShape(where: string, parameter: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || !shape.every((extent) => typeof extent === "number" && Number.isInteger(extent) && extent >= 0)) {
    throw new PgValidationError(where, parameter, "an array of non-negative integers (a shape)", shape);
  }
  return shape;
}

/**
 * Number of entries of one example of the given shape.
 * @throws {@link PgValidationError} unless `shape` is an array of non-negative integers.
 * @example
 * import { shapeSize } from "@pg/core";
 * console.log(shapeSize([64, 64, 1]), shapeSize([3]), shapeSize([])); // 4096 3 1
 * try {
 *   shapeSize([64, -1]);
 * } catch (error) {
 *   console.log(error.message); // shapeSize: shape must be an array of non-negative integers (a shape); received Array(2) [64, -1].
 * }
 */
export function shapeSize(shape: readonly number[]): number {
  return requireShape("shapeSize", "shape", shape).reduce((a, b) => a * b, 1);
}

/**
 * Throws unless `array` is a Float64Array of length batch × size(shape), spelling out the arithmetic.
 * @example
 * import { requireBatchArray } from "@pg/core";
 * console.log(requireBatchArray("poisson.forward", "x", new Float64Array(2 * 16), 2, [4, 4, 1]).length); // 32
 * try {
 *   requireBatchArray("poisson.forward", "x", new Float64Array(30), 2, [4, 4, 1]);
 * } catch (error) {
 *   console.log(error.message); // poisson.forward: x must have length batch × 16 (4 × 4 × 1) = 32 (batch = 2); received Float64Array(30) [0, 0, 0, 0, …].
 * }
 */
export function requireBatchArray(
  where: string,
  parameter: string,
  array: unknown,
  batch: number,
  shape: readonly number[],
): Float64Array {
  requireNonNegativeInteger(where, "batch", batch);
  const size = shapeSize(requireShape(where, `shape of ${parameter}`, shape));
  if (!(array instanceof Float64Array)) {
    throw new PgShapeError(where, parameter, `type Float64Array of length batch × ${size}`, array);
  }
  if (array.length !== batch * size) {
    const shapeText = shape.length > 1 ? ` (${shape.join(" × ")})` : "";
    throw new PgShapeError(
      where,
      parameter,
      `length batch × ${size}${shapeText} = ${batch * size} (batch = ${batch})`,
      array,
    );
  }
  return array;
}

/**
 * Throws a {@link PgNonFiniteError} naming the first NaN/±Infinity entry of `array`.
 * @example
 * import { requireFinite } from "@pg/core";
 * requireFinite("sin.forward", "physics output", Float64Array.of(1, 2)); // returns quietly
 * try {
 *   requireFinite("sin.forward", "physics output", Float64Array.of(1, Infinity, NaN), 7);
 * } catch (error) {
 *   console.log(error.message); // sin.forward: physics output is Infinity at step 7 (first non-finite entry at index 1).
 * }
 */
export function requireFinite(
  where: string,
  stage: NonFiniteStage,
  array: ArrayLike<number>,
  step?: number,
  detail?: string,
): void {
  requireArrayLike(where, stage, array);
  for (let i = 0; i < array.length; i++) {
    const v = array[i] as number;
    if (!Number.isFinite(v)) throw new PgNonFiniteError(where, stage, i, v, step, detail);
  }
}

/**
 * Index of the first non-finite entry, or −1.
 * @example
 * import { firstNonFinite } from "@pg/core";
 * console.log(firstNonFinite([1, 2, NaN, Infinity]), firstNonFinite(Float64Array.of(1, 2))); // 2 -1
 */
export function firstNonFinite(array: ArrayLike<number>): number {
  requireArrayLike("firstNonFinite", "array", array);
  for (let i = 0; i < array.length; i++) if (!Number.isFinite(array[i] as number)) return i;
  return -1;
}

/** Throws unless `array` is an array or a typed array (something with numbered entries and a length). */
function requireArrayLike(where: string, parameter: string, array: unknown): void {
  if (!Array.isArray(array) && !(ArrayBuffer.isView(array) && !(array instanceof DataView))) {
    throw new PgValidationError(where, parameter, "an array or a typed array of numbers", array);
  }
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known name a mistyped one most likely meant (case-insensitive edit distance within a third of its length, or
 * a prefix either way), or undefined when none is close.
 * @example
 * import { closestName } from "@pg/core";
 * console.log(closestName("maxIteration", ["maxIterations", "tolerance"]), closestName("xyz", ["tolerance"])); // maxIterations undefined
 * console.log(closestName("sin-rotate", ["sin", "sin-rotated"])); // sin-rotated
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  if (typeof name !== "string") throw new PgValidationError("closestName", "name", "a string", name);
  requireStringList("closestName", "known", known);
  const typed = name.trim().toLowerCase();
  if (typed === "") return undefined;
  const lowered = known.map((candidate) => candidate.toLowerCase());
  const exact = lowered.indexOf(typed);
  if (exact >= 0) return known[exact];
  // "poisson-64x64" for "poisson", or "wave" for "wavepacket", is as clear as a typo; of several such names the
  // nearest wins ("sin-rotate" means "sin-rotated", not "sin").
  let nearestContaining: { index: number; distance: number } | undefined;
  lowered.forEach((candidate, index) => {
    if (!typed.startsWith(candidate) && !candidate.startsWith(typed)) return;
    const distance = Math.abs(candidate.length - typed.length);
    if (nearestContaining === undefined || distance < nearestContaining.distance) nearestContaining = { index, distance };
  });
  const containing = nearestContaining as { index: number; distance: number } | undefined;
  if (containing !== undefined) return known[containing.index];
  let best: { index: number; distance: number } | undefined;
  lowered.forEach((candidate, index) => {
    const distance = editDistance(typed, candidate);
    if (best === undefined || distance < best.distance) best = { index, distance };
  });
  // Beyond a third of the word it is no longer a typo but another word.
  const found = best as { index: number; distance: number } | undefined;
  return found !== undefined && found.distance <= Math.max(2, Math.floor(typed.length / 3)) ? known[found.index] : undefined;
}

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `known`: a misspelt option would
 * otherwise be ignored without a word. The error names the unknown key, lists the known ones and suggests the
 * closest.
 * @param parameter - the options parameter's name in messages, e.g. "options".
 * @returns `options`, or `{}` when undefined.
 * @example
 * import { requireKnownKeys } from "@pg/core";
 * console.log(Object.keys(requireKnownKeys("lbfgsb", "options", { maxIterations: 3 }, ["maxIterations", "tolerance"])).join()); // maxIterations
 * try {
 *   requireKnownKeys("lbfgsb", "options", { maxIteration: 3 }, ["maxIterations", "tolerance"]);
 * } catch (error) {
 *   console.log(error.message); // lbfgsb: options.maxIteration must be one of the known options "maxIterations", "tolerance"; received 3. Did you mean "maxIterations"?
 * }
 */
export function requireKnownKeys<T extends object>(where: string, parameter: string, options: T | undefined, known: readonly string[]): T {
  requireStringList("requireKnownKeys", "known", known);
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new PgValidationError(where, parameter, "an options object", options);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    throw new PgValidationError(
      where,
      `${parameter}.${key}`,
      `one of the known options ${known.map((name) => JSON.stringify(name)).join(", ")}`,
      Reflect.get(options, key),
      suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`,
    );
  }
  return options;
}

/** Throws unless `list` is an array of strings. */
function requireStringList(where: string, parameter: string, list: unknown): void {
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === "string")) {
    throw new PgValidationError(where, parameter, "an array of strings", list);
  }
}

/**
 * `true` when the list of names `K` covers every key of the options interface `T`; otherwise a type that names the
 * missing keys. Written next to an options interface and its list for {@link requireKnownKeys},
 * `true satisfies OptionKeysCover<LbfgsbOptions, typeof LBFGSB_OPTION_KEYS>;` stops compiling when an option is added
 * to the interface but not to the list (where it would be refused as unknown).
 */
export type OptionKeysCover<T, K extends readonly PropertyKey[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? true
  : { readonly missingKeys: Exclude<keyof T, K[number]> };
