// The table of bad inputs of @pg/backend-native (the place new kernels add their rows): each call must throw the
// error class shown, with a message that starts with the kernel's name and names the argument. The kernels throw
// RangeError and TypeError rather than @pg/core's errors: the addon has no JavaScript layer to throw those from.
import { describe, expect, it } from "vitest";
import { badInputSuite, type BadInputCase } from "@pg/core/testing";

import { loadNativeKernels, type NativeKernels } from "../src/index";

const status = loadNativeKernels();

/** 3×3 'same' convolution of a [1, 4, 4, 16] input to 16 channels, and 2×2 stride-2 pooling of it. */
const CONV_DIMS = Int32Array.of(1, 4, 4, 16, 4, 4, 16, 3, 3, 1, 1);
const POOL_DIMS = Int32Array.of(1, 4, 4, 16, 2, 2, 2, 2, 2, 2, 0, 0);
const f32 = (n: number) => new Float32Array(n);

function rows(k: NativeKernels): BadInputCase[] {
  const image = 4 * 4 * 16;
  const filter = 9 * 16 * 16;
  const conv = (overrides: Partial<Record<"x" | "filter" | "bias" | "y", unknown>>, dims: unknown = CONV_DIMS, relu: unknown = false) => () =>
    Reflect.apply(k.conv2d, k, [overrides.x ?? f32(image), overrides.filter ?? f32(filter), "bias" in overrides ? overrides.bias : null, overrides.y ?? f32(image), dims, relu]);
  const withDims = (at: number, value: number, base: Int32Array = CONV_DIMS) => Int32Array.from(base, (v, i) => (i === at ? value : v));
  const heap = f32(64);
  const copy = (args: unknown[]) => () => Reflect.apply(k.copyRows, k, args);
  return [
    { name: "conv2d: x too short", call: conv({ x: f32(image - 1) }), error: RangeError, where: "conv2d", parameter: "x" },
    { name: "conv2d: filter too short", call: conv({ filter: f32(filter - 1) }), error: RangeError, where: "conv2d", parameter: "filter" },
    { name: "conv2d: y too short", call: conv({ y: f32(1) }), error: RangeError, where: "conv2d", parameter: "y" },
    { name: "conv2d: bias of 15 for 16 channels", call: conv({ bias: f32(15) }), error: RangeError, where: "conv2d", parameter: "bias" },
    { name: "conv2d: empty bias", call: conv({ bias: f32(0) }), error: RangeError, where: "conv2d", parameter: "bias" },
    { name: "conv2d: x a plain array", call: conv({ x: [1, 2, 3] }), error: TypeError, where: "conv2d", parameter: "x" },
    { name: "conv2d: filter a Float64Array", call: conv({ filter: new Float64Array(filter) }), error: TypeError, where: "conv2d", parameter: "filter" },
    { name: "conv2d: dims of 10 sizes", call: conv({}, CONV_DIMS.subarray(0, 10)), error: RangeError, where: "conv2d", parameter: "dims" },
    { name: "conv2d: dims a plain array", call: conv({}, [...CONV_DIMS]), error: RangeError, where: "conv2d", parameter: "dims" },
    { name: "conv2d: batch 0", call: conv({}, withDims(0, 0)), error: RangeError, where: "conv2d", parameter: "size in dims" },
    { name: "conv2d: pad top = filter height", call: conv({}, withDims(9, 3)), error: RangeError, where: "conv2d", parameter: "pads" },
    { name: "conv2d: 15 output channels", call: conv({ filter: f32(9 * 16 * 15), y: f32(4 * 4 * 15) }, withDims(6, 15)), error: RangeError, where: "conv2d", parameter: "out_channels" },
    { name: "conv2d: relu not a boolean", call: conv({}, CONV_DIMS, 1), error: TypeError, where: "conv2d", parameter: "relu" },
    { name: "conv2dBackpropInput: dx too short", call: () => k.conv2dBackpropInput(f32(image), f32(filter), f32(3), CONV_DIMS), error: RangeError, where: "conv2dBackpropInput", parameter: "dx" },
    { name: "conv2dBackpropInput: 8 input channels", call: () => k.conv2dBackpropInput(f32(4 * 4 * 16), f32(9 * 8 * 16), f32(4 * 4 * 8), withDims(3, 8)), error: RangeError, where: "conv2dBackpropInput", parameter: "in_channels" },
    { name: "conv2dBackpropFilter: dy too short", call: () => k.conv2dBackpropFilter(f32(image), f32(2), f32(filter), CONV_DIMS), error: RangeError, where: "conv2dBackpropFilter", parameter: "dy" },
    { name: "conv2dBackpropFilter: dFilter an Int32Array", call: () => Reflect.apply(k.conv2dBackpropFilter, k, [f32(image), f32(image), new Int32Array(filter), CONV_DIMS]), error: TypeError, where: "conv2dBackpropFilter", parameter: "dFilter" },
    { name: "maxPoolGrad: dy too short", call: () => k.maxPoolGrad(f32(image), f32(3), f32(image), POOL_DIMS), error: RangeError, where: "maxPoolGrad", parameter: "dy" },
    { name: "maxPoolGrad: dims of 11 sizes", call: () => k.maxPoolGrad(f32(image), f32(64), f32(image), POOL_DIMS.subarray(0, 11)), error: RangeError, where: "maxPoolGrad", parameter: "dims" },
    { name: "maxPoolGrad: stride 0", call: () => k.maxPoolGrad(f32(image), f32(64), f32(image), withDims(8, 0, POOL_DIMS)), error: RangeError, where: "maxPoolGrad", parameter: "size in dims" },
    { name: "copyRows: heap a Float64Array", call: copy([new Float64Array(8), 0, 1, 4, 1, 2, 1]), error: TypeError, where: "copyRows", parameter: "heap" },
    { name: "copyRows: negative dstOffset", call: copy([heap, -1, 4, 8, 4, 2, 2]), error: RangeError, where: "copyRows", parameter: "dstOffset" },
    { name: "copyRows: fractional srcStride", call: copy([heap, 0, 4, 8, 1.5, 2, 2]), error: RangeError, where: "copyRows", parameter: "srcStride" },
    { name: "copyRows: NaN rows", call: copy([heap, 0, 4, 8, 4, Number.NaN, 2]), error: RangeError, where: "copyRows", parameter: "rows" },
    { name: "copyRows: rows past the end of the heap", call: copy([heap, 0, 4, 32, 4, 9, 4]), error: RangeError, where: "copyRows", parameter: "heap" },
  ];
}

if (status.available) {
  badInputSuite(rows(status.kernels), { describe, it, expect });
} else {
  describe("bad input", () => {
    it("has no native kernels to call here, and says why", () => {
      expect(status.reason.length).toBeGreaterThan(0);
    });
  });
}
