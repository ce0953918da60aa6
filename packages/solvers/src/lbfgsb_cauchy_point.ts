import { dot, type LbfgsbMemory } from "./lbfgsb_memory";

/** The generalized Cauchy point x^c and what the subspace minimisation needs from its computation. */
export interface CauchyPoint {
  /** x^c, inside the box. */
  readonly x: Float64Array;
  /** c = Wᵀ(x^c − x), length 2k. */
  readonly c: Float64Array;
  /** 1 where x^c lies strictly inside its bounds (the free variables of §5), else 0. */
  readonly free: Uint8Array;
  /** Number of free variables. */
  readonly freeCount: number;
}

/**
 * The generalized Cauchy point (Byrd, Lu, Nocedal, Zhu 1995, §4, Algorithm CP): the first local minimiser of the
 * quadratic model m(z) = gᵀz + ½zᵀBz along the projected steepest-descent path x(t) = P(x − t g), t ≥ 0.
 *
 * Breakpoints tᵢ = (xᵢ − uᵢ)/gᵢ (gᵢ < 0) or (xᵢ − lᵢ)/gᵢ (gᵢ > 0), else ∞, are visited in increasing order. On each
 * segment the model is a quadratic in Δt with slope f′ and curvature f″; with p = Wᵀd and c = Wᵀz they are updated
 * in O(k²) per breakpoint b (variable b stops at its bound, d_b ← 0):
 *
 *   f′ ← f′ + Δt f″ + g_b² + θ g_b z_b − g_b w_bᵀ M c,   f″ ← f″ − θ g_b² − 2 g_b w_bᵀ M p − g_b² w_bᵀ M w_b,
 *   p ← p + g_b w_b,
 *
 * and the search stops in the first segment whose minimiser Δt* = −f′/f″ lies before its end.
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
  const breakpoint = new Float64Array(n);
  const d = new Float64Array(n);
  const xc = Float64Array.from(x);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    let t = Infinity;
    if (gi < 0 && (upper[i] as number) < Infinity) t = ((x[i] as number) - (upper[i] as number)) / gi;
    else if (gi > 0 && (lower[i] as number) > -Infinity) t = ((x[i] as number) - (lower[i] as number)) / gi;
    breakpoint[i] = t;
    d[i] = t === 0 ? 0 : -gi;
    if (t > 0 && t < Infinity) order.push(i);
  }
  order.sort((a, b) => (breakpoint[a] as number) - (breakpoint[b] as number));

  const p = new Float64Array(k2);
  const c = new Float64Array(k2);
  memory.transposeTimes(d, p);
  const mp = new Float64Array(k2);
  memory.multiplyInverseMiddle(p, mp);
  let slope = -dot(d, d); // f′ = gᵀd
  let curvature = -theta * slope - dot(p, mp); // f″ = dᵀBd
  const curvatureFloor = Number.EPSILON * Math.abs(curvature);

  if (slope < 0 && curvature > 0) {
    let bestStep = -slope / curvature; // Δt* on the current segment
    let tOld = 0;
    let next = 0;
    let tNext = order.length > 0 ? (breakpoint[order[0] as number] as number) : Infinity;
    const w = new Float64Array(k2);
    const mw = new Float64Array(k2);
    while (next < order.length && bestStep >= tNext - tOld) {
      const dt = tNext - tOld;
      const b = order[next++] as number;
      const gb = g[b] as number;
      xc[b] = (d[b] as number) > 0 ? (upper[b] as number) : (lower[b] as number);
      const zb = (xc[b] as number) - (x[b] as number);
      for (let j = 0; j < k2; j++) c[j] = (c[j] as number) + dt * (p[j] as number);
      let wMc = 0;
      let wMp = 0;
      let wMw = 0;
      if (k2 > 0) {
        memory.row(b, w);
        memory.multiplyInverseMiddle(w, mw);
        wMc = dot(mw, c);
        wMp = dot(mw, p);
        wMw = dot(mw, w);
      }
      slope += dt * curvature + gb * gb + theta * gb * zb - gb * wMc;
      curvature -= theta * gb * gb + 2 * gb * wMp + gb * gb * wMw;
      curvature = Math.max(curvature, curvatureFloor);
      for (let j = 0; j < k2; j++) p[j] = (p[j] as number) + gb * (w[j] as number);
      d[b] = 0;
      bestStep = -slope / curvature; // curvature ≥ curvatureFloor > 0
      tOld = tNext;
      tNext = next < order.length ? (breakpoint[order[next] as number] as number) : Infinity;
    }
    bestStep = Math.max(bestStep, 0);
    tOld += bestStep;
    for (let i = 0; i < n; i++) {
      const di = d[i] as number;
      if (di !== 0) xc[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, (x[i] as number) + tOld * di));
    }
    for (let j = 0; j < k2; j++) c[j] = (c[j] as number) + bestStep * (p[j] as number);
  }

  const free = new Uint8Array(n);
  let freeCount = 0;
  for (let i = 0; i < n; i++) {
    const v = xc[i] as number;
    if (v > (lower[i] as number) && v < (upper[i] as number)) {
      free[i] = 1;
      freeCount++;
    }
  }
  return { x: xc, c, free, freeCount };
}
