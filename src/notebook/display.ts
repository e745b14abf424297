// Publishing rich output from a tslab cell.
//
// tslab's public `display` sends one MIME type per output (display.html(s) → {"text/html": s}).
// A figure wants a bundle instead ({"text/html", "application/vnd.plotly.v1+json",
// "text/plain"}) so each front end picks what it renders best, and that needs tslab's internal
// `lastWriteDisplayData` (the function `display` itself calls). It is looked up at call time;
// if a future tslab moves it, we fall back to the public API and send the text/html alone,
// which every front end (JupyterLab, classic Notebook, nbconvert) renders.

/** A Jupyter MIME bundle: MIME type → payload (string, or JSON for +json types). */
export type MimeBundle = Record<string, unknown>;

/** A display that later outputs replace in place (Jupyter's display_id, update_display_data). */
export interface DisplayRef {
  id: string;
  /** true: replace the display `id` made earlier; false: make it. */
  update: boolean;
}

type Sink = (bundle: MimeBundle, display?: DisplayRef) => void;

let sinkOverride: Sink | null = null;

/**
 * Replaces where bundles go (tests, or embedding outside Jupyter); `null` restores tslab.
 * Returns the previous override.
 */
export function setDisplaySink(sink: Sink | null): Sink | null {
  const previous = sinkOverride;
  sinkOverride = sink;
  return previous;
}

/**
 * Sends a MIME bundle as one display_data output of the running cell; with `display`, as the
 * display `display.id`, made now or (update) replacing the one made earlier, wherever it is.
 */
export function publish(bundle: MimeBundle, display?: DisplayRef): void {
  if (sinkOverride) return sinkOverride(bundle, display);
  const jupyter = loadTslabModule("tslab/dist/jupyter") as {
    lastWriteDisplayData?: ((msg: unknown, update: boolean) => void) | null;
  } | null;
  if (jupyter && typeof jupyter.lastWriteDisplayData === "function") {
    jupyter.lastWriteDisplayData({ data: bundle, metadata: {}, transient: display ? { display_id: display.id } : {} }, display?.update ?? false);
    return;
  }
  const tslab = loadTslabModule("tslab") as { display?: { html(s: string): void; text(s: string): void } } | null;
  if (!tslab?.display || (jupyter && jupyter.lastWriteDisplayData == null)) {
    throw new Error(
      "notebook display: no running tslab kernel (these helpers draw inside a Jupyter cell of the " +
      "\"Instability Lab (TypeScript)\" kernel; outside Jupyter, write an HTML report with the viz layer)",
    );
  }
  if (typeof bundle["text/html"] === "string") tslab.display.html(bundle["text/html"] as string);
  else tslab.display.text(String(bundle["text/plain"] ?? ""));
}

/** Whether bundles can be shown (a tslab kernel is running a cell, or a sink is set). */
export function canPublish(): boolean {
  if (sinkOverride) return true;
  const jupyter = loadTslabModule("tslab/dist/jupyter") as { lastWriteDisplayData?: unknown } | null;
  return typeof jupyter?.lastWriteDisplayData === "function";
}

function loadTslabModule(id: string): unknown {
  try {
    // Resolved like any dependency, so it is the very module instance the kernel runs.
    return require(id);
  } catch {
    return null;
  }
}

export { escapeHtml } from "../util/escapeHtml";
import { visibleControls } from "../util/displayText";

/**
 * JSON that is safe inside an inline <script>: `<` (so no `</script>` or `<!--`), and the line
 * separators JavaScript string literals once rejected, become \u escapes; numbers are unchanged,
 * and a text's control characters and bidi overrides (a folder name in a legend) are shown as marks.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "string" ? visibleControls(v) : v))
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
