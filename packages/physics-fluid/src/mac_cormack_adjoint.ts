import { requireFiniteNumber, requirePositiveInteger } from "@pg/core";
import { requireFluidGrid, SAMPLE_OFFSETS, type FluidGrid, type SampleOffset, type StaggeredVelocity } from "./fluid_grid";
import { requireFiniteStaggeredVelocity } from "./mac_cormack";
import { requireFiniteScalarField, requireSampleOffset, sampleIndex } from "./periodic_interpolation";

/** Result of {@link macCormackAdjoint}: the cotangents of both inputs of `macCormack`. */
export interface MacCormackAdjointResult {
  /** ∂L/∂φ, batch × nx × ny in the layout of `field`. */
  readonly field: Float64Array;
  /** ∂L/∂u for the advecting staggered velocity, batch × nx × ny per component. */
  readonly velocity: StaggeredVelocity;
}

/** Result of {@link advectStaggeredAdjoint}: the cotangents of both inputs of `advectStaggered`. */
export interface AdvectStaggeredAdjointResult {
  /** ∂L/∂(the advected velocity). */
  readonly velocity: StaggeredVelocity;
  /** ∂L/∂(the advecting velocity). For self-advection u ↦ advectStaggered(u, u) add the two. */
  readonly velocityToAdvectBy: StaggeredVelocity;
}

/** @internal per-example scratch of {@link macCormackAdjointInto}, nx × ny each; allocate once, reuse across examples and calls. */
export interface MacCormackAdjointScratch {
  /** dt·v/dx per sample, the index-space displacement (B = X − s, F = X + s). */
  readonly shiftX: Float64Array;
  readonly shiftY: Float64Array;
  /** φ̂ = φ(B). */
  readonly semiLagrangian: Float64Array;
  /** ∂L/∂φ̂. */
  readonly semiLagrangianGradient: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Absolute index into `field` of the node attaining `lower` / `upper` (first in the order 00, 01, 10, 11). */
  readonly lowerNode: Int32Array;
  readonly upperNode: Int32Array;
  /** ∂L/∂s per sample (index space). */
  readonly shiftGradientX: Float64Array;
  readonly shiftGradientY: Float64Array;
}

/** @internal allocates the scratch of {@link macCormackAdjointInto} for one example of `cells` samples. */
export function macCormackAdjointScratch(cells: number): MacCormackAdjointScratch {
  return {
    shiftX: new Float64Array(cells),
    shiftY: new Float64Array(cells),
    semiLagrangian: new Float64Array(cells),
    semiLagrangianGradient: new Float64Array(cells),
    lower: new Float64Array(cells),
    upper: new Float64Array(cells),
    lowerNode: new Int32Array(cells),
    upperNode: new Int32Array(cells),
    shiftGradientX: new Float64Array(cells),
    shiftGradientY: new Float64Array(cells),
  };
}

/**
 * Scatters `g` bilinearly (the transpose of `sampleIndex`) into one example of a periodic field at the index
 * coordinate (sx, sy). Unchecked hot-loop kernel.
 */
function scatterIndex(target: Float64Array, base: number, nx: number, ny: number, sx: number, sy: number, g: number): void {
  const fx = Math.floor(sx);
  const fy = Math.floor(sy);
  const tx = sx - fx;
  const ty = sy - fy;
  let i0 = fx % nx;
  if (i0 < 0) i0 += nx;
  let j0 = fy % ny;
  if (j0 < 0) j0 += ny;
  const i1 = i0 + 1 === nx ? 0 : i0 + 1;
  const j1 = j0 + 1 === ny ? 0 : j0 + 1;
  const r0 = base + i0 * ny;
  const r1 = base + i1 * ny;
  const gx0 = g * (1 - tx);
  const gx1 = g * tx;
  target[r0 + j0] = (target[r0 + j0] as number) + gx0 * (1 - ty);
  target[r0 + j1] = (target[r0 + j1] as number) + gx0 * ty;
  target[r1 + j0] = (target[r1 + j0] as number) + gx1 * (1 - ty);
  target[r1 + j1] = (target[r1 + j1] as number) + gx1 * ty;
}

/**
 * Unchecked vector–Jacobian product of `macCormackInto` for a batch of scalar fields with sample offset
 * (ox, oy). **Adds** ∂L/∂φ into `fieldGradient` (batch × nx × ny, distinct from `field`) and ∂L/∂u into
 * `velocityGradient` (each component batch × nx × ny), so several advections by the same velocity can share one
 * accumulator (self-advection, a fluid step). The forward quantities are recomputed with the forward's exact
 * floating-point expressions, so every clamp decision matches `macCormack` bit for bit.
 *
 * Per sample k (index space; X = (i, j), s = dt·v(X)/dx, B = X − s, F = X + s; c = φ̂_k + ½(φ_k − φ̂(F_k))):
 * - if c < lower_k the output is the node of φ around B_k attaining the minimum (first in the order (i0, j0),
 *   (i0, j1), (i1, j0), (i1, j1)) and the whole cotangent goes to that node; likewise for c > upper_k; the node choice
 *   is locally constant in u, so no velocity gradient flows from a clamped sample;
 * - otherwise (lower ≤ c ≤ upper, the forward's unclamped branch) the cotangent ḡ flows to ½φ_k, to φ̂_k, to
 *   −½φ̂ at the nodes around F_k (bilinear transpose), and to F_k through ∇I(φ̂; F_k); then ∂L/∂φ̂ flows to φ at the
 *   nodes around B_k and to B_k through ∇I(φ; B_k). With ∂L/∂s = ∂L/∂F − ∂L/∂B, ∂L/∂v(X) = (dt/dx)·∂L/∂s is
 *   scattered to the face nodes that v(X) was interpolated from. Derivatives of the bilinear interpolant with respect
 *   to the query point are those of the cell selected by floor (one-sided on cell lines).
 * @internal used by {@link macCormackAdjoint}, {@link advectStaggeredAdjoint} and the fluid-step adjoint.
 */
export function macCormackAdjointInto(
  field: Float64Array,
  ox: number,
  oy: number,
  velocity: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
  outputGradient: Float64Array,
  fieldGradient: Float64Array,
  velocityGradient: StaggeredVelocity,
  scratch: MacCormackAdjointScratch,
): void {
  const { nx, ny, dx } = grid;
  const cells = nx * ny;
  const shift = dt / dx;
  const { shiftX, shiftY, semiLagrangian, semiLagrangianGradient, lower, upper, lowerNode, upperNode, shiftGradientX, shiftGradientY } = scratch;
  const vx = velocity.x;
  const vy = velocity.y;
  const gvx = velocityGradient.x;
  const gvy = velocityGradient.y;
  // Same expressions as macCormackInto: the field's sample (i, j) on the two face grids.
  const xOnX = ox - SAMPLE_OFFSETS.xFaces.x;
  const yOnX = oy - SAMPLE_OFFSETS.xFaces.y;
  const xOnY = ox - SAMPLE_OFFSETS.yFaces.x;
  const yOnY = oy - SAMPLE_OFFSETS.yFaces.y;
  for (let e = 0; e < batch; e++) {
    const base = e * cells;
    // Forward pass 1 (recomputed): s, φ̂ = φ(B), and the clamp range around B with its arg-min / arg-max nodes.
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        const sx = shift * sampleIndex(vx, base, nx, ny, i + xOnX, j + yOnX);
        const sy = shift * sampleIndex(vy, base, nx, ny, i + xOnY, j + yOnY);
        shiftX[k] = sx;
        shiftY[k] = sy;
        const bx = i - sx;
        const by = j - sy;
        const fx = Math.floor(bx);
        const fy = Math.floor(by);
        const tx = bx - fx;
        const ty = by - fy;
        let i0 = fx % nx;
        if (i0 < 0) i0 += nx;
        let j0 = fy % ny;
        if (j0 < 0) j0 += ny;
        const i1 = i0 + 1 === nx ? 0 : i0 + 1;
        const j1 = j0 + 1 === ny ? 0 : j0 + 1;
        const n00 = base + i0 * ny + j0;
        const n01 = base + i0 * ny + j1;
        const n10 = base + i1 * ny + j0;
        const n11 = base + i1 * ny + j1;
        const f00 = field[n00] as number;
        const f01 = field[n01] as number;
        const f10 = field[n10] as number;
        const f11 = field[n11] as number;
        const a = f00 + ty * (f01 - f00);
        const b = f10 + ty * (f11 - f10);
        semiLagrangian[k] = a + tx * (b - a);
        let lo = f00;
        let loNode = n00;
        let hi = f00;
        let hiNode = n00;
        if (f01 < lo) {
          lo = f01;
          loNode = n01;
        }
        if (f01 > hi) {
          hi = f01;
          hiNode = n01;
        }
        if (f10 < lo) {
          lo = f10;
          loNode = n10;
        }
        if (f10 > hi) {
          hi = f10;
          hiNode = n10;
        }
        if (f11 < lo) {
          lo = f11;
          loNode = n11;
        }
        if (f11 > hi) {
          hi = f11;
          hiNode = n11;
        }
        lower[k] = lo;
        upper[k] = hi;
        lowerNode[k] = loNode;
        upperNode[k] = hiNode;
      }
    }
    semiLagrangianGradient.fill(0);
    // Reverse of pass 2: clamp, φ_new = φ̂ + ½(φ − φ̃), φ̃ = φ̂(F).
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        const g = outputGradient[base + k] as number;
        const sx = shiftX[k] as number;
        const sy = shiftY[k] as number;
        const qx = i + sx;
        const qy = j + sy;
        const fx = Math.floor(qx);
        const fy = Math.floor(qy);
        const tx = qx - fx;
        const ty = qy - fy;
        let i0 = fx % nx;
        if (i0 < 0) i0 += nx;
        let j0 = fy % ny;
        if (j0 < 0) j0 += ny;
        const i1 = i0 + 1 === nx ? 0 : i0 + 1;
        const j1 = j0 + 1 === ny ? 0 : j0 + 1;
        const r0 = i0 * ny;
        const r1 = i1 * ny;
        const h00 = semiLagrangian[r0 + j0] as number;
        const h01 = semiLagrangian[r0 + j1] as number;
        const h10 = semiLagrangian[r1 + j0] as number;
        const h11 = semiLagrangian[r1 + j1] as number;
        const a = h00 + ty * (h01 - h00);
        const b = h10 + ty * (h11 - h10);
        const back = a + tx * (b - a);
        const corrected = (semiLagrangian[k] as number) + 0.5 * ((field[base + k] as number) - back);
        shiftGradientX[k] = 0;
        shiftGradientY[k] = 0;
        if (g === 0) continue;
        if (corrected < (lower[k] as number)) {
          const n = lowerNode[k] as number;
          fieldGradient[n] = (fieldGradient[n] as number) + g;
          continue;
        }
        if (corrected > (upper[k] as number)) {
          const n = upperNode[k] as number;
          fieldGradient[n] = (fieldGradient[n] as number) + g;
          continue;
        }
        fieldGradient[base + k] = (fieldGradient[base + k] as number) + 0.5 * g;
        semiLagrangianGradient[k] = (semiLagrangianGradient[k] as number) + g;
        const gb = -0.5 * g;
        const gx0 = gb * (1 - tx);
        const gx1 = gb * tx;
        semiLagrangianGradient[r0 + j0] = (semiLagrangianGradient[r0 + j0] as number) + gx0 * (1 - ty);
        semiLagrangianGradient[r0 + j1] = (semiLagrangianGradient[r0 + j1] as number) + gx0 * ty;
        semiLagrangianGradient[r1 + j0] = (semiLagrangianGradient[r1 + j0] as number) + gx1 * (1 - ty);
        semiLagrangianGradient[r1 + j1] = (semiLagrangianGradient[r1 + j1] as number) + gx1 * ty;
        // ∂φ̃/∂F and F = X + s.
        shiftGradientX[k] = gb * (b - a);
        shiftGradientY[k] = gb * ((1 - tx) * (h01 - h00) + tx * (h11 - h10));
      }
    }
    // Reverse of pass 1: φ̂ = φ(B) with B = X − s, then s = (dt/dx)·v(X) back to the face grids.
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        let gsx = shiftGradientX[k] as number;
        let gsy = shiftGradientY[k] as number;
        const gh = semiLagrangianGradient[k] as number;
        if (gh !== 0) {
          const bx = i - (shiftX[k] as number);
          const by = j - (shiftY[k] as number);
          const fx = Math.floor(bx);
          const fy = Math.floor(by);
          const tx = bx - fx;
          const ty = by - fy;
          let i0 = fx % nx;
          if (i0 < 0) i0 += nx;
          let j0 = fy % ny;
          if (j0 < 0) j0 += ny;
          const i1 = i0 + 1 === nx ? 0 : i0 + 1;
          const j1 = j0 + 1 === ny ? 0 : j0 + 1;
          const n00 = base + i0 * ny + j0;
          const n01 = base + i0 * ny + j1;
          const n10 = base + i1 * ny + j0;
          const n11 = base + i1 * ny + j1;
          const f00 = field[n00] as number;
          const f01 = field[n01] as number;
          const f10 = field[n10] as number;
          const f11 = field[n11] as number;
          const gx0 = gh * (1 - tx);
          const gx1 = gh * tx;
          fieldGradient[n00] = (fieldGradient[n00] as number) + gx0 * (1 - ty);
          fieldGradient[n01] = (fieldGradient[n01] as number) + gx0 * ty;
          fieldGradient[n10] = (fieldGradient[n10] as number) + gx1 * (1 - ty);
          fieldGradient[n11] = (fieldGradient[n11] as number) + gx1 * ty;
          const a = f00 + ty * (f01 - f00);
          const b = f10 + ty * (f11 - f10);
          // ∂φ̂/∂B, and ∂B/∂s = −1.
          gsx -= gh * (b - a);
          gsy -= gh * ((1 - tx) * (f01 - f00) + tx * (f11 - f10));
        }
        if (gsx !== 0) scatterIndex(gvx, base, nx, ny, i + xOnX, j + yOnX, shift * gsx);
        if (gsy !== 0) scatterIndex(gvy, base, nx, ny, i + xOnY, j + yOnY, shift * gsy);
      }
    }
  }
}

/**
 * The exact vector–Jacobian product (reverse-mode derivative) of `macCormack(field, offset, velocity, dt, grid,
 * batch)` with respect to both the advected field and the advecting staggered velocity, at that point.
 * The velocity enters through v(X) → B = X − dt·v and F = X + dt·v: the derivative includes the bilinear
 * interpolant's derivative with respect to the query point, for φ̂ = φ(B) and for φ̃ = φ̂(F) (where φ̂ itself depends on
 * B). The clamp to [lower, upper] (the 2 × 2 nodes of φ around B): where the forward took the unclamped branch
 * (lower ≤ φ_new ≤ upper) the cotangent flows through φ̂ + ½(φ − φ̃); where it clamped, the whole cotangent goes to the
 * node attaining the bound — ties broken by the first node in the order (i0, j0), (i0, j1), (i1, j0), (i1, j1), where
 * (i0, j0) = floor(B) wrapped and i1 = i0 + 1, j1 = j0 + 1 (periodic) — and nothing flows to the velocity from that
 * sample (the node is locally constant in u). The map is piecewise smooth: derivatives are one-sided where B or F lies
 * exactly on a cell line, and undefined where B crosses one (the clamp range jumps) or the clamp switches.
 * @param field - the forward's `field`, Float64Array of batch × nx × ny, index (b·nx + i)·ny + j; finite; not modified.
 * @param offset - the forward's sample offset of `field` (`SAMPLE_OFFSETS.centre`, `.xFaces`, `.yFaces`).
 * @param velocity - the forward's advecting {@link StaggeredVelocity}; finite; not modified.
 * @param dt - the forward's time step; a finite number.
 * @param grid - a {@link FluidGrid}.
 * @param batch - number of examples; a positive integer.
 * @param outputGradient - ∂L/∂φ_new, Float64Array of batch × nx × ny; finite; not modified.
 * @returns `{ field, velocity }`: new arrays ∂L/∂φ (layout of `field`) and ∂L/∂u (a {@link StaggeredVelocity}).
 * @throws {@link PgValidationError} if `grid`, `batch`, `offset` or `dt` is invalid.
 * @throws {@link PgShapeError} if `field`, `velocity.x`, `velocity.y` or `outputGradient` is not a Float64Array of
 *   batch × nx × ny.
 * @throws {@link PgNonFiniteError} if `field`, the velocity or `outputGradient` holds NaN or ±Infinity.
 * @example
 * import { macCormackAdjoint, SAMPLE_OFFSETS } from "@pg/physics-fluid";
 * const grid = { nx: 4, ny: 2, dx: 2 };
 * const marker = Float64Array.of(0, 0, 1, 1, 0, 0, 0, 0);
 * const velocity = { x: new Float64Array(8).fill(8), y: new Float64Array(8) }; // dt·v = dx: one cell along x
 * const dL = Float64Array.of(1, 1, 2, 2, 3, 3, 4, 4); // ∂L/∂(moved marker)
 * const g = macCormackAdjoint(marker, SAMPLE_OFFSETS.centre, velocity, 0.25, grid, 1, dL);
 * console.log(Array.from(g.field).join(" ")); // 2 2 3 3 4 4 1 1
 * // half a cell (dt = 0.125): the cotangent of the advecting velocity, away from cell lines
 * const half = macCormackAdjoint(marker, SAMPLE_OFFSETS.centre, velocity, 0.125, grid, 1, dL);
 * console.log(Array.from(half.velocity.x).join(" ")); // 0 0 -0.046875 -0.046875 0.03125 0.03125 0.078125 0.078125
 */
export function macCormackAdjoint(
  field: Float64Array,
  offset: SampleOffset,
  velocity: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
  outputGradient: Float64Array,
): MacCormackAdjointResult {
  const where = "macCormackAdjoint";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const f = requireFiniteScalarField(where, "field", field, b, g);
  const o = requireSampleOffset(where, "offset", offset);
  const v = requireFiniteStaggeredVelocity(where, "velocity", velocity, b, g);
  const step = requireFiniteNumber(where, "dt", dt);
  const out = requireFiniteScalarField(where, "outputGradient", outputGradient, b, g);
  const fieldGradient = new Float64Array(f.length);
  const velocityGradient = { x: new Float64Array(f.length), y: new Float64Array(f.length) };
  macCormackAdjointInto(f, o.x, o.y, v, step, g, b, out, fieldGradient, velocityGradient, macCormackAdjointScratch(g.nx * g.ny));
  return { field: fieldGradient, velocity: velocityGradient };
}

/**
 * @internal unchecked {@link advectStaggeredAdjoint}: adds ∂L/∂velocity into `velocityGradient` and ∂L/∂by into
 * `byGradient` (which may be the same object, giving the self-advection gradient directly).
 */
export function advectStaggeredAdjointInto(
  velocity: StaggeredVelocity,
  by: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
  outputGradient: StaggeredVelocity,
  velocityGradient: StaggeredVelocity,
  byGradient: StaggeredVelocity,
  scratch: MacCormackAdjointScratch = macCormackAdjointScratch(grid.nx * grid.ny),
): void {
  const { xFaces, yFaces } = SAMPLE_OFFSETS;
  macCormackAdjointInto(velocity.x, xFaces.x, xFaces.y, by, dt, grid, batch, outputGradient.x, velocityGradient.x, byGradient, scratch);
  macCormackAdjointInto(velocity.y, yFaces.x, yFaces.y, by, dt, grid, batch, outputGradient.y, velocityGradient.y, byGradient, scratch);
}

/**
 * The exact vector–Jacobian product of `advectStaggered(velocity, velocityToAdvectBy, dt, grid, batch)` (the
 * self-advection of the fluid step): `velocity.x` is MacCormack-advected on the x-faces and `velocity.y` on the
 * y-faces, both by `velocityToAdvectBy`, so this is {@link macCormackAdjoint} per component with the offsets `SAMPLE_OFFSETS.xFaces`
 * and `.yFaces`, the two advecting-velocity cotangents summed. Same clamp convention as {@link macCormackAdjoint}.
 * For self-advection u ↦ advectStaggered(u, u, …) the gradient is the sum of the two returned cotangents.
 * @param velocity - the forward's advected {@link StaggeredVelocity}; finite; not modified.
 * @param velocityToAdvectBy - the forward's advecting {@link StaggeredVelocity}; finite; not modified.
 * @param dt - the forward's time step; a finite number.
 * @param grid - a {@link FluidGrid}.
 * @param batch - number of examples; a positive integer.
 * @param outputGradient - ∂L/∂(advected velocity), a {@link StaggeredVelocity}; finite; not modified.
 * @returns `{ velocity, velocityToAdvectBy }`: new {@link StaggeredVelocity} cotangents.
 * @throws as {@link macCormackAdjoint}, naming `velocity.x`, `velocity.y`, `velocityToAdvectBy.x`,
 *   `velocityToAdvectBy.y`, `outputGradient.x` or `outputGradient.y`.
 * @example
 * import { advectStaggeredAdjoint } from "@pg/physics-fluid";
 * const grid = { nx: 3, ny: 2, dx: 1 };
 * const by = { x: new Float64Array(6).fill(1), y: new Float64Array(6) }; // one cell per unit time along x
 * const velocity = { x: Float64Array.of(1, 1, 2, 2, 3, 3), y: new Float64Array(6) };
 * const dL = { x: Float64Array.of(1, 0, 0, 0, 0, 0), y: new Float64Array(6) }; // ∂L/∂(moved x[0, 0])
 * const g = advectStaggeredAdjoint(velocity, by, 0.5, grid, 1, dL); // half a cell
 * console.log(Array.from(g.velocity.x).join(" ")); // 0.75 0 -0.125 0 0.375 0
 * console.log(Array.from(g.velocityToAdvectBy.x).join(" ")); // 0.875 0 0.125 0 0 0
 */
export function advectStaggeredAdjoint(
  velocity: StaggeredVelocity,
  velocityToAdvectBy: StaggeredVelocity,
  dt: number,
  grid: FluidGrid,
  batch: number,
  outputGradient: StaggeredVelocity,
): AdvectStaggeredAdjointResult {
  const where = "advectStaggeredAdjoint";
  const g = requireFluidGrid(where, grid);
  const b = requirePositiveInteger(where, "batch", batch);
  const u = requireFiniteStaggeredVelocity(where, "velocity", velocity, b, g);
  const by = requireFiniteStaggeredVelocity(where, "velocityToAdvectBy", velocityToAdvectBy, b, g);
  const step = requireFiniteNumber(where, "dt", dt);
  const out = requireFiniteStaggeredVelocity(where, "outputGradient", outputGradient, b, g);
  const n = u.x.length;
  const velocityGradient = { x: new Float64Array(n), y: new Float64Array(n) };
  const byGradient = { x: new Float64Array(n), y: new Float64Array(n) };
  advectStaggeredAdjointInto(u, by, step, g, b, out, velocityGradient, byGradient);
  return { velocity: velocityGradient, velocityToAdvectBy: byGradient };
}
