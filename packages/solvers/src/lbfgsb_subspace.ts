import type { CauchyPoint } from "./lbfgsb_cauchy_point";
import { multiplySquare, solveDense, type LbfgsbMemory } from "./lbfgsb_memory";

/**
 * Subspace minimisation by the direct primal method (Byrd, Lu, Nocedal, Zhu 1995, §5.1), then the step back into
 * the box. With Z the free variables at the Cauchy point x^c, the model restricted to them is
 * m̂(d̂) = d̂ᵀr̂ + ½d̂ᵀB̂d̂ with
 *
 *   r̂ = Zᵀ(g + θ(x^c − x) − W M c),   B̂ = θI − ZᵀW M WᵀZ.
 *
 * Its minimiser d̂ᵘ = −B̂⁻¹r̂ is computed with the Sherman–Morrison–Woodbury formula, here written with K = M⁻¹:
 *
 *   B̂⁻¹ = (1/θ)I + (1/θ²) ZᵀW (K − WᵀZZᵀW/θ)⁻¹ WᵀZ,
 *
 * a 2k × 2k solve. The result is first projected onto the box, x̄ = P(x^c + Z d̂ᵘ) (Morales & Nocedal 2011, "Remark
 * on Algorithm 778"); if a bound was hit and that point is not a descent direction from x ((x̄ − x)ᵀg > 0), the step
 * is shortened instead, x̄ = x^c + α* Z d̂ᵘ with α* = max{α ≤ 1 : l ≤ x^c + α Z d̂ᵘ ≤ u}, the variable that limits α*
 * being put exactly on its bound.
 *
 * Returns x̄, or undefined if the 2k × 2k system is numerically singular (the caller then resets the memory).
 */
export function subspaceMinimum(
  x: Float64Array,
  g: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  memory: LbfgsbMemory,
  cauchy: CauchyPoint,
): Float64Array | undefined {
  const n = x.length;
  const k = memory.count;
  const k2 = 2 * k;
  const theta = memory.theta;
  const xc = cauchy.x;
  if (cauchy.freeCount === 0) return Float64Array.from(xc);

  const free = new Int32Array(cauchy.freeCount);
  for (let i = 0, f = 0; i < n; i++) if (cauchy.free[i] === 1) free[f++] = i;

  // Reduced gradient r̂ = Zᵀ(g + θ(x^c − x) − W M c) and WᵀZ r̂, column by column of W = [Y  θS].
  const reduced = new Float64Array(free.length);
  for (let f = 0; f < free.length; f++) {
    const i = free[f] as number;
    reduced[f] = (g[i] as number) + theta * ((xc[i] as number) - (x[i] as number));
  }
  const step = new Float64Array(free.length);
  if (k2 === 0) {
    for (let f = 0; f < free.length; f++) step[f] = -(reduced[f] as number) / theta;
  } else {
    const mc = new Float64Array(k2);
    memory.multiplyInverseMiddle(cauchy.c, mc);
    for (let j = 0; j < k; j++) {
      columnUpdate(reduced, memory.y[j] as Float64Array, free, -(mc[j] as number));
      columnUpdate(reduced, memory.s[j] as Float64Array, free, -theta * (mc[k + j] as number));
    }
    const wTr = new Float64Array(k2);
    for (let j = 0; j < k; j++) {
      wTr[j] = columnDot(memory.y[j] as Float64Array, free, reduced);
      wTr[k + j] = theta * columnDot(memory.s[j] as Float64Array, free, reduced);
    }
    // (K − WᵀZZᵀW/θ) q = WᵀZ r̂, with WᵀZZᵀW = Σ_{i free} wᵢwᵢᵀ.
    const gram = freeGram(memory, cauchy, free);
    const system = new Float64Array(k2 * k2);
    for (let i = 0; i < system.length; i++) system[i] = (memory.middle[i] as number) - (gram[i] as number) / theta;
    const q = solveDense(system, wTr);
    if (q === undefined) return undefined;
    // d̂ᵘ = −r̂/θ − ZᵀW q/θ².
    for (let f = 0; f < free.length; f++) step[f] = -(reduced[f] as number) / theta;
    const scale = 1 / (theta * theta);
    for (let j = 0; j < k; j++) {
      columnUpdate(step, memory.y[j] as Float64Array, free, -scale * (q[j] as number));
      columnUpdate(step, memory.s[j] as Float64Array, free, -scale * theta * (q[k + j] as number));
    }
  }

  return projectOrBacktrack(x, g, lower, upper, xc, free, step);
}

/** The step from x^c along the free variables, projected onto the box or shortened (see {@link subspaceMinimum}). */
function projectOrBacktrack(
  x: Float64Array,
  g: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  xc: Float64Array,
  free: Int32Array,
  step: Float64Array,
): Float64Array | undefined {
  const n = x.length;
  const result = Float64Array.from(xc);
  let hitBound = false;
  for (let f = 0; f < free.length; f++) {
    const i = free[f] as number;
    const li = lower[i] as number;
    const ui = upper[i] as number;
    const v = Math.min(ui, Math.max(li, (xc[i] as number) + (step[f] as number)));
    result[i] = v;
    if ((li > -Infinity && v === li) || (ui < Infinity && v === ui)) hitBound = true;
  }
  if (hitBound) {
    let slope = 0;
    for (let i = 0; i < n; i++) slope += ((result[i] as number) - (x[i] as number)) * (g[i] as number);
    if (slope > 0) {
      // The projected point does not descend: take the longest feasible fraction of the step instead.
      let alpha = 1;
      let ratio = 1;
      let limiting = -1;
      for (let f = 0; f < free.length; f++) {
        const i = free[f] as number;
        const di = step[f] as number;
        if (di < 0 && (lower[i] as number) > -Infinity) {
          const room = (lower[i] as number) - (xc[i] as number);
          if (room >= 0) ratio = 0;
          else if (di * alpha < room) ratio = room / di;
        } else if (di > 0 && (upper[i] as number) < Infinity) {
          const room = (upper[i] as number) - (xc[i] as number);
          if (room <= 0) ratio = 0;
          else if (di * alpha > room) ratio = room / di;
        }
        if (ratio < alpha) {
          alpha = ratio;
          limiting = f;
        }
      }
      for (let f = 0; f < free.length; f++) {
        const i = free[f] as number;
        if (f === limiting) {
          result[i] = (step[f] as number) > 0 ? (upper[i] as number) : (lower[i] as number);
          continue;
        }
        // Rounding can leave x^c + α d an ulp beyond a bound: the point stays in the box.
        const v = (xc[i] as number) + alpha * (step[f] as number);
        result[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, v));
      }
    }
  }
  for (let i = 0; i < n; i++) if (!Number.isFinite(result[i] as number)) return undefined;
  return result;
}

/** Σ_{i free} wᵢwᵢᵀ (2k × 2k), as WᵀW − Σ_{i fixed} wᵢwᵢᵀ when fewer variables are fixed than free. */
function freeGram(memory: LbfgsbMemory, cauchy: CauchyPoint, free: Int32Array): Float64Array {
  const w = new Float64Array(2 * memory.count);
  const k2 = 2 * memory.count;
  const n = cauchy.free.length;
  const fixedCount = n - free.length;
  const useFixed = fixedCount < free.length;
  const gram = useFixed ? memory.gram() : new Float64Array(k2 * k2);
  const sign = useFixed ? -1 : 1;
  const accumulate = (i: number): void => {
    memory.row(i, w);
    for (let a = 0; a < k2; a++) {
      const wa = sign * (w[a] as number);
      if (wa === 0) continue;
      for (let b = 0; b < k2; b++) gram[a * k2 + b] = (gram[a * k2 + b] as number) + wa * (w[b] as number);
    }
  };
  if (useFixed) {
    for (let i = 0; i < n; i++) if (cauchy.free[i] === 0) accumulate(i);
  } else {
    for (let f = 0; f < free.length; f++) accumulate(free[f] as number);
  }
  return gram;
}

/** target[f] += a · column[free[f]] for every free variable (no gather when every variable is free). */
function columnUpdate(target: Float64Array, column: Float64Array, free: Int32Array, a: number): void {
  if (free.length === column.length) {
    for (let i = 0; i < column.length; i++) target[i] = (target[i] as number) + a * (column[i] as number);
    return;
  }
  for (let f = 0; f < free.length; f++) target[f] = (target[f] as number) + a * (column[free[f] as number] as number);
}

/** Σ_f column[free[f]] · values[f]. */
function columnDot(column: Float64Array, free: Int32Array, values: Float64Array): number {
  let sum = 0;
  if (free.length === column.length) {
    for (let i = 0; i < column.length; i++) sum += (column[i] as number) * (values[i] as number);
    return sum;
  }
  for (let f = 0; f < free.length; f++) sum += (column[free[f] as number] as number) * (values[f] as number);
  return sum;
}

/** Exposed for tests of the compact representation: out = B v = θv − W M Wᵀ v. */
export function multiplyCompact(memory: LbfgsbMemory, v: Float64Array, out: Float64Array): void {
  const k2 = 2 * memory.count;
  const wTv = new Float64Array(k2);
  const mwTv = new Float64Array(k2);
  memory.transposeTimes(v, wTv);
  multiplySquare(memory.inverseMiddle, wTv, mwTv);
  const w = new Float64Array(k2);
  for (let i = 0; i < v.length; i++) {
    memory.row(i, w);
    let sum = 0;
    for (let j = 0; j < k2; j++) sum += (w[j] as number) * (mwTv[j] as number);
    out[i] = memory.theta * (v[i] as number) - sum;
  }
}
