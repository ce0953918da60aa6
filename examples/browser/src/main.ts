import "./style.css";
import { startBackend, type PageBackend } from "./backend";
import { element } from "./dom";
import { HeatPanel } from "./heat_panel";
import { readPageOptions } from "./page_options";
import { SinPanel } from "./sin_panel";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The line beside the backend's name: initBackend's message when it skipped a faster backend, else why this one. */
function describeBackend({ selection, renderer }: PageBackend, forced: boolean): string {
  const notes: string[] = [];
  if (renderer?.software === true) notes.push("WebGL renders in software here (no GPU)");
  if (selection.skipped.length > 0) notes.push(selection.message);
  else if (forced) notes.push("as the URL asks (?backend=)");
  else notes.push("the fastest in the search webgpu › webgl › wasm › cpu");
  return notes.join("; ");
}

async function main(): Promise<void> {
  const options = readPageOptions(window.location.search);
  const notice = element("notice", HTMLParagraphElement);
  if (options.ignored.length > 0) {
    notice.hidden = false;
    notice.textContent = `Ignored URL parameters: ${options.ignored.join("; ")}.`;
  }

  const backendName = element("backend-name", HTMLElement);
  const backendMessage = element("backend-message", HTMLElement);
  let backend: PageBackend;
  try {
    backend = await startBackend(options.backend);
  } catch (error) {
    // Shown, not thrown: the page explains what is missing instead of failing silently.
    backendName.textContent = "none";
    backendMessage.textContent = messageOf(error);
    element("backend", HTMLDivElement).classList.add("failed");
    for (const id of ["sin-status", "heat-status"]) element(id, HTMLParagraphElement).textContent = "No backend started (see above).";
    return;
  }
  const { selection } = backend;
  backendName.textContent = selection.name;
  backendMessage.textContent = describeBackend(backend, options.backend !== undefined);
  if (backend.renderer !== undefined) backendMessage.title = `WebGL renderer: ${backend.renderer.name}`;
  document.body.dataset.backend = selection.name;

  const sin = new SinPanel(selection);
  // The heat panel lives on through its own event handlers.
  new HeatPanel(backend);
  if (options.steps !== undefined) sin.setSteps(options.steps);
  if (options.autostart) await sin.run();
}

void main();
