// Progress of long cells (a fine-tuning sweep), with util/progress.ts's one Progress API. In a
// notebook cell: one display (a bar and the line) updated in place through Jupyter's display_id,
// so the saved notebook and its export keep only the latest state. Not a \r bar on stdout:
// notebook outputs keep every character, so a bar redrawn with \r becomes thousands of lines in
// the saved notebook. Outside a kernel, or with `write`, plain lines every ~10 s.
import { randomBytes } from "node:crypto";
import { formatDuration, Progress, type ProgressSink } from "../util/progress";
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

/** A status display for work whose amount is known only as it goes (measuring a store). */
export interface CellStatus {
  /** One more item started (e.g. a configuration's name). */
  step(item: string): void;
  /** Draws the closing line if the work was shown (it took `afterMs` or more). */
  finish(): void;
}

export interface CellStatusOptions {
  /** What is being done, e.g. "measuring", and the same once done, e.g. "measured". */
  verb: string;
  doneVerb: string;
  /** The items' name, e.g. "configurations". */
  unit: string;
  /** Nothing is shown for work shorter than this (default 1000 ms). */
  afterMs?: number;
  /** Minimum ms between redraws (default 500). */
  everyMs?: number;
  now?: () => number;
}

/**
 * One display, updated in place, for work that takes a second or more: nothing at all for quick
 * work or when no item started (a cell that measures nothing new shows nothing), then "measuring: 3 configurations …",
 * and at the end "measured 10 configurations in 24.1 s". Outside a kernel it shows nothing.
 */
export function cellStatus(o: CellStatusOptions): CellStatus {
  const now = o.now ?? Date.now;
  const start = now();
  const id = `instability-lab-progress-${randomBytes(6).toString("hex")}`;
  let count = 0, current = "", shown = false, lastDraw = -Infinity;
  const draw = (line: string, done: number, total?: number) => {
    if (!canPublish()) return;
    publish({ "text/html": progressHtml(line, done, total), "text/plain": line }, { id, update: shown });
    shown = true;
  };
  const seconds = () => (now() - start) / 1000;
  return {
    step(item) {
      count++;
      current = item;
      const t = now();
      if (t - start < (o.afterMs ?? 1000) || t - lastDraw < (o.everyMs ?? 500)) return;
      lastDraw = t;
      draw(`${o.verb}: ${count} ${o.unit}, elapsed ${formatDuration(seconds())} · ${current}`, count);
    },
    finish() {
      if (count === 0 || (!shown && now() - start < (o.afterMs ?? 1000))) return;
      draw(`${o.doneVerb} ${count} ${o.unit} in ${seconds().toFixed(1)} s`, count, count);
    },
  };
}
