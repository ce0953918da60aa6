// The package's table of bad inputs: every public entry point, called as a new user might get it wrong, must throw the
// right error class with a message that starts with the function and names the parameter. New entry points add their
// rows here.
import { PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import {
  heatRectangles,
  poissonBatch,
  random,
  restoreRandom,
  uniformSampler,
  wavePackets,
  type HeatRectanglesOptions,
  type PoissonBatchOptions,
  type RandomState,
  type RandomStream,
  type UniformSamplerOptions,
  type WavePacketsOptions,
} from "../src/index";

// Deliberately wrong types, as a JavaScript caller could pass them.
const asAny = <T>(value: unknown): T => value as T;
const stream = random(0);
const sampler = uniformSampler({ low: 0.1, high: 10.1 });
const state = random(1).state();

const cases: BadInputCase[] = [
  // random and restoreRandom
  { name: "random: negative seed", call: () => random(-1), error: PgValidationError, where: "random", parameter: "seed" },
  { name: "random: fractional seed", call: () => random(1.5), error: PgValidationError, where: "random", parameter: "seed" },
  { name: "random: NaN seed", call: () => random(Number.NaN), error: PgValidationError, where: "random", parameter: "seed" },
  { name: "random: seed 2^53", call: () => random(2 ** 53), error: PgValidationError, where: "random", parameter: "seed" },
  { name: "restoreRandom: no state", call: () => restoreRandom(asAny<RandomState>(null)), error: PgValidationError, where: "restoreRandom", parameter: "state" },
  { name: "restoreRandom: another algorithm", call: () => restoreRandom(asAny<RandomState>({ ...state, algorithm: "mt19937" })), error: PgValidationError, where: "restoreRandom", parameter: "state.algorithm" },
  { name: "restoreRandom: all-zero words", call: () => restoreRandom({ ...state, words: [0, 0, 0, 0] }), error: PgValidationError, where: "restoreRandom", parameter: "state.words" },
  { name: "restoreRandom: word above 2^32", call: () => restoreRandom({ ...state, words: [1, 2, 3, 2 ** 32] }), error: PgValidationError, where: "restoreRandom", parameter: "state.words" },
  { name: "restoreRandom: misspelt spareNormal", call: () => restoreRandom(asAny<RandomState>({ algorithm: state.algorithm, words: state.words, spareNormals: null })), error: PgValidationError, where: "restoreRandom", parameter: "state.spareNormal" },
  { name: "restoreRandom: Infinity spareNormal", call: () => restoreRandom({ ...state, spareNormal: Infinity }), error: PgValidationError, where: "restoreRandom", parameter: "state.spareNormal" },
  // the stream's methods
  { name: "RandomStream.uniform: high ≤ low", call: () => stream.uniform(1, 1), error: PgValidationError, where: "RandomStream.uniform", parameter: "high" },
  { name: "RandomStream.uniform: NaN low", call: () => stream.uniform(Number.NaN, 1), error: PgValidationError, where: "RandomStream.uniform", parameter: "low" },
  { name: "RandomStream.uniform: width overflows", call: () => stream.uniform(-Number.MAX_VALUE, Number.MAX_VALUE), error: PgValidationError, where: "RandomStream.uniform", parameter: "high" },
  { name: "RandomStream.normal: negative standard deviation", call: () => stream.normal(0, -1), error: PgValidationError, where: "RandomStream.normal", parameter: "standardDeviation" },
  { name: "RandomStream.normal: Infinity mean", call: () => stream.normal(Infinity), error: PgValidationError, where: "RandomStream.normal", parameter: "mean" },
  { name: "RandomStream.fillUniform: a plain array", call: () => stream.fillUniform(asAny<Float64Array>([0, 0])), error: PgValidationError, where: "RandomStream.fillUniform", parameter: "array" },
  { name: "RandomStream.fillUniform: high below low", call: () => stream.fillUniform(new Float64Array(2), 2, 1), error: PgValidationError, where: "RandomStream.fillUniform", parameter: "high" },
  { name: "RandomStream.fillNormal: a Float32Array", call: () => stream.fillNormal(asAny<Float64Array>(new Float32Array(2))), error: PgValidationError, where: "RandomStream.fillNormal", parameter: "array" },
  { name: "RandomStream.fillNormal: NaN standard deviation", call: () => stream.fillNormal(new Float64Array(2), 0, Number.NaN), error: PgValidationError, where: "RandomStream.fillNormal", parameter: "standardDeviation" },
  { name: "RandomStream.integer: n = 0", call: () => stream.integer(0), error: PgValidationError, where: "RandomStream.integer", parameter: "n" },
  { name: "RandomStream.integer: n beyond 2^53 − 1", call: () => stream.integer(2 ** 53), error: PgValidationError, where: "RandomStream.integer", parameter: "n" },
  // uniformSampler
  {
    name: "uniformSampler: misspelt option hihg",
    call: () => uniformSampler(asAny<UniformSamplerOptions>({ low: 0, hihg: 1 })),
    error: PgValidationError,
    where: "uniformSampler",
    parameter: 'options.hihg must be one of the known options "low", "high"; received 1. Did you mean "high"?',
  },
  { name: "uniformSampler: no options", call: () => uniformSampler(asAny<UniformSamplerOptions>(undefined)), error: PgValidationError, where: "uniformSampler", parameter: "options" },
  { name: "uniformSampler: Infinity low", call: () => uniformSampler({ low: -Infinity, high: 1 }), error: PgValidationError, where: "uniformSampler", parameter: "low" },
  { name: "uniformSampler: high below low", call: () => uniformSampler({ low: 2, high: 1 }), error: PgValidationError, where: "uniformSampler", parameter: "high" },
  { name: "UniformSampler.sample: count 0", call: () => sampler.sample(stream, 0), error: PgValidationError, where: "UniformSampler.sample", parameter: "count" },
  { name: "UniformSampler.sample: a seed for a stream", call: () => sampler.sample(asAny<RandomStream>(0), 4), error: PgValidationError, where: "UniformSampler.sample", parameter: "stream" },
  // poissonBatch
  {
    name: "poissonBatch: misspelt option shap",
    call: () => poissonBatch(stream, asAny<PoissonBatchOptions>({ batch: 1, shap: [16, 16] })),
    error: PgValidationError,
    where: "poissonBatch",
    parameter: 'options.shap must be one of the known options "batch", "shape"; received Array(2) [16, 16]. Did you mean "shape"?',
  },
  { name: "poissonBatch: no shape", call: () => poissonBatch(stream, asAny<PoissonBatchOptions>({ batch: 1 })), error: PgValidationError, where: "poissonBatch", parameter: "shape" },
  { name: "poissonBatch: batch 0", call: () => poissonBatch(stream, { batch: 0, shape: [8, 8] }), error: PgValidationError, where: "poissonBatch", parameter: "batch" },
  { name: "poissonBatch: a seed for a stream", call: () => poissonBatch(asAny<RandomStream>(0), { batch: 1, shape: [8, 8] }), error: PgValidationError, where: "poissonBatch", parameter: "stream" },
  // heatRectangles
  {
    name: "heatRectangles: misspelt option shap",
    call: () => heatRectangles(stream, asAny<HeatRectanglesOptions>({ batch: 1, shap: [16, 16] })),
    error: PgValidationError,
    where: "heatRectangles",
    parameter: 'options.shap must be one of the known options "batch", "shape"; received Array(2) [16, 16]. Did you mean "shape"?',
  },
  { name: "heatRectangles: a zero-sized axis", call: () => heatRectangles(stream, { batch: 1, shape: [64, 0] }), error: PgValidationError, where: "heatRectangles", parameter: "shape" },
  { name: "heatRectangles: batch as a string", call: () => heatRectangles(stream, asAny<HeatRectanglesOptions>({ batch: "2" })), error: PgValidationError, where: "heatRectangles", parameter: "batch" },
  { name: "heatRectangles: options not an object", call: () => heatRectangles(stream, asAny<HeatRectanglesOptions>(4)), error: PgValidationError, where: "heatRectangles", parameter: "options" },
  // wavePackets
  {
    name: "wavePackets: misspelt option noize",
    call: () => wavePackets(stream, asAny<WavePacketsOptions>({ batch: 1, noize: 0 })),
    error: PgValidationError,
    where: "wavePackets",
    parameter: 'options.noize must be one of the known options "batch", "noise"; received 0. Did you mean "noise"?',
  },
  { name: "wavePackets: negative noise", call: () => wavePackets(stream, { batch: 1, noise: -1 }), error: PgValidationError, where: "wavePackets", parameter: "noise" },
  { name: "wavePackets: batch 2.5", call: () => wavePackets(stream, { batch: 2.5 }), error: PgValidationError, where: "wavePackets", parameter: "batch" },
  { name: "wavePackets: no stream", call: () => wavePackets(asAny<RandomStream>(undefined), { batch: 1 }), error: PgValidationError, where: "wavePackets", parameter: "stream" },
];

badInputSuite(cases, { describe, it, expect });
