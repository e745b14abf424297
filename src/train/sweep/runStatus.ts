// What a run store holds, run by run, for `instability status`: finished (a run folder), running
// (claimed by a live sweep worker or Slurm task), failed (a failure record, or a claim whose task
// is gone), or missing (in a recorded sweep's grid, but none of the above). Read-only.
import * as fs from "node:fs";
import * as path from "node:path";
import { isRunFolder } from "../../runs/runDefinition";
import { insideStore } from "../../runs/storeLayout";
import { logPath, readFailure } from "./failureRecord";
import { lockPath, ownerAlive, readOwner, type LockOwner } from "./runLock";
import { readSweepManifests } from "./sweepManifest";

export interface RunningRun {
  run: string;
  /** Who holds the claim; undefined while its file is being written. */
  owner?: LockOwner;
}

export interface FailedRunStatus {
  run: string;
  reason: string;
  log: string;
  /** The Slurm task's own output file, when the run ran in one. */
  slurmLog?: string;
  slurmJob?: string;
}

export interface ConfigurationStatus {
  configuration: string;
  finished: string[];
  running: RunningRun[];
  failed: FailedRunStatus[];
  missing: string[];
}

export interface StoreStatus {
  store: string;
  configurations: ConfigurationStatus[];
  totals: { runs: number; finished: number; running: number; failed: number; missing: number };
}

function subdirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith(".") && (e.isDirectory() || e.isSymbolicLink())).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Runs found on disk: run folders and claims at STORE/<model>/<task>/<configuration>/. */
function runsOnDisk(store: string): string[] {
  const found: string[] = [];
  for (const model of subdirs(store))
    for (const task of subdirs(path.join(store, model)))
      for (const config of subdirs(path.join(store, model, task))) {
        const dir = path.join(store, model, task, config);
        let names: string[] = [];
        try {
          names = fs.readdirSync(dir);
        } catch {
          continue;
        }
        for (const n of names) {
          if (n.startsWith(".lock-")) found.push(path.join(model, task, config, n.slice(".lock-".length)));
          else if (!n.startsWith(".") && isRunFolder(path.join(dir, n))) found.push(path.join(model, task, config, n));
        }
      }
  return found;
}

/** The state of one run of the store. */
function runState(store: string, run: string): ["finished"] | ["running", RunningRun] | ["failed", FailedRunStatus] | ["missing"] {
  const runDir = path.join(store, run);
  if (isRunFolder(runDir)) return ["finished"];
  const lock = lockPath(runDir);
  const failure = readFailure(store, run);
  if (fs.existsSync(lock)) {
    const owner = readOwner(lock);
    if (!owner || ownerAlive(owner)) return ["running", { run, owner }];
    const log = failure?.log ?? logPath(store, run);
    const what = owner.slurm ? `its Slurm task ${owner.slurm.job}` : `its worker (pid ${owner.worker ?? owner.pid})`;
    return ["failed", { run, reason: `${what} ended without finishing it (killed, out of time, or its node failed); the next sweep retries it`, log, slurmLog: owner.slurm?.log, slurmJob: owner.slurm?.job }];
  }
  if (failure) return ["failed", { run, reason: failure.reason, log: failure.log, slurmLog: failure.slurm?.log, slurmJob: failure.slurm?.job }];
  return ["missing"];
}

export function storeStatus(store: string): StoreStatus {
  store = path.resolve(store);
  if (!fs.existsSync(store)) throw new Error(`--store ${store}: not found; pass the folder a sweep writes its runs into`);
  const runs = new Set<string>();
  for (const m of readSweepManifests(store)) for (const r of m.runs) runs.add(path.normalize(r));
  for (const r of runsOnDisk(store)) runs.add(r);
  const byConfig = new Map<string, ConfigurationStatus>();
  const totals = { runs: 0, finished: 0, running: 0, failed: 0, missing: 0 };
  for (const run of [...runs].sort()) {
    try {
      insideStore(store, run);
    } catch {
      continue; // a manifest naming a place outside the store: not ours to report
    }
    const configuration = path.dirname(run);
    const c = byConfig.get(configuration) ?? { configuration, finished: [], running: [], failed: [], missing: [] };
    byConfig.set(configuration, c);
    const [state, detail] = runState(store, run);
    totals.runs++;
    totals[state]++;
    if (state === "running") c.running.push(detail);
    else if (state === "failed") c.failed.push(detail);
    else c[state].push(run);
  }
  return { store, configurations: [...byConfig.values()], totals };
}
