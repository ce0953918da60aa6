import type { BackendSelection } from "@pg/backend";
import { median } from "@pg/core";
import { SIN_METHODS, sinExperiment } from "@pg/experiments";
import { element, numberField, Throttle } from "./dom";
import { drawLearningChart, type ChartSeries } from "./learning_chart";
import { methodColor } from "./method_colors";
import { smoothingOf, trainSideBySide, type MethodRun } from "./side_by_side";

/** The methods a visitor finds ticked, and the ones `?autostart=1` trains. */
export const DEFAULT_SIN_METHODS: readonly string[] = ["adam", "pg-inverse"];

/** What each sin method means, next to its checkbox. */
const METHOD_HINTS: Readonly<Record<string, string>> = {
  adam: "Adam on ∂L/∂x back-propagated through sin(a/x), clipped to [−1, 1]",
  supervised: "Adam towards the solution closest to x₀ = 1",
  "pg-inverse": "physical gradient: Adam towards the exact solution closest to the prediction",
  "pg-newton": "physical gradient from one Newton step, clipped to [−1, 1]",
  "pg-ig": "physical gradient from one inverse-gradient step, clipped to [−1, 1]",
};

/** The experiment's defaults that the form starts from (the paper's learning rate and batch). */
const DEFAULT_LEARNING_RATE = 0.002;
const DEFAULT_BATCH = 1000;
const DEFAULT_STEPS = 2000;
/** Redraws per second at most: drawing is cheap, but the steps matter more. */
const DRAW_INTERVAL_MS = 250;

/** The JSON the page writes into #results when a sin run ends. */
export interface SinResults {
  readonly backend: string;
  readonly steps: number;
  readonly methods: Record<string, SinMethodResult>;
  readonly seconds: number;
}

/** One method's line in {@link SinResults}. */
export interface SinMethodResult {
  /** Running average of the loss after the last step (window: the experiment's smoothing, 1000). */
  readonly finalLoss: number;
  readonly finalXErr: number;
  /** Steps completed. */
  readonly steps: number;
  /** Median wall time of one step, as `train` measures it (without the turns of the event loop between steps). */
  readonly medianStepSeconds: number;
  /** Why the method stopped early, if it did. */
  readonly error?: string;
}

/** The sin(a/x) = −1 panel: its form, its two charts, and the run in progress. */
export class SinPanel {
  private readonly form = element("sin-form", HTMLFormElement);
  private readonly methodList = element("sin-methods", HTMLDivElement);
  private readonly learningRate = element("sin-learning-rate", HTMLInputElement);
  private readonly batch = element("sin-batch", HTMLInputElement);
  private readonly steps = element("sin-steps", HTMLInputElement);
  private readonly button = element("sin-start", HTMLButtonElement);
  private readonly status = element("sin-status", HTMLParagraphElement);
  private readonly lossChart = element("sin-loss", HTMLCanvasElement);
  private readonly xErrChart = element("sin-xerr", HTMLCanvasElement);
  private readonly results = element("results", HTMLPreElement);
  private readonly checkboxes = new Map<string, HTMLInputElement>();
  private readonly throttle = new Throttle(DRAW_INTERVAL_MS, () => this.draw());
  /** The curve definition of the Node plots: the running-average window and the y scale. */
  private readonly smoothing = smoothingOf(sinExperiment());
  private readonly logY = sinExperiment().figures?.logY ?? false;
  private controller: AbortController | undefined;
  private runs: readonly MethodRun[] = [];
  private plannedSteps = DEFAULT_STEPS;
  private startedAt = 0;

  constructor(private readonly backend: BackendSelection) {
    for (const method of SIN_METHODS) {
      const label = document.createElement("label");
      label.className = "method";
      label.title = METHOD_HINTS[method] ?? method;
      const checkbox = document.createElement("input");
      checkbox.type = "checkbox";
      checkbox.value = method;
      checkbox.checked = DEFAULT_SIN_METHODS.includes(method);
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = methodColor(method);
      label.append(checkbox, swatch, method);
      this.methodList.append(label);
      this.checkboxes.set(method, checkbox);
    }
    this.learningRate.value = String(DEFAULT_LEARNING_RATE);
    this.batch.value = String(DEFAULT_BATCH);
    this.steps.value = String(DEFAULT_STEPS);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.controller === undefined) void this.run();
      else this.controller.abort();
    });
    window.addEventListener("resize", () => this.throttle.request());
    this.draw();
  }

  /** Sets the steps field, e.g. from `?steps=N`. */
  setSteps(steps: number): void {
    this.steps.value = String(steps);
  }

  /** Trains the ticked methods side by side until the planned steps or Stop; returns what #results shows. */
  async run(): Promise<SinResults | undefined> {
    const methods = SIN_METHODS.filter((method) => this.checkboxes.get(method)?.checked === true);
    if (methods.length === 0) {
      this.status.textContent = "Tick at least one method.";
      return undefined;
    }
    const learningRate = numberField(this.learningRate, DEFAULT_LEARNING_RATE, { integer: false, min: Number.MIN_VALUE });
    const batch = numberField(this.batch, DEFAULT_BATCH, { integer: true, min: 1 });
    const steps = numberField(this.steps, DEFAULT_STEPS, { integer: true, min: 1 });
    const definition = sinExperiment({ learningRate });
    const controller = new AbortController();
    this.controller = controller;
    this.plannedSteps = steps;
    this.setRunning(true);
    this.startedAt = performance.now();
    this.runs = [];
    try {
      const runs = trainSideBySide({
        definition,
        args: { ...definition.defaults, iterations: steps, batch, methods, out: "", backend: this.backend.name, replicas: 1 },
        signal: controller.signal,
        onStart: (runs) => {
          this.runs = runs;
        },
        onStep: () => this.throttle.request(),
      });
      this.runs = await runs;
      const seconds = (performance.now() - this.startedAt) / 1000;
      const results: SinResults = {
        backend: this.backend.name,
        steps,
        methods: Object.fromEntries(
          this.runs.map((run) => [
            run.method,
            {
              finalLoss: run.loss.value,
              finalXErr: run.xErr.value,
              steps: run.steps,
              medianStepSeconds: median(run.stepSeconds),
              ...(run.error === undefined ? {} : { error: run.error }),
            } satisfies SinMethodResult,
          ]),
        ),
        seconds,
      };
      this.results.textContent = JSON.stringify(results, null, 2);
      return results;
    } finally {
      this.controller = undefined;
      this.setRunning(false);
      this.throttle.flush();
    }
  }

  private setRunning(running: boolean): void {
    this.button.textContent = running ? "Stop" : "Start";
    this.button.classList.toggle("stop", running);
    for (const input of [this.learningRate, this.batch, this.steps, ...this.checkboxes.values()]) input.disabled = running;
  }

  private draw(): void {
    const { smoothing, logY } = this;
    const series = (pick: (run: MethodRun) => number[]): ChartSeries[] =>
      this.runs.map((run) => ({
        name: run.method,
        color: methodColor(run.method),
        x: run.curve.iterations,
        y: pick(run),
        ...(run.error === undefined ? {} : { note: "stopped: see status" }),
      }));
    const xLabel = `iteration (running average, window ${smoothing})`;
    drawLearningChart(this.lossChart, series((run) => run.curve.loss), { title: "loss ½(sin(a/x) + 1)²", xLabel, yLabel: "loss", logY, xMax: this.plannedSteps });
    drawLearningChart(this.xErrChart, series((run) => run.curve.xErr), { title: "x_err = |x − x̃|, x̃ the closest solution", xLabel, yLabel: "x_err", logY, xMax: this.plannedSteps });
    this.status.textContent = this.statusLine();
  }

  private statusLine(): string {
    if (this.runs.length === 0) return this.controller === undefined ? "Ready." : "Starting…";
    const done = Math.min(...this.runs.map((run) => run.steps));
    const seconds = (performance.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? (done / seconds).toFixed(1) : "–";
    const errors = this.runs.filter((run) => run.error !== undefined).map((run) => `${run.method} stopped: ${run.error}`);
    const state = this.controller === undefined ? (done < this.plannedSteps ? "Stopped at" : "Done:") : "Training:";
    return [`${state} step ${done} of ${this.plannedSteps} · ${rate} steps/s per method · ${seconds.toFixed(1)} s`, ...errors].join(" — ");
  }
}
