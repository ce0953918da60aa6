import { PgValidationError, type Batch } from "@pg/core";

/**
 * A Float64Array that an experiment's batch source put on its batches beside the contract's fields (x* for the
 * x-space error and the figures, v₀* for the fluid), checked: a batch from elsewhere gets an error that says whose
 * batch source makes it.
 * @param experiment - the experiment's name, for the message.
 * @param key - the field, e.g. "xTarget".
 * @param description - what the field holds, e.g. "the x* of a batch made by the heat batch source".
 * @example
 * import { batchField } from "@pg/experiments";
 * const batch = { input: Float64Array.of(1), inputShape: [1], yTarget: Float64Array.of(1), xTarget: Float64Array.of(2) };
 * console.log(batchField("heat", batch, "xTarget", "the x* of a heat batch")[0]); // 2
 * try {
 *   batchField("heat", { ...batch, xTarget: undefined }, "xTarget", "the x* of a heat batch");
 * } catch (error) {
 *   console.log(error.message); // heat: batch.xTarget must be the x* of a heat batch; received undefined.
 * }
 */
export function batchField(experiment: string, batch: Batch, key: string, description: string): Float64Array {
  const value: unknown = Reflect.get(batch, key);
  if (!(value instanceof Float64Array)) throw new PgValidationError(experiment, `batch.${key}`, description, value);
  return value;
}
