import { PgShapeError, PgValidationError, requireOneOf } from "@pg/core";
import { NETWORK_BUILDERS, type NetworkConfig } from "./network_config";

/** Name of the JSON description written by `saveNetwork`. */
export const NETWORK_FILE_NAME = "network.json";
/** Name of the raw weights written by `saveNetwork`. */
export const WEIGHTS_FILE_NAME = "weights.bin";
/** Value of the `format` field, identifying the file. */
const FORMAT = "pg-nets-network";
/** Version of the layout below; bumped on any incompatible change. */
const VERSION = 1;

/** One weight's place in `weights.bin`; `offset` and `length` count float32 entries, not bytes. */
export interface NetworkFileWeight {
  /** Scoped weight name, e.g. `encoder_0_convolution_0/kernel`. */
  readonly name: string;
  /** Weight shape (row-major). */
  readonly shape: readonly number[];
  /** Index of the weight's first entry in `weights.bin`, in float32 entries. */
  readonly offset: number;
  /** Number of float32 entries: the product of `shape`. */
  readonly length: number;
}

/** Contents of `network.json`. */
export interface NetworkFile {
  /** Always `'pg-nets-network'`. */
  readonly format: typeof FORMAT;
  /** Layout version, currently 1. */
  readonly version: typeof VERSION;
  /** The builder to call on load. */
  readonly builder: NetworkConfig["builder"];
  /** The builder's options, defaults filled in. */
  readonly options: NetworkConfig["options"];
  /** Always `'float32'`. */
  readonly dtype: "float32";
  /** Always `'little-endian'`. */
  readonly byteOrder: "little-endian";
  /** Weights in model order, stored back to back. */
  readonly weights: readonly NetworkFileWeight[];
}

/** Builds the `network.json` contents for `config` and weights given in model order. */
export function networkFileOf(
  config: NetworkConfig,
  weights: readonly { readonly name: string; readonly shape: readonly number[] }[],
): NetworkFile {
  let offset = 0;
  const entries = weights.map(({ name, shape }) => {
    const length = shape.reduce((a, b) => a * b, 1);
    const entry = { name, shape: [...shape], offset, length };
    offset += length;
    return entry;
  });
  return {
    format: FORMAT,
    version: VERSION,
    builder: config.builder,
    options: config.options,
    dtype: "float32",
    byteOrder: "little-endian",
    weights: entries,
  };
}

/** True for an integer ≥ 0. */
function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/**
 * Checks parsed `network.json` contents against the layout above and the size of `weights.bin`.
 * @param where - the public caller, for messages.
 * @param path - path of `network.json`, for messages.
 * @param parsed - the output of `JSON.parse`.
 * @param weightsByteLength - size of `weights.bin` in bytes.
 * @throws {@link PgValidationError} or {@link PgShapeError} naming the field, the file and the value found.
 */
export function parseNetworkFile(where: string, path: string, parsed: unknown, weightsByteLength: number): NetworkFile {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PgValidationError(where, path, "a JSON object written by saveNetwork", parsed);
  }
  const file = parsed as Record<string, unknown>;
  if (file["format"] !== FORMAT) {
    throw new PgValidationError(where, `${path} field "format"`, JSON.stringify(FORMAT), file["format"]);
  }
  if (file["version"] !== VERSION) {
    throw new PgValidationError(where, `${path} field "version"`, String(VERSION), file["version"]);
  }
  const builder = requireOneOf(where, `${path} field "builder"`, file["builder"], NETWORK_BUILDERS);
  const options = file["options"];
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new PgValidationError(where, `${path} field "options"`, "an object", options);
  }
  if (file["dtype"] !== "float32") {
    throw new PgValidationError(where, `${path} field "dtype"`, '"float32"', file["dtype"]);
  }
  if (file["byteOrder"] !== "little-endian") {
    throw new PgValidationError(where, `${path} field "byteOrder"`, '"little-endian"', file["byteOrder"]);
  }
  const weights = file["weights"];
  if (!Array.isArray(weights)) {
    throw new PgValidationError(where, `${path} field "weights"`, "an array of { name, shape, offset, length }", weights);
  }
  const entries = weights.map((entry: unknown, index: number): NetworkFileWeight => {
    const field = `${path} field "weights[${index}]"`;
    if (typeof entry !== "object" || entry === null) {
      throw new PgValidationError(where, field, "an object { name, shape, offset, length }", entry);
    }
    const { name, shape, offset, length } = entry as Record<string, unknown>;
    if (typeof name !== "string" || name.length === 0) {
      throw new PgValidationError(where, `${field}.name`, "a non-empty string", name);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
      throw new PgValidationError(where, `${field}.shape`, "an array of non-negative integers", shape);
    }
    if (!isNonNegativeInteger(offset)) {
      throw new PgValidationError(where, `${field}.offset`, "a non-negative integer (float32 entries)", offset);
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (length !== size) {
      throw new PgValidationError(where, `${field}.length`, `the product of shape [${shape.join(", ")}] = ${size}`, length);
    }
    return { name, shape, offset, length: size };
  });
  const stored = entries.reduce((total, entry) => total + entry.length, 0);
  if (weightsByteLength !== 4 * stored) {
    throw new PgShapeError(
      where,
      WEIGHTS_FILE_NAME,
      `exactly ${stored} float32 entries = ${4 * stored} bytes (the sum of the weight lengths in ${path})`,
      `${weightsByteLength} bytes`,
    );
  }
  for (const { name, offset, length } of entries) {
    if (offset + length > stored) {
      throw new PgValidationError(
        where,
        `${path} weight "${name}"`,
        `offset + length ≤ ${stored} float32 entries (the size of ${WEIGHTS_FILE_NAME})`,
        { offset, length },
      );
    }
  }
  return {
    format: FORMAT,
    version: VERSION,
    builder,
    options: options as NetworkConfig["options"],
    dtype: "float32",
    byteOrder: "little-endian",
    weights: entries,
  };
}
