import { BROWSER_BACKEND_ORDER, type BackendName } from "@pg/backend";

/** What the address bar asks of the page: `?steps=N&autostart=1&backend=wasm`. */
export interface PageOptions {
  /** Steps per method; fills the steps field. */
  readonly steps: number | undefined;
  /** Train the default methods at once, without a click, and write #results when done. */
  readonly autostart: boolean;
  /** A backend to force instead of the fastest available. */
  readonly backend: BackendName | undefined;
  /** Parameters that were ignored, with the reason, to show on the page. */
  readonly ignored: readonly string[];
}

/** Reads the page's URL parameters; a malformed value is ignored and reported rather than thrown. */
export function readPageOptions(search: string): PageOptions {
  const parameters = new URLSearchParams(search);
  const ignored: string[] = [];

  let steps: number | undefined;
  const stepsText = parameters.get("steps");
  if (stepsText !== null) {
    const value = Number(stepsText);
    if (Number.isInteger(value) && value >= 1) steps = value;
    else ignored.push(`steps=${stepsText} (a positive integer is expected)`);
  }

  let backend: BackendName | undefined;
  const backendText = parameters.get("backend");
  if (backendText !== null) {
    const known = BROWSER_BACKEND_ORDER.find((name) => name === backendText);
    if (known !== undefined) backend = known;
    else ignored.push(`backend=${backendText} (one of ${BROWSER_BACKEND_ORDER.join(", ")} is expected)`);
  }

  const autostartText = parameters.get("autostart");
  const autostart = autostartText === "1" || autostartText === "true";
  if (autostartText !== null && !autostart && autostartText !== "0" && autostartText !== "false") {
    ignored.push(`autostart=${autostartText} (1 or 0 is expected)`);
  }
  return { steps, autostart, backend, ignored };
}
