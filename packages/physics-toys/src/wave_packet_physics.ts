import {
  PgValidationError,
  requireBatchArray,
  requireFinite,
  requireKnownKeys,
  requirePositiveInteger,
  type Objective,
  type Physics,
  type OptionKeysCover,
} from "@pg/core";

const X_SHAPE: readonly number[] = Object.freeze([2]);

/** Options of {@link wavePacketPhysics}; the defaults are the paper's (App. B.1). */
export interface WavePacketPhysicsOptions {
  /** Number of samples ξ = 0, 1, …, samples − 1 (a positive integer). @defaultValue 256 */
  readonly samples?: number;
  /**
   * Carrier frequency f in radians per sample (finite). f = 4 is above Nyquist (π) and aliases to |4 − 2π| ≈ 2.283;
   * it is used literally, as the paper states it. @defaultValue 4
   */
  readonly frequency?: number;
  /** Envelope width σ in samples (finite, > 0). @defaultValue 20 */
  readonly width?: number;
}

/** Every key of {@link WavePacketPhysicsOptions}: anything else is refused as a misspelling. */
const WAVE_PACKET_OPTION_KEYS = ["samples", "frequency", "width"] as const satisfies readonly (keyof WavePacketPhysicsOptions)[];
// A compile error here means an option of WavePacketPhysicsOptions is missing from the list (and would be refused).
true satisfies OptionKeysCover<WavePacketPhysicsOptions, typeof WAVE_PACKET_OPTION_KEYS>;

/**
 * The wave packet of the paper (Fig. 1, App. B.1) as a batched {@link Physics}: x = (ξ₀, A) per example
 * (xShape [2], stored [ξ₀, A] back to back), y = the `samples` values
 * y(ξ) = A · sin(f·ξ) · exp(−½(ξ − ξ₀)²/σ²) at ξ = 0, 1, …, samples − 1 (yShape [samples]).
 * Its objective is L = ‖y − y*‖², without the ½ (the paper, App. B.1), with ∂L/∂y = 2(y − y*).
 */
export interface WavePacketPhysics extends Physics {
  readonly samples: number;
  readonly frequency: number;
  readonly width: number;
  /**
   * L = ‖y − y*‖² per example (no ½), ∂L/∂y = 2(y − y*). Both `value` and `gradient` check `batch` and the lengths of
   * `y` and `yTarget` (batch × samples), but not finiteness, like the core objectives: solvers evaluate it at every
   * iterate, and a non-finite value must reach them to be reported with the `nonFinite` stop reason (NaN in, NaN out).
   */
  readonly objective: Objective;
  /**
   * y = A·sin(f·ξ)·exp(−½(ξ − ξ₀)²/σ²) for every example; batch × samples values.
   * @throws {@link PgValidationError} if `batch` is not a positive integer; {@link PgShapeError} if `x` is not a
   * Float64Array of length batch × 2; {@link PgNonFiniteError} naming `x` if it holds NaN or ±Infinity.
   */
  forward(x: Float64Array, batch: number): Float64Array;
  /**
   * The vector–Jacobian product (∂y/∂x)ᵀ dy per example, in closed form with g(ξ) = sin(f·ξ)·exp(−½(ξ − ξ₀)²/σ²):
   * dξ₀ = Σ_ξ dy(ξ) · A·g(ξ)·(ξ − ξ₀)/σ², dA = Σ_ξ dy(ξ) · g(ξ).
   * @throws as `forward`, and {@link PgShapeError} / {@link PgNonFiniteError} if `dy` is not a finite Float64Array of
   * length batch × samples.
   */
  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array;
}

/**
 * L = ‖y − y*‖² per example, summed over the samples, without the ½ of the core default (the paper's objective, App. B.1).
 * `yShape` is the physics' [samples]; the lengths of `y` and `yTarget` are checked at both entries, their values not
 * (see {@link WavePacketPhysics.objective}).
 */
function squaredError(yShape: readonly number[]): Objective {
  const check = (where: string, y: Float64Array, yTarget: Float64Array, batch: number): void => {
    requirePositiveInteger(where, "batch", batch);
    requireBatchArray(where, "y", y, batch, yShape);
    requireBatchArray(where, "yTarget", yTarget, batch, yShape);
  };
  return {
    name: "squaredError",
    value(y, yTarget, batch) {
      check("wavePacketPhysics.objective.value", y, yTarget, batch);
      const out = new Float64Array(batch);
      const size = y.length / batch;
      for (let b = 0; b < batch; b++) {
        let sum = 0;
        for (let i = b * size; i < (b + 1) * size; i++) {
          const r = (y[i] as number) - (yTarget[i] as number);
          sum += r * r;
        }
        out[b] = sum;
      }
      return out;
    },
    gradient(y, yTarget, batch) {
      check("wavePacketPhysics.objective.gradient", y, yTarget, batch);
      const out = new Float64Array(y.length);
      for (let i = 0; i < y.length; i++) out[i] = 2 * ((y[i] as number) - (yTarget[i] as number));
      return out;
    },
  };
}

class WavePacketPhysicsImplementation implements WavePacketPhysics {
  readonly name = "wave packet";
  readonly xShape = X_SHAPE;
  readonly yShape: readonly number[];
  readonly objective: Objective;
  readonly samples: number;
  readonly frequency: number;
  readonly width: number;
  /** sin(f·ξ) at every sample, computed once: the carrier does not depend on x. */
  private readonly carrier: Float64Array;

  constructor(samples: number, frequency: number, width: number) {
    this.samples = samples;
    this.frequency = frequency;
    this.width = width;
    this.yShape = Object.freeze([samples]);
    this.objective = squaredError(this.yShape);
    this.carrier = new Float64Array(samples);
    for (let i = 0; i < samples; i++) this.carrier[i] = Math.sin(frequency * i);
  }

  forward(x: Float64Array, batch: number): Float64Array {
    this.requireInputs("wavePacketPhysics.forward", batch, x);
    const n = this.samples;
    const inverseVariance = 1 / (this.width * this.width);
    const y = new Float64Array(batch * n);
    for (let b = 0; b < batch; b++) {
      const center = x[2 * b] as number;
      const amplitude = x[2 * b + 1] as number;
      for (let i = 0; i < n; i++) {
        const d = i - center;
        y[b * n + i] = amplitude * (this.carrier[i] as number) * Math.exp(-0.5 * d * d * inverseVariance);
      }
    }
    return y;
  }

  adjoint(x: Float64Array, dy: Float64Array, batch: number): Float64Array {
    this.requireInputs("wavePacketPhysics.adjoint", batch, x);
    requireBatchArray("wavePacketPhysics.adjoint", "dy", dy, batch, this.yShape);
    requireFinite("wavePacketPhysics.adjoint", "input", dy, undefined, "parameter dy must be finite");
    const n = this.samples;
    const inverseVariance = 1 / (this.width * this.width);
    const dx = new Float64Array(2 * batch);
    for (let b = 0; b < batch; b++) {
      const center = x[2 * b] as number;
      const amplitude = x[2 * b + 1] as number;
      let dCenter = 0;
      let dAmplitude = 0;
      for (let i = 0; i < n; i++) {
        const d = i - center;
        // g = sin(fξ)·exp(−½(ξ − ξ₀)²/σ²); ∂y/∂A = g, ∂y/∂ξ₀ = A·g·(ξ − ξ₀)/σ².
        const g = (this.carrier[i] as number) * Math.exp(-0.5 * d * d * inverseVariance);
        const cotangent = dy[b * n + i] as number;
        dAmplitude += cotangent * g;
        dCenter += cotangent * g * d;
      }
      dx[2 * b] = amplitude * dCenter * inverseVariance;
      dx[2 * b + 1] = dAmplitude;
    }
    return dx;
  }

  private requireInputs(where: string, batch: number, x: Float64Array): void {
    requirePositiveInteger(where, "batch", batch);
    requireBatchArray(where, "x", x, batch, X_SHAPE);
    requireFinite(where, "input", x, undefined, "parameter x must be finite");
  }
}

/**
 * Builds the wave-packet physics of the paper (App. B.1): forward y(ξ; ξ₀, A) = A·sin(f·ξ)·exp(−½(ξ − ξ₀)²/σ²) on the integer
 * sample grid ξ = 0…samples − 1, its closed-form adjoint, and the objective ‖y − y*‖² (no ½).
 * @param options - {@link WavePacketPhysicsOptions}; validated once, here.
 * @returns a {@link WavePacketPhysics}; it holds no per-batch state, so one instance serves every batch size.
 * @throws {@link PgValidationError} if `options` has an unknown key (the closest known one is suggested), `samples`
 * is not a positive integer, `frequency` is not finite, or `width` is not a finite number > 0.
 * @example
 * import { wavePacketPhysics } from "@pg/physics-toys";
 * const physics = wavePacketPhysics();
 * const x = Float64Array.of(128, 2);                      // ξ₀ = 128, A = 2
 * const y = physics.forward(x, 1);
 * console.log(y.length, y[128].toFixed(4));               // 256 0.1590
 * const yTarget = new Float64Array(256);                  // ‖y‖² ≈ A²·½·σ√π = 70.9
 * console.log(physics.objective.value(y, yTarget, 1)[0].toFixed(3)); // 70.898
 */
export function wavePacketPhysics(options: WavePacketPhysicsOptions = {}): WavePacketPhysics {
  if (typeof options !== "object" || options === null) {
    throw new PgValidationError("wavePacketPhysics", "options", "an object { samples?, frequency?, width? }", options);
  }
  requireKnownKeys("wavePacketPhysics", "options", options, WAVE_PACKET_OPTION_KEYS);
  const samples = requirePositiveInteger("wavePacketPhysics", "samples", options.samples ?? 256);
  const frequency = options.frequency ?? 4;
  if (typeof frequency !== "number" || !Number.isFinite(frequency)) {
    throw new PgValidationError("wavePacketPhysics", "frequency", "a finite number (radians per sample)", frequency);
  }
  const width = options.width ?? 20;
  if (typeof width !== "number" || !Number.isFinite(width) || !(width > 0)) {
    throw new PgValidationError("wavePacketPhysics", "width", "a finite number > 0 (samples)", width);
  }
  return new WavePacketPhysicsImplementation(samples, frequency, width);
}
