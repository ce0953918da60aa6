/** The element with `id`, checked to be of the expected kind; the page's HTML and code must agree. */
export function element<T extends HTMLElement>(id: string, kind: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new Error(`index.html has no <${kind.name}> with id "${id}"`);
  return found;
}

/** A number input's value, or `fallback` (also written back) when it is not a number in [min, ∞). */
export function numberField(input: HTMLInputElement, fallback: number, options: { readonly integer: boolean; readonly min: number }): number {
  const value = Number(input.value);
  const valid = Number.isFinite(value) && value >= options.min && (!options.integer || Number.isInteger(value));
  if (valid) return value;
  input.value = String(fallback);
  return fallback;
}

/** Runs `draw` at most once per `intervalMs`; a request in between is served when the interval has passed. */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly draw: () => void,
  ) {}

  request(): void {
    if (this.timer !== undefined) return;
    const wait = this.last + this.intervalMs - performance.now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  /** Draws now, e.g. when training ends, so the final state is on screen. */
  flush(): void {
    this.run();
  }

  private run(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = performance.now();
    this.draw();
  }
}

/**
 * Sizes `canvas` to `width` × `height` CSS pixels at the screen's pixel ratio and returns its cleared 2-D context,
 * scaled so that drawing is in CSS pixels; `null` where the browser gives no 2-D context.
 */
export function sharpContext(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext("2d");
  if (context === null) return null;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}
