import type * as tf from "@tensorflow/tfjs";
import type { Batch, Physics, Reduction, Scheme, StepReport } from "@pg/core";
import type { RandomStream } from "@pg/data";

/** The run contract's flags: `--iterations N --batch B --seed S --methods m1,m2 --out DIR --backend --replicas`. */
export interface RunArguments {
  readonly iterations: number;
  readonly batch: number;
  readonly seed: number;
  readonly methods: readonly string[];
  readonly out: string;
  /** A backend to force (`--backend wasm`); otherwise the fastest available. */
  readonly backend: string | undefined;
  /** Data-parallel replicas (`--replicas 1` turns it off); otherwise chosen once when the run starts. */
  readonly replicas: number | undefined;
}

/** Defaults and the methods an experiment offers. */
export interface RunArgumentSpec {
  /** The experiment's name, used in messages and recorded in run.json. */
  readonly name: string;
  readonly defaults: Omit<RunArguments, "backend" | "replicas">;
  /** Every method the experiment implements, in the order they run by default. */
  readonly knownMethods: readonly string[];
}

/** How one method trains: its scheme and optimizer, and anything else that differs between methods. */
export interface MethodPlan<P extends Physics> {
  readonly scheme: Scheme<P>;
  readonly optimizer: tf.Optimizer;
  /** @defaultValue the experiment's reduction */
  readonly reduction?: Reduction;
  /** Adds what the batch source does not provide, e.g. supervised labels. */
  readonly prepareBatch?: (batch: Batch<P>) => Batch<P>;
  /** Overrides the experiment's output transform for this method. */
  readonly outputTransform?: (x: tf.Tensor, batch: Batch<P>) => tf.Tensor;
}

/** Field images of the last step's first examples: columns y*, each method's x, x*. */
export interface FieldFigureSpec<P extends Physics> {
  /** [nx, ny] of one field. */
  readonly shape: readonly [number, number];
  /** x* of a batch made by the experiment's batch source, batch × nx × ny. */
  xTarget(batch: Batch<P>): Float64Array;
  /** "solution": y* is drawn on the colour range of x* (shows how much the physics flattened it); "own": its own. */
  readonly observationRange: "own" | "solution";
  /** How many examples (rows). @defaultValue 3 */
  readonly examples?: number;
}

/** What the runner draws when a run ends: learning curves of x_err and loss, and optionally field images. */
export interface FigureSpec<P extends Physics> {
  /** Axis labels of the two learning curves. */
  readonly labels: { readonly x_err: string; readonly loss: string };
  /** Running-average window of the plotted curves. */
  readonly smoothing: number;
  /** Logarithmic y axis. */
  readonly logY: boolean;
  readonly fields?: FieldFigureSpec<P>;
}

/** An experiment on the run contract: the network, the data and the methods it compares. */
export interface ExperimentDefinition<P extends Physics = Physics> extends RunArgumentSpec {
  /** One line for `pg list`. */
  readonly description?: string;
  /** Settings beyond the run contract (a grid, a pressure solver), recorded in run.json and summary.json. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The training physics, unless every batch carries its own. */
  readonly physics?: P;
  /** Batch reduction of every loss. */
  readonly reduction: Reduction;
  /** A differentiable transform of the network output applied for every method (e.g. the heat mean fix). */
  readonly outputTransform?: (x: tf.Tensor, batch: Batch<P>) => tf.Tensor;
  /** Shape of one network input example and of one output example (x). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Builds the network; called once per method, then given the shared initial weights. */
  network(seed: number): tf.LayersModel;
  /**
   * The batch source of one method. Every random draw must come from `stream`: the runner seeds it from `--seed`
   * for every method (identical batches across methods) and checkpoints its state, which is what makes a resumed
   * run draw exactly the batches an uninterrupted one would.
   */
  batches(args: RunArguments, stream: RandomStream): (step: number) => Batch<P>;
  /** The plan for one method. */
  method(name: string, args: RunArguments): MethodPlan<P>;
  /** The experiment's x-space error for a step of `method`, written as the CSV column `x_err`. */
  xError(report: StepReport<P>, method: string): number;
  /**
   * Extra per-step metrics, written as more columns of `<method>.csv` after the standard ones (e.g. the wave
   * packet's error split into position and amplitude). Kept in the one CSV so that a resumed run truncates and
   * rewrites them with the rest.
   */
  readonly extraMetrics?: {
    readonly columns: readonly string[];
    values(report: StepReport<P>, method: string): Readonly<Record<string, number>>;
  };
  /** Running-average window of the learning curves and of summary.json. */
  readonly averageWindow: number;
  /** Iterations at which the running averages are recorded in summary.json. */
  readonly reportIterations: readonly number[];
  /** Figures drawn when the run ends. @defaultValue learning curves only, linear y */
  readonly figures?: FigureSpec<P>;
}
