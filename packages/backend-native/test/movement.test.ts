/**
 * The native data-movement kernels: maxPoolGrad against a plain JavaScript reference over a table of poolings (with
 * ties, −Infinity windows, +Infinity maxima, all-negative inputs and windows over padding only), views inside one
 * WebAssembly memory, copyRows on Float32Array and Int32Array heaps against a bit-exact reference, and the argument
 * checks of both, which refuse a call before any memory is touched.
 */
import { describe, expect, it } from "vitest";
import { loadNativeKernels, type NativeKernels } from "../src/index";

const PLATFORM = `${process.platform}-${process.arch}`;

const status = loadNativeKernels();

// ---------------------------------------------------------------------------------------------------------------
// Poolings, data and the reference

/** One max pooling: the 12 sizes of `dims`. */
interface Pool {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

const inputSize = (p: Pool): number => p.batch * p.inHeight * p.inWidth * p.channels;
const outputSize = (p: Pool): number => p.batch * p.outHeight * p.outWidth * p.channels;

function dimsOf(p: Pool): Int32Array {
  return Int32Array.of(
    p.batch,
    p.inHeight,
    p.inWidth,
    p.channels,
    p.outHeight,
    p.outWidth,
    p.filterHeight,
    p.filterWidth,
    p.strideHeight,
    p.strideWidth,
    p.padTop,
    p.padLeft,
  );
}

function describePool(p: Pool): string {
  return (
    `batch ${p.batch}, ${p.inHeight}×${p.inWidth}×${p.channels} → ${p.outHeight}×${p.outWidth}, ` +
    `filter ${p.filterHeight}×${p.filterWidth}, stride ${p.strideHeight}×${p.strideWidth}, pads top ${p.padTop} left ${p.padLeft}`
  );
}

/** Seeded uniform values in [−1, 1) (mulberry32). */
function seeded(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

/** Seeded 32-bit patterns (mulberry32), any float bit pattern included: NaNs with payloads, subnormals, −0. */
function seededBits(length: number, seed: number): Uint32Array {
  let state = seed >>> 0;
  return Uint32Array.from({ length }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  });
}

/**
 * Seeded gradients that are odd multiples of 1/16 in (−8, 8): never zero, and sums of a few of them are exact in
 * float32, so the kernel's result must equal the reference whatever order it adds in.
 */
const dyadic = (length: number, seed: number): Float32Array => seeded(length, seed).map((v) => (2 * Math.floor(v * 64) + 1) / 16);

/** An output array filled with NaN, so that an element the kernel does not write (or adds to) shows up. */
const unwritten = (length: number): Float32Array => new Float32Array(length).fill(Number.NaN);

/**
 * dx = 0; then for every window and channel, over the window's positions inside the input: M = their maximum; when
 * M > −∞, dy is added at the first position (row-major) that holds M. Computed in float64.
 */
function referenceMaxPoolGrad(x: ArrayLike<number>, dy: ArrayLike<number>, p: Pool): Float64Array {
  const dx = new Float64Array(inputSize(p));
  const C = p.channels;
  for (let b = 0; b < p.batch; b++)
    for (let oh = 0; oh < p.outHeight; oh++)
      for (let ow = 0; ow < p.outWidth; ow++)
        for (let c = 0; c < C; c++) {
          const inside: number[] = [];
          for (let i = 0; i < p.filterHeight; i++) {
            const h = oh * p.strideHeight - p.padTop + i;
            if (h < 0 || h >= p.inHeight) continue;
            for (let j = 0; j < p.filterWidth; j++) {
              const w = ow * p.strideWidth - p.padLeft + j;
              if (w < 0 || w >= p.inWidth) continue;
              inside.push(((b * p.inHeight + h) * p.inWidth + w) * C + c);
            }
          }
          const maximum = Math.max(...inside.map((index) => x[index]!));
          if (!(maximum > -Infinity)) continue;
          const at = inside.find((index) => x[index] === maximum)!;
          dx[at]! += dy[((b * p.outHeight + oh) * p.outWidth + ow) * C + c]!;
        }
  return dx;
}

/**
 * The first few elements where actual and expected differ by more than `tolerance` relative to max |expected| (NaN
 * must meet NaN, an infinity the same infinity), as "index: actual vs expected".
 */
function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 0): string[] {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i]!)) scale = Math.max(scale, Math.abs(expected[i]!));
  const found: string[] = [];
  for (let i = 0; i < expected.length && found.length < 5; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    const same = Number.isFinite(e) ? Number.isFinite(a) && Math.abs(a - e) <= tolerance * scale : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    if (!same) found.push(`${i}: ${a} vs ${e}`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// The table of poolings

interface PoolKind {
  readonly name: string;
  readonly filter: readonly [number, number];
  readonly stride: readonly [number, number];
  /** "valid": no padding, the last rows and columns that fill no window dropped; "same": out = ⌈in / stride⌉. */
  readonly padding: "valid" | "same";
}

const KINDS: readonly PoolKind[] = [
  { name: "2×2 stride 2 valid", filter: [2, 2], stride: [2, 2], padding: "valid" },
  { name: "3×3 stride 1 same", filter: [3, 3], stride: [1, 1], padding: "same" },
  { name: "3×3 stride 2 valid", filter: [3, 3], stride: [2, 2], padding: "valid" },
  { name: "3×3 stride 2 same", filter: [3, 3], stride: [2, 2], padding: "same" },
  { name: "2×3 stride 1 valid", filter: [2, 3], stride: [1, 1], padding: "valid" },
  { name: "2×3 stride 2×1 same", filter: [2, 3], stride: [2, 1], padding: "same" },
  { name: "2×2 stride 3 valid (gaps between windows)", filter: [2, 2], stride: [3, 3], padding: "valid" },
  { name: "1×1 stride 1", filter: [1, 1], stride: [1, 1], padding: "valid" },
];
/** Odd sizes (where "valid" drops the last row or column), tiny ones and wider ones. */
const IMAGES = [
  [1, 1],
  [2, 2],
  [4, 4],
  [5, 7],
  [7, 5],
  [6, 9],
  [3, 10],
  [8, 13],
] as const;
const CHANNELS = [1, 3, 16] as const;

/** Out size and the leading pad of one axis, as TensorFlow's "valid" and "same" have them. */
function axis(size: number, filter: number, stride: number, padding: "valid" | "same"): { out: number; pad: number } {
  if (padding === "valid") return { out: Math.floor((size - filter) / stride) + 1, pad: 0 };
  const out = Math.ceil(size / stride);
  return { out, pad: Math.floor(Math.max((out - 1) * stride + filter - size, 0) / 2) };
}

interface TableCase {
  readonly kind: PoolKind;
  readonly pool: Pool;
}

const TABLE: TableCase[] = (() => {
  const cases: TableCase[] = [];
  for (const kind of KINDS)
    for (const [height, width] of IMAGES) {
      if (kind.padding === "valid" && (height < kind.filter[0] || width < kind.filter[1])) continue;
      const [rows, columns] = [axis(height, kind.filter[0], kind.stride[0], kind.padding), axis(width, kind.filter[1], kind.stride[1], kind.padding)];
      const i = cases.length;
      cases.push({
        kind,
        pool: {
          batch: 1 + (Math.floor(i / 3) % 3),
          inHeight: height,
          inWidth: width,
          channels: CHANNELS[i % CHANNELS.length]!,
          outHeight: rows.out,
          outWidth: columns.out,
          filterHeight: kind.filter[0],
          filterWidth: kind.filter[1],
          strideHeight: kind.stride[0],
          strideWidth: kind.stride[1],
          padTop: rows.pad,
          padLeft: columns.pad,
        },
      });
    }
  return cases;
})();

// ---------------------------------------------------------------------------------------------------------------
// The kernels

if (status.available) kernelTests(status.kernels);
else {
  describe("the movement kernels", () => {
    it("are not tested here: the addon is not available", () => {
      expect(status.available).toBe(false);
      expect(PLATFORM !== "linux-x64" || !process.env["CI"] || process.env["PG_NATIVE"] === "0").toBe(true);
    });
  });
}

function kernelTests(native: NativeKernels): void {
  it("the addon exports maxPoolGrad and copyRows", () => {
    expect(typeof native.maxPoolGrad).toBe("function");
    expect(typeof native.copyRows).toBe("function");
  });

  /** Runs maxPoolGrad into a NaN-filled dx and returns it. */
  const poolGrad = (x: Float32Array, dy: Float32Array, p: Pool): Float32Array => {
    const dx = unwritten(inputSize(p));
    native.maxPoolGrad(x, dy, dx, dimsOf(p));
    return dx;
  };

  describe("the table of poolings", () => {
    it("covers every pooling, image, channel count and batch 1–3, with 'same' pads and dropped rows and columns", () => {
      expect(new Set(TABLE.map((c) => c.kind))).toEqual(new Set(KINDS));
      expect(new Set(TABLE.map((c) => c.pool.channels))).toEqual(new Set(CHANNELS));
      expect(new Set(TABLE.map((c) => c.pool.batch))).toEqual(new Set([1, 2, 3]));
      for (const channels of CHANNELS)
        for (const batch of [1, 2, 3]) expect(TABLE.some((c) => c.pool.channels === channels && c.pool.batch === batch)).toBe(true);
      // 3×3 stride 1 "same": pads 1 and out = in.
      const same = TABLE.filter((c) => c.kind.name === "3×3 stride 1 same");
      expect(same.length).toBe(IMAGES.length);
      for (const { pool } of same) expect([pool.padTop, pool.padLeft, pool.outHeight - pool.inHeight, pool.outWidth - pool.inWidth]).toEqual([1, 1, 0, 0]);
      // Some "valid" poolings leave the last row and the last column out of every window.
      const dropsLast = (p: Pool): boolean =>
        (p.outHeight - 1) * p.strideHeight + p.filterHeight < p.inHeight && (p.outWidth - 1) * p.strideWidth + p.filterWidth < p.inWidth;
      expect(TABLE.filter((c) => c.kind.name === "2×2 stride 2 valid" && dropsLast(c.pool)).length).toBeGreaterThan(0);
      expect(TABLE.filter((c) => c.kind.name === "3×3 stride 2 valid" && dropsLast(c.pool)).length).toBeGreaterThan(0);
    });
  });

  describe("maxPoolGrad against the JavaScript reference", () => {
    TABLE.forEach(({ kind, pool: p }, index) => {
      it(`${kind.name}: ${describePool(p)}`, () => {
        const dims = dimsOf(p);
        const random = seeded(inputSize(p), 100 + index);
        const inputs: [string, Float32Array][] = [
          ["random x", random],
          // Values in {−1, 0, 1}: ties in almost every window, so the first maximum must win.
          ["x in {−1, 0, 1} (ties)", random.map((v) => Math.round(v) + 0)],
          // All below zero: a padded window's maximum is still the largest negative value inside it.
          ["x all below zero", random.map((v) => v - 2)],
        ];
        const dy = dyadic(outputSize(p), 200 + index);
        for (const [what, x] of inputs) {
          const xBefore = x.slice();
          const dx = unwritten(inputSize(p));
          native.maxPoolGrad(x, dy, dx, dims);
          const expected = referenceMaxPoolGrad(x, dy, p);
          expect(mismatches(dx, expected), what).toEqual([]);
          expect(x, `${what}: x unchanged`).toEqual(xBefore);
          // Every window holds an input position here, so the gradient is conserved.
          const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0);
          expect(sum(dx), `${what}: Σ dx = Σ dy`).toBe(sum(dy));
        }
        // Gradients that are not dyadic: equal within float32 rounding.
        const dyRandom = seeded(outputSize(p), 300 + index);
        expect(mismatches(poolGrad(random, dyRandom, p), referenceMaxPoolGrad(random, dyRandom, p), 1e-6)).toEqual([]);
      });
    });
  });

  describe("maxPoolGrad: ties, infinities, negatives and padding", () => {
    /** One image, one channel. */
    const single = (height: number, width: number, filter: number, stride: number, pad: number, out: [number, number]): Pool => ({
      batch: 1,
      inHeight: height,
      inWidth: width,
      channels: 1,
      outHeight: out[0],
      outWidth: out[1],
      filterHeight: filter,
      filterWidth: filter,
      strideHeight: stride,
      strideWidth: stride,
      padTop: pad,
      padLeft: pad,
    });
    const p2x2 = single(2, 2, 2, 2, 0, [1, 1]);

    it("equal values in a window: the first in row-major order gets the whole gradient", () => {
      const cases: [string, number[], number[]][] = [
        ["all four equal", [5, 5, 5, 5], [3, 0, 0, 0]],
        ["the last three equal", [1, 4, 4, 4], [0, 3, 0, 0]],
        ["a tie across rows", [1, 2, 4, 4], [0, 0, 3, 0]],
        ["first and last equal", [7, 1, 2, 7], [3, 0, 0, 0]],
        ["−0 and +0 are equal", [-0, 0, -1, -2], [3, 0, 0, 0]],
        ["+0 before −0", [-1, 0, -0, -2], [0, 3, 0, 0]],
      ];
      for (const [what, x, expected] of cases) {
        expect(Array.from(poolGrad(Float32Array.from(x), Float32Array.of(3), p2x2)), what).toEqual(expected);
      }
      // Channels tie independently: 3 channels, each with its own first maximum.
      const p: Pool = { ...p2x2, channels: 3 };
      const x = Float32Array.of(1, 2, 3, 1, 2, 9, 1, 0, 9, 0, 2, 3);
      expect(Array.from(poolGrad(x, Float32Array.of(10, 20, 30), p))).toEqual([10, 20, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0]);
    });

    it("a window of −Infinity alone passes nothing; one finite value beside −Infinity gets the gradient", () => {
      // 2×4 input, two 2×2 windows: the left all −Infinity, the right −Infinity but for the most negative float.
      const p = single(2, 4, 2, 2, 0, [1, 2]);
      const x = Float32Array.of(-Infinity, -Infinity, -Infinity, -3.4028234663852886e38, -Infinity, -Infinity, -Infinity, -Infinity);
      expect(Array.from(poolGrad(x, Float32Array.of(5, 6), p))).toEqual([0, 0, 0, 6, 0, 0, 0, 0]);
      // Even a NaN or infinite gradient of a −Infinity window goes nowhere.
      expect(Array.from(poolGrad(x, Float32Array.of(Number.NaN, Infinity), p))).toEqual([0, 0, 0, Infinity, 0, 0, 0, 0]);
      // All −Infinity in every channel and batch: dx is all zeros.
      const q: Pool = { ...single(3, 3, 3, 1, 1, [3, 3]), batch: 2, channels: 3 };
      const all = poolGrad(new Float32Array(inputSize(q)).fill(-Infinity), dyadic(outputSize(q), 1), q);
      expect(Array.from(all)).toEqual(new Array<number>(inputSize(q)).fill(0));
    });

    it("+Infinity maxima win, the first of several; gradients that are NaN or infinite pass as they are", () => {
      const cases: [string, number[], number[]][] = [
        ["+Infinity after finite values", [1, 3.4028234663852886e38, Infinity, 2], [0, 0, 3, 0]],
        ["two +Infinity", [Infinity, -Infinity, 0, Infinity], [3, 0, 0, 0]],
        ["+Infinity beside −Infinity", [-Infinity, -Infinity, -Infinity, Infinity], [0, 0, 0, 3]],
      ];
      for (const [what, x, expected] of cases) {
        expect(Array.from(poolGrad(Float32Array.from(x), Float32Array.of(3), p2x2)), what).toEqual(expected);
      }
      const x = Float32Array.of(1, 2, 3, 4);
      expect(Array.from(poolGrad(x, Float32Array.of(Number.NaN), p2x2))).toEqual([0, 0, 0, Number.NaN]);
      expect(Array.from(poolGrad(x, Float32Array.of(-Infinity), p2x2))).toEqual([0, 0, 0, -Infinity]);
    });

    it("negative values only: padding never counts as a 0 that would beat them", () => {
      // 3×3 stride 1 with pads 1 (out = in) over a 3×3 image of negatives: every window's maximum is inside.
      const p = single(3, 3, 3, 1, 1, [3, 3]);
      const x = Float32Array.of(-9, -8, -7, -6, -5, -4, -3, -2, -1);
      const dy = Float32Array.of(1, 2, 4, 8, 16, 32, 64, 128, 256);
      const dx = poolGrad(x, dy, p);
      // Each window's maximum is its lowest, rightmost position inside the image: (1,1) for the window at (0,0),
      // (1,2) for (0,1) and (0,2), (2,1) for (1,0) and (2,0), (2,2) for the other four.
      expect(Array.from(dx)).toEqual([0, 0, 0, 0, 1, 2 + 4, 0, 8 + 64, 16 + 32 + 128 + 256]);
      expect(mismatches(dx, referenceMaxPoolGrad(x, dy, p))).toEqual([]);
      // A 1×1 image with 3×3 'same' windows: its one pixel gets the gradient however negative it is.
      expect(Array.from(poolGrad(Float32Array.of(-1e30), Float32Array.of(7), single(1, 1, 3, 1, 1, [1, 1])))).toEqual([7]);
    });

    it("overlapping windows add their gradients at a shared maximum", () => {
      // 3×3 stride 1 'same' over one peak: all 9 windows around it pick it.
      const p = single(3, 3, 3, 1, 1, [3, 3]);
      const x = Float32Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0);
      const dy = Float32Array.of(1, 2, 4, 8, 16, 32, 64, 128, 256);
      expect(Array.from(poolGrad(x, dy, p))).toEqual([0, 0, 0, 0, 511, 0, 0, 0, 0]);
      // 3×3 stride 2 valid over 5×5: the centre row and column are shared by two windows, the centre by four.
      const q = single(5, 5, 3, 2, 0, [2, 2]);
      const peak = new Float32Array(25);
      peak[12] = 1;
      expect(Array.from(poolGrad(peak, Float32Array.of(1, 2, 4, 8), q))).toEqual(Array.from({ length: 25 }, (_, i) => (i === 12 ? 15 : 0)));
    });

    it("the last row and column that fill no window get zero, as do windows over padding only", () => {
      // 2×2 stride 2 valid on 5×7: row 4 and column 6 are dropped.
      const p: Pool = { ...single(5, 7, 2, 2, 0, [2, 3]), channels: 3 };
      const x = seeded(inputSize(p), 5);
      const dx = poolGrad(x, dyadic(outputSize(p), 6), p);
      for (let h = 0; h < 5; h++)
        for (let w = 0; w < 7; w++)
          for (let c = 0; c < 3; c++) {
            const v = dx[(h * 7 + w) * 3 + c]!;
            if (h === 4 || w === 6) expect(v, `dx[${h},${w},${c}]`).toBe(0);
          }
      // Each of the 2·3·3 windows hands its gradient to exactly one element.
      expect(dx.filter((v) => v !== 0).length).toBe(2 * 3 * 3);
      // 2×2 input, 2×2 stride 2 windows with an out size of 2×2: three windows lie wholly past the input.
      const q = single(2, 2, 2, 2, 0, [2, 2]);
      expect(Array.from(poolGrad(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 10, 100, 1000), q))).toEqual([0, 0, 0, 1]);
      // 2×2 windows with pads 1 over a 1×1 image, out 2×2: each of the four holds the pixel and three padding
      // positions (above or left of it, or below or right of it, past the image), so all four add at the pixel.
      const r = single(1, 1, 2, 1, 1, [2, 2]);
      expect(Array.from(poolGrad(Float32Array.of(-5), Float32Array.of(1, 2, 4, 8), r))).toEqual([15]);
    });

    it("batches and channels are independent", () => {
      const p: Pool = { ...single(4, 4, 2, 2, 0, [2, 2]), batch: 3, channels: 16 };
      const x = seeded(inputSize(p), 7);
      const dy = dyadic(outputSize(p), 8);
      const dx = poolGrad(x, dy, p);
      for (let b = 0; b < 3; b++) {
        const one: Pool = { ...p, batch: 1 };
        const [size, outSize] = [inputSize(one), outputSize(one)];
        const alone = poolGrad(x.slice(b * size, (b + 1) * size), dy.slice(b * outSize, (b + 1) * outSize), one);
        expect(dx.subarray(b * size, (b + 1) * size), `batch ${b}`).toEqual(alone);
      }
      expect(mismatches(dx, referenceMaxPoolGrad(x, dy, p))).toEqual([]);
    });

    it("the largest strides and output sizes index without overflow", () => {
      // 65536 windows 65536 rows (or columns) apart with pads 1: only the first covers the image. (oh · stride passes
      // 2³¹ from window 32768 on.)
      for (const [outHeight, outWidth] of [
        [65536, 1],
        [1, 65536],
      ] as const) {
        const p = single(2, 2, 2, 65536, 1, [outHeight, outWidth]);
        const dy = new Float32Array(65536).fill(1000);
        dy[0] = 3;
        expect(Array.from(poolGrad(Float32Array.of(1, 2, 3, 4), dy, p)), `${outHeight}×${outWidth}`).toEqual([3, 0, 0, 0]);
      }
    });
  });

  describe("maxPoolGrad on views inside one buffer", () => {
    const p: Pool = { batch: 2, inHeight: 5, inWidth: 7, channels: 3, outHeight: 5, outWidth: 7, filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1 };
    const SENTINEL = -12345.625;
    const heaps = {
      "a WebAssembly.Memory": () => new WebAssembly.Memory({ initial: 1 }).buffer,
      "an ArrayBuffer": () => new ArrayBuffer(65536),
    };
    for (const [name, makeBuffer] of Object.entries(heaps)) {
      it(`computes in place on Float32Array views at odd offsets of ${name}, touching nothing else`, () => {
        const buffer = makeBuffer();
        const heap = new Float32Array(buffer).fill(SENTINEL);
        let next = 5;
        const view = (length: number): Float32Array => {
          const v = new Float32Array(buffer, next * 4, length);
          next += length + 3;
          return v;
        };
        const [x, dy, dx] = [view(inputSize(p)), view(outputSize(p)), view(inputSize(p))];
        x.set(seeded(x.length, 11));
        dy.set(dyadic(dy.length, 12));
        const before = heap.slice();
        native.maxPoolGrad(x, dy, dx, dimsOf(p));
        const start = dx.byteOffset / 4;
        const end = start + dx.length;
        const changedOutside = before.findIndex((v, i) => (i < start || i >= end) && !Object.is(v, heap[i]));
        expect(changedOutside).toBe(-1);
        expect(dx.includes(SENTINEL)).toBe(false);
        expect(mismatches(dx, referenceMaxPoolGrad(x, dy, p))).toEqual([]);
      });
    }
  });

  describe("copyRows", () => {
    /** One call: element offsets and counts in the order copyRows takes them. */
    interface Copy {
      readonly what: string;
      readonly dstOffset: number;
      readonly dstStride: number;
      readonly srcOffset: number;
      readonly srcStride: number;
      readonly rows: number;
      readonly run: number;
    }
    const HEAP = 256;
    const COPIES: readonly Copy[] = [
      { what: "strides larger than the run, unequal", dstOffset: 100, dstStride: 10, srcOffset: 3, srcStride: 7, rows: 5, run: 4 },
      { what: "contiguous rows (strides equal to the run)", dstOffset: 120, dstStride: 6, srcOffset: 0, srcStride: 6, rows: 10, run: 6 },
      { what: "one long row", dstOffset: 60, dstStride: 0, srcOffset: 0, srcStride: 0, rows: 1, run: 50 },
      { what: "a column gathered from rows of 16 (run 1)", dstOffset: 200, dstStride: 1, srcOffset: 5, srcStride: 16, rows: 12, run: 1 },
      { what: "a channel slice into wider rows (concatenation)", dstOffset: 136, dstStride: 24, srcOffset: 0, srcStride: 16, rows: 5, run: 16 },
      { what: "one row broadcast (source stride 0)", dstOffset: 70, dstStride: 9, srcOffset: 5, srcStride: 0, rows: 6, run: 3 },
      { what: "the destination before the source", dstOffset: 1, dstStride: 11, srcOffset: 150, srcStride: 13, rows: 8, run: 5 },
      { what: "rows ending exactly at the end of the heap", dstOffset: HEAP - 3 - 4 * 20, dstStride: 20, srcOffset: 0, srcStride: 20, rows: 5, run: 3 },
      { what: "the source ending exactly at the end of the heap", dstOffset: 0, dstStride: 8, srcOffset: HEAP - 8 * 4 - 8, srcStride: 8, rows: 5, run: 8 },
    ];
    /** 32-bit patterns no kernel writes: a NaN with a payload, and an Int32 value. */
    const SENTINEL_BITS = 0x7fa5a5a5;
    const argsOf = (c: Copy): [number, number, number, number, number, number] => [c.dstOffset, c.dstStride, c.srcOffset, c.srcStride, c.rows, c.run];
    const destinations = (c: Copy): number[] => {
      const at: number[] = [];
      for (let r = 0; r < c.rows; r++) for (let k = 0; k < c.run; k++) at.push(c.dstOffset + r * c.dstStride + k);
      return at;
    };
    const sources = (c: Copy): number[] => {
      const at: number[] = [];
      for (let r = 0; r < c.rows; r++) for (let k = 0; k < c.run; k++) at.push(c.srcOffset + r * c.srcStride + k);
      return at;
    };
    /** bits[dstOffset + r·dstStride + k] = bits[srcOffset + r·srcStride + k], on a copy of bits. */
    function referenceCopyRows(bits: Uint32Array, c: Copy): Uint32Array {
      const out = bits.slice();
      for (let r = 0; r < c.rows; r++)
        for (let k = 0; k < c.run; k++) out[c.dstOffset + r * c.dstStride + k] = bits[c.srcOffset + r * c.srcStride + k]!;
      return out;
    }
    /** The first few indices where two bit arrays differ, with both patterns in hex. */
    const bitMismatches = (actual: Uint32Array, expected: Uint32Array): string[] => {
      const found: string[] = [];
      for (let i = 0; i < expected.length && found.length < 5; i++)
        if (actual[i] !== expected[i]) found.push(`${i}: ${actual[i]!.toString(16)} vs ${expected[i]!.toString(16)}`);
      return found;
    };

    it("the copies stay inside the heap, and no destination row overlaps a source row", () => {
      for (const c of COPIES) {
        const [dst, src] = [destinations(c), sources(c)];
        expect(Math.max(...dst, ...src), c.what).toBeLessThan(HEAP);
        expect(Math.min(...dst, ...src), c.what).toBeGreaterThanOrEqual(0);
        const sourceSet = new Set(src);
        expect(dst.filter((i) => sourceSet.has(i)), c.what).toEqual([]);
        expect(new Set(dst).size, c.what).toBe(dst.length);
      }
      expect(COPIES.some((c) => c.dstOffset + (c.rows - 1) * c.dstStride + c.run === HEAP)).toBe(true);
      expect(COPIES.some((c) => c.srcOffset + (c.rows - 1) * c.srcStride + c.run === HEAP)).toBe(true);
    });

    const heapKinds = {
      Float32Array: (buffer: ArrayBuffer, offset: number, length: number) => new Float32Array(buffer, offset, length),
      Int32Array: (buffer: ArrayBuffer, offset: number, length: number) => new Int32Array(buffer, offset, length),
    };

    for (const [kind, makeHeap] of Object.entries(heapKinds)) {
      COPIES.forEach((c, index) => {
        it(`${kind}: ${c.what}; bit patterns kept, nothing else written`, () => {
          const heap = makeHeap(new ArrayBuffer(4 * HEAP), 0, HEAP);
          const bits = new Uint32Array(heap.buffer, heap.byteOffset, heap.length);
          bits.fill(SENTINEL_BITS);
          const source = seededBits(HEAP, 400 + index);
          // NaNs with payloads (quiet and signalling, both signs), ±0, ±Infinity, a subnormal, extreme ints.
          const special = [0x7fc00001, 0xffc12345, 0x7f800001, 0xff812345, 0x80000000, 0, 0x7f800000, 0xff800000, 1, 0x80000001, 0xffffffff, 0x7fffffff];
          // (Each source position once: a broadcast row is read by every destination row.)
          [...new Set(sources(c))].forEach((at, i) => (bits[at] = i < special.length ? special[i]! : source[i]!));
          const before = bits.slice();
          native.copyRows(heap, ...argsOf(c));
          expect(bitMismatches(bits, referenceCopyRows(before, c))).toEqual([]);
          // Directly: each destination element holds its source's bits, every other element its own.
          const dst = new Set(destinations(c));
          expect(destinations(c).map((at) => bits[at])).toEqual(sources(c).map((at) => before[at]));
          const touched = Array.from(bits).flatMap((v, i) => (!dst.has(i) && v !== before[i] ? [i] : []));
          expect(touched).toEqual([]);
          expect(Array.from(bits).filter((v) => v === SENTINEL_BITS).length).toBe(HEAP - new Set([...dst, ...sources(c)]).size);
          if (heap instanceof Int32Array) {
            // Negative ints read back as the same ints.
            const ints = new Int32Array(before.buffer);
            expect(destinations(c).map((at) => heap[at])).toEqual(sources(c).map((at) => ints[at]));
            expect(destinations(c).some((at) => heap[at]! < 0)).toBe(true);
          }
        });
      });

      it(`${kind}: offsets count from the view's start, inside a WebAssembly memory, and nothing outside the view is written`, () => {
        const memory = new WebAssembly.Memory({ initial: 1 });
        const all = new Uint32Array(memory.buffer).fill(SENTINEL_BITS);
        // A view of 100 elements starting at element 37 of the memory.
        const heap = makeHeap(memory.buffer, 37 * 4, 100);
        const c: Copy = { what: "", dstOffset: 60, dstStride: 8, srcOffset: 0, srcStride: 12, rows: 5, run: 5 };
        const source = seededBits(100, 77);
        sources(c).forEach((at, i) => (all[37 + at] = source[i]!));
        const before = all.slice();
        native.copyRows(heap, ...argsOf(c));
        const expected = before.slice();
        expected.set(referenceCopyRows(before.slice(37, 137), c), 37);
        expect(bitMismatches(all, expected)).toEqual([]);
        // The view's length bounds the rows, not the memory's: a sixth row would end at view element 105.
        const refused = all.slice();
        expect(() => native.copyRows(heap, 60, 8, 0, 12, 6, 5)).toThrow(new RangeError("copyRows: the rows reach past the end of heap"));
        expect(() => native.copyRows(heap, 0, 12, 60, 8, 6, 5)).toThrow(new RangeError("copyRows: the rows reach past the end of heap"));
        expect(bitMismatches(all, refused)).toEqual([]);
      });

      it(`${kind}: rows = 0 or run = 0 copies nothing`, () => {
        const heap = makeHeap(new ArrayBuffer(4 * 64), 0, 64);
        const bits = new Uint32Array(heap.buffer);
        bits.set(seededBits(64, 9));
        const before = bits.slice();
        for (const [rows, run] of [
          [0, 4],
          [3, 0],
          [0, 0],
        ] as const) {
          native.copyRows(heap, 32, 8, 0, 8, rows, run);
          native.copyRows(heap, 0, 5, 40, 7, rows, run);
          expect(bitMismatches(bits, before), `rows ${rows}, run ${run}`).toEqual([]);
        }
      });
    }

    it("copies row by row whatever the heap's values, equal to the JavaScript reference on random patterns", () => {
      // Random offsets, strides and counts with disjoint source and destination halves.
      const heap = new Int32Array(4096);
      const bits = new Uint32Array(heap.buffer);
      const draw = seededBits(7 * 40, 31);
      for (let trial = 0; trial < 40; trial++) {
        const n = (i: number, modulo: number): number => draw[trial * 7 + i]! % modulo;
        const run = 1 + n(0, 20);
        const rows = 1 + n(1, 30);
        const dstStride = run + n(2, 20);
        const srcStride = n(3, 2) === 0 ? run + n(4, 20) : n(4, 3) === 0 ? 0 : run;
        const c: Copy = { what: `trial ${trial}`, dstOffset: 2048 + n(5, 50), dstStride, srcOffset: n(6, 50), srcStride, rows, run };
        bits.set(seededBits(4096, 500 + trial));
        const before = bits.slice();
        native.copyRows(heap, ...argsOf(c));
        expect(bitMismatches(bits, referenceCopyRows(before, c)), JSON.stringify(c)).toEqual([]);
      }
    });
  });

  describe("argument checks", () => {
    /**
     * Calls `call`, expects `error` with exactly `message`, and then that `check` holds (nothing was written).
     */
    const expectRefused = (call: () => unknown, error: typeof RangeError | typeof TypeError, message: string, check: () => void): void => {
      let thrown: unknown = "nothing";
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message}` : `${String(thrown)} thrown`).toBe(`${error.name}: ${message}`);
      check();
    };

    describe("maxPoolGrad", () => {
      const SENTINEL = 777.5;
      const filled = (length: number): Float32Array => new Float32Array(length).fill(SENTINEL);
      const p: Pool = { batch: 2, inHeight: 5, inWidth: 4, channels: 3, outHeight: 3, outWidth: 2, filterHeight: 2, filterWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 0 };
      const ARRAYS = [
        ["x", inputSize(p)],
        ["dy", outputSize(p)],
        ["dx", inputSize(p)],
      ] as const;
      const call = (args: readonly unknown[]): unknown => Reflect.apply(native.maxPoolGrad, native, args);
      /** Valid arguments: x and dy seeded, dx filled with the sentinel. */
      const validArgs = (): unknown[] => [seeded(inputSize(p), 1), seeded(outputSize(p), 2), filled(inputSize(p)), dimsOf(p)];
      /** Calls with args, expects the error, and checks that no Float32Array argument changed and dx holds the sentinel. */
      const refused = (args: readonly unknown[], error: typeof RangeError | typeof TypeError, message: string): void => {
        const copies = args.map((a) => (a instanceof Float32Array ? a.slice() : a));
        expectRefused(() => call(args), error, message, () => {
          args.forEach((a, i) => {
            if (a instanceof Float32Array) expect(a).toEqual(copies[i]);
          });
          const dx = args[2];
          if (dx instanceof Float32Array) expect(dx.every((v) => v === SENTINEL)).toBe(true);
        });
      };

      it("accepts the valid arguments (longer arrays too) and writes exactly dx's floats", () => {
        const args = validArgs();
        call(args);
        expect((args[2] as Float32Array).some((v) => v === SENTINEL)).toBe(false);
        const longer = [seeded(inputSize(p) + 7, 1), seeded(outputSize(p) + 7, 2), filled(inputSize(p) + 7)];
        call([...longer, dimsOf(p)]);
        const dx = longer[2]!;
        expect(dx.subarray(0, inputSize(p)).some((v) => v === SENTINEL)).toBe(false);
        expect(Array.from(dx.subarray(inputSize(p)))).toEqual(new Array<number>(7).fill(SENTINEL));
        expect(mismatches(dx.subarray(0, inputSize(p)), referenceMaxPoolGrad(longer[0]!, longer[1]!, p))).toEqual([]);
        // dims as a view at an offset into a longer Int32Array.
        const dims = Int32Array.from([99, ...dimsOf(p), 99]).subarray(1, 13);
        const dx2 = filled(inputSize(p));
        call([longer[0], longer[1], dx2, dims]);
        expect(dx2).toEqual(dx.subarray(0, inputSize(p)));
      });

      it("refuses an array shorter than the sizes need with a RangeError naming it", () => {
        ARRAYS.forEach(([argument, length], i) => {
          for (const short of [length - 1, 1, 0]) {
            const args = validArgs();
            args[i] = filled(short);
            refused(args, RangeError, `maxPoolGrad: ${argument} holds ${short} floats, the sizes need ${length}`);
          }
        });
        // x and dx need the input's floats, dy the output's: dy of the input's size is fine, x of the output's is not.
        const args = validArgs();
        args[0] = seeded(outputSize(p), 3);
        refused(args, RangeError, `maxPoolGrad: x holds ${outputSize(p)} floats, the sizes need ${inputSize(p)}`);
      });

      it("refuses anything but a Float32Array with a TypeError naming the argument", () => {
        ARRAYS.forEach(([argument, length], i) => {
          for (const value of [
            new Array<number>(length).fill(1),
            new Float64Array(length),
            new Int32Array(length),
            new Uint8Array(4 * length),
            new DataView(new ArrayBuffer(4 * length)),
            new ArrayBuffer(4 * length),
            "x",
            7,
            null,
            undefined,
          ]) {
            const args = validArgs();
            args[i] = value;
            refused(args, TypeError, `maxPoolGrad: ${argument} must be a Float32Array`);
          }
        });
      });

      it("refuses dims that are not an Int32Array of 12 sizes", () => {
        const good = Array.from(dimsOf(p));
        for (const dims of [
          Int32Array.from(good.slice(0, 11)),
          Int32Array.from([...good, 0]),
          new Int32Array(0),
          Float64Array.from(good),
          Float32Array.from(good),
          Uint32Array.from(good),
          good,
          null,
          undefined,
        ]) {
          const args = validArgs();
          args[3] = dims;
          refused(args, RangeError, "maxPoolGrad: dims must be an Int32Array of 12 sizes");
        }
      });

      it("refuses a size outside [1, 65536]", () => {
        for (let index = 0; index < 10; index++)
          for (const size of [0, -1, -2147483648, 65537, 2147483647]) {
            const dims = dimsOf(p);
            dims[index] = size;
            const args = validArgs();
            args[3] = dims;
            refused(args, RangeError, "maxPoolGrad: every size in dims must lie in [1, 65536]");
          }
      });

      it("refuses pads outside [0, filter size)", () => {
        for (const [index, value] of [
          [10, -1],
          [10, 2],
          [10, 3],
          [11, -1],
          [11, 2],
          [11, 100],
          [10, -2147483648],
        ] as const) {
          const dims = dimsOf(p);
          dims[index] = value;
          const args = validArgs();
          args[3] = dims;
          refused(args, RangeError, "maxPoolGrad: pads must lie in [0, filter size)");
        }
        // Both pads at filter size − 1 are allowed.
        const args = validArgs();
        (args[3] as Int32Array).set([1, 1], 10);
        expect(() => call(args)).not.toThrow();
        expect((args[2] as Float32Array).some((v) => v === SENTINEL)).toBe(false);
      });

      it("refuses too few arguments", () => {
        const args = validArgs();
        for (let count = 0; count < args.length; count++) refused(args.slice(0, count), RangeError, "maxPoolGrad: too few arguments");
      });
    });

    describe("copyRows", () => {
      const NAMES = ["dstOffset", "dstStride", "srcOffset", "srcStride", "rows", "run"] as const;
      /** A heap of 64 seeded patterns and a valid copy of 3 rows of 4 (dst 40, 48, 56; src 0, 6, 12). */
      const VALID = [40, 8, 0, 6, 3, 4] as const;
      const makeHeap = (kind: "f32" | "i32"): { heap: Float32Array | Int32Array; unchanged: () => void } => {
        const heap = kind === "f32" ? new Float32Array(64) : new Int32Array(64);
        const bits = new Uint32Array(heap.buffer);
        bits.set(seededBits(64, 12));
        const before = bits.slice();
        return { heap, unchanged: () => expect(Array.from(bits)).toEqual(Array.from(before)) };
      };
      const call = (args: readonly unknown[]): unknown => Reflect.apply(native.copyRows, native, args);

      it("accepts the valid arguments", () => {
        const { heap } = makeHeap("f32");
        const bits = new Uint32Array(heap.buffer);
        const before = bits.slice();
        call([heap, ...VALID]);
        expect(Array.from(bits.subarray(40, 44))).toEqual(Array.from(before.subarray(0, 4)));
        expect(Array.from(bits.subarray(56, 60))).toEqual(Array.from(before.subarray(12, 16)));
      });

      it("refuses a heap that is not a Float32Array or an Int32Array with a TypeError", () => {
        const heaps: unknown[] = [
          new Float64Array(64),
          new Uint8Array(256),
          new Uint32Array(64),
          new Int16Array(128),
          new Uint8ClampedArray(256),
          new BigInt64Array(32),
          new DataView(new ArrayBuffer(256)),
          new ArrayBuffer(256),
          new Array<number>(64).fill(1),
          null,
          undefined,
          7,
        ];
        for (const heap of heaps) {
          const before = heap instanceof ArrayBuffer ? new Uint8Array(heap).slice() : ArrayBuffer.isView(heap) ? new Uint8Array(heap.buffer).slice() : null;
          expectRefused(() => call([heap, ...VALID]), TypeError, "copyRows: heap must be a Float32Array or an Int32Array", () => {
            if (heap instanceof ArrayBuffer) expect(new Uint8Array(heap)).toEqual(before);
            else if (ArrayBuffer.isView(heap)) expect(new Uint8Array(heap.buffer)).toEqual(before);
          });
        }
      });

      it("refuses negative, fractional, NaN, infinite or too large offsets, strides, rows or run with a RangeError naming it", () => {
        for (const kind of ["f32", "i32"] as const)
          NAMES.forEach((name, i) => {
            for (const value of [-1, -0.5, 0.5, 1.5, -2147483648, Number.NaN, Infinity, -Infinity, 2 ** 53, 1e300]) {
              const { heap, unchanged } = makeHeap(kind);
              const args: unknown[] = [heap, ...VALID];
              args[i + 1] = value;
              expectRefused(() => call(args), RangeError, `copyRows: ${name} must be a non-negative integer`, unchanged);
            }
          });
      });

      it("refuses offsets, strides, rows or run that are not numbers, naming them", () => {
        NAMES.forEach((name, i) => {
          for (const value of ["3", null, undefined, 3n, {}, [3]]) {
            const { heap, unchanged } = makeHeap("i32");
            const args: unknown[] = [heap, ...VALID];
            args[i + 1] = value;
            let thrown: unknown;
            try {
              call(args);
            } catch (e) {
              thrown = e;
            }
            expect(thrown instanceof RangeError || thrown instanceof TypeError, `${name} = ${String(value)}`).toBe(true);
            expect((thrown as Error).message).toBe(`copyRows: ${name} must be a non-negative integer`);
            unchanged();
          }
        });
      });

      it("refuses rows that reach past the end of the heap (destination or source), writing nothing", () => {
        const message = "copyRows: the rows reach past the end of heap";
        const tooFar: (readonly [number, number, number, number, number, number])[] = [
          [61, 8, 0, 6, 1, 4], // the destination's only row ends at 65
          [40, 8, 0, 6, 4, 4], // the fourth destination row ends at 68
          [0, 6, 48, 8, 3, 4], // the third source row ends at 68
          [0, 6, 61, 0, 3, 4], // a broadcast source row ends at 65
          [64, 0, 0, 0, 1, 1], // at the end
          [0, 0, 0, 0, 1, 65], // a run longer than the heap
          [2 ** 53 - 1, 0, 0, 0, 1, 1], // the largest integer offsets
          [0, 0, 2 ** 53 - 1, 0, 1, 1],
          [0, 2 ** 53 - 1, 0, 0, 2, 1], // the largest stride
          [0, 1, 0, 0, 2 ** 53 - 1, 1], // the most rows
          [0, 0, 0, 0, 1, 2 ** 53 - 1], // the longest run
        ];
        for (const kind of ["f32", "i32"] as const)
          for (const args of tooFar) {
            const { heap, unchanged } = makeHeap(kind);
            expectRefused(() => native.copyRows(heap, ...args), RangeError, message, unchanged);
          }
        // One element less reaches exactly to the end: accepted.
        const { heap } = makeHeap("f32");
        expect(() => native.copyRows(heap, 60, 8, 0, 6, 1, 4)).not.toThrow();
        expect(() => native.copyRows(heap, 32, 8, 0, 0, 4, 8)).not.toThrow();
        expect(() => native.copyRows(heap, 0, 6, 60, 0, 3, 4)).not.toThrow();
      });

      it("refuses too few arguments", () => {
        const { heap, unchanged } = makeHeap("f32");
        const args = [heap, ...VALID];
        for (let count = 0; count < args.length; count++) {
          expectRefused(() => call(args.slice(0, count)), RangeError, "copyRows: too few arguments", unchanged);
        }
      });
    });
  });
}
