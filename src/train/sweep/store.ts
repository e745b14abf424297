// The run store on disk. A run folder exists only when the run finished: the fine-tuning engine
// writes into a temporary sibling and renames it (src/runs writeRun), so "exists" means "done".
// Temporary folders left by a killed run (src/util/tempNames) are removed before resuming, but
// only those whose owner process is gone: on a shared store, other live jobs keep theirs.
import * as fs from "node:fs";
import * as path from "node:path";
import { isRunFolder } from "../../runs/runDefinition";
import { TEMP_PREFIX, isAbandonedTemporary } from "../../util/tempNames";
import type { RunSpec } from "./grid";
import { insideStore } from "../../runs/storeLayout";
import { makeDirs } from "../../util/makeDirs";

export function isRunComplete(store: string, run: RunSpec): boolean {
  return isRunFolder(path.join(store, run.relativeDir));
}

export function missingRuns(store: string, runs: RunSpec[]): RunSpec[] {
  return runs.filter((r) => !isRunComplete(store, r));
}

/** Checks that the store can be created and written to; throws a clear error otherwise. */
export function ensureWritableStore(store: string): void {
  try {
    makeDirs(store);
    const probe = path.join(store, `${TEMP_PREFIX}probe-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    throw new Error(`run store '${store}' is not writable (${(err as Error).message}): choose another --store or fix its permissions`);
  }
}

/** Removes temporary folders left by killed runs under the given configuration folders. */
export function removeStaleTemporaries(store: string, runs: RunSpec[]): string[] {
  const parents = new Set(runs.map((r) => path.dirname(insideStore(store, r.relativeDir))));
  const removed: string[] = [];
  for (const dir of parents) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (!isAbandonedTemporary(name)) continue;
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(path.join(dir, name));
    }
  }
  return removed;
}
