import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { train, type Batch, type Network, type Physics, type Reduction, type Scheme, type StepReport } from "@pg/core";
import { dataParallel, defaultReplicas, initBackend, measureFreeCores, type BackendName, type BackendSelection } from "@pg/backend";
import { countParameters, restoreWeights, snapshotWeights } from "@pg/nets";
import { MetricsCsv } from "./metrics_csv";
import { ProgressBar, formatNumber } from "./progress";
import { parseRunArguments, type RunArgumentSpec, type RunArguments } from "./run_arguments";
import { RunningAverage, median } from "./running_average";
import { formatTable } from "./summary_table";
import { TRAINED_NETWORKS_DIRECTORY, saveTrainedNetwork } from "./trained_network_store";

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

/** An experiment on the run contract: the network, the data and the methods it compares. */
export interface ExperimentDefinition<P extends Physics> extends RunArgumentSpec {
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
  /** A fresh batch source for one method; every method gets the same stream (same seed → same batches). */
  batches(args: RunArguments): (step: number) => Batch<P>;
  /** The plan for one method. */
  method(name: string, args: RunArguments): MethodPlan<P>;
  /** The experiment's x-space error for a step of `method` (SPEC), written as the CSV column `x_err`. */
  xError(report: StepReport<P>, method: string): number;
  /** Running-average window of the learning curves (1000 for sin, 64 for the PDEs). */
  readonly averageWindow: number;
  /** Iterations at which the running averages are recorded in summary.json. */
  readonly checkpoints: readonly number[];
}

/** One method's line in summary.json. */
export interface MethodSummary {
  readonly iterations: number;
  /** Running average (window `averageWindow`) of the loss at the last iteration. */
  readonly loss: number;
  /** Running average of x_err at the last iteration. */
  readonly x_err: number;
  readonly medianSecondsPerIteration: number;
  readonly backend: string;
  /** Running averages at the checkpoint iterations reached. */
  readonly runningAverage: Readonly<Record<string, { readonly loss: number; readonly x_err: number }>>;
  /** The error that stopped this method early, if any. */
  readonly error?: string;
  /**
   * The trained network, relative to `--out` (`networks/<method>`; `loadNetwork` reads it): saved at every checkpoint
   * iteration and at the end — after an early stop, the weights of the last completed step. Absent if none was saved.
   */
  readonly network?: string;
  /** The iteration whose weights `network` holds. */
  readonly networkIteration?: number;
}

/** summary.json. */
export interface ExperimentSummary {
  readonly experiment: string;
  readonly arguments: RunArguments;
  readonly backend: string;
  readonly averageWindow: number;
  readonly methods: Readonly<Record<string, MethodSummary>>;
}

/**
 * Runs an experiment on the run contract: parses the flags, picks the fastest backend (and says which), trains every
 * requested method from identical initial weights on identical batches, writes `<out>/<method>.csv` (iteration,
 * seconds, loss, x_err, proxy_loss) and `<out>/summary.json` after every method, saves each method's network to
 * `<out>/networks/<method>/` at every checkpoint iteration and at the end, shows progress, and prints a table.
 * @returns the summary; methods that stopped on an error are recorded with it, and the others still run.
 * @example
 * import { runExperiment } from "@pg/cli";
 * import { backprop, scheme } from "@pg/core";
 * import { mlp } from "@pg/nets";
 * import { train } from "@tensorflow/tfjs";
 * import { readdirSync, mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const doubling = { name: "2x", xShape: [1], yShape: [1], forward: (x) => x.map((v) => 2 * v), adjoint: (x, dy) => dy.map((v) => 2 * v) };
 * const experiment = {
 *   name: "doubling",
 *   defaults: { iterations: 2, batch: 4, seed: 0, methods: ["adam"], out: "runs/doubling" },
 *   knownMethods: ["adam"],
 *   physics: doubling, reduction: "mean", inputShape: [1], outputShape: [1],
 *   network: (seed) => mlp({ inputSize: 1, hiddenSizes: [4], outputSize: 1, seed }),
 *   batches: () => () => ({ input: Float64Array.of(1, -0.5, 0.25, 2), inputShape: [1], yTarget: Float64Array.of(2, -1, 0.5, 4) }),
 *   method: () => ({ scheme: scheme(backprop()), optimizer: train.adam(0.05) }),
 *   xError: () => 0,
 *   averageWindow: 2,
 *   checkpoints: [2],
 * };
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const summary = await runExperiment(experiment, ["--iterations", "3", "--out", out, "--backend", "cpu"], () => {});
 * const adam = summary.methods.adam;
 * console.log(summary.backend, adam.iterations, adam.network, adam.networkIteration, adam.error); // cpu 3 networks/adam 3 undefined
 * console.log(readdirSync(out).sort().join(" ")); // adam.csv networks summary.json
 */
export async function runExperiment<P extends Physics>(
  definition: ExperimentDefinition<P>,
  argv: readonly string[],
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<ExperimentSummary> {
  const args = parseRunArguments(argv, definition);
  const selection: BackendSelection = await initBackend(
    args.backend === undefined ? {} : { backend: args.backend as BackendName },
  );
  const skipped = selection.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
  log(`${definition.name}: backend ${selection.name}${skipped.length > 0 ? ` (skipped ${skipped})` : ""}`);
  log(`${definition.name}: ${args.methods.join(", ")} × ${args.iterations} iterations, batch ${args.batch}, seed ${args.seed} → ${args.out}`);
  mkdirSync(args.out, { recursive: true });

  const reference = definition.network(args.seed);
  const initialWeights = snapshotWeights(reference);
  const replicas = args.replicas ?? defaultReplicas(countParameters(reference), args.batch, await measureFreeCores());
  reference.dispose();
  log(`${definition.name}: ${replicas === 1 ? "one process" : `data-parallel over ${replicas} replicas`} (--replicas to change)`);

  const methods: Record<string, MethodSummary> = {};
  const summary = (): ExperimentSummary => ({
    experiment: definition.name,
    arguments: args,
    backend: selection.name,
    averageWindow: definition.averageWindow,
    methods,
  });
  for (const name of args.methods) {
    const network = definition.network(args.seed);
    restoreWeights(network, initialWeights);
    const engine =
      replicas > 1
        ? await dataParallel({ network, inputShape: definition.inputShape, outputShape: definition.outputShape, maxBatch: args.batch, replicas })
        : undefined;
    const plan = definition.method(name, args);
    const nextBatch = definition.batches(args);
    const csv = new MetricsCsv(join(args.out, `${name}.csv`), ["iteration", "seconds", "loss", "x_err", "proxy_loss"]);
    const progress = new ProgressBar(name.padEnd(Math.max(...args.methods.map((m) => m.length))), args.iterations);
    const loss = new RunningAverage(definition.averageWindow);
    const xErr = new RunningAverage(definition.averageWindow);
    const seconds: number[] = [];
    const runningAverage: Record<string, { loss: number; x_err: number }> = {};
    let error: string | undefined;
    let saved: { iteration: number } | undefined;
    const save = async (iteration: number): Promise<void> => {
      const outcome = await saveTrainedNetwork(args.out, name, network);
      if (outcome.saved) saved = { iteration };
      else log(`${name}: network not saved at iteration ${iteration}: ${outcome.reason}`);
    };
    try {
      await train({
        network: network as unknown as Network,
        optimizer: plan.optimizer,
        scheme: plan.scheme,
        ...(definition.physics === undefined ? {} : { physics: definition.physics }),
        reduction: plan.reduction ?? definition.reduction,
        ...(engine === undefined ? {} : { engine }),
        ...((plan.outputTransform ?? definition.outputTransform) === undefined
          ? {}
          : { outputTransform: (plan.outputTransform ?? definition.outputTransform)! }),
        iterations: args.iterations,
        nextBatch: plan.prepareBatch === undefined ? nextBatch : (step) => plan.prepareBatch!(nextBatch(step)),
        callbacks: {
          onStep: async (report) => {
            const step = report.metrics.step;
            const x_err = definition.xError(report, name);
            csv.write({ iteration: step, seconds: report.seconds, loss: report.metrics.loss, x_err, proxy_loss: report.metrics.proxyLoss });
            seconds.push(report.seconds);
            loss.push(report.metrics.loss);
            xErr.push(x_err);
            progress.update(step, loss.value);
            if (definition.checkpoints.includes(step)) {
              runningAverage[String(step)] = { loss: loss.value, x_err: xErr.value };
              if (step < args.iterations) await save(step);
            }
          },
          onEnd: () => {
            csv.close();
            progress.finish();
          },
        },
      });
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
      log(`${name}: stopped: ${error}`);
    }
    try {
      // A stopped step never reaches the optimizer, so these are the weights of the last completed step.
      if (seconds.length > 0 && saved?.iteration !== seconds.length) await save(seconds.length);
    } catch (caught) {
      log(`${name}: network not saved: ${caught instanceof Error ? caught.message : String(caught)}`);
    } finally {
      await engine?.dispose();
      plan.optimizer.dispose();
      network.dispose();
    }
    methods[name] = {
      iterations: seconds.length,
      loss: loss.value,
      x_err: xErr.value,
      medianSecondsPerIteration: median(seconds),
      backend: selection.name,
      runningAverage,
      ...(error === undefined ? {} : { error }),
      ...(saved === undefined ? {} : { network: `${TRAINED_NETWORKS_DIRECTORY}/${name}`, networkIteration: saved.iteration }),
    };
    writeFileSync(join(args.out, "summary.json"), `${JSON.stringify(summary(), null, 2)}\n`);
  }
  log("");
  log(summaryTable(summary()));
  return summary();
}

/**
 * The summary as a table: one row per method with the running averages at each checkpoint.
 * @example
 * import { summaryTable } from "@pg/cli";
 * const runningAverage = { 100: { loss: 0.5, x_err: 0.25 } };
 * const adam = { iterations: 200, loss: 0.125, x_err: 0.0001, medianSecondsPerIteration: 0.01234, backend: "cpu", runningAverage };
 * const summary = { experiment: "sin", arguments: {}, backend: "cpu", averageWindow: 100, methods: { adam } };
 * const lines = summaryTable(summary).split("\n");
 * console.log(lines[0]); // running averages over 100 iterations (backend cpu)
 * console.log(lines[1]); // method  iterations  loss@100    loss     x_err  s/iter  status
 * console.log(lines[3].trimEnd()); // adam           200    0.5000  0.1250  1.000e-4  0.0123  ok
 */
export function summaryTable(summary: ExperimentSummary): string {
  const checkpoints = [...new Set(Object.values(summary.methods).flatMap((m) => Object.keys(m.runningAverage)))].sort((a, b) => Number(a) - Number(b));
  const header = ["method", "iterations", ...checkpoints.map((c) => `loss@${c}`), "loss", "x_err", "s/iter", "status"];
  const rows = Object.entries(summary.methods).map(([name, m]) => [
    name,
    String(m.iterations),
    ...checkpoints.map((c) => (m.runningAverage[c] === undefined ? "" : formatNumber(m.runningAverage[c].loss))),
    formatNumber(m.loss),
    formatNumber(m.x_err),
    m.medianSecondsPerIteration.toPrecision(3),
    m.error === undefined ? "ok" : "stopped",
  ]);
  return `running averages over ${summary.averageWindow} iterations (backend ${summary.backend})\n${formatTable(header, rows)}`;
}
