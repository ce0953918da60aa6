/**
 * The native convolution kernels: whether they load (and PG_NATIVE=0 turning them off, in a fresh process), each
 * kernel against naive float64 loops over a table of shapes, the adjoint identities that tie the three together,
 * NaN and ±Infinity, views inside one WebAssembly memory, and the argument checks that refuse a call before any
 * memory is touched. Errors are relative: max |native − reference| / max |reference|.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNativeKernels, nativeAddonPath, type NativeKernels } from "../src/index";

const TOLERANCE = 1e-5;
const PLATFORM = `${process.platform}-${process.arch}`;
const PACKAGE = join(__dirname, "..");
const STATUS_FIXTURE = join(__dirname, "fixtures", "native_status.ts");

const status = loadNativeKernels();

// ---------------------------------------------------------------------------------------------------------------
// Shapes, data and the float64 reference

/** One stride-1 convolution: the 11 sizes of `dims`, plus the bottom and right pads that fix the output size. */
interface Shape {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
}

const outHeight = (s: Shape): number => s.inHeight + s.padTop + s.padBottom - s.filterHeight + 1;
const outWidth = (s: Shape): number => s.inWidth + s.padLeft + s.padRight - s.filterWidth + 1;
const inputSize = (s: Shape): number => s.batch * s.inHeight * s.inWidth * s.inChannels;
const outputSize = (s: Shape): number => s.batch * outHeight(s) * outWidth(s) * s.outChannels;
const filterSize = (s: Shape): number => s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;

function dimsOf(s: Shape): Int32Array {
  return Int32Array.of(
    s.batch,
    s.inHeight,
    s.inWidth,
    s.inChannels,
    outHeight(s),
    outWidth(s),
    s.outChannels,
    s.filterHeight,
    s.filterWidth,
    s.padTop,
    s.padLeft,
  );
}

function describeShape(s: Shape): string {
  return (
    `batch ${s.batch}, ${s.inHeight}×${s.inWidth}×${s.inChannels} → ${outHeight(s)}×${outWidth(s)}×${s.outChannels}, ` +
    `filter ${s.filterHeight}×${s.filterWidth}, pads top ${s.padTop} bottom ${s.padBottom} left ${s.padLeft} right ${s.padRight}`
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

/** An output array filled with NaN, so that an element the kernel does not write (or adds to) shows up. */
const unwritten = (length: number): Float32Array => new Float32Array(length).fill(Number.NaN);

/**
 * Calls `body(b, oh, ow, kh, kw, xBase, yBase, fBase)` for every tap of the convolution whose input pixel lies inside
 * the image: xBase, yBase and fBase are the offsets of channel 0 of x[b,ih,iw], y[b,oh,ow] and f[kh,kw,0,0].
 */
function forEachTap(s: Shape, body: (xBase: number, yBase: number, fBase: number) => void): void {
  const [OH, OW] = [outHeight(s), outWidth(s)];
  for (let b = 0; b < s.batch; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < s.filterHeight; kh++) {
          const ih = oh + kh - s.padTop;
          if (ih < 0 || ih >= s.inHeight) continue;
          for (let kw = 0; kw < s.filterWidth; kw++) {
            const iw = ow + kw - s.padLeft;
            if (iw < 0 || iw >= s.inWidth) continue;
            body(
              ((b * s.inHeight + ih) * s.inWidth + iw) * s.inChannels,
              ((b * OH + oh) * OW + ow) * s.outChannels,
              (kh * s.filterWidth + kw) * s.inChannels * s.outChannels,
            );
          }
        }
}

/** y[b,oh,ow,co] = Σ x[b, oh+kh−padTop, ow+kw−padLeft, ci] · f[kh,kw,ci,co] (+ bias[co], then max(·, 0) if relu). */
function referenceConv2d(x: Float32Array, f: Float32Array, bias: Float32Array | null, s: Shape, relu: boolean): Float64Array {
  const [C, K] = [s.inChannels, s.outChannels];
  const y = new Float64Array(outputSize(s));
  forEachTap(s, (xBase, yBase, fBase) => {
    for (let ci = 0; ci < C; ci++) {
      const xv = x[xBase + ci]!;
      const row = fBase + ci * K;
      for (let co = 0; co < K; co++) y[yBase + co]! += xv * f[row + co]!;
    }
  });
  if (bias !== null) for (let i = 0; i < y.length; i++) y[i]! += bias[i % K]!;
  // max(v, 0) that keeps NaN.
  if (relu) for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
  return y;
}

/** dx[b,ih,iw,ci] = Σ dy[b,oh,ow,co] · f[kh,kw,ci,co] over the taps with ih = oh+kh−padTop, iw = ow+kw−padLeft. */
function referenceBackpropInput(dy: Float32Array, f: Float32Array, s: Shape): Float64Array {
  const [C, K] = [s.inChannels, s.outChannels];
  const dx = new Float64Array(inputSize(s));
  forEachTap(s, (xBase, yBase, fBase) => {
    for (let ci = 0; ci < C; ci++) {
      const row = fBase + ci * K;
      let sum = 0;
      for (let co = 0; co < K; co++) sum += dy[yBase + co]! * f[row + co]!;
      dx[xBase + ci]! += sum;
    }
  });
  return dx;
}

/** df[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh+kh−padTop, ow+kw−padLeft, ci] · dy[b,oh,ow,co]. */
function referenceBackpropFilter(x: Float32Array, dy: Float32Array, s: Shape): Float64Array {
  const [C, K] = [s.inChannels, s.outChannels];
  const df = new Float64Array(filterSize(s));
  forEachTap(s, (xBase, yBase, fBase) => {
    for (let ci = 0; ci < C; ci++) {
      const xv = x[xBase + ci]!;
      const row = fBase + ci * K;
      for (let co = 0; co < K; co++) df[row + co]! += xv * dy[yBase + co]!;
    }
  });
  return df;
}

interface Comparison {
  /** max |actual − expected| / max |expected| over the elements where expected is finite (Infinity when one is not). */
  readonly relativeError: number;
  /** max |expected| over its finite elements: the scale the error is relative to. */
  readonly scale: number;
  /** The first few elements where the two disagree on NaN, ±Infinity or finiteness, as "index: actual vs expected". */
  readonly nonFiniteMismatches: string[];
  /** The element with the largest difference, as "index: actual vs expected". */
  readonly worst: string;
}

/**
 * Compares a kernel's float32 output with a float64 reference: NaN must meet NaN, ±Infinity the same infinity, and a
 * finite value a finite value within the relative error.
 */
function compare(actual: Float32Array, expected: Float64Array): Comparison {
  expect(actual.length).toBe(expected.length);
  let difference = 0;
  let scale = 0;
  let worst = "none";
  const nonFiniteMismatches: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
        if (nonFiniteMismatches.length < 5) nonFiniteMismatches.push(`${i}: ${a} vs ${e}`);
      }
      continue;
    }
    scale = Math.max(scale, Math.abs(e));
    if (Math.abs(a - e) > difference) {
      difference = Math.abs(a - e);
      worst = `${i}: ${a} vs ${e}`;
    }
  }
  const relativeError = scale === 0 ? difference : difference / scale;
  return { relativeError, scale, nonFiniteMismatches, worst };
}

/** Expects the output to match the reference within TOLERANCE (and the reference not to be all zeros). */
function expectClose(actual: Float32Array, expected: Float64Array, what: string): void {
  const result = compare(actual, expected);
  expect(result.nonFiniteMismatches, `${what}: NaN/Infinity mismatches`).toEqual([]);
  expect(result.scale, `${what}: the reference is all zeros`).toBeGreaterThan(0);
  expect(result.relativeError, `${what}: worst element ${result.worst}`).toBeLessThan(TOLERANCE);
}

// ---------------------------------------------------------------------------------------------------------------
// The table of shapes

/**
 * Channel counts on the side that is not vectorised (in channels forward and for the filter gradient, out channels for
 * the input gradient): 1, 2, 4, 8 and 16 take the filter gradient's fixed-size paths, 3, 5 and 24 (16 + 8) the others.
 */
const NARROW_CHANNELS = [1, 2, 3, 4, 5, 8, 16, 24, 32, 48] as const;
/** Channel counts on the vectorised side: multiples of 16. */
const WIDE_CHANNELS = [16, 32, 48] as const;
const FILTERS = [
  [1, 1],
  [2, 2],
  [3, 3],
  [5, 3],
] as const;
/** Tiny images, widths that are not multiples of the 8-pixel tile and wide ones: tiles and edge pixels both run. */
const IMAGES = [
  [1, 1],
  [3, 2],
  [5, 13],
  [4, 21],
  [3, 29],
  [2, 40],
  [6, 40],
] as const;

/** Pads (top, bottom, left, right) for a filter: none, full (k − 1 everywhere), "same" and lopsided ones. */
function padChoices(kh: number, kw: number): [number, number, number, number][] {
  const choices: [number, number, number, number][] = [
    [0, 0, 0, 0],
    [kh - 1, kh - 1, kw - 1, kw - 1],
    [Math.floor((kh - 1) / 2), Math.ceil((kh - 1) / 2), kw - 1, 0],
    [kh - 1, 0, Math.floor((kw - 1) / 2), kw - 1],
  ];
  return choices.filter((pads, i) => choices.findIndex((other) => other.join() === pads.join()) === i);
}

interface TableCase {
  readonly narrow: number;
  readonly wide: number;
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly filter: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
}

const TABLE: TableCase[] = (() => {
  const cases: TableCase[] = [];
  for (const filter of FILTERS)
    for (const [height, width] of IMAGES)
      for (const pads of padChoices(filter[0], filter[1])) {
        // Only shapes with at least one output pixel.
        if (height + pads[0] + pads[1] < filter[0] || width + pads[2] + pads[3] < filter[1]) continue;
        const i = cases.length;
        cases.push({
          narrow: NARROW_CHANNELS[i % NARROW_CHANNELS.length]!,
          wide: WIDE_CHANNELS[i % WIDE_CHANNELS.length]!,
          batch: 1 + (Math.floor(i / 2) % 3),
          height,
          width,
          filter,
          pads,
        });
      }
  return cases;
})();

function shapeOf(c: TableCase, inChannels: number, outChannels: number): Shape {
  return {
    batch: c.batch,
    inHeight: c.height,
    inWidth: c.width,
    inChannels,
    outChannels,
    filterHeight: c.filter[0],
    filterWidth: c.filter[1],
    padTop: c.pads[0],
    padBottom: c.pads[1],
    padLeft: c.pads[2],
    padRight: c.pads[3],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

describe("loadNativeKernels", () => {
  it("finds the kernels where the addon was built for this platform, and says why not elsewhere", () => {
    const path = nativeAddonPath();
    expect(path.endsWith(join("prebuilds", PLATFORM, "pg_native.node"))).toBe(true);
    if (process.env["PG_NATIVE"] === "0") {
      expect(status).toEqual({ available: false, reason: "turned off by PG_NATIVE=0" });
    } else if (!existsSync(path)) {
      // Only where the build script made nothing: any platform but linux and darwin, or no C compiler.
      expect(status).toEqual({ available: false, reason: `not built for ${PLATFORM}` });
    } else {
      // Built: then it must load, with all three kernels.
      expect(status.available ? "available" : status.reason).toBe("available");
      if (!status.available) return;
      expect(status.path).toBe(path);
      expect(["avx512", "avx2", "generic"]).toContain(status.kernels.instructionSet);
      for (const name of ["conv2d", "conv2dBackpropInput", "conv2dBackpropFilter"] as const) expect(typeof status.kernels[name]).toBe("function");
    }
    if (!status.available) expect(status.reason.length).toBeGreaterThan(0);
    // The cache: the same object every call.
    expect(loadNativeKernels()).toBe(status);
  });

  it("is available on linux-x64 (required under CI), unavailable with a reason where no addon is built", () => {
    if (PLATFORM === "linux-x64" && process.env["CI"] && process.env["PG_NATIVE"] !== "0") {
      expect(existsSync(nativeAddonPath())).toBe(true);
      expect(status.available ? "available" : status.reason).toBe("available");
    }
    if (PLATFORM !== "linux-x64" && !existsSync(nativeAddonPath())) {
      expect(status.available).toBe(false);
      if (!status.available) expect(status.reason).toMatch(new RegExp(`\\S.*${PLATFORM}|PG_NATIVE`));
    }
    // Either way: kernels, or a non-empty reason.
    expect(status.available || status.reason.trim().length > 0).toBe(true);
  });

  /** The status a fresh node process gets with the given PG_NATIVE (absent when undefined). */
  function statusInFreshProcess(pgNative: string | undefined): Record<string, unknown> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env["PG_NATIVE"];
    if (pgNative !== undefined) env["PG_NATIVE"] = pgNative;
    const child = spawnSync(process.execPath, ["--conditions=@pg/source", "--import", "tsx", STATUS_FIXTURE], {
      cwd: PACKAGE,
      env,
      encoding: "utf8",
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    return JSON.parse(child.stdout) as Record<string, unknown>;
  }

  it("is turned off by PG_NATIVE=0 (in a fresh process, as the status is cached per process), and only by 0", () => {
    expect(statusInFreshProcess("0")).toEqual({ available: false, reason: "turned off by PG_NATIVE=0" });
    // Without PG_NATIVE, and with any other value, a fresh process finds what this one would without it.
    const unset = statusInFreshProcess(undefined);
    expect(statusInFreshProcess("1")).toEqual(unset);
    if (existsSync(nativeAddonPath())) {
      expect(unset).toEqual({ available: true, path: nativeAddonPath(), instructionSet: expect.any(String) });
    } else {
      expect(unset).toEqual({ available: false, reason: `not built for ${PLATFORM}` });
    }
    if (status.available) expect(unset["instructionSet"]).toBe(status.kernels.instructionSet);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The kernels

if (status.available) kernelTests(status.kernels);
else {
  describe("the kernels", () => {
    it("are not tested here: the addon is not available", () => {
      expect(status.available).toBe(false);
      expect(PLATFORM !== "linux-x64" || !process.env["CI"] || process.env["PG_NATIVE"] === "0").toBe(true);
    });
  });
}

function kernelTests(native: NativeKernels): void {
  describe("the table of shapes", () => {
    it("covers every channel count, filter, image and both extreme pads", () => {
      expect(new Set(TABLE.map((c) => c.narrow))).toEqual(new Set(NARROW_CHANNELS));
      expect(new Set(TABLE.map((c) => c.wide))).toEqual(new Set(WIDE_CHANNELS));
      expect(new Set(TABLE.map((c) => c.batch))).toEqual(new Set([1, 2, 3]));
      for (const [kh, kw] of FILTERS) {
        const own = TABLE.filter((c) => c.filter[0] === kh && c.filter[1] === kw);
        expect(new Set(own.map((c) => `${c.height}×${c.width}`)).size).toBe(IMAGES.length);
        expect(own.some((c) => c.pads.every((p) => p === 0))).toBe(true);
        expect(own.some((c) => c.pads[0] === kh - 1 && c.pads[1] === kh - 1 && c.pads[2] === kw - 1 && c.pads[3] === kw - 1)).toBe(true);
      }
    });
  });

  describe("conv2d against float64 loops", () => {
    TABLE.forEach((c, index) => {
      const s = shapeOf(c, c.narrow, c.wide);
      it(describeShape(s), () => {
        const x = seeded(inputSize(s), 1000 + index);
        const f = seeded(filterSize(s), 2000 + index);
        const bias = seeded(s.outChannels, 3000 + index);
        const dims = dimsOf(s);
        for (const withBias of [false, true])
          for (const relu of [false, true]) {
            const y = unwritten(outputSize(s));
            native.conv2d(x, f, withBias ? bias : null, y, dims, relu);
            expectClose(y, referenceConv2d(x, f, withBias ? bias : null, s, relu), `bias ${withBias}, relu ${relu}`);
            if (relu) expect(y.every((v) => v >= 0)).toBe(true);
          }
      });
    });
  });

  describe("conv2dBackpropInput against float64 loops", () => {
    TABLE.forEach((c, index) => {
      // The vectorised side is the in channels here.
      const s = shapeOf(c, c.wide, c.narrow);
      it(describeShape(s), () => {
        const dy = seeded(outputSize(s), 4000 + index);
        const f = seeded(filterSize(s), 5000 + index);
        const dx = unwritten(inputSize(s));
        native.conv2dBackpropInput(dy, f, dx, dimsOf(s));
        expectClose(dx, referenceBackpropInput(dy, f, s), "dx");
      });
    });
  });

  describe("conv2dBackpropFilter against float64 loops", () => {
    TABLE.forEach((c, index) => {
      const s = shapeOf(c, c.narrow, c.wide);
      it(describeShape(s), () => {
        const x = seeded(inputSize(s), 6000 + index);
        const dy = seeded(outputSize(s), 7000 + index);
        const df = unwritten(filterSize(s));
        native.conv2dBackpropFilter(x, dy, df, dimsOf(s));
        expectClose(df, referenceBackpropFilter(x, dy, s), "dFilter");
      });
    });
  });

  describe("adjoint identities", () => {
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
    const absDot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, v, i) => sum + Math.abs(v * b[i]!), 0);
    const shapes: Shape[] = [
      { batch: 2, inHeight: 5, inWidth: 13, inChannels: 16, outChannels: 16, filterHeight: 3, filterWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 },
      { batch: 1, inHeight: 3, inWidth: 29, inChannels: 32, outChannels: 48, filterHeight: 5, filterWidth: 3, padTop: 4, padBottom: 0, padLeft: 0, padRight: 2 },
      { batch: 3, inHeight: 4, inWidth: 40, inChannels: 48, outChannels: 16, filterHeight: 2, filterWidth: 2, padTop: 0, padBottom: 1, padLeft: 1, padRight: 0 },
      { batch: 2, inHeight: 1, inWidth: 1, inChannels: 16, outChannels: 32, filterHeight: 3, filterWidth: 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2 },
      { batch: 1, inHeight: 6, inWidth: 21, inChannels: 16, outChannels: 16, filterHeight: 1, filterWidth: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 },
      { batch: 2, inHeight: 7, inWidth: 11, inChannels: 32, outChannels: 32, filterHeight: 5, filterWidth: 3, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 },
    ];
    shapes.forEach((s, index) => {
      it(`⟨conv(x, f), dy⟩ = ⟨x, dx(dy, f)⟩ = ⟨f, dFilter(x, dy)⟩: ${describeShape(s)}`, () => {
        const dims = dimsOf(s);
        const x = seeded(inputSize(s), 8000 + index);
        const f = seeded(filterSize(s), 8100 + index);
        const dy = seeded(outputSize(s), 8200 + index);
        const y = unwritten(outputSize(s));
        const dx = unwritten(inputSize(s));
        const df = unwritten(filterSize(s));
        native.conv2d(x, f, null, y, dims, false);
        native.conv2dBackpropInput(dy, f, dx, dims);
        native.conv2dBackpropFilter(x, dy, df, dims);
        const [forward, input, filter] = [dot(y, dy), dot(x, dx), dot(f, df)];
        // Relative to the largest Σ|aᵢbᵢ|, the size rounding errors scale with.
        const scale = Math.max(absDot(y, dy), absDot(x, dx), absDot(f, df));
        expect(scale).toBeGreaterThan(0);
        expect(Math.abs(forward - input) / scale).toBeLessThan(TOLERANCE);
        expect(Math.abs(forward - filter) / scale).toBeLessThan(TOLERANCE);
      });
    });
  });

  describe("NaN and Infinity", () => {
    it("a 1×1 filter maps NaN, ±Infinity and negatives pixel by pixel, in tiles and at the edges", () => {
      // One row of 13 pixels with 1 channel: pixels 0–7 form a tile, 8–12 are edge pixels.
      const s: Shape = { batch: 1, inHeight: 1, inWidth: 13, inChannels: 1, outChannels: 16, filterHeight: 1, filterWidth: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
      const x = Float32Array.of(0.5, Number.NaN, Infinity, -Infinity, -3, 2, 1, -1, 4, Number.NaN, Infinity, -Infinity, -2);
      // Weights: channel 0 positive, 1 negative, 2 zero (∞·0 is NaN), the rest mixed.
      const f = Float32Array.from({ length: 16 }, (_, k) => (k === 0 ? 1 : k === 1 ? -1 : k === 2 ? 0 : k % 2 === 0 ? 0.25 * k : -0.5 * k));
      for (const relu of [false, true]) {
        const y = unwritten(13 * 16);
        native.conv2d(x, f, null, y, dimsOf(s), relu);
        const at = (pixel: number, k: number): number => y[pixel * 16 + k]!;
        for (const pixel of [1, 9]) for (let k = 0; k < 16; k++) expect(at(pixel, k)).toBeNaN();
        for (const pixel of [2, 10]) {
          expect(at(pixel, 0)).toBe(Infinity);
          expect(at(pixel, 1)).toBe(relu ? 0 : -Infinity);
          expect(at(pixel, 2)).toBeNaN();
        }
        for (const pixel of [3, 11]) {
          expect(at(pixel, 0)).toBe(relu ? 0 : -Infinity);
          expect(at(pixel, 1)).toBe(Infinity);
          expect(at(pixel, 2)).toBeNaN();
        }
        // Finite pixels: −3·1, −2·1 negative → 0 under relu; −3·(−1) positive either way.
        expect(at(4, 0)).toBe(relu ? 0 : -3);
        expect(at(12, 0)).toBe(relu ? 0 : -2);
        expect(at(4, 1)).toBe(3);
        expect(at(8, 0)).toBe(4);
        expect(at(8, 1)).toBe(relu ? 0 : -4);
        expectClose(y, referenceConv2d(x, f, null, s, relu), `relu ${relu}`);
      }
    });

    it("relu keeps NaN and zeroes negatives, including −Infinity, with a bias", () => {
      const s: Shape = { batch: 1, inHeight: 1, inWidth: 9, inChannels: 1, outChannels: 16, filterHeight: 1, filterWidth: 1, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0 };
      const x = Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1, 1);
      // Filter of ones and a bias with NaN, ±Infinity, negatives, zero and positives.
      const f = new Float32Array(16).fill(1);
      const bias = Float32Array.of(Number.NaN, -Infinity, Infinity, -5, -1, -1.5, 0, 2, -0.25, 0.5, Number.NaN, -100, 3, -2, -1, 7);
      const y = unwritten(9 * 16);
      native.conv2d(x, f, bias, y, dimsOf(s), true);
      for (let pixel = 0; pixel < 9; pixel++) {
        const row = Array.from(y.subarray(pixel * 16, pixel * 16 + 16));
        expect(row).toEqual([Number.NaN, 0, Infinity, 0, 0, 0, 1, 3, 0.75, 1.5, Number.NaN, 0, 4, 0, 0, 8]);
      }
    });

    it("NaN and ±Infinity in x spread over every output whose window holds them (3×3, tiles and edges), as in float64", () => {
      const s: Shape = { batch: 2, inHeight: 4, inWidth: 21, inChannels: 3, outChannels: 32, filterHeight: 3, filterWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
      const x = seeded(inputSize(s), 9000);
      const f = seeded(filterSize(s), 9001);
      // Output channel 5's weights are all zero: there ∞·0 gives NaN rather than 0.
      for (let tap = 0; tap < 9 * 3; tap++) f[tap * 32 + 5] = 0;
      const pixel = (b: number, h: number, w: number): number => ((b * 4 + h) * 21 + w) * 3;
      x[pixel(0, 1, 4) + 0] = Number.NaN; // inside a tile
      x[pixel(0, 2, 20) + 1] = Infinity; // at the right edge
      x[pixel(1, 0, 0) + 2] = -Infinity; // at the top-left corner
      x[pixel(1, 3, 10) + 1] = Infinity;
      x[pixel(1, 3, 11) + 1] = -Infinity; // two windows holding both infinities: NaN
      for (const relu of [false, true]) {
        const y = unwritten(outputSize(s));
        native.conv2d(x, f, null, y, dimsOf(s), relu);
        const expected = referenceConv2d(x, f, null, s, relu);
        expectClose(y, expected, `relu ${relu}`);
        const count = (values: ArrayLike<number>, test: (v: number) => boolean): number => Array.from(values).filter(test).length;
        // The NaN pixel's 3×3 neighbourhood is NaN in all 32 channels; the others add more.
        expect(count(y, Number.isNaN)).toBeGreaterThanOrEqual(9 * 32);
        expect(count(y, Number.isNaN)).toBe(count(expected, Number.isNaN));
        expect(count(y, (v) => v === Infinity)).toBeGreaterThan(0);
        expect(count(y, (v) => v === -Infinity)).toBe(relu ? 0 : count(expected, (v) => v === -Infinity));
        if (!relu) expect(count(y, (v) => v === -Infinity)).toBeGreaterThan(0);
      }
    });

    it("NaN and ±Infinity in dy reach dx and dFilter as in float64", () => {
      const s: Shape = { batch: 1, inHeight: 3, inWidth: 13, inChannels: 16, outChannels: 16, filterHeight: 3, filterWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 };
      const x = seeded(inputSize(s), 9100);
      const f = seeded(filterSize(s), 9101);
      const dy = seeded(outputSize(s), 9102);
      dy[(1 * 13 + 9) * 16 + 3] = Number.NaN;
      dy[(0 * 13 + 0) * 16 + 7] = Infinity;
      const dx = unwritten(inputSize(s));
      const df = unwritten(filterSize(s));
      native.conv2dBackpropInput(dy, f, dx, dimsOf(s));
      native.conv2dBackpropFilter(x, dy, df, dimsOf(s));
      expectClose(dx, referenceBackpropInput(dy, f, s), "dx");
      expectClose(df, referenceBackpropFilter(x, dy, s), "dFilter");
      expect(dx.some(Number.isNaN)).toBe(true);
      expect(df.some(Number.isNaN)).toBe(true);
      expect(df.some((v) => Math.abs(v) === Infinity)).toBe(true);
    });
  });

  describe("views inside one buffer", () => {
    const s: Shape = { batch: 2, inHeight: 5, inWidth: 13, inChannels: 3, outChannels: 32, filterHeight: 3, filterWidth: 3, padTop: 1, padBottom: 2, padLeft: 2, padRight: 0 };
    const sInput: Shape = { ...s, inChannels: 32, outChannels: 3 };
    const SENTINEL = -12345.625;
    const heaps = {
      "a WebAssembly.Memory": () => new WebAssembly.Memory({ initial: 2 }).buffer,
      "an ArrayBuffer": () => new ArrayBuffer(2 * 65536),
    };

    for (const [name, makeBuffer] of Object.entries(heaps)) {
      it(`compute in place on Float32Array views at odd offsets of ${name}, touching nothing else`, () => {
        const buffer = makeBuffer();
        const heap = new Float32Array(buffer).fill(SENTINEL);
        // Consecutive regions, each after a gap of 3 floats, starting at an odd float offset (not 64-byte aligned).
        let next = 5;
        const view = (length: number): Float32Array => {
          const v = new Float32Array(buffer, next * 4, length);
          next += length + 3;
          return v;
        };
        const [x, f, bias, y] = [view(inputSize(s)), view(filterSize(s)), view(s.outChannels), view(outputSize(s))];
        const [dy, df] = [view(outputSize(s)), view(filterSize(s))];
        // The input gradient vectorises over in channels: its own shape, with in and out channels swapped.
        const [dyInput, fInput, dx] = [view(outputSize(sInput)), view(filterSize(sInput)), view(inputSize(sInput))];
        expect(next).toBeLessThan(heap.length);
        x.set(seeded(x.length, 1));
        f.set(seeded(f.length, 2));
        bias.set(seeded(bias.length, 3));
        dy.set(seeded(dy.length, 4));
        dyInput.set(seeded(dyInput.length, 5));
        fInput.set(seeded(fInput.length, 6));
        const dims = dimsOf(s);

        /** Runs `call`, then checks that it wrote all of `output` and nothing outside it. */
        const onlyWrites = (output: Float32Array, call: () => void): void => {
          const before = heap.slice();
          call();
          const start = output.byteOffset / 4;
          const end = start + output.length;
          expect(heap[start - 1]).toBe(SENTINEL);
          expect(heap[end]).toBe(SENTINEL);
          const changedOutside = before.findIndex((v, i) => (i < start || i >= end) && !Object.is(v, heap[i]));
          expect(changedOutside).toBe(-1);
          expect(output.includes(SENTINEL)).toBe(false);
        };

        onlyWrites(y, () => native.conv2d(x, f, bias, y, dims, true));
        const ySeparate = new Float32Array(y.length);
        native.conv2d(x.slice(), f.slice(), bias.slice(), ySeparate, dims, true);
        expect(y).toEqual(ySeparate);
        expectClose(y, referenceConv2d(x, f, bias, s, true), "y");

        onlyWrites(dx, () => native.conv2dBackpropInput(dyInput, fInput, dx, dimsOf(sInput)));
        const dxSeparate = new Float32Array(dx.length);
        native.conv2dBackpropInput(dyInput.slice(), fInput.slice(), dxSeparate, dimsOf(sInput));
        expect(dx).toEqual(dxSeparate);
        expectClose(dx, referenceBackpropInput(dyInput, fInput, sInput), "dx");

        onlyWrites(df, () => native.conv2dBackpropFilter(x, dy, df, dims));
        const dfSeparate = new Float32Array(df.length);
        native.conv2dBackpropFilter(x.slice(), dy.slice(), dfSeparate, dims);
        expect(df).toEqual(dfSeparate);
        expectClose(df, referenceBackpropFilter(x, dy, s), "dFilter");
      });
    }
  });

  describe("argument checks", () => {
    const SENTINEL = 777.5;
    const filled = (length: number): Float32Array => new Float32Array(length).fill(SENTINEL);
    /** Forward and filter gradient: out channels are the vectorised side. */
    const sOut: Shape = { batch: 2, inHeight: 3, inWidth: 5, inChannels: 2, outChannels: 16, filterHeight: 2, filterWidth: 2, padTop: 1, padBottom: 0, padLeft: 1, padRight: 0 };
    /** Input gradient: in channels are the vectorised side. */
    const sIn: Shape = { ...sOut, inChannels: 16, outChannels: 3 };

    interface KernelCase {
      readonly name: "conv2d" | "conv2dBackpropInput" | "conv2dBackpropFilter";
      readonly shape: Shape;
      /** The Float32Array arguments in order, with the floats each needs (0 for the optional bias). */
      readonly arrays: readonly (readonly [string, number])[];
      /** The index of the output among the arguments. */
      readonly output: number;
      /** Arguments after dims. */
      readonly tail: readonly unknown[];
      /** The channel count that must be a multiple of 16, and its index in dims. */
      readonly vectorised: readonly [string, number];
    }
    const cases: KernelCase[] = [
      {
        name: "conv2d",
        shape: sOut,
        arrays: [["x", inputSize(sOut)], ["filter", filterSize(sOut)], ["bias", sOut.outChannels], ["y", outputSize(sOut)]],
        output: 3,
        tail: [true],
        vectorised: ["out_channels", 6],
      },
      {
        name: "conv2dBackpropInput",
        shape: sIn,
        arrays: [["dy", outputSize(sIn)], ["filter", filterSize(sIn)], ["dx", inputSize(sIn)]],
        output: 2,
        tail: [],
        vectorised: ["in_channels", 3],
      },
      {
        name: "conv2dBackpropFilter",
        shape: sOut,
        arrays: [["x", inputSize(sOut)], ["dy", outputSize(sOut)], ["dFilter", filterSize(sOut)]],
        output: 2,
        tail: [],
        vectorised: ["out_channels", 6],
      },
    ];

    for (const k of cases) {
      const call = (args: readonly unknown[]): unknown => Reflect.apply(native[k.name], native, args);
      /** Valid arguments: inputs seeded, the output filled with the sentinel. */
      const validArrays = (): Float32Array[] =>
        k.arrays.map(([, length], i) => (i === k.output ? filled(length) : seeded(length, 50 + i)));
      /**
       * Calls with the arrays, dims and tail given, expects `error` with exactly `message`, and checks that no array
       * was written: the output (and any replacement of it) still holds the sentinel, and the inputs their values.
       */
      const expectRefused = (
        args: readonly unknown[],
        error: typeof RangeError | typeof TypeError,
        message: string,
      ): void => {
        const copies = args.map((a) => (a instanceof Float32Array ? a.slice() : a));
        expect(() => call(args)).toThrow(error);
        expect(() => call(args)).toThrow(message);
        let thrown: unknown;
        try {
          call(args);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(error);
        expect((thrown as Error).message).toBe(message);
        args.forEach((a, i) => {
          if (a instanceof Float32Array) expect(a).toEqual(copies[i]);
        });
        const output = args[k.output];
        if (output instanceof Float32Array) expect(output.every((v) => v === SENTINEL)).toBe(true);
      };

      describe(k.name, () => {
        it("accepts the valid arguments (longer arrays too) and writes exactly the output's floats", () => {
          const arrays = validArrays();
          call([...arrays, dimsOf(k.shape), ...k.tail]);
          expect(arrays[k.output]!.some((v) => v === SENTINEL)).toBe(false);
          const longer = k.arrays.map(([, length], i) => (i === k.output ? filled(length + 7) : seeded(length + 7, 60 + i)));
          call([...longer, dimsOf(k.shape), ...k.tail]);
          const output = longer[k.output]!;
          const needed = k.arrays[k.output]![1];
          expect(output.subarray(0, needed).some((v) => v === SENTINEL)).toBe(false);
          expect(Array.from(output.subarray(needed))).toEqual(new Array<number>(7).fill(SENTINEL));
        });

        it("refuses an array shorter than the sizes need with a RangeError naming it", () => {
          k.arrays.forEach(([argument, length], i) => {
            // (An empty bias is the subject of its own test below.)
            for (const short of argument === "bias" ? [length - 1, 1] : [length - 1, 0]) {
              const args: unknown[] = [...validArrays(), dimsOf(k.shape), ...k.tail];
              args[i] = filled(short);
              expectRefused(args, RangeError, `${k.name}: ${argument} holds ${short} floats, the sizes need ${length}`);
            }
          });
        });

        it("refuses anything but a Float32Array with a TypeError naming the argument", () => {
          k.arrays.forEach(([argument, length], i) => {
            const nullable = k.name === "conv2d" && argument === "bias";
            const wrong: unknown[] = [
              new Array<number>(length).fill(1),
              new Float64Array(length),
              new Int32Array(length),
              new Uint8Array(4 * length),
              new DataView(new ArrayBuffer(4 * length)),
              new ArrayBuffer(4 * length),
              "x",
              7,
            ];
            if (!nullable) wrong.push(null, undefined);
            for (const value of wrong) {
              const args: unknown[] = [...validArrays(), dimsOf(k.shape), ...k.tail];
              args[i] = value;
              expectRefused(args, TypeError, `${k.name}: ${argument} must be a Float32Array${nullable ? " or null" : ""}`);
            }
          });
        });

        it("refuses dims that are not an Int32Array of 11 sizes", () => {
          const good = Array.from(dimsOf(k.shape));
          for (const dims of [
            Int32Array.from(good.slice(0, 10)),
            Int32Array.from([...good, 0]),
            Float64Array.from(good),
            Float32Array.from(good),
            Uint32Array.from(good),
            good,
            null,
          ]) {
            expectRefused([...validArrays(), dims, ...k.tail], RangeError, `${k.name}: dims must be an Int32Array of 11 sizes`);
          }
        });

        it("refuses a size below 1", () => {
          for (let index = 0; index < 9; index++)
            for (const size of [0, -1, -2147483648]) {
              const dims = dimsOf(k.shape);
              dims[index] = size;
              expectRefused([...validArrays(), dims, ...k.tail], RangeError, `${k.name}: every size in dims must be at least 1`);
            }
        });

        it("refuses pads outside [0, filter size)", () => {
          for (const [index, value] of [[9, -1], [9, 2], [9, 3], [10, -1], [10, 2], [10, 100]] as const) {
            const dims = dimsOf(k.shape);
            dims[index] = value;
            expectRefused([...validArrays(), dims, ...k.tail], RangeError, `${k.name}: pads must lie in [0, filter size)`);
          }
          // Both pads at filter size − 1 are allowed.
          const dims = dimsOf(k.shape);
          dims.set([1, 1], 9);
          expect(() => call([...validArrays(), dims, ...k.tail])).not.toThrow();
        });

        it("refuses sizes too large to index", () => {
          for (const [index, value] of [[7, 65], [8, 65], [0, 65537], [1, 65537], [2, 65537]] as const) {
            const dims = dimsOf(k.shape);
            dims[index] = value;
            expectRefused([...validArrays(), dims, ...k.tail], RangeError, `${k.name}: dims too large`);
          }
        });

        it(`refuses ${k.vectorised[0]} that are not a multiple of 16`, () => {
          const [what, index] = k.vectorised;
          for (const channels of [8, 15, 17, 24, 1]) {
            const dims = dimsOf(k.shape);
            dims[index] = channels;
            expectRefused([...validArrays(), dims, ...k.tail], RangeError, `${k.name}: ${what} (${channels}) must be a multiple of 16`);
          }
        });

        it("refuses too few arguments", () => {
          const args = [...validArrays(), dimsOf(k.shape), ...k.tail];
          for (let count = 0; count < args.length; count++) {
            expectRefused(args.slice(0, count), RangeError, `${k.name}: too few arguments`);
          }
        });
      });
    }

    it("conv2d: the message for a filter one float short names the function, the argument and both counts", () => {
      const y = filled(16);
      const dims = Int32Array.of(1, 1, 1, 1, 1, 1, 16, 1, 1, 0, 0);
      expect(() => native.conv2d(Float32Array.of(2), new Float32Array(15), null, y, dims, false)).toThrow(
        new RangeError("conv2d: filter holds 15 floats, the sizes need 16"),
      );
      expect(y.every((v) => v === SENTINEL)).toBe(true);
      native.conv2d(Float32Array.of(2), new Float32Array(16).fill(0.5), null, y, dims, false);
      expect(Array.from(y)).toEqual(new Array<number>(16).fill(1));
    });

    it("conv2d: refuses a bias shorter than the out channels, an empty one included", () => {
      const dims = dimsOf(sOut);
      const [x, f] = [seeded(inputSize(sOut), 1), seeded(filterSize(sOut), 2)];
      const biases: [string, Float32Array][] = [
        ["15 floats", filled(15)],
        ["1 float", filled(1)],
        ["an empty view at an offset", new Float32Array(new ArrayBuffer(64), 16, 0)],
        ["new Float32Array(0)", new Float32Array(0)],
      ];
      for (const [what, bias] of biases) {
        const y = filled(outputSize(sOut));
        let thrown: unknown = "nothing";
        try {
          native.conv2d(x, f, bias, y, dims, false);
        } catch (e) {
          thrown = e;
        }
        expect(thrown instanceof RangeError ? thrown.message : `${what}: ${String(thrown)} thrown`).toBe(
          `conv2d: bias holds ${bias.length} floats, the sizes need 16`,
        );
        expect(y.every((v) => v === SENTINEL), `${what}: y untouched`).toBe(true);
      }
    });

    it("conv2d: refuses a relu that is not a boolean; an undefined bias means none, like null", () => {
      const dims = dimsOf(sOut);
      const [x, f] = [seeded(inputSize(sOut), 1), seeded(filterSize(sOut), 2)];
      for (const relu of [1, 0, "true", undefined, null]) {
        const y = filled(outputSize(sOut));
        expect(() => Reflect.apply(native.conv2d, native, [x, f, null, y, dims, relu])).toThrow(new TypeError("conv2d: relu must be a boolean"));
        expect(y.every((v) => v === SENTINEL)).toBe(true);
      }
      // undefined as the bias means none, like null.
      const [withNull, withUndefined] = [filled(outputSize(sOut)), filled(outputSize(sOut))];
      native.conv2d(x, f, null, withNull, dims, false);
      Reflect.apply(native.conv2d, native, [x, f, undefined, withUndefined, dims, false]);
      expect(withUndefined).toEqual(withNull);
      expectClose(withNull, referenceConv2d(x, f, null, sOut, false), "y");
    });
  });
}
