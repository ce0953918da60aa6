// The package's table of bad inputs: every public entry point, one row per mistake a user makes. A new entry point
// adds its rows here. (laplacianOperator's returned kernel is deliberately unvalidated; see its TSDoc.)
import { describe, expect, it } from "vitest";
import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";
import {
  conjugateGradient,
  fft2,
  fftfreq,
  hardBoxMask,
  ifft2,
  laplacian,
  laplacianOperator,
  noiseField,
  noiseMask,
  softBoxMask,
  type ConjugateGradientOptions,
  type NormalSource,
} from "../src/index";

/** Calls an entry point with arguments a user might write but the types forbid. */
const loosely = <A extends unknown[], R>(f: (...args: A) => R, ...args: unknown[]): R => f(...(args as A));
const zeros = (n: number): Float64Array => new Float64Array(n);
const withEntry = (n: number, index: number, value: number): Float64Array => {
  const array = new Float64Array(n);
  array[index] = value;
  return array;
};
const grid = { batch: 1, shape: [4, 3] } as const;
const stream: NormalSource = { normal: () => 0.5 };
const noise = { batch: 1, shape: [8, 8], size: [8, 8] } as const;
const cg: ConjugateGradientOptions = {
  apply: (x, out) => out.set(x),
  b: Float64Array.of(1, 2, 3, 4),
  size: 2,
  batch: 2,
  relativeTolerance: 1e-8,
};

const rows: BadInputCase[] = [
  // fft2 / ifft2
  { name: "fft2: misspelt shape", call: () => loosely(fft2, zeros(12), zeros(12), { batch: 1, shap: [4, 3] }), error: PgValidationError, where: "fft2", parameter: "options.shap" },
  { name: "fft2: no options", call: () => loosely(fft2, zeros(12), zeros(12)), error: PgValidationError, where: "fft2", parameter: "options" },
  { name: "fft2: options an array", call: () => loosely(fft2, zeros(12), zeros(12), [1, [4, 3]]), error: PgValidationError, where: "fft2", parameter: "options" },
  { name: "fft2: fractional batch", call: () => fft2(zeros(12), zeros(12), { batch: 1.5, shape: [4, 3] }), error: PgValidationError, where: "fft2", parameter: "batch" },
  { name: "fft2: shape with a 0", call: () => fft2(zeros(12), zeros(12), { batch: 1, shape: [4, 0] as never }), error: PgValidationError, where: "fft2", parameter: "shape" },
  { name: "fft2: shape with three axes", call: () => fft2(zeros(12), zeros(12), { batch: 1, shape: [4, 3, 1] as never }), error: PgValidationError, where: "fft2", parameter: "shape" },
  { name: "fft2: real too short", call: () => fft2(zeros(10), zeros(12), grid), error: PgShapeError, where: "fft2", parameter: "real" },
  { name: "fft2: imaginary a plain array", call: () => fft2(zeros(12), [0, 0] as never, grid), error: PgShapeError, where: "fft2", parameter: "imaginary" },
  { name: "fft2: NaN in real", call: () => fft2(withEntry(12, 7, NaN), zeros(12), grid), error: PgNonFiniteError, where: "fft2", parameter: "real" },
  { name: "fft2: Infinity in imaginary", call: () => fft2(zeros(12), withEntry(12, 2, Infinity), grid), error: PgNonFiniteError, where: "fft2", parameter: "imaginary" },
  { name: "ifft2: unknown option", call: () => loosely(ifft2, zeros(12), zeros(12), { ...grid, normalize: true }), error: PgValidationError, where: "ifft2", parameter: "options.normalize" },
  { name: "ifft2: real of another batch", call: () => ifft2(zeros(24), zeros(24), grid), error: PgShapeError, where: "ifft2", parameter: "real" },
  { name: "ifft2: batch 0", call: () => ifft2(zeros(12), zeros(12), { ...grid, batch: 0 }), error: PgValidationError, where: "ifft2", parameter: "batch" },

  // fftfreq
  { name: "fftfreq: n 0", call: () => fftfreq(0), error: PgValidationError, where: "fftfreq", parameter: "n" },
  { name: "fftfreq: fractional n", call: () => fftfreq(2.5), error: PgValidationError, where: "fftfreq", parameter: "n" },
  { name: "fftfreq: n as a string", call: () => fftfreq("4" as never), error: PgValidationError, where: "fftfreq", parameter: "n" },
  { name: "fftfreq: spacing 0", call: () => fftfreq(4, 0), error: PgValidationError, where: "fftfreq", parameter: "spacing" },
  { name: "fftfreq: infinite spacing", call: () => fftfreq(4, Infinity), error: PgValidationError, where: "fftfreq", parameter: "spacing" },

  // laplacian / laplacianOperator
  { name: "laplacian: misspelt boundary", call: () => loosely(laplacian, zeros(12), { ...grid, boundry: "dirichlet" }), error: PgValidationError, where: "laplacian", parameter: "options.boundry" },
  { name: "laplacian: unknown boundary", call: () => laplacian(zeros(12), { ...grid, boundary: "neumann" as never }), error: PgValidationError, where: "laplacian", parameter: "boundary" },
  { name: "laplacian: no boundary", call: () => laplacian(zeros(12), { ...grid } as never), error: PgValidationError, where: "laplacian", parameter: "boundary" },
  { name: "laplacian: spacing 0", call: () => laplacian(zeros(12), { ...grid, spacing: 0, boundary: "periodic" }), error: PgValidationError, where: "laplacian", parameter: "spacing" },
  { name: "laplacian: field of another batch", call: () => laplacian(zeros(12), { ...grid, batch: 2, boundary: "periodic" }), error: PgShapeError, where: "laplacian", parameter: "field" },
  { name: "laplacian: NaN in field", call: () => laplacian(withEntry(12, 5, NaN), { ...grid, boundary: "periodic" }), error: PgNonFiniteError, where: "laplacian", parameter: "field" },
  { name: "laplacian: batch 0", call: () => laplacian(zeros(12), { ...grid, batch: 0, boundary: "periodic" }), error: PgValidationError, where: "laplacian", parameter: "batch" },
  { name: "laplacianOperator: batch (it acts on one example)", call: () => loosely(laplacianOperator, { ...grid, boundary: "dirichlet" }), error: PgValidationError, where: "laplacianOperator", parameter: "options.batch" },
  { name: "laplacianOperator: shape with one axis", call: () => laplacianOperator({ shape: [4] as never, boundary: "dirichlet" }), error: PgValidationError, where: "laplacianOperator", parameter: "shape" },
  { name: "laplacianOperator: negative spacing", call: () => laplacianOperator({ shape: [4, 3], spacing: -2, boundary: "periodic" }), error: PgValidationError, where: "laplacianOperator", parameter: "spacing" },

  // conjugateGradient
  { name: "conjugateGradient: misspelt relativeTolerance", call: () => loosely(conjugateGradient, { ...cg, relativeTolerance: undefined, relativeTol: 1e-8 }), error: PgValidationError, where: "conjugateGradient", parameter: "options.relativeTol" },
  { name: "conjugateGradient: no options", call: () => loosely(conjugateGradient), error: PgValidationError, where: "conjugateGradient", parameter: "options" },
  { name: "conjugateGradient: apply not a function", call: () => conjugateGradient({ ...cg, apply: 3 as never }), error: PgValidationError, where: "conjugateGradient", parameter: "apply" },
  { name: "conjugateGradient: size 0", call: () => conjugateGradient({ ...cg, size: 0 }), error: PgValidationError, where: "conjugateGradient", parameter: "size" },
  { name: "conjugateGradient: b of another batch", call: () => conjugateGradient({ ...cg, batch: 3 }), error: PgShapeError, where: "conjugateGradient", parameter: "b" },
  { name: "conjugateGradient: NaN in b", call: () => conjugateGradient({ ...cg, b: withEntry(4, 3, NaN) }), error: PgNonFiniteError, where: "conjugateGradient", parameter: "b" },
  { name: "conjugateGradient: negative relativeTolerance", call: () => conjugateGradient({ ...cg, relativeTolerance: -1e-6 }), error: PgValidationError, where: "conjugateGradient", parameter: "relativeTolerance" },
  { name: "conjugateGradient: NaN absoluteTolerance", call: () => conjugateGradient({ ...cg, absoluteTolerance: NaN }), error: PgValidationError, where: "conjugateGradient", parameter: "absoluteTolerance" },
  { name: "conjugateGradient: fractional maxIterations", call: () => conjugateGradient({ ...cg, maxIterations: 2.5 }), error: PgValidationError, where: "conjugateGradient", parameter: "maxIterations" },
  { name: "conjugateGradient: initialGuess too short", call: () => conjugateGradient({ ...cg, initialGuess: zeros(3) }), error: PgShapeError, where: "conjugateGradient", parameter: "initialGuess" },
  { name: "conjugateGradient: Infinity in initialGuess", call: () => conjugateGradient({ ...cg, initialGuess: withEntry(4, 0, -Infinity) }), error: PgNonFiniteError, where: "conjugateGradient", parameter: "initialGuess" },

  // noiseField / noiseMask
  { name: "noiseField: stream without normal()", call: () => noiseField({} as never, noise), error: PgValidationError, where: "noiseField", parameter: "stream" },
  { name: "noiseField: misspelt smoothness", call: () => loosely(noiseField, stream, { ...noise, smoothnes: 2 }), error: PgValidationError, where: "noiseField", parameter: "options.smoothnes" },
  { name: "noiseField: no options", call: () => loosely(noiseField, stream), error: PgValidationError, where: "noiseField", parameter: "options" },
  { name: "noiseField: size with a 0", call: () => noiseField(stream, { ...noise, size: [8, 0] }), error: PgValidationError, where: "noiseField", parameter: "size" },
  { name: "noiseField: channels 0", call: () => noiseField(stream, { ...noise, channels: 0 }), error: PgValidationError, where: "noiseField", parameter: "channels" },
  { name: "noiseField: infinite smoothness", call: () => noiseField(stream, { ...noise, smoothness: Infinity }), error: PgValidationError, where: "noiseField", parameter: "smoothness" },
  { name: "noiseField: scale too small to keep a mode", call: () => noiseField(stream, { batch: 1, shape: [2, 2], size: [64, 64], scale: 1 }), error: PgValidationError, where: "noiseField", parameter: "scale" },
  { name: "noiseField: stream drawing NaN", call: () => noiseField({ normal: () => NaN }, noise), error: PgValidationError, where: "noiseField", parameter: "stream" },
  { name: "noiseField: batch 0", call: () => noiseField(stream, { ...noise, batch: 0 }), error: PgValidationError, where: "noiseField", parameter: "batch" },
  { name: "noiseMask: negative scale", call: () => noiseMask({ shape: [8, 8], size: [8, 8], scale: -1 }), error: PgValidationError, where: "noiseMask", parameter: "scale" },
  { name: "noiseMask: batch (a mask is one grid)", call: () => loosely(noiseMask, noise), error: PgValidationError, where: "noiseMask", parameter: "options.batch" },
  { name: "noiseMask: no size", call: () => noiseMask({ shape: [8, 8] } as never), error: PgValidationError, where: "noiseMask", parameter: "size" },

  // hardBoxMask / softBoxMask
  { name: "hardBoxMask: upper below lower", call: () => hardBoxMask({ shape: [4, 4], lower: [1, 1], upper: [2, 0.5] }), error: PgValidationError, where: "hardBoxMask", parameter: "upper" },
  { name: "hardBoxMask: negative spacing", call: () => hardBoxMask({ shape: [4, 4], spacing: -1, lower: [0, 0], upper: [1, 1] }), error: PgValidationError, where: "hardBoxMask", parameter: "spacing" },
  { name: "hardBoxMask: misspelt lower", call: () => loosely(hardBoxMask, { shape: [4, 4], lowr: [0, 0], lower: [0, 0], upper: [1, 1] }), error: PgValidationError, where: "hardBoxMask", parameter: "options.lowr" },
  { name: "hardBoxMask: no options", call: () => loosely(hardBoxMask), error: PgValidationError, where: "hardBoxMask", parameter: "options" },
  { name: "hardBoxMask: NaN in lower", call: () => hardBoxMask({ shape: [4, 4], lower: [NaN, 0], upper: [1, 1] }), error: PgValidationError, where: "hardBoxMask", parameter: "lower" },
  { name: "softBoxMask: negative halfSize", call: () => softBoxMask({ shape: [4, 4], center: [2, 2], halfSize: [1, -1] }), error: PgValidationError, where: "softBoxMask", parameter: "halfSize" },
  { name: "softBoxMask: NaN in center", call: () => softBoxMask({ shape: [4, 4], center: [NaN, 2], halfSize: [1, 1] }), error: PgValidationError, where: "softBoxMask", parameter: "center" },
  { name: "softBoxMask: centre (British spelling)", call: () => loosely(softBoxMask, { shape: [4, 4], centre: [2, 2], halfSize: [1, 1] }), error: PgValidationError, where: "softBoxMask", parameter: "options.centre" },
  { name: "softBoxMask: shape with a 0", call: () => softBoxMask({ shape: [0, 4], center: [2, 2], halfSize: [1, 1] }), error: PgValidationError, where: "softBoxMask", parameter: "shape" },
];

badInputSuite(rows, { describe, it, expect });

describe("the messages", () => {
  it("suggest the option that was meant", () => {
    expect(() => loosely(fft2, zeros(12), zeros(12), { batch: 1, shap: [4, 3] })).toThrow(
      'fft2: options.shap must be one of the known options "batch", "shape"; received Array(2) [4, 3]. Did you mean "shape"?',
    );
    expect(() => loosely(softBoxMask, { shape: [4, 4], centre: [2, 2], halfSize: [1, 1] })).toThrow('Did you mean "center"?');
    expect(() => loosely(laplacian, zeros(12), { ...grid, boundry: "dirichlet" })).toThrow('Did you mean "boundary"?');
  });
});
