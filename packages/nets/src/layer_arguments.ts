import type * as tf from "@tensorflow/tfjs";

/** The arguments every tfjs layer accepts (`name`, `trainable`, …); tfjs does not export the type by name. */
export type LayerArguments = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
