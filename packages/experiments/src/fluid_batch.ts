import { PgValidationError, requireKnownKeys, requirePositive, requirePositiveInteger, type OptionKeysCover } from "@pg/core";
import { hardBoxMask, noiseField } from "@pg/numerics";
import { centerOfMass, FLUID_GRID, FLUID_TIME, swirlField, uniformVelocity, type FluidGrid } from "@pg/physics-fluid";
import type { RandomStream } from "@pg/data";

/** Options of {@link fluidBatch}. */
export interface FluidBatchOptions {
  /** Number of examples; a positive integer (64 in the paper). */
  readonly batch: number;
  /**
   * The periodic grid { nx, ny, dx } (integers nx, ny ≥ 2, finite dx > 0); the domain is [0, nx·dx] × [0, ny·dx].
   * @defaultValue FLUID_GRID, 64 × 64 cells of dx = 2 (a 128 × 128 domain, as in the paper's fluid experiment)
   */
  readonly grid?: FluidGrid;
}

const FLUID_BATCH_OPTION_KEYS = ["batch", "grid"] as const satisfies readonly (keyof FluidBatchOptions)[];
true satisfies OptionKeysCover<FluidBatchOptions, typeof FLUID_BATCH_OPTION_KEYS>;

/**
 * One batch of fluid ground truth (steps 1–8 of {@link fluidBatch}): the initial marker m₀ and the initial velocity
 * v₀*. The target m_t* = P(v₀*) is the simulation's business, done by the fluid experiment. Layouts as in
 * @pg/physics-fluid: scalar b × nx × ny at (b·nx + i)·ny + j, vector b × nx × ny × 2 at ((b·nx + i)·ny + j)·2 + c.
 */
export interface FluidBatch {
  /** m₀, batch × nx × ny, entries exactly 0 or 1; at least one 1 per example, and only inside that example's box. */
  readonly marker: Float64Array;
  /** v₀* = u_unif + Swirl(ω) + fluctuations, cell-centred, batch × nx × ny × 2 (channel x, then y). */
  readonly velocity: Float64Array;
  /** Box centre pos per example, batch × 2 (x, y at 2b, 2b + 1), physical units; in [32, 96)² on FLUID_GRID. */
  readonly boxCentre: Float64Array;
  /** ff, the fill fraction shared by the whole batch, in [0.05, 0.15). */
  readonly fillFraction: number;
  /** ω per example (length batch), in [−2, 2). */
  readonly strength: Float64Array;
  /** u_unif = (c₀ − com(m₀))/TIME per example, batch × 2 (x, y at 2b, 2b + 1). */
  readonly uniform: Float64Array;
  readonly batch: number;
  readonly grid: FluidGrid;
}

/** Spectral scale of both noise fields (steps 2 and 7 of {@link fluidBatch}: Noise(scale 10), smoothness 1). */
const FLUID_NOISE_SCALE = 10;
/** Box centres are drawn from [L/4, 3L/4) per axis: [32, 96) on the 128-wide domain. */
const CENTRE_LOW_FRACTION = 0.25;
const CENTRE_HIGH_FRACTION = 0.75;
/** Half-width of the marker box as a fraction of the domain: 28 on the 128-wide domain (step 2). */
const BOX_HALF_WIDTH_FRACTION = 28 / 128;
/** ff ~ U[0.05, 0.15), once per batch (step 3). */
const FILL_FRACTION_LOW = 0.05;
const FILL_FRACTION_HIGH = 0.15;
/** ω ~ U[−2, 2) per example (step 6). */
const STRENGTH_LOW = -2;
const STRENGTH_HIGH = 2;
/** Amplitude of the 2-channel velocity fluctuations (step 7). */
const FLUCTUATION_AMPLITUDE = 0.1;

/**
 * Draws one batch of the fluid experiment's ground truth (paper App. B.5; the authors' code calls it
 * `generate_example`) on a periodic grid of physical size L = (nx·dx, ny·dx) with centre c₀ = L/2 (64 × 64 cells, L = 128,
 * c₀ = (64, 64) by default):
 * 1. box centre pos ~ U[L/4, 3L/4)² per example ([32, 96)²);
 * 2. noise = Noise(scale 10) on the grid with physical size L (`noiseField`, zero mean and unit std per example),
 *    times the hard mask (`hardBoxMask`: cell centres, bounds inclusive) of the box [pos − 28·L/128, pos + 28·L/128];
 * 3. ff ~ U[0.05, 0.15), one scalar for the whole batch;
 * 4. per example the k = round(nx·ny·ff) cells with the largest masked noise over the whole grid are set to 1, all
 *    others 0, and the result is multiplied by the box mask again. Ties are broken by the lower cell index
 *    i·ny + j first (values are compared with `>`, so the exact zeros outside the box, +0 and −0 alike, tie). As the
 *    outside holds zeros, the marked count is min(k, number of in-box cells with positive noise), about 200–400 of
 *    the 784 in-box cells on the fluid grid;
 * 5. u_unif = (c₀ − com(m₀))/TIME with TIME = FLUID_STEPS·FLUID_DT = 2 (`centerOfMass`);
 * 6. ω ~ U[−2, 2) per example;
 * 7. fluctuations = 0.1 · Noise(scale 10, 2 channels), normalised jointly over both components;
 * 8. v₀* = u_unif + Swirl(ω) + fluctuations, cell-centred (Swirl about c₀, radius 20, as `swirlField`).
 *
 * Draw order (fixed, so a batch is reproducible from the seed; the stream advances by exactly 3·batch + 1 uniforms
 * and 6·batch·nx·ny normals, whatever is drawn):
 * 1. batch × 2 `stream.uniform(L/4, 3L/4)`: pos of example 0 (x then y), then example 1, …;
 * 2. 2·batch·nx·ny normals: `noiseField(stream, { batch, shape: [nx, ny], size: L, scale: 10 })` (its own order:
 *    example, x, y, then real and imaginary part);
 * 3. one `stream.uniform(0.05, 0.15)`: ff;
 * 4. batch × `stream.uniform(−2, 2)`: ω of example 0, 1, …;
 * 5. 4·batch·nx·ny normals: `noiseField(stream, { batch, shape: [nx, ny], size: L, scale: 10, channels: 2 })`.
 *
 * Like `heatRectangles` of @pg/data, draws are grouped by quantity in step order; the authors' code uses a different
 * random generator anyway, so its batches cannot be reproduced draw for draw. An example whose marker comes out empty (impossible on the fluid grid, where
 * k ≥ round(4096·0.05) = 205, unless no in-box noise value is positive) has no centre of mass: it is not redrawn,
 * an error naming the example is thrown instead.
 * @param stream - the seeded {@link RandomStream} of the run; advanced as described above.
 * @param options - {@link FluidBatchOptions}.
 * @returns a {@link FluidBatch} of new Float64Arrays.
 * @throws {@link PgValidationError} if `stream` is not a RandomStream, `options` has a key other than `batch` and
 * `grid` (the closest one suggested), `batch` is not a positive integer, `grid` is
 * not { nx, ny, dx } with integers nx, ny ≥ 2 and finite dx > 0 (or too coarse for Noise(scale 10)), or if an
 * example's marker is empty (the parameter names the example).
 * @example
 * import { random } from "@pg/data";
 * import { fluidBatch } from "@pg/experiments";
 * const { marker, velocity, fillFraction, strength } = fluidBatch(random(0), { batch: 2 });
 * const marked = marker.subarray(0, 4096).reduce((sum, m) => sum + m, 0);
 * console.log(marker.length, velocity.length, marker.every((m) => m === 0 || m === 1)); // 8192 16384 true
 * console.log(fillFraction >= 0.05 && fillFraction < 0.15, marked > 0 && marked <= Math.round(4096 * fillFraction)); // true true
 * console.log(strength.every((w) => w >= -2 && w < 2)); // true
 */
export function fluidBatch(stream: RandomStream, options: FluidBatchOptions): FluidBatch {
  const where = "fluidBatch";
  if (
    typeof stream !== "object" ||
    stream === null ||
    typeof stream.normal !== "function" ||
    typeof stream.uniform !== "function"
  ) {
    throw new PgValidationError(where, "stream", "a RandomStream made by random(seed)", stream);
  }
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError(where, "options", "an object { batch, grid? }", options);
  }
  requireKnownKeys(where, "options", options, FLUID_BATCH_OPTION_KEYS);
  const batch = requirePositiveInteger(where, "batch", options.batch);
  const grid = requireGrid(where, options.grid ?? FLUID_GRID);
  const { nx, ny, dx } = grid;
  const cells = nx * ny;
  const lx = nx * dx;
  const ly = ny * dx;
  const size: readonly [number, number] = [lx, ly];

  // 1. Box centres.
  const boxCentre = new Float64Array(2 * batch);
  for (let b = 0; b < batch; b++) {
    boxCentre[2 * b] = stream.uniform(CENTRE_LOW_FRACTION * lx, CENTRE_HIGH_FRACTION * lx);
    boxCentre[2 * b + 1] = stream.uniform(CENTRE_LOW_FRACTION * ly, CENTRE_HIGH_FRACTION * ly);
  }
  // 2. Marker noise (masked below, per example).
  const noise = noiseField(stream, { batch, shape: [nx, ny], size, scale: FLUID_NOISE_SCALE });
  // 3. Fill fraction, shared by the batch.
  const fillFraction = stream.uniform(FILL_FRACTION_LOW, FILL_FRACTION_HIGH);
  // 6. Vortex strengths (drawn before the fluctuations, in step order).
  const strength = new Float64Array(batch);
  for (let b = 0; b < batch; b++) strength[b] = stream.uniform(STRENGTH_LOW, STRENGTH_HIGH);
  // 7. Fluctuations, normalised jointly over both channels by noiseField.
  const fluctuations = noiseField(stream, { batch, shape: [nx, ny], size, scale: FLUID_NOISE_SCALE, channels: 2 });

  // 2.–4. Mask, discretise, mask again.
  const halfX = BOX_HALF_WIDTH_FRACTION * lx;
  const halfY = BOX_HALF_WIDTH_FRACTION * ly;
  const count = Math.round(cells * fillFraction);
  const marker = new Float64Array(batch * cells);
  const order = new Uint32Array(cells);
  for (let b = 0; b < batch; b++) {
    const px = boxCentre[2 * b] as number;
    const py = boxCentre[2 * b + 1] as number;
    const mask = hardBoxMask({ shape: [nx, ny], spacing: dx, lower: [px - halfX, py - halfY], upper: [px + halfX, py + halfY] });
    const masked = noise.subarray(b * cells, (b + 1) * cells);
    for (let c = 0; c < cells; c++) masked[c] = (masked[c] as number) * (mask[c] as number);
    for (let c = 0; c < cells; c++) order[c] = c;
    // Largest first; equal values (including +0 and −0) by the lower cell index.
    order.sort((i, j) => {
      const vi = masked[i] as number;
      const vj = masked[j] as number;
      return vi > vj ? -1 : vj > vi ? 1 : i - j;
    });
    const example = marker.subarray(b * cells, (b + 1) * cells);
    let marked = 0;
    for (let r = 0; r < count; r++) {
      const c = order[r] as number;
      example[c] = mask[c] as number;
      marked += mask[c] as number;
    }
    if (marked === 0) {
      throw new PgValidationError(
        where,
        `marker of example ${b}`,
        "at least one marked cell (the centre of mass of an empty marker is undefined)",
        `0 marked cells (round(${cells}·ff) = ${count}, ff = ${fillFraction})`,
        "The box holds no positive noise value, or the grid is too small for round(cells·ff) ≥ 1.",
      );
    }
  }

  // 5. Uniform part: carries com(m₀) to c₀ in TIME.
  const com = centerOfMass(marker, grid, batch);
  const uniform = new Float64Array(2 * batch);
  for (let b = 0; b < batch; b++) {
    uniform[2 * b] = (lx / 2 - (com[2 * b] as number)) / FLUID_TIME;
    uniform[2 * b + 1] = (ly / 2 - (com[2 * b + 1] as number)) / FLUID_TIME;
  }

  // 8. v₀* = u_unif + Swirl(ω) + 0.1 · fluctuations.
  const velocity = uniformVelocity(uniform, grid, batch);
  const swirl = swirlField(strength, grid, batch);
  for (let k = 0; k < velocity.length; k++) {
    velocity[k] = (velocity[k] as number) + (swirl[k] as number) + FLUCTUATION_AMPLITUDE * (fluctuations[k] as number);
  }

  return { marker, velocity, boxCentre, fillFraction, strength, uniform, batch, grid };
}

/** Validates { nx, ny, dx }: integers ≥ 2 and a finite positive cell size, no other key (internal). */
export function requireGrid(where: string, grid: unknown, parameter = "grid"): FluidGrid {
  if (typeof grid !== "object" || grid === null || Array.isArray(grid)) {
    throw new PgValidationError(where, parameter, "an object { nx, ny, dx }", grid);
  }
  requireKnownKeys(where, parameter, grid, ["nx", "ny", "dx"]);
  const { nx, ny, dx } = grid as Record<string, unknown>;
  for (const [name, value] of [
    [`${parameter}.nx`, nx],
    [`${parameter}.ny`, ny],
  ] as const) {
    if (requirePositiveInteger(where, name, value) < 2) throw new PgValidationError(where, name, "an integer ≥ 2", value);
  }
  requirePositive(where, `${parameter}.dx`, dx);
  return Object.freeze({ nx: nx as number, ny: ny as number, dx: dx as number });
}
