// Submitting what a grid still lacks to Slurm, for `instability sweep` and `instability reproduce`:
// the runs that are neither finished nor claimed by a live worker or array task (plus finished runs
// to redo), as one job array. The grid is recorded for `instability status`.
import * as path from "node:path";
import { insideStore } from "../../runs/storeLayout";
import { readFailure } from "./failureRecord";
import type { RunSpec } from "./grid";
import type { RunCommand } from "./pool";
import { liveClaim } from "./runLock";
import type { SlurmResources } from "./slurmScript";
import { submitToSlurm, type Submission } from "./slurmSubmit";
import { ensureWritableStore, isRunComplete } from "./store";
import { recordSweep } from "./sweepManifest";
import type { TaskEntry } from "./sweepTask";

export interface SubmitSweepOptions extends SlurmResources {
  store: string;
  runs: RunSpec[];
  commandFor: (run: RunSpec, runDir: string) => RunCommand;
  /** Finished runs to run again (made with other settings; their commands carry --overwrite). */
  redo?: ReadonlySet<string>;
  maxArraySize?: number;
}

export interface SubmitSweepResult {
  finished: number;
  /** Runs a live worker or array task is training now: not submitted again. */
  running: { run: RunSpec; heldBy: string }[];
  submitted: RunSpec[];
  /** Submitted runs that failed before (a failure record): retried now. */
  retried: number;
  submission?: Submission;
}

export function submitSweep(o: SubmitSweepOptions): SubmitSweepResult {
  for (const r of o.runs) insideStore(o.store, r.relativeDir); // before anything is created
  ensureWritableStore(o.store);
  const result: SubmitSweepResult = { finished: 0, running: [], submitted: [], retried: 0 };
  const tasks: TaskEntry[] = [];
  for (const run of o.runs) {
    const redo = o.redo?.has(run.relativeDir) ?? false;
    if (!redo && isRunComplete(o.store, run)) {
      result.finished++;
      continue;
    }
    const heldBy = liveClaim(path.join(o.store, run.relativeDir));
    if (heldBy) {
      result.running.push({ run, heldBy });
      continue;
    }
    tasks.push({ run, command: o.commandFor(run, path.join(o.store, run.relativeDir)), ...(redo ? { redo } : {}) });
    result.submitted.push(run);
    if (readFailure(o.store, run.relativeDir)) result.retried++;
  }
  if (tasks.length) {
    result.submission = submitToSlurm({ ...o, tasks });
  }
  recordSweep(o.store, o.runs);
  return result;
}
