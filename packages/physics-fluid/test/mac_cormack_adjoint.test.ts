import { PgNonFiniteError, PgShapeError, PgValidationError } from "@pg/core";
import { relativeDifference, testRandom } from "@pg/core/testing";
import { describe, expect, it } from "vitest";
import { SAMPLE_OFFSETS, type FluidGrid, type SampleOffset, type StaggeredVelocity } from "../src/fluid_grid";
import { advectStaggered, macCormack } from "../src/mac_cormack";
import { advectStaggeredAdjoint, macCormackAdjoint } from "../src/mac_cormack_adjoint";
import { interpolatePeriodic, periodicNodeBounds, samplePositions } from "../src/periodic_interpolation";

const GRID: FluidGrid = { nx: 8, ny: 6, dx: 2 };
const DT = 0.25;
const OFFSETS: readonly [string, SampleOffset][] = Object.entries(SAMPLE_OFFSETS);

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function randomVector(seed: number, length: number): Float64Array {
  const random = testRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

/** A smooth periodic field per example: a few of the lowest Fourier modes with random phases, scaled to max |·| = 1. */
function smoothField(seed: number, grid: FluidGrid, batch: number): Float64Array {
  const random = testRandom(seed);
  const { nx, ny } = grid;
  const out = new Float64Array(batch * nx * ny);
  for (let b = 0; b < batch; b++) {
    const example = out.subarray(b * nx * ny, (b + 1) * nx * ny);
    for (const [kx, ky] of [
      [0, 1],
      [1, 0],
      [1, 1],
      [1, -1],
    ] as const) {
      const amplitude = 0.3 + random();
      const phase = 2 * Math.PI * random();
      for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny; j++) example[i * ny + j] = (example[i * ny + j] as number) + amplitude * Math.cos(2 * Math.PI * ((kx * i) / nx + (ky * j) / ny) + phase);
      }
    }
    const peak = example.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let k = 0; k < example.length; k++) example[k] = (example[k] as number) / peak;
  }
  return out;
}

/**
 * A staggered velocity whose index-space displacement dt·v/dx is (cx, cy) + noise·smooth per component, so the
 * back-traced points stay at a known distance from the cell lines.
 */
function velocityField(seed: number, grid: FluidGrid, batch: number, cx: number, cy: number, noise: number): StaggeredVelocity {
  const scale = grid.dx / DT;
  return {
    x: smoothField(seed, grid, batch).map((v) => scale * (cx + noise * v)),
    y: smoothField(seed + 1, grid, batch).map((v) => scale * (cy + noise * v)),
  };
}

/**
 * Test-local reference of the MacCormack step from the public interpolation functions (physical coordinates): the unclamped
 * value φ̂ + ½(φ − φ̃), the clamp range, and the fractional index parts of B.
 */
function reference(field: Float64Array, offset: SampleOffset, velocity: StaggeredVelocity, dt: number, grid: FluidGrid, batch: number) {
  const { px, py } = samplePositions(grid, offset, batch);
  const vx = interpolatePeriodic(velocity.x, grid, SAMPLE_OFFSETS.xFaces, px, py, batch);
  const vy = interpolatePeriodic(velocity.y, grid, SAMPLE_OFFSETS.yFaces, px, py, batch);
  const bx = px.map((p, k) => p - dt * (vx[k] as number));
  const by = py.map((p, k) => p - dt * (vy[k] as number));
  const fx = px.map((p, k) => p + dt * (vx[k] as number));
  const fy = py.map((p, k) => p + dt * (vy[k] as number));
  const hat = interpolatePeriodic(field, grid, offset, bx, by, batch);
  const back = interpolatePeriodic(hat, grid, offset, fx, fy, batch);
  const unclamped = hat.map((h, k) => h + 0.5 * ((field[k] as number) - (back[k] as number)));
  const { lower, upper } = periodicNodeBounds(field, grid, offset, bx, by, batch);
  const frac = (v: number) => v - Math.floor(v);
  // distance of B (and hence of F = 2X − B) from the nearest cell line, in cells
  let lineDistance = Infinity;
  for (let k = 0; k < bx.length; k++) {
    for (const t of [frac((bx[k] as number) / grid.dx - offset.x), frac((by[k] as number) / grid.dx - offset.y)]) {
      lineDistance = Math.min(lineDistance, t, 1 - t);
    }
  }
  // the 2 × 2 nodes of the field around B, absolute indices
  const { nx, ny } = grid;
  const nodes = Array.from(bx, (x, k) => {
    const base = Math.floor(k / (nx * ny)) * nx * ny;
    const i0 = Math.floor((x as number) / grid.dx - offset.x);
    const j0 = Math.floor((by[k] as number) / grid.dx - offset.y);
    const wrap = (n: number, m: number) => ((n % m) + m) % m;
    return [0, 1].flatMap((di) => [0, 1].map((dj) => base + wrap(i0 + di, nx) * ny + wrap(j0 + dj, ny)));
  });
  let clamped = 0;
  let boundDistance = Infinity; // how close the unclamped value comes to a bound, over all samples
  for (let k = 0; k < unclamped.length; k++) {
    const c = unclamped[k] as number;
    if (c < (lower[k] as number) || c > (upper[k] as number)) clamped++;
    boundDistance = Math.min(boundDistance, Math.abs(c - (lower[k] as number)), Math.abs(c - (upper[k] as number)));
  }
  return { unclamped, lower, upper, nodes, lineDistance, clamped, boundDistance };
}

/** Central, forward and backward differences of a scalar function, coordinate by coordinate. */
function differences(f: (x: Float64Array) => number, x: Float64Array, h: number) {
  const central = new Float64Array(x.length);
  let oneSidedGap = 0; // max |D₊ − D₋|
  const f0 = f(x);
  for (let i = 0; i < x.length; i++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] = (xp[i] as number) + h;
    xm[i] = (xm[i] as number) - h;
    const fp = f(xp);
    const fm = f(xm);
    central[i] = (fp - fm) / (2 * h);
    oneSidedGap = Math.max(oneSidedGap, Math.abs((fp - f0) / h - (f0 - fm) / h));
  }
  return { central, oneSidedGap };
}

/** Packs batch examples of [φ, u.x, u.y] (each nx·ny) into one vector, and back. */
function pack(parts: readonly Float64Array[], cells: number, batch: number): Float64Array {
  const out = new Float64Array(parts.length * cells * batch);
  for (let b = 0; b < batch; b++) {
    parts.forEach((p, c) => out.set(p.subarray(b * cells, (b + 1) * cells), (b * parts.length + c) * cells));
  }
  return out;
}
function unpack(x: Float64Array, count: number, cells: number, batch: number): Float64Array[] {
  return Array.from({ length: count }, (_, c) => {
    const part = new Float64Array(cells * batch);
    for (let b = 0; b < batch; b++) part.set(x.subarray((b * count + c) * cells, (b * count + c + 1) * cells), b * cells);
    return part;
  });
}

describe("macCormackAdjoint", () => {
  it("is the exact transpose of the (piecewise linear) field map: ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ with J built without differences", () => {
    // With u fixed, φ ↦ macCormack(φ) is linear in φ away from clamp switches: row k is the unclamped scheme
    // φ̂ + ½(φ − φ̃) (linear in φ; evaluated by the test-local reference on v) or, where the forward clamps, the
    // selection of the node of φ holding the bound. Even smooth fields clamp a few samples at their extrema, so J is
    // assembled row by row from the reference's branch decisions; the margin keeps those decisions unambiguous.
    const batch = 3;
    const cells = GRID.nx * GRID.ny;
    for (const [name, offset] of OFFSETS) {
      const phi = smoothField(21, GRID, batch);
      const velocity = velocityField(31, GRID, batch, 0.3, -0.2, 0.05);
      const ref = reference(phi, offset, velocity, DT, GRID, batch);
      expect(ref.boundDistance, name).toBeGreaterThan(1e-3);
      expect(ref.clamped, name).toBeGreaterThan(0);
      const out = macCormack(phi, offset, velocity, DT, GRID, batch);
      expect(relativeDifference(out, ref.unclamped.map((c, k) => Math.min(Math.max(c, ref.lower[k] as number), ref.upper[k] as number)))).toBeLessThan(1e-14);
      const v = randomVector(41, batch * cells);
      const w = randomVector(42, batch * cells);
      const lv = reference(v, offset, velocity, DT, GRID, batch).unclamped;
      const jv = lv.map((value, k) => {
        const c = ref.unclamped[k] as number;
        if (c >= (ref.lower[k] as number) && c <= (ref.upper[k] as number)) return value;
        const nodes = ref.nodes[k] as number[]; // the clamped output is the unique node equal to the bound
        const holder = nodes.filter((n) => phi[n] === out[k]);
        expect(holder).toHaveLength(1);
        return v[holder[0] as number] as number;
      });
      const jtw = macCormackAdjoint(phi, offset, velocity, DT, GRID, batch, w).field;
      const left = dot(jv, w);
      const right = dot(v, jtw);
      const scale = Math.sqrt(dot(jv, jv) * dot(w, w));
      expect(Math.abs(left - right) / scale, `${name}: ⟨Jv, w⟩ = ${left}, ⟨v, Jᵀw⟩ = ${right}`).toBeLessThan(1e-13);
      // and restricted to unclamped samples J is the linear scheme itself
      const wFree = w.map((wk, k) => (jv[k] === lv[k] ? wk : 0));
      const freeRight = dot(v, macCormackAdjoint(phi, offset, velocity, DT, GRID, batch, wFree).field);
      expect(Math.abs(dot(lv, wFree) - freeRight) / scale).toBeLessThan(1e-13);
    }
  });

  it("transposes a whole-cell shift exactly (a permutation), field and batch", () => {
    const grid = { nx: 5, ny: 4, dx: 2 };
    const cells = 20;
    const velocity = { x: new Float64Array(2 * cells).fill(-8), y: new Float64Array(2 * cells).fill(8) }; // (−1, +1) cells
    const phi = randomVector(3, 2 * cells);
    const w = randomVector(4, 2 * cells);
    const moved = macCormack(phi, SAMPLE_OFFSETS.centre, velocity, DT, grid, 2);
    const g = macCormackAdjoint(phi, SAMPLE_OFFSETS.centre, velocity, DT, grid, 2, w).field;
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 4; j++) {
          const source = b * cells + ((i + 1) % 5) * 4 + ((j + 3) % 4); // moved(i, j) = φ(i + 1, j − 1)
          expect(moved[b * cells + i * 4 + j]).toBe(phi[source]);
          expect(g[source]).toBeCloseTo(w[b * cells + i * 4 + j] as number, 14);
        }
      }
    }
  });

  it("matches central finite differences of ⟨macCormack(φ, u), w⟩ in φ and u, smooth inputs, all offsets (8 × 6, batch 2)", () => {
    const batch = 2;
    const cells = GRID.nx * GRID.ny;
    const h = 1e-5;
    for (const [name, offset] of OFFSETS) {
      for (const [cx, cy] of [
        [0.3, -0.25],
        [-1.35, 0.6],
      ] as const) {
        const phi = smoothField(51, GRID, batch);
        const velocity = velocityField(61, GRID, batch, cx, cy, 0.08);
        const ref = reference(phi, offset, velocity, DT, GRID, batch);
        expect(ref.lineDistance).toBeGreaterThan(0.05); // B and F stay 0.05 cells from the cell lines
        expect(ref.boundDistance).toBeGreaterThan(1e-4); // the clamp does not switch within the step
        const w = randomVector(71, batch * cells);
        const s = (x: Float64Array) => {
          const [f, ux, uy] = unpack(x, 3, cells, batch) as [Float64Array, Float64Array, Float64Array];
          return dot(w, macCormack(f, offset, { x: ux, y: uy }, DT, GRID, batch));
        };
        const { central, oneSidedGap } = differences(s, pack([phi, velocity.x, velocity.y], cells, batch), h);
        const g = macCormackAdjoint(phi, offset, velocity, DT, GRID, batch, w);
        const adjoint = pack([g.field, g.velocity.x, g.velocity.y], cells, batch);
        const label = `${name}, shift (${cx}, ${cy}), ${ref.clamped} clamped`;
        expect(oneSidedGap, label).toBeLessThan(1e-4); // no kink crossed
        expect(relativeDifference(adjoint, central), label).toBeLessThan(1e-6);
        // the velocity part is not vacuous
        expect(Math.max(...g.velocity.x.map(Math.abs)), label).toBeGreaterThan(1e-3);
        expect(Math.max(...g.velocity.y.map(Math.abs)), label).toBeGreaterThan(1e-3);
      }
    }
  });

  it("matches finite differences where the clamp is active (a sharp step), and routes clamped samples to the bound node", () => {
    const batch = 2;
    const cells = GRID.nx * GRID.ny;
    const h = 1e-5;
    // a block of ones plus a small smooth ripple (breaks ties between nodes and keeps φ_new off the bounds)
    const ripple = smoothField(86, GRID, batch);
    const phi = ripple.map((r, k) => {
      const i = Math.floor((k % cells) / GRID.ny);
      const j = k % GRID.ny;
      return (i >= 2 && i < 5 && j >= 1 && j < 4 ? 1 : 0) + 0.05 * r;
    });
    const velocity = velocityField(92, GRID, batch, 0.35, 0.3, 0.05);
    for (const [name, offset] of OFFSETS) {
      const ref = reference(phi, offset, velocity, DT, GRID, batch);
      expect(ref.clamped, name).toBeGreaterThanOrEqual(4);
      expect(ref.lineDistance).toBeGreaterThan(0.05);
      expect(ref.boundDistance, name).toBeGreaterThan(1e-4);
      const w = randomVector(101, batch * cells);
      const s = (x: Float64Array) => {
        const [f, ux, uy] = unpack(x, 3, cells, batch) as [Float64Array, Float64Array, Float64Array];
        return dot(w, macCormack(f, offset, { x: ux, y: uy }, DT, GRID, batch));
      };
      const { central, oneSidedGap } = differences(s, pack([phi, velocity.x, velocity.y], cells, batch), h);
      const g = macCormackAdjoint(phi, offset, velocity, DT, GRID, batch, w);
      expect(oneSidedGap, name).toBeLessThan(1e-4); // piecewise smooth, but no kink within ±h of this point
      expect(relativeDifference(pack([g.field, g.velocity.x, g.velocity.y], cells, batch), central), name).toBeLessThan(1e-6);
    }
    // one clamped sample alone: its cotangent goes entirely to one node of φ holding the bound, none to the velocity
    const ref = reference(phi, SAMPLE_OFFSETS.centre, velocity, DT, GRID, batch);
    const out = macCormack(phi, SAMPLE_OFFSETS.centre, velocity, DT, GRID, batch);
    const k = Array.from(ref.unclamped).findIndex((c, n) => c < (ref.lower[n] as number) || c > (ref.upper[n] as number));
    const w = new Float64Array(batch * cells);
    w[k] = 1;
    const g = macCormackAdjoint(phi, SAMPLE_OFFSETS.centre, velocity, DT, GRID, batch, w);
    const nonzero = Array.from(g.field).flatMap((v, n) => (v === 0 ? [] : [n]));
    expect(nonzero).toHaveLength(1);
    expect(g.field[nonzero[0] as number]).toBe(1);
    expect(phi[nonzero[0] as number]).toBe(out[k]);
    expect(g.velocity.x.every((v) => v === 0) && g.velocity.y.every((v) => v === 0)).toBe(true);
  });

  it("breaks ties between bound nodes by the first node in the order (i0, j0), (i0, j1), (i1, j0), (i1, j1)", () => {
    // φ = 0 except a spike at (2, 2); s = (0.25, 0.25) cells. A sample whose four B-nodes are all 0 but whose F-stencil
    // reaches the smeared spike gets φ_new = −½φ̃ < 0 and is clamped to 0: a four-way tie, resolved to (i0, j0).
    const grid = { nx: 4, ny: 4, dx: 1 };
    const phi = new Float64Array(16);
    phi[2 * 4 + 2] = 1; // spike at (2, 2)
    const velocity = { x: new Float64Array(16).fill(1), y: new Float64Array(16).fill(1) }; // s = (0.25, 0.25) at dt 0.25
    const out = macCormack(phi, SAMPLE_OFFSETS.centre, velocity, DT, grid, 1);
    const ref = reference(phi, SAMPLE_OFFSETS.centre, velocity, DT, grid, 1);
    // samples whose unclamped value is negative but whose four nodes are all 0 are clamped to 0 = φ(i0, j0)
    const clampedLow = Array.from(ref.unclamped).flatMap((c, k) => (c < (ref.lower[k] as number) && ref.lower[k] === 0 && ref.upper[k] === 0 ? [k] : []));
    expect(clampedLow.length).toBeGreaterThan(0);
    for (const k of clampedLow) {
      expect(out[k]).toBe(0);
      const w = new Float64Array(16);
      w[k] = 1;
      const g = macCormackAdjoint(phi, SAMPLE_OFFSETS.centre, velocity, DT, grid, 1, w).field;
      const i = Math.floor(k / 4);
      const j = k % 4;
      // B = (i − 0.25, j − 0.25): floor gives (i − 1, j − 1), the first node in the documented order
      const first = (((i + 3) % 4) * 4 + ((j + 3) % 4)) as number;
      expect(Array.from(g).flatMap((v, n) => (v === 0 ? [] : [n]))).toEqual([first]);
    }
  });

  it("treats every example of a batch separately", () => {
    const batch = 3;
    const cells = GRID.nx * GRID.ny;
    const phi = randomVector(5, batch * cells);
    const velocity = { x: randomVector(6, batch * cells).map((v) => 5 * v), y: randomVector(7, batch * cells).map((v) => 5 * v) };
    const w = randomVector(8, batch * cells);
    const g = macCormackAdjoint(phi, SAMPLE_OFFSETS.xFaces, velocity, DT, GRID, batch, w);
    for (let b = 0; b < batch; b++) {
      const part = (a: Float64Array) => a.slice(b * cells, (b + 1) * cells);
      const one = macCormackAdjoint(part(phi), SAMPLE_OFFSETS.xFaces, { x: part(velocity.x), y: part(velocity.y) }, DT, GRID, 1, part(w));
      expect(part(g.field)).toEqual(one.field);
      expect(part(g.velocity.x)).toEqual(one.velocity.x);
      expect(part(g.velocity.y)).toEqual(one.velocity.y);
    }
  });

  it("names the bad parameter", () => {
    const cells = GRID.nx * GRID.ny;
    const phi = new Float64Array(cells);
    const velocity = { x: new Float64Array(cells), y: new Float64Array(cells) };
    const w = new Float64Array(cells);
    const call = (overrides: Record<string, unknown>) => () => {
      const a = { field: phi, offset: SAMPLE_OFFSETS.centre, velocity, dt: DT, grid: GRID, batch: 1, outputGradient: w, ...overrides };
      return macCormackAdjoint(
        a.field as Float64Array,
        a.offset as SampleOffset,
        a.velocity as StaggeredVelocity,
        a.dt as number,
        a.grid as FluidGrid,
        a.batch as number,
        a.outputGradient as Float64Array,
      );
    };
    expect(call({ outputGradient: new Float64Array(cells - 1) })).toThrow(PgShapeError);
    expect(call({ outputGradient: new Float64Array(cells - 1) })).toThrow(/macCormackAdjoint: outputGradient must/);
    expect(call({ outputGradient: undefined })).toThrow(/outputGradient/);
    expect(call({ outputGradient: Float64Array.from(w, (v, k) => (k === 7 ? Number.NaN : v)) })).toThrow(PgNonFiniteError);
    expect(call({ outputGradient: Float64Array.from(w, (v, k) => (k === 7 ? Number.NaN : v)) })).toThrow(/outputGradient/);
    expect(call({ field: new Float64Array(3) })).toThrow(/field/);
    expect(call({ velocity: { x: velocity.x, y: new Float64Array(2) } })).toThrow(/velocity\.y/);
    expect(call({ offset: { x: "0" } })).toThrow(PgValidationError);
    expect(call({ offset: { x: "0" } })).toThrow(/offset/);
    expect(call({ dt: Number.NaN })).toThrow(/dt/);
    expect(call({ batch: 0 })).toThrow(/batch/);
    expect(call({ grid: { nx: 1, ny: 6, dx: 2 } })).toThrow(/grid\.nx/);
  });
});

describe("advectStaggeredAdjoint", () => {
  const batch = 2;
  const cells = GRID.nx * GRID.ny;
  const h = 1e-5;

  it("matches central finite differences of ⟨advectStaggered(u, by), w⟩ in u and by (8 × 6, batch 2)", () => {
    const u = { x: smoothField(111, GRID, batch).map((v) => 3 * v), y: smoothField(112, GRID, batch).map((v) => 3 * v - 1) };
    const by = velocityField(121, GRID, batch, -0.3, 0.4, 0.08);
    for (const offset of [SAMPLE_OFFSETS.xFaces, SAMPLE_OFFSETS.yFaces]) {
      expect(reference(u.x, offset, by, DT, GRID, batch).lineDistance).toBeGreaterThan(0.05);
    }
    expect(reference(u.x, SAMPLE_OFFSETS.xFaces, by, DT, GRID, batch).boundDistance).toBeGreaterThan(1e-4);
    expect(reference(u.y, SAMPLE_OFFSETS.yFaces, by, DT, GRID, batch).boundDistance).toBeGreaterThan(1e-4);
    const w = { x: randomVector(131, batch * cells), y: randomVector(132, batch * cells) };
    const s = (x: Float64Array) => {
      const [ux, uy, bx, bY] = unpack(x, 4, cells, batch) as [Float64Array, Float64Array, Float64Array, Float64Array];
      const moved = advectStaggered({ x: ux, y: uy }, { x: bx, y: bY }, DT, GRID, batch);
      return dot(w.x, moved.x) + dot(w.y, moved.y);
    };
    const { central, oneSidedGap } = differences(s, pack([u.x, u.y, by.x, by.y], cells, batch), h);
    const g = advectStaggeredAdjoint(u, by, DT, GRID, batch, w);
    expect(oneSidedGap).toBeLessThan(1e-4);
    const adjoint = pack([g.velocity.x, g.velocity.y, g.velocityToAdvectBy.x, g.velocityToAdvectBy.y], cells, batch);
    expect(relativeDifference(adjoint, central)).toBeLessThan(1e-6);
    // it is macCormackAdjoint per component, the two advecting cotangents summed
    const gx = macCormackAdjoint(u.x, SAMPLE_OFFSETS.xFaces, by, DT, GRID, batch, w.x);
    const gy = macCormackAdjoint(u.y, SAMPLE_OFFSETS.yFaces, by, DT, GRID, batch, w.y);
    expect(g.velocity.x).toEqual(gx.field);
    expect(g.velocity.y).toEqual(gy.field);
    expect(relativeDifference(g.velocityToAdvectBy.x, gx.velocity.x.map((v, k) => v + (gy.velocity.x[k] as number)))).toBeLessThan(1e-15);
  });

  it("gives the self-advection gradient u ↦ advectStaggered(u, u) as the sum of the two cotangents", () => {
    const u = velocityField(141, GRID, batch, 0.35, -0.3, 0.08);
    expect(reference(u.x, SAMPLE_OFFSETS.xFaces, u, DT, GRID, batch).lineDistance).toBeGreaterThan(0.05);
    expect(reference(u.y, SAMPLE_OFFSETS.yFaces, u, DT, GRID, batch).lineDistance).toBeGreaterThan(0.05);
    const w = { x: randomVector(151, batch * cells), y: randomVector(152, batch * cells) };
    const s = (x: Float64Array) => {
      const [ux, uy] = unpack(x, 2, cells, batch) as [Float64Array, Float64Array];
      const moved = advectStaggered({ x: ux, y: uy }, { x: ux, y: uy }, DT, GRID, batch);
      return dot(w.x, moved.x) + dot(w.y, moved.y);
    };
    const { central, oneSidedGap } = differences(s, pack([u.x, u.y], cells, batch), h);
    const g = advectStaggeredAdjoint(u, u, DT, GRID, batch, w);
    const total = pack(
      [g.velocity.x.map((v, k) => v + (g.velocityToAdvectBy.x[k] as number)), g.velocity.y.map((v, k) => v + (g.velocityToAdvectBy.y[k] as number))],
      cells,
      batch,
    );
    expect(oneSidedGap).toBeLessThan(1e-3);
    expect(relativeDifference(total, central)).toBeLessThan(1e-6);
  });

  it("names the bad parameter", () => {
    const zero = () => ({ x: new Float64Array(cells), y: new Float64Array(cells) });
    expect(() => advectStaggeredAdjoint(zero(), zero(), DT, GRID, 1, { x: new Float64Array(cells), y: new Float64Array(3) })).toThrow(/outputGradient\.y/);
    expect(() => advectStaggeredAdjoint(zero(), zero(), DT, GRID, 1, undefined as unknown as StaggeredVelocity)).toThrow(/outputGradient/);
    expect(() => advectStaggeredAdjoint(zero(), { x: new Float64Array(2), y: new Float64Array(cells) }, DT, GRID, 1, zero())).toThrow(/velocityToAdvectBy\.x/);
    expect(() => advectStaggeredAdjoint({ x: new Float64Array(cells), y: Float64Array.from({ length: cells }, () => Infinity) }, zero(), DT, GRID, 1, zero())).toThrow(
      /velocity\.y/,
    );
    expect(() => advectStaggeredAdjoint(zero(), zero(), Infinity, GRID, 1, zero())).toThrow(/dt/);
  });
});
