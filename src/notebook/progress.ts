// Progress of long cells (a fine-tuning sweep). In a notebook cell: one display (a bar and a
// line of text) updated in place through Jupyter's display_id, so the saved notebook and its
// export keep only the latest state. Not a \r bar on stdout: notebook outputs keep every
// character, so a bar redrawn with \r becomes thousands of lines in the saved notebook.
// Outside a kernel, or with `write`, plain lines every ~10 s, which read well in any log.
import { randomBytes } from "node:crypto";
import { canPublish, escapeHtml, publish } from "./display";

export interface ProgressOptions {
  /** What is progressing, printed first on each line (e.g. "sweep RTE"). */
  label?: string;
  /** How many steps in all, if known (can also be given to update()). */
  total?: number;
  /** The steps' name (default "steps"; e.g. "runs"). */
  unit?: string;
  /**
   * Minimum milliseconds between redraws (default 500 in a notebook display, 10 000 for lines).
   * The first and last always show.
   */
  everyMs?: number;
  /** Where lines go instead of the in-place display (e.g. console.log: one line per redraw). */
  write?: (line: string) => void;
  /** Clock in ms (default Date.now); tests pass their own. */
  now?: () => number;
}

export interface Progress {
  /** `done` steps finished so far; prints a line if enough time has passed. */
  update(done: number, total?: number, note?: string): void;
  /** Prints the closing line (always). */
  finish(note?: string): void;
}

/** "1h 02m", "3m 05s", "42s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/**
 * A progress reporter: `const p = progress({ label: "sweep", total: 20, unit: "runs" });`
 * then `p.update(k)` after each step (or pass `(done, total) => p.update(done, total)` as a
 * callback), and `p.finish()` at the end.
 */
export function progress(opts: ProgressOptions = {}): Progress {
  const now = opts.now ?? Date.now;
  const inPlace = opts.write == null && canPublish();
  const id = `instability-lab-progress-${randomBytes(6).toString("hex")}`;
  let shown = false;
  const draw = (text: string, done: number) => {
    publish({ "text/html": progressHtml(text, done, total), "text/plain": text }, { id, update: shown });
    shown = true;
  };
  const write = opts.write ?? ((line: string) => console.log(line));
  const everyMs = opts.everyMs ?? (inPlace ? 500 : 10_000);
  const unit = opts.unit ?? "steps";
  const prefix = opts.label ? `${opts.label}: ` : "";
  const start = now();
  let total = opts.total;
  let lastDone = 0;
  let lastPrinted = -Infinity;
  let finished = false;

  function line(done: number, note?: string): string {
    const elapsed = now() - start;
    let s = `${prefix}${done}${total != null ? `/${total}` : ""} ${unit}`;
    if (total != null && total > 0) s += ` (${Math.floor((100 * done) / total)}%)`;
    s += `, ${formatDuration(elapsed)} elapsed`;
    if (total != null && done > 0 && done < total) s += `, ~${formatDuration((elapsed / done) * (total - done))} left`;
    if (note) s += ` · ${note}`;
    return s;
  }

  return {
    update(done, newTotal, note) {
      if (!Number.isFinite(done) || done < 0) throw new RangeError(`progress.update(done): done must be a number ≥ 0 (got ${done})`);
      if (newTotal != null) total = newTotal;
      lastDone = done;
      const t = now();
      const last = total != null && done >= total;
      if (t - lastPrinted >= everyMs || last) {
        lastPrinted = t;
        if (inPlace) draw(line(done, note), done);
        else write(line(done, note));
        if (last) finished = true;
      }
    },
    finish(note) {
      if (finished && note == null) return;
      finished = true;
      if (inPlace) draw(line(lastDone, note ?? "done"), lastDone);
      else write(line(lastDone, note ?? "done"));
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
