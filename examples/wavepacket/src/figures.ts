import { writeFileSync } from "node:fs";
import { learningCurvesSvg, type LearningCurve, type ReferenceLevel } from "@pg/cli";
import { WAVE_PACKET_SAMPLES } from "@pg/data";
import type { WavePacketPhysics } from "@pg/physics-toys";

/** Trailing running average over the last min(i + 1, window) values, as the run's summary and the crossing use. */
export function trailingAverage(values: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    if (i >= window) sum -= values[i - window] as number;
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}

/** Options of {@link writeLearningCurveFigure}. */
export interface LearningCurveFigureOptions {
  readonly path: string;
  readonly title: string;
  readonly yLabel: string;
  /** Per trained method: its iterations and per-step values. */
  readonly methods: readonly { readonly name: string; readonly iterations: Float64Array; readonly values: Float64Array }[];
  /** Running-average window of the second, smoothed curve of every method. */
  readonly window: number;
  /** Horizontal reference levels (L-BFGS-B, random guessing). */
  readonly references: readonly ReferenceLevel[];
}

/**
 * One panel of Fig. 8: every method's per-step curve and its trailing running average, on a log axis, with the
 * L-BFGS-B and random-guessing levels as dashed lines.
 */
export async function writeLearningCurveFigure(options: LearningCurveFigureOptions): Promise<void> {
  const curves: LearningCurve[] = [];
  for (const method of options.methods) {
    if (method.values.length === 0) continue;
    curves.push({ name: method.name, iterations: method.iterations, values: method.values });
    curves.push({
      name: `${method.name} (avg ${options.window})`,
      iterations: method.iterations,
      values: trailingAverage(method.values, options.window),
    });
  }
  if (curves.length === 0) return;
  const { svg } = await learningCurvesSvg({
    curves,
    title: options.title,
    yLabel: options.yLabel,
    references: options.references.filter((reference) => Number.isFinite(reference.value) && reference.value > 0),
  });
  writeFileSync(options.path, svg);
}

/** Options of {@link writeExampleFigure}. */
export interface ExampleFigureOptions {
  readonly path: string;
  readonly physics: WavePacketPhysics;
  /** The noisy observation y* (256 samples). */
  readonly y: Float64Array;
  /** (ξ₀, A) of the ground truth, the L-BFGS-B fit and the network's prediction. */
  readonly truth: Float64Array;
  readonly lbfgsb: Float64Array;
  readonly network: Float64Array;
}

/** Fig. 1: one noisy packet with the ground truth, the L-BFGS-B fit from (128, 2) and the network's fit; the parameters go in the title. */
export async function writeExampleFigure(options: ExampleFigureOptions): Promise<void> {
  const samples = Float64Array.from({ length: WAVE_PACKET_SAMPLES }, (_, i) => i);
  const values = (x: Float64Array) => `(${(x[0] as number).toFixed(1)}, ${(x[1] as number).toFixed(2)})`;
  const { svg } = await learningCurvesSvg({
    title: `Fig. 1 (ξ₀, A): truth ${values(options.truth)}, L-BFGS-B ${values(options.lbfgsb)}, network ${values(options.network)}`,
    xLabel: "sample",
    yLabel: "y",
    logY: false,
    legendTitle: "curve",
    width: 640,
    height: 280,
    curves: [
      { name: "data y*", iterations: samples, values: options.y },
      { name: "ground truth", iterations: samples, values: options.physics.forward(options.truth, 1) },
      { name: "L-BFGS-B fit", iterations: samples, values: options.physics.forward(options.lbfgsb, 1) },
      { name: "network fit", iterations: samples, values: options.physics.forward(options.network, 1) },
    ],
  });
  writeFileSync(options.path, svg);
}
