/**
 * The limited-memory BFGS matrix of L-BFGS-B in compact form (Byrd, Lu, Nocedal, Zhu 1995, §3; Byrd, Nocedal,
 * Schnabel 1994, Thm. 2.3):
 *
 *   B = θI − W M Wᵀ,   W = [Y  θS] (n × 2k),   M = K⁻¹,   K = [ −D  Lᵀ ; L  θSᵀS ] (2k × 2k),
 *
 * where S = [s₀ … s_{k−1}] and Y = [y₀ … y_{k−1}] hold the k most recent corrections (oldest first),
 * D = diag(sᵢᵀyᵢ), L is the strictly lower triangle of SᵀY (L_ij = sᵢᵀy_j for i > j) and θ = yᵀy / sᵀy of the
 * newest pair. Row i of W is wᵢ = (y₀[i], …, y_{k−1}[i], θs₀[i], …, θs_{k−1}[i]).
 *
 * Internal to @pg/solvers: the small matrices SᵀS, SᵀY and YᵀY are kept up to date pair by pair (O(nk) per
 * update), K and M are rebuilt from them (O(k³), k ≤ historySize).
 */
export class LbfgsbMemory {
  /** Number of variables n. */
  readonly size: number;
  /** Largest number of stored pairs m. */
  readonly capacity: number;
  /** Corrections sᵢ = x_{i+1} − xᵢ, oldest first. */
  readonly s: Float64Array[] = [];
  /** Corrections yᵢ = g_{i+1} − gᵢ, oldest first. */
  readonly y: Float64Array[] = [];
  /** Scaling θ of the identity part; 1 while the memory is empty. */
  theta = 1;
  /** (SᵀS)_ij = sᵢᵀs_j, capacity × capacity, row-major. */
  private readonly sts: Float64Array;
  /** (SᵀY)_ij = sᵢᵀy_j, capacity × capacity, row-major. */
  private readonly sty: Float64Array;
  /** (YᵀY)_ij = yᵢᵀy_j, capacity × capacity, row-major. */
  private readonly yty: Float64Array;
  /** K (2k × 2k, row-major) for the current pairs. */
  middle: Float64Array = new Float64Array(0);
  /** M = K⁻¹ (2k × 2k, row-major, symmetric) for the current pairs. */
  inverseMiddle: Float64Array = new Float64Array(0);

  constructor(size: number, capacity: number) {
    this.size = size;
    this.capacity = capacity;
    this.sts = new Float64Array(capacity * capacity);
    this.sty = new Float64Array(capacity * capacity);
    this.yty = new Float64Array(capacity * capacity);
  }

  /** Number of stored pairs k. */
  get count(): number {
    return this.s.length;
  }

  /** Forgets every pair: B = I again. */
  clear(): void {
    this.s.length = 0;
    this.y.length = 0;
    this.theta = 1;
    this.middle = new Float64Array(0);
    this.inverseMiddle = new Float64Array(0);
  }

  /**
   * Appends the pair (s, y), dropping the oldest one when full, and rebuilds K and M. Returns false (and clears the
   * memory) if θSᵀS + L D⁻¹ Lᵀ is not numerically positive definite. The caller guarantees sᵀy > 0.
   *
   * `products` may give sᵀy and sᵀs of the new pair as the caller computed them: L-BFGS-B takes sᵀy from the
   * directional derivatives along the step, stp·(∇f(x₊) − ∇f(x))ᵀd, and sᵀs as stp²‖d‖², and uses them for D, SᵀS
   * and θ = yᵀy / sᵀy.
   */
  push(s: Float64Array, y: Float64Array, products?: { readonly sy: number; readonly ss: number }): boolean {
    const m = this.capacity;
    if (this.s.length === m) {
      this.s.shift();
      this.y.shift();
      for (const matrix of [this.sts, this.sty, this.yty]) {
        for (let i = 0; i < m - 1; i++) {
          for (let j = 0; j < m - 1; j++) matrix[i * m + j] = matrix[(i + 1) * m + j + 1] as number;
        }
      }
    }
    const k = this.s.length;
    this.s.push(s);
    this.y.push(y);
    for (let i = 0; i <= k; i++) {
      const si = this.s[i] as Float64Array;
      const yi = this.y[i] as Float64Array;
      const ss = dot(si, s);
      const yy = dot(yi, y);
      this.sts[i * m + k] = ss;
      this.sts[k * m + i] = ss;
      this.yty[i * m + k] = yy;
      this.yty[k * m + i] = yy;
      this.sty[i * m + k] = dot(si, y);
      this.sty[k * m + i] = dot(s, yi);
    }
    if (products !== undefined) {
      this.sty[k * m + k] = products.sy;
      this.sts[k * m + k] = products.ss;
    }
    this.theta = (this.yty[k * m + k] as number) / (this.sty[k * m + k] as number);
    if (!this.rebuild()) {
      this.clear();
      return false;
    }
    return true;
  }

  /** sᵢᵀs_j */
  stsAt(i: number, j: number): number {
    return this.sts[i * this.capacity + j] as number;
  }

  /** sᵢᵀy_j */
  styAt(i: number, j: number): number {
    return this.sty[i * this.capacity + j] as number;
  }

  /** yᵢᵀy_j */
  ytyAt(i: number, j: number): number {
    return this.yty[i * this.capacity + j] as number;
  }

  /** Writes row i of W, wᵢ = (Y[i, :], θ S[i, :]), into `out` (length 2k). */
  row(i: number, out: Float64Array): void {
    const k = this.s.length;
    const theta = this.theta;
    for (let j = 0; j < k; j++) {
      out[j] = (this.y[j] as Float64Array)[i] as number;
      out[k + j] = theta * ((this.s[j] as Float64Array)[i] as number);
    }
  }

  /** out = M v for a 2k-vector v. */
  multiplyInverseMiddle(v: Float64Array, out: Float64Array): void {
    multiplySquare(this.inverseMiddle, v, out);
  }

  /** out = Wᵀ v for an n-vector v. */
  transposeTimes(v: Float64Array, out: Float64Array): void {
    const k = this.s.length;
    for (let j = 0; j < k; j++) {
      out[j] = dot(this.y[j] as Float64Array, v);
      out[k + j] = this.theta * dot(this.s[j] as Float64Array, v);
    }
  }

  /** WᵀW = [ YᵀY  θYᵀS ; θSᵀY  θ²SᵀS ] (2k × 2k, row-major), from the stored dot products. */
  gram(): Float64Array {
    const k = this.s.length;
    const k2 = 2 * k;
    const theta = this.theta;
    const out = new Float64Array(k2 * k2);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        out[i * k2 + j] = this.ytyAt(i, j);
        out[i * k2 + k + j] = theta * this.styAt(j, i);
        out[(k + i) * k2 + j] = theta * this.styAt(i, j);
        out[(k + i) * k2 + k + j] = theta * theta * this.stsAt(i, j);
      }
    }
    return out;
  }

  /**
   * Rebuilds K and M = K⁻¹. K [a; b] = [u; v] is solved by block elimination: with D > 0,
   * a = D⁻¹(Lᵀb − u) and (θSᵀS + L D⁻¹ Lᵀ) b = v + L D⁻¹ u, the latter matrix being symmetric positive definite
   * (Cholesky). Returns false if the Cholesky factorisation breaks down.
   */
  private rebuild(): boolean {
    const k = this.s.length;
    const k2 = 2 * k;
    const theta = this.theta;
    const middle = new Float64Array(k2 * k2);
    const diagonal = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      diagonal[i] = this.styAt(i, i);
      middle[i * k2 + i] = -(diagonal[i] as number);
      for (let j = 0; j < k; j++) {
        const lower = i > j ? this.styAt(i, j) : 0; // L_ij
        middle[(k + i) * k2 + j] = lower; // L block
        middle[j * k2 + k + i] = lower; // Lᵀ block
        middle[(k + i) * k2 + k + j] = theta * this.stsAt(i, j);
      }
    }
    // T = θSᵀS + L D⁻¹ Lᵀ, (L D⁻¹ Lᵀ)_ij = Σ_{l < min(i, j)} L_il L_jl / D_l.
    const t = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let l = 0; l < j; l++) sum += (this.styAt(i, l) * this.styAt(j, l)) / (diagonal[l] as number);
        sum += theta * this.stsAt(i, j);
        t[i * k + j] = sum;
        t[j * k + i] = sum;
      }
    }
    const cholesky = choleskyFactor(t, k);
    if (cholesky === undefined) return false;
    const inverse = new Float64Array(k2 * k2);
    const rhs = new Float64Array(k);
    const b = new Float64Array(k);
    for (let column = 0; column < k2; column++) {
      // Right-hand side e_column = [u; v].
      const u = (i: number): number => (column === i ? 1 : 0);
      const v = (i: number): number => (column === k + i ? 1 : 0);
      for (let i = 0; i < k; i++) {
        let sum = v(i);
        for (let l = 0; l < i; l++) sum += (this.styAt(i, l) * u(l)) / (diagonal[l] as number);
        rhs[i] = sum;
      }
      choleskySolve(cholesky, k, rhs, b);
      for (let i = 0; i < k; i++) {
        let lTb = 0;
        for (let j = i + 1; j < k; j++) lTb += this.styAt(j, i) * (b[j] as number); // (Lᵀb)_i = Σ_{j > i} L_ji b_j
        inverse[i * k2 + column] = (lTb - u(i)) / (diagonal[i] as number);
        inverse[(k + i) * k2 + column] = b[i] as number;
      }
    }
    // Symmetrise away rounding so that M is exactly symmetric.
    for (let i = 0; i < k2; i++) {
      for (let j = 0; j < i; j++) {
        const mean = 0.5 * ((inverse[i * k2 + j] as number) + (inverse[j * k2 + i] as number));
        inverse[i * k2 + j] = mean;
        inverse[j * k2 + i] = mean;
      }
    }
    for (let i = 0; i < inverse.length; i++) if (!Number.isFinite(inverse[i] as number)) return false;
    this.middle = middle;
    this.inverseMiddle = inverse;
    return true;
  }
}

/** Σ aᵢbᵢ */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** out = A v for a square row-major A of order v.length. */
export function multiplySquare(a: Float64Array, v: Float64Array, out: Float64Array): void {
  const order = v.length;
  for (let i = 0; i < order; i++) {
    let sum = 0;
    for (let j = 0; j < order; j++) sum += (a[i * order + j] as number) * (v[j] as number);
    out[i] = sum;
  }
}

/** Lower-triangular Cholesky factor of a symmetric order-k matrix, or undefined if it is not positive definite. */
function choleskyFactor(a: Float64Array, k: number): Float64Array | undefined {
  const factor = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let diagonal = a[j * k + j] as number;
    for (let l = 0; l < j; l++) diagonal -= (factor[j * k + l] as number) ** 2;
    if (!(diagonal > 0)) return undefined;
    const root = Math.sqrt(diagonal);
    factor[j * k + j] = root;
    for (let i = j + 1; i < k; i++) {
      let sum = a[i * k + j] as number;
      for (let l = 0; l < j; l++) sum -= (factor[i * k + l] as number) * (factor[j * k + l] as number);
      factor[i * k + j] = sum / root;
    }
  }
  return factor;
}

/** Solves (F Fᵀ) x = b for a lower-triangular Cholesky factor F. */
function choleskySolve(factor: Float64Array, k: number, b: Float64Array, x: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let sum = b[i] as number;
    for (let l = 0; l < i; l++) sum -= (factor[i * k + l] as number) * (x[l] as number);
    x[i] = sum / (factor[i * k + i] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let l = i + 1; l < k; l++) sum -= (factor[l * k + i] as number) * (x[l] as number);
    x[i] = sum / (factor[i * k + i] as number);
  }
}

/**
 * Solves A x = b for a general square row-major A by Gaussian elimination with partial pivoting; undefined if A is
 * numerically singular. A and b are not modified.
 */
export function solveDense(a: Float64Array, b: Float64Array): Float64Array | undefined {
  const order = b.length;
  const lu = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let column = 0; column < order; column++) {
    let pivot = column;
    for (let i = column + 1; i < order; i++) {
      if (Math.abs(lu[i * order + column] as number) > Math.abs(lu[pivot * order + column] as number)) pivot = i;
    }
    const pivotValue = lu[pivot * order + column] as number;
    if (pivotValue === 0 || !Number.isFinite(pivotValue)) return undefined;
    if (pivot !== column) {
      for (let j = 0; j < order; j++) {
        const tmp = lu[column * order + j] as number;
        lu[column * order + j] = lu[pivot * order + j] as number;
        lu[pivot * order + j] = tmp;
      }
      const tmp = x[column] as number;
      x[column] = x[pivot] as number;
      x[pivot] = tmp;
    }
    for (let i = column + 1; i < order; i++) {
      const factor = (lu[i * order + column] as number) / pivotValue;
      if (factor === 0) continue;
      for (let j = column; j < order; j++) lu[i * order + j] = (lu[i * order + j] as number) - factor * (lu[column * order + j] as number);
      x[i] = (x[i] as number) - factor * (x[column] as number);
    }
  }
  for (let i = order - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let j = i + 1; j < order; j++) sum -= (lu[i * order + j] as number) * (x[j] as number);
    x[i] = sum / (lu[i * order + i] as number);
  }
  for (let i = 0; i < order; i++) if (!Number.isFinite(x[i] as number)) return undefined;
  return x;
}
