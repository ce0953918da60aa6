// Checks shared by the builders and layers of this package (internal): seeds, and the arguments every layer takes.
import { PgValidationError, requireKnownKeys, requireNonNegativeInteger, type OptionKeysCover } from "@pg/core";
import type { LayerArguments } from "./layer_arguments";

/** Throws unless `value` is a non-negative safe integer: beyond 2^53 two seeds can be the same number. */
export function requireSeed(where: string, parameter: string, value: unknown): number {
  const seed = requireNonNegativeInteger(where, parameter, value);
  if (!Number.isSafeInteger(seed)) throw new PgValidationError(where, parameter, "a non-negative safe integer (≤ 2^53 − 1)", value);
  return seed;
}

/** Every argument a tfjs layer takes (tfjs' `LayerArgs`); the layers of this package add their own to these. */
export const LAYER_ARGUMENT_KEYS = [
  "inputShape",
  "batchInputShape",
  "batchSize",
  "dtype",
  "name",
  "trainable",
  "weights",
  "inputDType",
] as const satisfies readonly (keyof LayerArguments)[];
true satisfies OptionKeysCover<LayerArguments, typeof LAYER_ARGUMENT_KEYS>;

/** What tfjs adds to a layer's stored configuration when it rebuilds the layer from JSON (`deserializeKerasObject`). */
const DESERIALIZATION_KEYS = ["customObjects"] as const;

/**
 * Throws unless `args` is undefined or an object of known layer arguments (`extra` adds the layer's own): a misspelt
 * `name` or `epsilon` would otherwise be ignored. The layer's class name is `where`.
 */
export function requireLayerArguments<T extends object>(where: string, args: T | undefined, extra: readonly string[] = []): T {
  return requireKnownKeys(where, "args", args, [...LAYER_ARGUMENT_KEYS, ...DESERIALIZATION_KEYS, ...extra]);
}
