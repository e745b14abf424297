// The live progress of a fine-tuning sweep inside a notebook cell: one display, updated in place
// every few seconds, with the finished runs (a run counts once its folder is complete in the
// store) and the latest line of the run in progress (its log in STORE/.logs), so a cell that
// fine-tunes for minutes shows what it is doing without printing a line per step.
import * as fs from "node:fs";
import type { RunSpec } from "../train/sweep/grid";
import { logPath } from "../train/sweep/pool";
import { isRunComplete } from "../train/sweep/store";
import { escapeHtml, publish } from "./display";
import { progress } from "./progress";

export interface SweepWatch {
  /** Draws the last state (with `note`, e.g. "interrupted") and stops watching. */
  stop(note?: string): void;
}

/**
 * Watches the runs of `runs` not yet in `store`; updates every `everyMs` (default 2 s). When every
 * run is already there, one line says so instead of a progress bar at 0/0.
 */
export function watchSweep(store: string, runs: RunSpec[], everyMs = 2000): SweepWatch {
  const todo = runs.filter((r) => !isRunComplete(store, r));
  if (todo.length === 0) {
    const line = `all ${runs.length} runs found in ${store}, nothing to fine-tune`;
    publish({ "text/html": `<div class="instability-lab-status">${escapeHtml(line)}</div>`, "text/plain": line });
    return { stop: () => undefined };
  }
  const p = progress({ label: "fine-tuning", total: todo.length, unit: "runs", everyMs: 0 });
  let last = "";
  const draw = (extra?: string) => {
    const done = todo.filter((r) => isRunComplete(store, r)).length;
    const note = extra ?? currentLine(store, todo.filter((r) => !isRunComplete(store, r)));
    const key = `${done} ${note}`;
    if (key === last && extra === undefined) return;
    last = key;
    p.update(done, note);
  };
  draw("starting");
  const timer = setInterval(() => draw(), everyMs);
  timer.unref();
  return {
    stop(note) {
      clearInterval(timer);
      const done = todo.filter((r) => isRunComplete(store, r)).length;
      if (done < todo.length || note) p.finish(note ?? `${todo.length - done} not finished`);
      else draw(undefined);
    },
  };
}

/** The last non-empty line of the most recently written log among `running`, with its run. */
function currentLine(store: string, running: RunSpec[]): string {
  let newest: { run: RunSpec; file: string; mtime: number } | null = null;
  for (const run of running) {
    const file = logPath(store, run);
    try {
      const mtime = fs.statSync(file).mtimeMs;
      if (!newest || mtime > newest.mtime) newest = { run, file, mtime };
    } catch {
      // not started yet
    }
  }
  if (!newest) return "";
  const text = fs.readFileSync(newest.file, "utf8");
  const lines = text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  return `${newest.run.relativeDir}: ${lines.length ? lines[lines.length - 1] : "starting"}`;
}
