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

type Sink = (bundle: MimeBundle) => void;

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

/** Sends a MIME bundle as one display_data output of the running cell. */
export function publish(bundle: MimeBundle): void {
  if (sinkOverride) return sinkOverride(bundle);
  const jupyter = loadTslabModule("tslab/dist/jupyter") as {
    lastWriteDisplayData?: ((msg: unknown, update: boolean) => void) | null;
  } | null;
  if (jupyter && typeof jupyter.lastWriteDisplayData === "function") {
    jupyter.lastWriteDisplayData({ data: bundle, metadata: {}, transient: {} }, false);
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

function loadTslabModule(id: string): unknown {
  try {
    // Resolved like any dependency, so it is the very module instance the kernel runs.
    return require(id);
  } catch {
    return null;
  }
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * JSON that is safe inside an inline <script>: `<` (so no `</script>` or `<!--`), and the line
 * separators JavaScript string literals once rejected, become \u escapes; the value is unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
