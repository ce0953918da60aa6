import { RunningAverage, train, type Network, type Physics, type StepReport } from "@pg/core";
import { random } from "@pg/data";
import type { ExperimentDefinition, RunArguments } from "@pg/experiments";
import { restoreWeights, snapshotWeights } from "@pg/nets";
import type * as tf from "@tensorflow/tfjs";

/** One method's training as the page follows it: its network and its learning curves so far. */
export interface MethodRun {
  readonly method: string;
  readonly network: tf.LayersModel;
  /** Running averages of the per-step loss and x_err, the window being the experiment's smoothing. */
  readonly loss: RunningAverage;
  readonly xErr: RunningAverage;
  /** The running averages after every step, for the chart. */
  readonly curve: { readonly iterations: number[]; readonly loss: number[]; readonly xErr: number[] };
  /** Wall time of every step in seconds (batch, network, physics, update), as `train` measures it. */
  readonly stepSeconds: number[];
  /** The last completed step. */
  steps: number;
  /** The error that stopped this method early, if one did. */
  error: string | undefined;
}

/** Options of {@link trainSideBySide}. */
export interface SideBySideOptions<P extends Physics> {
  readonly definition: ExperimentDefinition<P>;
  /** Steps, batch size and seed; the same for every method. */
  readonly args: RunArguments;
  readonly signal: AbortSignal;
  /** Once every method's network exists, before the first step: the runs in the order of `args.methods`. */
  readonly onStart?: (runs: readonly MethodRun[]) => void;
  /** After every step of any method, once that method's averages include it. */
  readonly onStep?: (run: MethodRun, report: StepReport<P>) => void;
  /** When a method ends (done, stopped or failed), while its network still exists. */
  readonly onMethodEnd?: (run: MethodRun) => void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The window of the learning curves: the experiment's figure smoothing, as the Node plots use. */
export function smoothingOf<P extends Physics>(definition: ExperimentDefinition<P>): number {
  return definition.figures?.smoothing ?? definition.averageWindow;
}

/**
 * Trains `args.methods` as the Node runner does — every method from the same initial weights, each on its own batch
 * stream seeded alike (so all see the same batches), loss and x_err averaged over the experiment's window — but
 * concurrently: the loops take turns step by step, so their curves grow side by side. `train` yields to the event loop
 * after every step when given a signal, which keeps the page responsive. A method that fails is recorded and the
 * others go on.
 */
export async function trainSideBySide<P extends Physics>(options: SideBySideOptions<P>): Promise<readonly MethodRun[]> {
  const { definition, args, signal } = options;
  const reference = definition.network(args.seed);
  const initialWeights = snapshotWeights(reference);
  reference.dispose();
  const window = smoothingOf(definition);

  const runs = args.methods.map((method) => {
    const network = definition.network(args.seed);
    restoreWeights(network, initialWeights);
    const run: MethodRun = {
      method,
      network,
      loss: new RunningAverage(window),
      xErr: new RunningAverage(window),
      curve: { iterations: [], loss: [], xErr: [] },
      stepSeconds: [],
      steps: 0,
      error: undefined,
    };
    return run;
  });

  options.onStart?.(runs);
  await Promise.all(
    runs.map(async (run) => {
      const plan = definition.method(run.method, args);
      const nextBatch = definition.batches(args, random(args.seed));
      const outputTransform = plan.outputTransform ?? definition.outputTransform;
      try {
        await train({
          network: run.network as unknown as Network,
          optimizer: plan.optimizer,
          scheme: plan.scheme,
          ...(definition.physics === undefined ? {} : { physics: definition.physics }),
          reduction: plan.reduction ?? definition.reduction,
          ...(outputTransform === undefined ? {} : { outputTransform }),
          iterations: args.iterations,
          signal,
          nextBatch: plan.prepareBatch === undefined ? nextBatch : (step) => plan.prepareBatch!(nextBatch(step)),
          callbacks: {
            onStep(report) {
              const step = report.metrics.step;
              run.steps = step;
              run.stepSeconds.push(report.seconds);
              run.curve.iterations.push(step);
              run.curve.loss.push(run.loss.push(report.metrics.loss));
              run.curve.xErr.push(run.xErr.push(definition.xError(report, run.method)));
              options.onStep?.(run, report);
            },
          },
        });
      } catch (error) {
        run.error = messageOf(error);
      }
      try {
        options.onMethodEnd?.(run);
      } finally {
        plan.optimizer.dispose();
        run.network.dispose();
      }
    }),
  );
  return runs;
}
