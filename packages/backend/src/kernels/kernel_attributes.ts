/**
 * Validated readers for the attributes tfjs passes to a kernel (`NamedAttrMap`), so the training kernels never cast
 * an attribute to the type they hope it has. Internal to `@pg/backend`; never re-exported.
 */
import type { NamedAttrMap, TensorInfo, backend_util } from "@tensorflow/tfjs";
import { PgValidationError } from "@pg/core";

/** A 4-D shape as a tuple, the form `backend_util.computeConv2DInfo` expects. */
export type Shape4 = [number, number, number, number];

/** The padding forms of tfjs convolutions and pools: named, one number for every side, or explicit per axis. */
export type ConvolutionPadding = "same" | "valid" | number | backend_util.ExplicitPadding;

/** How tfjs rounds an output size when `pad` is a number. */
export type RoundingMode = "floor" | "round" | "ceil";

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/** Reads a positive integer or a pair of them (`strides`, `dilations`, `filterSize`) as `[height, width]`. */
export function readPositivePair(
  where: string,
  attrs: NamedAttrMap,
  name: string,
  defaultValue?: number,
): [number, number] {
  const value: unknown = attrs[name] ?? defaultValue;
  if (isPositiveInteger(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2) {
    const [height, width]: unknown[] = value;
    if (isPositiveInteger(height) && isPositiveInteger(width)) return [height, width];
  }
  throw new PgValidationError(where, `attrs.${name}`, "a positive integer or a pair of positive integers", value);
}

/** Reads a list of non-negative integers of a given length (`filterShape`, `inputShape`, `reps`). */
export function readIntegerList(where: string, attrs: NamedAttrMap, name: string, length?: number): number[] {
  const value: unknown = attrs[name];
  if (Array.isArray(value) && (length === undefined || value.length === length)) {
    const entries: unknown[] = value;
    const list: number[] = [];
    for (const entry of entries) {
      if (!isNonNegativeInteger(entry)) break;
      list.push(entry);
    }
    if (list.length === value.length) return list;
  }
  const expected = length === undefined ? "a list of non-negative integers" : `a list of ${length} non-negative integers`;
  throw new PgValidationError(where, `attrs.${name}`, expected, value);
}

/**
 * Reads an axis attribute (`axis` of reductions, concat, split): one integer or a list, negative counting from the
 * end, as non-negative axes of a tensor of `rank`.
 */
export function readAxes(where: string, attrs: NamedAttrMap, name: string, rank: number): number[] {
  const value: unknown = attrs[name];
  const entries: unknown[] = Array.isArray(value) ? value : [value];
  const axes: number[] = [];
  for (const entry of entries) {
    if (typeof entry !== "number" || !Number.isInteger(entry) || entry < -rank || entry >= Math.max(rank, 1)) break;
    axes.push(entry < 0 ? entry + rank : entry);
  }
  if (axes.length === entries.length) return axes;
  throw new PgValidationError(where, `attrs.${name}`, `an axis or a list of axes in [${-rank}, ${rank})`, value);
}

/** Reads a 4-D shape attribute (`filterShape`, `inputShape`) as a tuple. */
export function readShape4(where: string, attrs: NamedAttrMap, name: string): Shape4 {
  const [a = 0, b = 0, c = 0, d = 0] = readIntegerList(where, attrs, name, 4);
  return [a, b, c, d];
}

/** Reads `pad`: 'same', 'valid', a non-negative integer, or explicit `[[0,0],[top,bottom],[left,right],[0,0]]`. */
export function readPadding(where: string, attrs: NamedAttrMap): ConvolutionPadding {
  const value: unknown = attrs["pad"];
  if (value === "same" || value === "valid" || isNonNegativeInteger(value)) return value;
  if (Array.isArray(value) && value.length === 4) {
    const entries: unknown[] = value;
    const pairs: [number, number][] = [];
    for (const pair of entries) {
      if (!Array.isArray(pair) || pair.length !== 2) break;
      const [before, after]: unknown[] = pair;
      if (!isNonNegativeInteger(before) || !isNonNegativeInteger(after)) break;
      pairs.push([before, after]);
    }
    const [batch, height, width, channels] = pairs;
    if (batch !== undefined && height !== undefined && width !== undefined && channels !== undefined) {
      return [batch, height, width, channels];
    }
  }
  throw new PgValidationError(
    where,
    "attrs.pad",
    "'same', 'valid', a non-negative integer or four [before, after] pairs of non-negative integers",
    value,
  );
}

/** Reads `dataFormat` ('NHWC' when absent). */
export function readDataFormat(where: string, attrs: NamedAttrMap): "NHWC" | "NCHW" {
  const value: unknown = attrs["dataFormat"] ?? "NHWC";
  if (value === "NHWC" || value === "NCHW") return value;
  throw new PgValidationError(where, "attrs.dataFormat", "'NHWC' or 'NCHW'", value);
}

/** Reads `dimRoundingMode` (absent when tfjs did not set it). */
export function readRoundingMode(where: string, attrs: NamedAttrMap): RoundingMode | undefined {
  const value: unknown = attrs["dimRoundingMode"];
  if (value === undefined || value === null) return undefined;
  if (value === "floor" || value === "round" || value === "ceil") return value;
  throw new PgValidationError(where, "attrs.dimRoundingMode", "'floor', 'round', 'ceil' or absent", value);
}

/** Returns a named kernel input, or throws if tfjs did not pass it. */
export function requireInput(where: string, inputs: { readonly [name: string]: TensorInfo | undefined }, name: string): TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new PgValidationError(where, `inputs.${name}`, "a tensor", input);
  return input;
}

/** Returns the shape of a rank-4 tensor as a tuple, or throws naming the tensor. */
export function shape4(where: string, name: string, tensor: TensorInfo): Shape4 {
  const [a, b, c, d] = tensor.shape;
  if (tensor.shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new PgValidationError(where, `${name}.shape`, "a rank-4 shape", tensor.shape);
  }
  return [a, b, c, d];
}

/** Requires a float32 tensor (the wasm convolution and pooling kernels support nothing else). */
export function requireFloat32(where: string, name: string, tensor: TensorInfo): void {
  if (tensor.dtype !== "float32") throw new PgValidationError(where, `${name}.dtype`, "'float32'", tensor.dtype);
}

/** Throws unless two shapes are equal; `name` names the tensor whose shape is checked. */
export function requireShape(where: string, name: string, actual: readonly number[], expected: readonly number[]): void {
  if (!sameShape(actual, expected)) throw new PgValidationError(where, `${name}.shape`, `[${expected.join(", ")}]`, [...actual]);
}

/** Whether two shapes are equal (a loop, not a callback: this runs on every kernel call). */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let axis = 0; axis < a.length; axis++) if (a[axis] !== b[axis]) return false;
  return true;
}
