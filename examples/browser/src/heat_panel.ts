import type { BackendSelection } from "@pg/backend";
import type { PageBackend } from "./backend";
import { heatExperiment, type HeatTrainingBatch } from "@pg/experiments";
import { element, numberField, Throttle } from "./dom";
import { drawFields, rangeOf, type FieldPanel } from "./field_view";
import { drawLearningChart, type ChartSeries } from "./learning_chart";
import { methodColor } from "./method_colors";
import { smoothingOf, trainSideBySide, type MethodRun } from "./side_by_side";

/** The grid of this panel: a quarter of the paper's 64 × 64 cells, so that a step stays short in a browser. */
const HEAT_GRID: readonly [number, number] = [32, 32];
const HEAT_METHODS: readonly string[] = ["adam", "pg-inverse"];
const DEFAULT_BATCH = 32;
const DEFAULT_STEPS = 300;
/** Fields are redrawn after every this many steps (all methods having reached the step). */
const FIELD_EVERY = 10;
const DRAW_INTERVAL_MS = 250;

/** The first example of one step's batch: what every method was shown, and what each predicted. */
interface FieldSnapshot {
  readonly step: number;
  readonly yTarget: Float64Array;
  readonly xTarget: Float64Array;
  readonly predictions: Map<string, Float64Array>;
}

/**
 * The heat panel: the paper's heat experiment (U-net, mean fix, Adam 1e-3 for every method) on a 32 × 32 grid, Adam
 * against the physical gradient of the inverse diffusion, with learning curves and the fields of a batch's first
 * example. It trains only on a GPU (see {@link HeatPanel.availability}).
 */
export class HeatPanel {
  private readonly form = element("heat-form", HTMLFormElement);
  private readonly batch = element("heat-batch", HTMLInputElement);
  private readonly steps = element("heat-steps", HTMLInputElement);
  private readonly button = element("heat-start", HTMLButtonElement);
  private readonly status = element("heat-status", HTMLParagraphElement);
  private readonly lossChart = element("heat-loss", HTMLCanvasElement);
  private readonly xErrChart = element("heat-xerr", HTMLCanvasElement);
  private readonly fieldCanvas = element("heat-fields", HTMLCanvasElement);
  private readonly throttle = new Throttle(DRAW_INTERVAL_MS, () => this.draw());
  private readonly definition = heatExperiment({ shape: HEAT_GRID });
  private controller: AbortController | undefined;
  private runs: readonly MethodRun[] = [];
  private plannedSteps = DEFAULT_STEPS;
  private startedAt = 0;
  /** Snapshots waiting for the slower method, and the latest one every method reached. */
  private pending = new Map<number, FieldSnapshot>();
  private shown: FieldSnapshot | undefined;
  private readonly backend: BackendSelection;
  /** Why the panel cannot train here, or undefined when it can. */
  private readonly unavailable: string | undefined;

  constructor(page: PageBackend) {
    this.backend = page.selection;
    this.batch.value = String(DEFAULT_BATCH);
    this.steps.value = String(DEFAULT_STEPS);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.controller === undefined) void this.run();
      else this.controller.abort();
    });
    window.addEventListener("resize", () => this.throttle.request());
    const { available, reason } = HeatPanel.availability(page);
    this.unavailable = available ? undefined : reason;
    this.button.disabled = !available;
    this.batch.disabled = !available;
    this.steps.disabled = !available;
    this.draw();
    this.status.textContent = available ? "Ready." : `Not here: ${reason}.`;
  }

  /**
   * The rule stated on the page: the U-net trains at a pace worth watching only on a GPU — webgpu, or webgl on a
   * hardware renderer. WebGL rendered in software (SwiftShader) is far slower than even wasm.
   */
  static availability(page: PageBackend): { readonly available: boolean; readonly reason: string } {
    const name = page.selection.name;
    if (name === "webgpu") return { available: true, reason: "webgpu" };
    if (name === "webgl" && page.renderer?.software !== true) return { available: true, reason: "webgl on a GPU" };
    if (name === "webgl") return { available: false, reason: `webgl renders in software in this browser (${page.renderer?.name ?? "unknown renderer"})` };
    return { available: false, reason: `the backend is ${name}, not webgpu or webgl` };
  }

  async run(): Promise<void> {
    const batch = numberField(this.batch, DEFAULT_BATCH, { integer: true, min: 1 });
    const steps = numberField(this.steps, DEFAULT_STEPS, { integer: true, min: 1 });
    const controller = new AbortController();
    this.controller = controller;
    this.plannedSteps = steps;
    this.pending = new Map();
    this.shown = undefined;
    this.runs = [];
    this.setRunning(true);
    this.startedAt = performance.now();
    try {
      this.runs = await trainSideBySide({
        definition: this.definition,
        args: { ...this.definition.defaults, iterations: steps, batch, methods: HEAT_METHODS, out: "", backend: this.backend.name, replicas: 1 },
        signal: controller.signal,
        onStart: (runs) => {
          this.runs = runs;
        },
        onStep: (run, report) => {
          const step = report.metrics.step;
          if (step % FIELD_EVERY === 0 || step === steps) this.keepField(run, step, report.batch as HeatTrainingBatch, report.x);
          this.throttle.request();
        },
      });
    } finally {
      this.controller = undefined;
      this.setRunning(false);
      this.throttle.flush();
    }
  }

  /** Keeps a method's prediction of the batch's first example; shows the step once every live method has it. */
  private keepField(run: MethodRun, step: number, batch: HeatTrainingBatch, x: Float64Array): void {
    const cells = HEAT_GRID[0] * HEAT_GRID[1];
    let snapshot = this.pending.get(step);
    if (snapshot === undefined) {
      // Every method sees the same batches, so the first method to reach the step records y* and x*.
      snapshot = { step, yTarget: batch.yTarget.slice(0, cells), xTarget: batch.xTarget.slice(0, cells), predictions: new Map() };
      this.pending.set(step, snapshot);
    }
    snapshot.predictions.set(run.method, x.slice(0, cells));
    const live = this.runs.filter((r) => r.error === undefined);
    if (live.every((r) => snapshot.predictions.has(r.method))) {
      this.shown = snapshot;
      for (const key of this.pending.keys()) if (key <= step) this.pending.delete(key);
    }
  }

  private setRunning(running: boolean): void {
    this.button.textContent = running ? "Stop" : "Start";
    this.button.classList.toggle("stop", running);
    this.batch.disabled = running;
    this.steps.disabled = running;
  }

  private draw(): void {
    const smoothing = smoothingOf(this.definition);
    const logY = this.definition.figures?.logY ?? false;
    const series = (pick: (run: MethodRun) => number[]): ChartSeries[] =>
      this.runs.map((run) => ({ name: run.method, color: methodColor(run.method), x: run.curve.iterations, y: pick(run) }));
    const xLabel = `iteration (running average, window ${smoothing})`;
    const layout = { xLabel, logY, xMax: this.plannedSteps, ...(this.unavailable === undefined ? {} : { emptyText: "needs a GPU (see above)" }) };
    drawLearningChart(this.lossChart, series((run) => run.curve.loss), { ...layout, title: "loss ½‖P(x) − y*‖²", yLabel: "loss" });
    drawLearningChart(this.xErrChart, series((run) => run.curve.xErr), { ...layout, title: "x_err = Σ|x − x*|", yLabel: "x_err" });
    this.drawFields();
    if (this.runs.length > 0) this.status.textContent = this.statusLine();
  }

  private drawFields(): void {
    const shown = this.shown;
    const caption = shown === undefined ? (this.unavailable === undefined ? "not trained yet" : "needs a GPU") : `step ${shown.step}, batch example 1`;
    const panels: FieldPanel[] = [
      { title: "y* (network input)", caption, values: shown?.yTarget },
      { title: "x* (target)", caption, values: shown?.xTarget },
      ...HEAT_METHODS.map((method) => ({ title: `x, ${method}`, caption, values: shown?.predictions.get(method) })),
    ];
    // Everything on x*'s colour range: y* then shows how much the diffusion flattened it, and predictions compare.
    const range = shown === undefined ? { low: 0, high: 1 } : rangeOf(shown.xTarget);
    drawFields(this.fieldCanvas, panels, HEAT_GRID, range, "heat");
  }

  private statusLine(): string {
    const done = Math.min(...this.runs.map((run) => run.steps));
    const seconds = (performance.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? (done / seconds).toFixed(2) : "–";
    const errors = this.runs.filter((run) => run.error !== undefined).map((run) => `${run.method} stopped: ${run.error}`);
    const state = this.controller === undefined ? (done < this.plannedSteps ? "Stopped at" : "Done:") : "Training:";
    return [`${state} step ${done} of ${this.plannedSteps} · ${rate} steps/s per method · ${seconds.toFixed(1)} s`, ...errors].join(" — ");
  }
}
