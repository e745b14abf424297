// Before a sweep trains anything: are the finished runs in its configuration folders the runs it
// asks for? A run made with other settings (epochs, checkpoint, data, …) must not be counted as
// done, and a configuration folder must not end up holding runs of two configurations.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTask } from "../../data/loadTask";
import type { TaskData } from "../../data/types";
import { listRunFolders } from "../../runs/runDefinition";
import { describeDifferences, identityDifferences } from "../../runs/runIdentity";
import { resolveConfig } from "../finetune/config";
import { fingerprintCheckpoint, resolveAgainstCheckpoint, runSettings } from "../finetune/identity";
import { finishedRunMismatch } from "../finetune/output";
import { type FineTuneSpec, specOptions } from "../finetune/runSpec";
import type { RunSpec } from "./grid";
import { insideStore } from "../../runs/storeLayout";
import { isRunComplete } from "./store";

export interface StaleRun {
  /** Path relative to the store. */
  relativeDir: string;
  reason: string;
  /** Part of this sweep's grid (so --overwrite can redo it), or a stranger in one of its folders. */
  inGrid: boolean;
}

/** The settings `finetune` would record for a run of `spec` (identity.ts runSettings: the spec's and the fingerprints), computed in-process. */
export function plannedSettings(spec: FineTuneSpec, tasks: Map<string, TaskData>): Record<string, unknown> {
  let task = tasks.get(spec.task);
  if (!task) tasks.set(spec.task, (task = loadTask(spec.task, { glueDir: spec.glueDir ?? undefined })));
  const c = resolveConfig(specOptions(spec, "."), task);
  const ck = fingerprintCheckpoint(c.modelDir);
  resolveAgainstCheckpoint(c, ck.config, true);
  return runSettings(c, ck);
}

/**
 * Finished runs in the grid's configuration folders that are not what the grid asks for. Tasks
 * are loaded (and the checkpoint hashed) only when some configuration folder already has runs.
 */
export function staleRuns(store: string, runs: RunSpec[], specFor: (run: RunSpec) => FineTuneSpec): StaleRun[] {
  const tasks = new Map<string, TaskData>();
  const stale: StaleRun[] = [];
  const byFolder = new Map<string, RunSpec[]>();
  for (const r of runs) {
    const folder = path.dirname(r.relativeDir);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), r]);
  }
  for (const [folder, specs] of byFolder) {
    const dir = insideStore(store, folder);
    if (!fs.existsSync(dir)) continue;
    const existing = listRunFolders(dir).runs;
    if (existing.length === 0) continue;
    const inGrid = new Map(specs.map((s) => [path.basename(s.relativeDir), s]));
    let reference: Record<string, unknown> | undefined;
    for (const name of existing) {
      const spec = inGrid.get(name);
      const relativeDir = path.join(folder, name);
      if (spec) {
        if (!isRunComplete(store, spec)) continue;
        const planned = specFor(spec);
        const settings = plannedSettings(planned, tasks);
        reference ??= settings;
        const reason = finishedRunMismatch(path.join(store, relativeDir), settings, planned.saveFinal);
        if (reason) stale.push({ relativeDir, reason, inGrid: true });
      } else {
        reference ??= plannedSettings(specFor(specs[0]), tasks);
        let found: Record<string, unknown> | undefined;
        try {
          found = JSON.parse(fs.readFileSync(path.join(dir, name, "config.json"), "utf8"));
        } catch {
          continue; // a run from elsewhere, of unknown settings: measure compares what it can
        }
        const diffs = identityDifferences(found!, reference, ["seed"]);
        if (diffs.length) stale.push({ relativeDir, reason: `found vs asked: ${describeDifferences(diffs)}`, inGrid: false });
      }
    }
  }
  return stale;
}

/** One line for the error: how many, and the first few with their reasons. */
export function describeStale(store: string, stale: StaleRun[]): string {
  const shown = stale.slice(0, 3).map((s) => `${s.relativeDir} (${s.reason})`).join("; ");
  return `${stale.length} finished run(s) in ${store} were made with other settings than this sweep asks for: ${shown}${stale.length > 3 ? "; …" : ""}`;
}
