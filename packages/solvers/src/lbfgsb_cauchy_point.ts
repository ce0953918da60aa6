import { dot, type LbfgsbMemory } from "./lbfgsb_memory";

/** The generalized Cauchy point x^c and what the subspace minimisation needs from its computation. */
export interface CauchyPoint {
  /** x^c, inside the box. */
  readonly x: Float64Array;
  /** c = Wᵀ(x^c − x), length 2k. */
  readonly c: Float64Array;
  /**
   * 1 for the variables the subspace minimisation may move (the free variables of §5): those without bounds, and
   * those that neither started at a bound with the gradient pointing out of the box nor reached a bound along the
   * path; 0 for the others and for variables with lower = upper.
   */
  readonly free: Uint8Array;
  /** Number of free variables. */
  readonly freeCount: number;
}

/**
 * The trivial "Cauchy point" x itself with every variable free, used on problems without any bound once the memory
 * holds pairs: there the subspace minimisation alone gives the minimiser of the model, and L-BFGS-B skips the path.
 */
export function unconstrainedCauchyPoint(x: Float64Array, memory: LbfgsbMemory): CauchyPoint {
  return { x: Float64Array.from(x), c: new Float64Array(2 * memory.count), free: new Uint8Array(x.length).fill(1), freeCount: x.length };
}

/**
 * The generalized Cauchy point (Byrd, Lu, Nocedal, Zhu 1995, §4, Algorithm CP): the first local minimiser of the
 * quadratic model m(z) = gᵀz + ½zᵀBz along the projected steepest-descent path x(t) = P(x − t g), t ≥ 0.
 *
 * A variable sitting on a bound with its gradient pointing out of the box, or with a zero gradient, does not move
 * (d_i = 0). The others move along d_i = −g_i until their breakpoint t_i = (x_i − u_i)/g_i (g_i < 0) or
 * (x_i − l_i)/g_i (g_i > 0), ∞ without a bound in that direction. Breakpoints are visited in increasing order (the
 * smallest by a scan, the rest from a binary heap, so that ties are taken in the same order as the original code).
 * On each segment the model is a quadratic in Δt with slope f′ and curvature f″; with p = Wᵀd and c = Wᵀz they are
 * updated in O(k²) per breakpoint b (variable b stops at its bound, d_b ← 0, z_b = bound − x_b):
 *
 *   f′ ← f′ + Δt f″ + d_b² − θ d_b z_b + d_b w_bᵀ M c,   f″ ← f″ − θ d_b² + 2 d_b w_bᵀ M p − d_b² w_bᵀ M w_b,
 *   p ← p − d_b w_b,
 *
 * with f″ kept ≥ ε θ‖d‖² (its value before the first breakpoint, without the memory term). The search stops in the
 * first segment whose minimiser Δt* = −f′/f″ lies before its end; when every moving variable has reached its bound it
 * stops at the last breakpoint.
 */
export function generalizedCauchyPoint(
  x: Float64Array,
  g: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  memory: LbfgsbMemory,
): CauchyPoint {
  const n = x.length;
  const k2 = 2 * memory.count;
  const theta = memory.theta;
  const xc = Float64Array.from(x);
  const c = new Float64Array(k2);
  const d = new Float64Array(n);
  // 1 at the lower bound, 2 at the upper bound (fixed there for this iteration), 3 always fixed (l = u); 0 free.
  const fixed = new Uint8Array(n);
  const breakpoints = new BreakpointQueue();
  // Whether every moving variable meets a bound (else the path goes on beyond the last breakpoint).
  let bounded = true;
  let slope = 0;
  for (let i = 0; i < n; i++) {
    const li = lower[i] as number;
    const ui = upper[i] as number;
    const xi = x[i] as number;
    const descent = -(g[i] as number);
    const hasLower = li > -Infinity;
    const hasUpper = ui < Infinity;
    if (hasLower && hasUpper && ui - li <= 0) fixed[i] = 3;
    else if (hasLower && xi - li <= 0) fixed[i] = descent <= 0 ? 1 : 0;
    else if (hasUpper && ui - xi <= 0) fixed[i] = descent >= 0 ? 2 : 0;
    if (fixed[i] !== 0 || descent === 0) continue;
    d[i] = descent;
    slope -= descent * descent;
    if (hasLower && descent < 0) breakpoints.add((xi - li) / -descent, i);
    else if (hasUpper && descent > 0) breakpoints.add((ui - xi) / descent, i);
    else bounded = false;
  }
  const p = new Float64Array(k2);
  memory.transposeTimes(d, p);
  let curvature = -theta * slope;
  const curvatureFloor = Number.EPSILON * curvature;
  const v = new Float64Array(k2);
  if (k2 > 0) {
    memory.multiplyInverseMiddle(p, v);
    curvature -= dot(v, p);
  }

  if (slope < 0) {
    let best = -slope / curvature; // Δt* on the current segment
    let total = 0; // t at the start of the current segment
    let segmentStart = 0;
    const w = new Float64Array(k2);
    for (;;) {
      const next = breakpoints.next();
      if (next === undefined) break;
      const dt = next.t - segmentStart;
      if (best < dt) break;
      segmentStart = next.t;
      total += dt;
      const b = next.index;
      const db = d[b] as number;
      d[b] = 0;
      const bound = db > 0 ? (upper[b] as number) : (lower[b] as number);
      const zb = bound - (x[b] as number);
      xc[b] = bound;
      fixed[b] = db > 0 ? 2 : 1;
      const db2 = db * db;
      slope = slope + dt * curvature + db2 - theta * db * zb;
      curvature = curvature - theta * db2;
      if (k2 > 0) {
        for (let j = 0; j < k2; j++) c[j] = (c[j] as number) + dt * (p[j] as number);
        memory.row(b, w);
        memory.multiplyInverseMiddle(w, v);
        const wMc = dot(c, v);
        const wMp = dot(p, v);
        const wMw = dot(w, v);
        for (let j = 0; j < k2; j++) p[j] = (p[j] as number) - db * (w[j] as number);
        slope += db * wMc;
        curvature = curvature + db * 2 * wMp - db2 * wMw;
      }
      curvature = Math.max(curvatureFloor, curvature);
      if (breakpoints.size > 0) best = -slope / curvature;
      else {
        best = bounded ? 0 : -slope / curvature;
        break;
      }
    }
    if (best <= 0) best = 0;
    total += best;
    for (let i = 0; i < n; i++) {
      const di = d[i] as number;
      // Rounding can put x + t·d an ulp beyond a bound it was heading for: the point stays in the box.
      if (di !== 0) xc[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, (x[i] as number) + total * di));
    }
    for (let j = 0; j < k2; j++) c[j] = (c[j] as number) + best * (p[j] as number);
  }

  const free = new Uint8Array(n);
  let freeCount = 0;
  for (let i = 0; i < n; i++) {
    if (fixed[i] === 0) {
      free[i] = 1;
      freeCount++;
    }
  }
  return { x: xc, c, free, freeCount };
}

/**
 * The breakpoints in increasing order: the first by a linear scan (the earliest index among equal times), then the
 * rest from a binary min-heap built by successive insertion, each pop moving the last leaf to the root. This is the
 * order in which the original L-BFGS-B code visits tied breakpoints, which decides which of two variables that reach
 * their bounds at the same t becomes fixed first.
 */
class BreakpointQueue {
  private readonly times: number[] = [];
  private readonly indices: number[] = [];
  private popped = 0;
  private smallest = -1;

  get size(): number {
    return this.times.length - this.popped;
  }

  add(t: number, index: number): void {
    this.times.push(t);
    this.indices.push(index);
    const last = this.times.length - 1;
    if (this.smallest < 0 || t < (this.times[this.smallest] as number)) this.smallest = last;
  }

  next(): { t: number; index: number } | undefined {
    const t = this.times;
    const ix = this.indices;
    const count = t.length;
    if (this.popped >= count) return undefined;
    if (this.popped === 0) {
      this.popped = 1;
      return { t: t[this.smallest] as number, index: ix[this.smallest] as number };
    }
    // Heap over the first `last + 1` entries; the popped minimum is stored at position `last`.
    const last = count - 1 - this.popped;
    if (this.popped === 1) {
      // Move the last entry into the slot of the one taken by the scan, then heapify by insertion.
      const end = count - 1;
      if (this.smallest !== end) {
        t[this.smallest] = t[end] as number;
        ix[this.smallest] = ix[end] as number;
      }
      for (let k = 1; k <= last; k++) {
        const value = t[k] as number;
        const index = ix[k] as number;
        let i = k;
        while (i > 0) {
          const parent = ((i + 1) >> 1) - 1;
          if (!(value < (t[parent] as number))) break;
          t[i] = t[parent] as number;
          ix[i] = ix[parent] as number;
          i = parent;
        }
        t[i] = value;
        ix[i] = index;
      }
    }
    const out = t[0] as number;
    const outIndex = ix[0] as number;
    if (last > 0) {
      // Sift the entry at `last` down from the root through the heap t[0 .. last − 1].
      const value = t[last] as number;
      const index = ix[last] as number;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child > last - 1) break;
        if ((t[child + 1] as number) < (t[child] as number)) child++;
        if (!((t[child] as number) < value)) break;
        t[i] = t[child] as number;
        ix[i] = ix[child] as number;
        i = child;
      }
      t[i] = value;
      ix[i] = index;
    }
    t[last] = out;
    ix[last] = outIndex;
    this.popped++;
    return { t: out, index: outIndex };
  }
}
