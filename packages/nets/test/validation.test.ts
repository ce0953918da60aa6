// The package's table of bad inputs: every public entry point, called as a new user might call it wrongly, must throw
// the right error class with a message that starts with the function and names the parameter. A new entry point adds
// its rows here.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BatchStatisticsNormalization,
  BilinearUpsampling2D,
  CircularPadding2D,
  SkipConcatenation,
  SpatialSizeGuard,
  buildNetwork,
  countParameters,
  deriveSeed,
  deserializeNetwork,
  glorotInitializers,
  loadNetwork,
  mlp,
  networkConfigOf,
  pytorchInitializers,
  restoreWeights,
  saveNetwork,
  serializeNetwork,
  setCrossReplicaSum,
  snapshotWeights,
  unet,
  upsampleBilinear2x,
  waveCnn,
  type NetworkFile,
} from "../src/index";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const V = PgValidationError;
const S = PgShapeError;
const N = PgNonFiniteError;

/** A small MLP: dense_0/kernel [1, 2], dense_0/bias [2], dense_1/kernel [2, 1], dense_1/bias [1]. */
function small(): tf.LayersModel {
  return mlp({ inputSize: 1, hiddenSizes: [2], outputSize: 1, seed: 0 });
}

/** {@link small} with every weight set to `value`. */
function filled(value: number): tf.LayersModel {
  const model = small();
  model.setWeights(model.getWeights().map((weight) => tf.fill(weight.shape, value)));
  return model;
}

/** The saved parts of {@link small} with every stored float32 set to `value`. */
function storedWith(value: number): { file: NetworkFile; weights: Uint8Array } {
  const { file, weights } = serializeNetwork(small());
  const bytes = Uint8Array.from(weights);
  const view = new DataView(bytes.buffer);
  for (let offset = 0; offset < bytes.byteLength; offset += 4) view.setFloat32(offset, value, true);
  return { file: JSON.parse(JSON.stringify(file)) as NetworkFile, weights: bytes };
}

/** A directory holding {@link small}, saved, then `edit`ed. */
async function savedDirectory(edit: (directory: string) => Promise<void> = async () => undefined): Promise<string> {
  const directory = join(await mkdtemp(join(tmpdir(), "pg-nets-validation-")), "network");
  await saveNetwork(small(), directory);
  await edit(directory);
  return directory;
}

/** Overwrites every float32 of the saved weights.bin with `value`. */
async function fillWeightsFile(directory: string, value: number): Promise<void> {
  const path = join(directory, "weights.bin");
  const bytes = await readFile(path);
  for (let offset = 0; offset < bytes.byteLength; offset += 4) bytes.writeFloatLE(value, offset);
  await writeFile(path, bytes);
}

/** Edits the stored description of {@link small}. */
function fileWith(edit: (file: Record<string, unknown>) => void): { file: NetworkFile; weights: Uint8Array } {
  const { file, weights } = serializeNetwork(small());
  const copy = JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
  edit(copy);
  return { file: copy as unknown as NetworkFile, weights };
}

const unetOptions = { levels: 2, inputChannels: 1, outputChannels: 1, seed: 0 };

const cases: BadInputCase[] = [
  // mlp
  { name: "mlp: misspelt hiddenSizes", call: () => mlp({ inputSize: 1, hiddenSize: [4], outputSize: 1, seed: 0 } as never), error: V, where: "mlp", parameter: "options.hiddenSize" },
  { name: "mlp: inputSize 0", call: () => mlp({ inputSize: 0, hiddenSizes: [4], outputSize: 1, seed: 0 }), error: V, where: "mlp", parameter: "inputSize" },
  { name: "mlp: a negative hidden width", call: () => mlp({ inputSize: 1, hiddenSizes: [10, -1], outputSize: 1, seed: 0 }), error: V, where: "mlp", parameter: "hiddenSizes[1]" },
  { name: "mlp: hiddenSizes as a string", call: () => mlp({ inputSize: 1, hiddenSizes: "10" as never, outputSize: 1, seed: 0 }), error: V, where: "mlp", parameter: "hiddenSizes" },
  { name: "mlp: outputSize 1.5", call: () => mlp({ inputSize: 1, hiddenSizes: [], outputSize: 1.5, seed: 0 }), error: V, where: "mlp", parameter: "outputSize" },
  { name: "mlp: an unknown activation", call: () => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 0, activation: "gelu" as never }), error: V, where: "mlp", parameter: "activation" },
  { name: "mlp: a seed beyond 2^53", call: () => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: 2 ** 60 }), error: V, where: "mlp", parameter: "seed" },
  { name: "mlp: a negative seed", call: () => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed: -1 }), error: V, where: "mlp", parameter: "seed" },
  { name: "mlp: no options", call: () => mlp(undefined as never), error: V, where: "mlp", parameter: "options" },

  // unet
  { name: "unet: misspelt height", call: () => unet({ ...unetOptions, hieght: 16 } as never), error: V, where: "unet", parameter: "options.hieght" },
  { name: "unet: a shape option it does not have", call: () => unet({ ...unetOptions, shape: [16, 16] } as never), error: V, where: "unet", parameter: "options.shape" },
  { name: "unet: levels 0", call: () => unet({ ...unetOptions, levels: 0 }), error: V, where: "unet", parameter: "levels" },
  { name: "unet: levels 40", call: () => unet({ ...unetOptions, levels: 40 }), error: V, where: "unet", parameter: "levels" },
  { name: "unet: filters 2.5", call: () => unet({ ...unetOptions, filters: 2.5 }), error: V, where: "unet", parameter: "filters" },
  { name: "unet: an unknown padding", call: () => unet({ ...unetOptions, padding: "reflect" as never }), error: V, where: "unet", parameter: "padding" },
  { name: "unet: height without width", call: () => unet({ ...unetOptions, height: 16 }), error: V, where: "unet", parameter: "width" },
  { name: "unet: a height the poolings empty", call: () => unet({ ...unetOptions, levels: 4, height: 4, width: 16 }), error: V, where: "unet", parameter: "height" },
  { name: "unet: no inputChannels", call: () => unet({ ...unetOptions, inputChannels: undefined } as never), error: V, where: "unet", parameter: "inputChannels" },
  { name: "unet: an input the poolings would empty", call: () => unet({ ...unetOptions, levels: 3 }).apply(tf.zeros([1, 2, 8, 1])), error: S, where: "unet", parameter: "input" },

  // waveCnn
  { name: "waveCnn: misspelt initialization", call: () => waveCnn({ seed: 0, initialisation: "glorot" } as never), error: V, where: "waveCnn", parameter: "options.initialisation" },
  { name: "waveCnn: an unknown initialization", call: () => waveCnn({ seed: 0, initialization: "he" as never }), error: V, where: "waveCnn", parameter: "initialization" },
  { name: "waveCnn: seed 1.5", call: () => waveCnn({ seed: 1.5 }), error: V, where: "waveCnn", parameter: "seed" },
  { name: "waveCnn: null options", call: () => waveCnn(null as never), error: V, where: "waveCnn", parameter: "options" },

  // buildNetwork, networkConfigOf, countParameters
  { name: "buildNetwork: an unknown builder", call: () => buildNetwork({ builder: "resnet", options: {} } as never), error: V, where: "buildNetwork", parameter: "config.builder" },
  { name: "buildNetwork: misspelt options", call: () => buildNetwork({ builder: "waveCnn", option: { seed: 0 } } as never), error: V, where: "buildNetwork", parameter: "config.option" },
  { name: "buildNetwork: options the builder refuses", call: () => buildNetwork({ builder: "mlp", options: { inputSize: 1, hiddenSizes: [], outputSize: 0, seed: 0 } }), error: V, where: "mlp", parameter: "outputSize" },
  { name: "buildNetwork: null", call: () => buildNetwork(null as never), error: V, where: "buildNetwork", parameter: "config" },
  { name: "networkConfigOf: not a model", call: () => networkConfigOf({} as never), error: V, where: "networkConfigOf", parameter: "model" },
  { name: "countParameters: not a model", call: () => countParameters({} as never), error: V, where: "countParameters", parameter: "model" },

  // snapshotWeights, restoreWeights
  { name: "snapshotWeights: no model", call: () => snapshotWeights(undefined as never), error: V, where: "snapshotWeights", parameter: "model" },
  { name: "restoreWeights: a missing weight", call: () => restoreWeights(small(), { "dense_0/kernel": new Float32Array(2) }), error: V, where: "restoreWeights", parameter: "snapshot" },
  { name: "restoreWeights: NaN in a weight", call: () => restoreWeights(small(), { ...snapshotWeights(small()), "dense_0/bias": Float32Array.of(0, Number.NaN) }), error: N, where: "restoreWeights", parameter: '"dense_0/bias"' },
  { name: "restoreWeights: an entry of the wrong length", call: () => restoreWeights(small(), { ...snapshotWeights(small()), "dense_1/kernel": new Float32Array(3) }), error: S, where: "restoreWeights", parameter: 'snapshot["dense_1/kernel"]' },
  { name: "restoreWeights: a Float64Array entry", call: () => restoreWeights(small(), { ...snapshotWeights(small()), "dense_0/bias": new Float64Array(2) as never }), error: V, where: "restoreWeights", parameter: 'snapshot["dense_0/bias"]' },
  { name: "restoreWeights: names of another architecture", call: () => restoreWeights(small(), { ...snapshotWeights(small()), "dense_2/bias": new Float32Array(1) }), error: V, where: "restoreWeights", parameter: "snapshot" },
  { name: "restoreWeights: not a model", call: () => restoreWeights({} as never, {}), error: V, where: "restoreWeights", parameter: "model" },
  { name: "restoreWeights: no snapshot", call: () => restoreWeights(small(), undefined as never), error: V, where: "restoreWeights", parameter: "snapshot" },

  // serializeNetwork, deserializeNetwork
  { name: "serializeNetwork: a NaN weight", call: () => serializeNetwork(filled(Number.NaN)), error: N, where: "serializeNetwork", parameter: '"dense_0/kernel"' },
  { name: "serializeNetwork: finite weights that overflow (1e38)", call: () => serializeNetwork(filled(1e38)), error: N, where: "serializeNetwork", parameter: "network output" },
  { name: "serializeNetwork: not a model", call: () => serializeNetwork({} as never), error: V, where: "serializeNetwork", parameter: "model" },
  { name: "serializeNetwork: a model no builder made", call: () => serializeNetwork(tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] })), error: V, where: "serializeNetwork", parameter: "config" },
  { name: "serializeNetwork: a configuration of another architecture", call: () => serializeNetwork(small(), { builder: "mlp", options: { inputSize: 1, hiddenSizes: [3], outputSize: 1, seed: 0 } }), error: S, where: "serializeNetwork", parameter: "model" },
  { name: "serializeNetwork: a configuration with an unknown builder", call: () => serializeNetwork(small(), { builder: "resnet", options: {} } as never), error: V, where: "serializeNetwork", parameter: "config" },
  { name: "deserializeNetwork: NaN weights", call: () => { const { file, weights } = storedWith(Number.NaN); return deserializeNetwork(file, weights); }, error: N, where: "deserializeNetwork", parameter: '"dense_0/kernel"' },
  { name: "deserializeNetwork: finite weights that overflow (1e38)", call: () => { const { file, weights } = storedWith(1e38); return deserializeNetwork(file, weights); }, error: N, where: "deserializeNetwork", parameter: "network output" },
  { name: "deserializeNetwork: weights of the wrong size", call: () => { const { file, weights } = serializeNetwork(small()); return deserializeNetwork(file, weights.subarray(4)); }, error: S, where: "deserializeNetwork", parameter: "weights.bin" },
  { name: "deserializeNetwork: weights as an array of numbers", call: () => deserializeNetwork(serializeNetwork(small()).file, [1, 2] as never), error: V, where: "deserializeNetwork", parameter: "weights" },
  { name: "deserializeNetwork: the file as a string", call: () => deserializeNetwork("{}", serializeNetwork(small()).weights), error: V, where: "deserializeNetwork", parameter: "file" },
  { name: "deserializeNetwork: another version", call: () => { const { file, weights } = fileWith((f) => void (f["version"] = 2)); return deserializeNetwork(file, weights); }, error: V, where: "deserializeNetwork", parameter: 'file field "version"' },
  { name: "deserializeNetwork: stored options the builder does not know", call: () => { const { file, weights } = fileWith((f) => void ((f["options"] as Record<string, unknown>)["activations"] = "tanh")); return deserializeNetwork(file, weights); }, error: V, where: "mlp", parameter: "options.activations" },
  { name: "deserializeNetwork: a weight of another shape", call: () => { const { file, weights } = fileWith((f) => void ((f["weights"] as { shape: number[] }[])[0]!.shape = [2, 1])); return deserializeNetwork(file, weights); }, error: S, where: "deserializeNetwork", parameter: 'weight "dense_0/kernel"' },
  { name: "deserializeNetwork: a length that is not the shape's size", call: () => { const { file, weights } = fileWith((f) => void ((f["weights"] as { length: number }[])[0]!.length = 3)); return deserializeNetwork(file, weights); }, error: V, where: "deserializeNetwork", parameter: 'field "weights[0]".length' },

  // saveNetwork, loadNetwork
  { name: "saveNetwork: an empty directory name", call: () => saveNetwork(small(), ""), error: V, where: "saveNetwork", parameter: "directory" },
  { name: "saveNetwork: a NaN weight", call: async () => saveNetwork(filled(Number.NaN), join(await mkdtemp(join(tmpdir(), "pg-nets-")), "nan")), error: N, where: "saveNetwork", parameter: '"dense_0/kernel"' },
  { name: "saveNetwork: finite weights that overflow (1e38)", call: async () => saveNetwork(filled(1e38), join(await mkdtemp(join(tmpdir(), "pg-nets-")), "huge")), error: N, where: "saveNetwork", parameter: "network output" },
  { name: "saveNetwork: not a model", call: () => saveNetwork({} as never, "somewhere"), error: V, where: "saveNetwork", parameter: "model" },
  { name: "loadNetwork: an empty directory name", call: () => loadNetwork(""), error: V, where: "loadNetwork", parameter: "directory" },
  { name: "loadNetwork: a directory that does not exist", call: () => loadNetwork(join(tmpdir(), "pg-nets-does-not-exist")), error: V, where: "loadNetwork", parameter: "directory" },
  { name: "loadNetwork: weights.bin full of NaN", call: async () => loadNetwork(await savedDirectory((directory) => fillWeightsFile(directory, Number.NaN))), error: N, where: "loadNetwork", parameter: '"dense_0/kernel"' },
  { name: "loadNetwork: finite weights that overflow (1e38)", call: async () => loadNetwork(await savedDirectory((directory) => fillWeightsFile(directory, 1e38))), error: N, where: "loadNetwork", parameter: "network output" },
  { name: "loadNetwork: network.json that is not JSON", call: async () => loadNetwork(await savedDirectory((directory) => writeFile(join(directory, "network.json"), "{ not json"))), error: V, where: "loadNetwork", parameter: "network.json" },
  { name: "loadNetwork: weights.bin of the wrong size", call: async () => loadNetwork(await savedDirectory((directory) => writeFile(join(directory, "weights.bin"), new Uint8Array(8)))), error: S, where: "loadNetwork", parameter: "weights.bin" },

  // layers
  { name: "BatchStatisticsNormalization: epsilon 0", call: () => new BatchStatisticsNormalization({ epsilon: 0 }), error: V, where: "BatchStatisticsNormalization", parameter: "epsilon" },
  { name: "BatchStatisticsNormalization: misspelt epsilon", call: () => new BatchStatisticsNormalization({ epsillon: 1e-3 } as never), error: V, where: "BatchStatisticsNormalization", parameter: "args.epsillon" },
  { name: "BatchStatisticsNormalization: a rank-1 input", call: () => new BatchStatisticsNormalization({ name: "bn" }).apply(tf.ones([3])), error: S, where: "bn", parameter: "input" },
  { name: "BilinearUpsampling2D: misspelt name", call: () => new BilinearUpsampling2D({ nmae: "up" } as never), error: V, where: "BilinearUpsampling2D", parameter: "args.nmae" },
  { name: "upsampleBilinear2x: a rank-3 tensor", call: () => upsampleBilinear2x(tf.ones([1, 2, 2]) as never), error: S, where: "upsampleBilinear2x", parameter: "x" },
  { name: "CircularPadding2D: misspelt trainable", call: () => new CircularPadding2D({ trainabel: false } as never), error: V, where: "CircularPadding2D", parameter: "args.trainabel" },
  { name: "CircularPadding2D: a rank-3 input", call: () => new CircularPadding2D({ name: "pad" }).apply(tf.ones([1, 2, 2])), error: S, where: "pad", parameter: "input" },
  { name: "SkipConcatenation: misspelt name", call: () => new SkipConcatenation({ nam: "join" } as never), error: V, where: "SkipConcatenation", parameter: "args.nam" },
  { name: "SkipConcatenation: an upsampled tensor two cells short", call: () => new SkipConcatenation({ name: "join" }).apply([tf.zeros([1, 4, 4, 1]), tf.zeros([1, 2, 4, 1])]), error: S, where: "join", parameter: "upsampled" },
  { name: "SkipConcatenation: one shape", call: () => new SkipConcatenation({ name: "join" }).computeOutputShape([[1, 4, 4, 1]]), error: S, where: "join", parameter: "inputs" },
  { name: "SpatialSizeGuard: levels 0", call: () => new SpatialSizeGuard({ levels: 0 }), error: V, where: "SpatialSizeGuard", parameter: "levels" },
  { name: "SpatialSizeGuard: misspelt levels", call: () => new SpatialSizeGuard({ level: 4 } as never), error: V, where: "SpatialSizeGuard", parameter: "args.level" },
  { name: "SpatialSizeGuard: no arguments", call: () => new SpatialSizeGuard(undefined as never), error: V, where: "SpatialSizeGuard", parameter: "args" },
  { name: "SpatialSizeGuard: an input too small", call: () => new SpatialSizeGuard({ levels: 4 }).apply(tf.zeros([1, 4, 4, 1])), error: S, where: "unet", parameter: "input" },
  { name: "setCrossReplicaSum: not a model", call: () => setCrossReplicaSum({} as never, undefined), error: V, where: "setCrossReplicaSum", parameter: "model" },
  { name: "setCrossReplicaSum: a number for the sum", call: () => setCrossReplicaSum(small(), 3 as never), error: V, where: "setCrossReplicaSum", parameter: "sum" },

  // initialisers
  { name: "pytorchInitializers: fanIn 0", call: () => pytorchInitializers(0, 0, 0), error: V, where: "pytorchInitializers", parameter: "fanIn" },
  { name: "pytorchInitializers: a negative seed", call: () => pytorchInitializers(4, -1, 0), error: V, where: "pytorchInitializers", parameter: "seed" },
  { name: "pytorchInitializers: layerIndex 1.5", call: () => pytorchInitializers(4, 0, 1.5), error: V, where: "pytorchInitializers", parameter: "layerIndex" },
  { name: "glorotInitializers: seed 0.5", call: () => glorotInitializers(0.5, 0), error: V, where: "glorotInitializers", parameter: "seed" },
  { name: "glorotInitializers: a negative layerIndex", call: () => glorotInitializers(0, -1), error: V, where: "glorotInitializers", parameter: "layerIndex" },
  { name: "deriveSeed: an unknown tensor", call: () => deriveSeed(0, 0, "weight" as never), error: V, where: "deriveSeed", parameter: "tensor" },
  { name: "deriveSeed: a seed beyond 2^53", call: () => deriveSeed(2 ** 60, 0, "kernel"), error: V, where: "deriveSeed", parameter: "seed" },
];

badInputSuite(cases, { describe, it, expect });

describe("the table of bad inputs", () => {
  it("has one row per name", () => {
    expect(new Set(cases.map((row) => row.name)).size).toBe(cases.length);
  });

  it("writes nothing when saving is refused", async () => {
    const directory = join(await mkdtemp(join(tmpdir(), "pg-nets-")), "refused");
    await expect(saveNetwork(filled(Number.NaN), directory)).rejects.toThrow(PgNonFiniteError);
    await expect(readFile(join(directory, "network.json"))).rejects.toThrow(/ENOENT/);
  });
});
