// Progress of long cells (a fine-tuning sweep), with util/progress.ts's one Progress API. In a
// notebook cell: one display (a bar and the line) updated in place through Jupyter's display_id,
// so the saved notebook and its export keep only the latest state. Not a \r bar on stdout:
// notebook outputs keep every character, so a bar redrawn with \r becomes thousands of lines in
// the saved notebook. Outside a kernel, or with `write`, plain lines every ~10 s.
import { randomBytes } from "node:crypto";
import { Progress, type ProgressSink } from "../util/progress";
import { canPublish, escapeHtml, publish } from "./display";

export { Progress, formatDuration } from "../util/progress";

export interface NotebookProgressOptions {
  /** What is progressing, printed first on each line (e.g. "sweep RTE"). */
  label?: string;
  /** How many steps in all, if known (Progress.setTotal can give it later). */
  total?: number;
  /** The steps' name (default "steps"; e.g. "runs"). */
  unit?: string;
  /** Minimum milliseconds between redraws (default 500 in a notebook display, 10 000 for lines). The first and last always show. */
  everyMs?: number;
  /** Where lines go instead of the in-place display (e.g. console.log: one line per redraw). */
  write?: (line: string) => void;
  /** Clock in ms (default Date.now); tests pass their own. */
  now?: () => number;
}

/**
 * A progress reporter for a cell: `const p = progress({ label: "sweep", total: 20, unit: "runs" });`
 * then `p.update(k)` after each step (or `p.update(k, "seed 3")` with a note), and `p.finish()`.
 */
export function progress(opts: NotebookProgressOptions = {}): Progress {
  const inPlace = opts.write == null && canPublish();
  return new Progress({
    label: opts.label,
    total: opts.total,
    unit: opts.unit,
    intervalMs: opts.everyMs ?? (inPlace ? 500 : 10_000),
    now: opts.now,
    sink: inPlace ? displaySink() : { draw: opts.write ?? ((line: string) => console.log(line)) },
  });
}

/** One display per reporter: made at the first drawing, then only updated. */
function displaySink(): ProgressSink {
  const id = `instability-lab-progress-${randomBytes(6).toString("hex")}`;
  let shown = false;
  return {
    draw(line, { done, total }) {
      publish({ "text/html": progressHtml(line, done, total), "text/plain": line }, { id, update: shown });
      shown = true;
    },
  };
}

/** The display: a <progress> bar (indeterminate without a total) and the line of text. */
export function progressHtml(text: string, done: number, total?: number): string {
  const bar = total != null && total > 0
    ? `<progress value="${Math.min(done, total)}" max="${total}" style="width:16em"></progress>`
    : `<progress style="width:16em"></progress>`;
  return `<div class="instability-lab-progress">${bar} <span>${escapeHtml(text)}</span></div>`;
}
