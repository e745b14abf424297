// What a run store holds, run by run, for `instability status`: finished (a run folder), running
// (claimed by a live sweep worker or Slurm task), failed (a failure record, or a claim whose task
// is gone), queued (in a pending Slurm array task), or missing (in a recorded sweep's grid, but
// none of the above). Read-only.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isRunFolder } from "../../runs/runDefinition";
import { insideStore } from "../../runs/storeLayout";
import { logPath, readFailure } from "./failureRecord";
import { lockPath, ownerAlive, readOwner, type LockOwner } from "./runLock";
import { readSubmissions, readSweepManifests, type SlurmSubmissionRecord } from "./sweepManifest";

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

export interface QueuedRun {
  run: string;
  /** The pending array task, e.g. "12_3". */
  slurmJob: string;
}

export interface ConfigurationStatus {
  configuration: string;
  finished: string[];
  running: RunningRun[];
  failed: FailedRunStatus[];
  queued: QueuedRun[];
  missing: string[];
}

export interface StoreStatus {
  store: string;
  configurations: ConfigurationStatus[];
  totals: { runs: number; finished: number; running: number; failed: number; queued: number; missing: number };
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

/** Runs waiting in a pending array task of a recorded submission: run → "12_3" (none when squeue cannot say). */
function queuedRuns(submissions: SlurmSubmissionRecord[]): Map<string, string> {
  const byJob = new Map<string, { tasksFile: string; offset: number }>();
  for (const s of submissions) for (const j of s.jobs ?? []) byJob.set(String(j.id), { tasksFile: s.tasksFile, offset: j.offset });
  const queued = new Map<string, string>();
  if (byJob.size === 0) return queued;
  const r = spawnSync("squeue", ["-h", "-r", "-t", "PENDING", "-j", [...byJob.keys()].join(","), "-o", "%i"], { encoding: "utf8", timeout: 30_000 });
  if (r.error || r.status !== 0) return queued;
  const lists = new Map<string, { run?: { relativeDir?: string } }[]>();
  for (const id of r.stdout.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const m = /^(\d+)_(\d+)$/.exec(id);
    const sub = m && byJob.get(m[1]);
    if (!m || !sub) continue;
    if (!lists.has(sub.tasksFile)) {
      try {
        lists.set(sub.tasksFile, (JSON.parse(fs.readFileSync(sub.tasksFile, "utf8")) as { tasks: { run?: { relativeDir?: string } }[] }).tasks ?? []);
      } catch {
        lists.set(sub.tasksFile, []);
      }
    }
    const rel = lists.get(sub.tasksFile)![sub.offset + Number(m[2])]?.run?.relativeDir;
    if (typeof rel === "string") queued.set(path.normalize(rel), id);
  }
  return queued;
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
  const queued = queuedRuns(readSubmissions(store));
  for (const r of runsOnDisk(store)) runs.add(r);
  const byConfig = new Map<string, ConfigurationStatus>();
  const totals = { runs: 0, finished: 0, running: 0, failed: 0, queued: 0, missing: 0 };
  for (const run of [...runs].sort()) {
    try {
      insideStore(store, run);
    } catch {
      continue; // a manifest naming a place outside the store: not ours to report
    }
    const configuration = path.dirname(run);
    const c = byConfig.get(configuration) ?? { configuration, finished: [], running: [], failed: [], queued: [], missing: [] };
    byConfig.set(configuration, c);
    const found = runState(store, run);
    const job = queued.get(run);
    if (job && (found[0] === "missing" || found[0] === "failed")) {
      // A retry waits in the queue: say so (a failed earlier try is in its log).
      totals.runs++;
      totals.queued++;
      c.queued.push({ run, slurmJob: job });
      continue;
    }
    totals.runs++;
    totals[found[0]]++;
    if (found[0] === "running") c.running.push(found[1]);
    else if (found[0] === "failed") c.failed.push(found[1]);
    else c[found[0]].push(run);
  }
  return { store, configurations: [...byConfig.values()], totals };
}
