/** Stable codes carried by every error @pg throws, so callers can branch without parsing messages. */
export type PgErrorCode =
  | "invalid-argument"
  | "invalid-shape"
  | "non-finite"
  | "backend-unavailable"
  | "checkpoint-mismatch";

/**
 * Base class of every error thrown by @pg packages.
 * @example
 * import { PgError } from "@pg/core";
 * const error = new PgError("invalid-argument", "demo: something went wrong");
 * console.log(error instanceof Error, error.name, error.code); // true PgError invalid-argument
 * console.log(error.message); // demo: something went wrong
 */
export class PgError extends Error {
  readonly code: PgErrorCode;
  constructor(code: PgErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A value outside what a function accepts: message is `where: parameter must be expected; received value.`
 * @example
 * import { PgError, PgValidationError } from "@pg/core";
 * const error = new PgValidationError("mlp", "seed", "a non-negative integer", -1);
 * console.log(error.message); // mlp: seed must be a non-negative integer; received -1.
 * console.log(error instanceof PgError, error.name, error.code, error.parameter); // true PgValidationError invalid-argument seed
 */
export class PgValidationError extends PgError {
  readonly where: string;
  readonly parameter: string;
  readonly expected: string;
  readonly received: unknown;
  constructor(where: string, parameter: string, expected: string, received: unknown, hint?: string) {
    super(
      "invalid-argument",
      `${where}: ${parameter} must be ${expected}; received ${describeValue(received)}.${hint === undefined ? "" : ` ${hint}`}`,
    );
    this.where = where;
    this.parameter = parameter;
    this.expected = expected;
    this.received = received;
  }
}

/**
 * An array of the wrong length or a tensor of the wrong shape; the message spells out the batch arithmetic.
 * @example
 * import { PgShapeError } from "@pg/core";
 * const error = new PgShapeError("demo.forward", "x", "length batch × 3 = 6 (batch = 2)", new Float64Array(5));
 * console.log(error.message); // demo.forward: x must have length batch × 3 = 6 (batch = 2); received Float64Array(5) [0, 0, 0, 0, …].
 * console.log(error.code, error.where, error.parameter); // invalid-shape demo.forward x
 */
export class PgShapeError extends PgError {
  readonly where: string;
  readonly parameter: string;
  /** `options.cause`: the error this one explains, e.g. the one a tfjs layer threw for an input that did not fit. */
  constructor(where: string, parameter: string, expected: string, received: unknown, options?: { cause?: unknown }) {
    super("invalid-shape", `${where}: ${parameter} must have ${expected}; received ${describeValue(received)}.`, options);
    this.where = where;
    this.parameter = parameter;
  }
}

/** Where in a training step a non-finite value appeared. */
export type NonFiniteStage =
  | "input"
  | "network output"
  | "physics output"
  | "proposal"
  | "x-space gradient"
  | "loss"
  /** A network weight (loading, saving): the detail names which. */
  | "weight";

/**
 * NaN or ±Infinity where a finite value is required; names the step, the stage and the first bad index.
 * @example
 * import { PgNonFiniteError } from "@pg/core";
 * const error = new PgNonFiniteError("trainStep", "loss", 3, NaN, 12);
 * console.log(error.message); // trainStep: loss is NaN at step 12 (first non-finite entry at index 3).
 * console.log(error.code, error.stage, error.step, error.index); // non-finite loss 12 3
 */
export class PgNonFiniteError extends PgError {
  readonly where: string;
  readonly stage: NonFiniteStage;
  readonly step: number | undefined;
  readonly index: number;
  readonly value: number;
  constructor(where: string, stage: NonFiniteStage, index: number, value: number, step?: number, detail?: string) {
    const at = step === undefined ? "" : ` at step ${step}`;
    super(
      "non-finite",
      `${where}: ${stage} is ${String(value)}${at} (first non-finite entry at index ${index})${detail === undefined ? "" : `; ${detail}`}.`,
    );
    this.where = where;
    this.stage = stage;
    this.step = step;
    this.index = index;
    this.value = value;
  }
}

/**
 * No requested backend could be initialised; lists every attempt in order with its reason.
 * @example
 * import { PgBackendError } from "@pg/core";
 * const attempts = [{ name: "tensorflow", reason: "not installed" }, { name: "cpu", reason: "refused" }];
 * const error = new PgBackendError("initBackend", attempts, "Choose another backend.");
 * console.log(error.message); // initBackend: no backend could be initialised; tried tensorflow (not installed), cpu (refused). Choose another backend.
 * console.log(error.code, error.attempts.length); // backend-unavailable 2
 */
export class PgBackendError extends PgError {
  readonly attempts: readonly { readonly name: string; readonly reason: string }[];
  constructor(where: string, attempts: readonly { readonly name: string; readonly reason: string }[], hint?: string) {
    const tried = attempts.map((a) => `${a.name} (${a.reason})`).join(", ");
    super("backend-unavailable", `${where}: no backend could be initialised; tried ${tried}.${hint === undefined ? "" : ` ${hint}`}`);
    this.attempts = attempts;
  }
}

const PREVIEW = 4;

/**
 * A short, exact description of a value for error messages: numbers exactly, arrays by type, length and first entries.
 * @example
 * import { describeValue } from "@pg/core";
 * console.log(describeValue(-0), describeValue("a"), describeValue(null), describeValue(undefined)); // -0 "a" null undefined
 * console.log(describeValue(Float64Array.of(1, 2, 3, 4, 5))); // Float64Array(5) [1, 2, 3, 4, …]
 * console.log(describeValue([1, [2]]), describeValue({ a: 1 })); // Array(2) [1, Array(1) [2]] {"a":1}
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as unknown as ArrayLike<number>;
    const head = Array.from({ length: Math.min(PREVIEW, array.length) }, (_, i) => String(array[i]));
    const more = array.length > PREVIEW ? ", …" : "";
    return `${value.constructor.name}(${array.length}) [${head.join(", ")}${more}]`;
  }
  if (Array.isArray(value)) {
    const head = value.slice(0, PREVIEW).map((v) => describeValue(v));
    return `Array(${value.length}) [${head.join(", ")}${value.length > PREVIEW ? ", …" : ""}]`;
  }
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}…` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
