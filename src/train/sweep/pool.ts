// Runs the missing runs of a sweep through N worker processes, one run per process at a time.
// A run that fails (non-zero exit) is reported with its log and does not stop the others; a
// killed sweep loses no finished run, because each run folder appears only when it is complete.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Progress } from "../../util/progress";
import type { RunSpec } from "./grid";
import { insideStore } from "../../runs/storeLayout";
import { clearFailure, logPath, writeFailure } from "./failureRecord";
import { PARENT_ENV } from "./parentWatch";
import { claimRun, describeOwner } from "./runLock";
import { recordSweep } from "./sweepManifest";
import { ensureWritableStore, isRunComplete, missingRuns, removeStaleTemporaries } from "./store";
import { makeDirs } from "../../util/makeDirs";
import { cores } from "../../model/threads";
import { CoreShare } from "./coreShare";

export interface RunCommand {
  command: string;
  args: string[];
}

export interface SweepOptions {
  store: string;
  runs: RunSpec[];
  workers: number;
  commandFor: (run: RunSpec, runDir: string) => RunCommand;
  /** Where progress lines go (stderr by default). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Extra environment for the workers. */
  env?: NodeJS.ProcessEnv;
  /** Finished runs to run again (relative dirs; made with other settings, redone with --overwrite). */
  redo?: ReadonlySet<string>;
  /** Kernel threads of each run (default: the cores shared out among the runs that run at once,
   * and a finished run's cores handed to the runs still going once none is left to start). */
  threads?: number;
}

/** Kernel threads per run for `workers` runs at a time: the cores shared out, at least 1. */
export function threadsPerRun(workers: number, available = cores()): number {
  return Math.max(1, Math.floor(available / workers));
}

export interface FailedRun {
  run: RunSpec;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  log: string;
}

export interface BusyRun {
  run: RunSpec;
  /** "pid 123 on this host", or "unknown" when the claim could not be read. */
  heldBy: string;
}

export interface SweepResult {
  /** Runs that were finished before this sweep reached them (by an earlier or a concurrent sweep). */
  alreadyDone: number;
  /** Runs claimed by another live sweep: left to it, neither trained nor failed here. */
  busy: BusyRun[];
  completed: RunSpec[];
  failed: FailedRun[];
  interrupted: boolean;
}

export { logPath };

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  if (!(opts.workers >= 1) || !Number.isInteger(opts.workers)) {
    throw new Error(`--workers must be a positive integer, got ${opts.workers}`);
  }
  for (const r of opts.runs) insideStore(opts.store, r.relativeDir); // before anything is created
  ensureWritableStore(opts.store);
  recordSweep(opts.store, opts.runs); // for `instability status`
  removeStaleTemporaries(opts.store, opts.runs);
  const missing = new Set(missingRuns(opts.store, opts.runs));
  const todo = opts.runs.filter((r) => missing.has(r) || opts.redo?.has(r.relativeDir));
  const result: SweepResult = { alreadyDone: opts.runs.length - todo.length, busy: [], completed: [], failed: [], interrupted: false };
  if (todo.length === 0) return result;

  makeDirs(path.join(opts.store, ".logs"));
  const progress = new Progress({ label: "sweep", total: todo.length, unit: "runs", stream: opts.stream ?? process.stderr });
  const children = new Set<ChildProcess>();
  const share = new CoreShare(opts.threads ?? threadsPerRun(Math.min(opts.workers, todo.length)), opts.threads === undefined);
  let next = 0;

  const onSignal = (signal: NodeJS.Signals) => {
    result.interrupted = true;
    for (const child of children) child.kill(signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const worker = async (): Promise<void> => {
    while (!result.interrupted && next < todo.length) {
      const run = todo[next++];
      const runDir = insideStore(opts.store, run.relativeDir);
      makeDirs(path.dirname(runDir));
      const claim = claimRun(runDir);
      if ("heldBy" in claim) {
        result.busy.push({ run, heldBy: describeOwner(claim.heldBy) });
        progress.tick(1, status());
        continue;
      }
      try {
        // Finished meanwhile by a concurrent sweep: done, not ours to count or to redo.
        if (!opts.redo?.has(run.relativeDir) && isRunComplete(opts.store, run)) {
          result.alreadyDone++;
          progress.tick(1, status());
          continue;
        }
        const log = logPath(opts.store, run);
        const threadsFile = `${log}.threads`;
        const env = { ...process.env, ...share.start(threadsFile), ...opts.env };
        const [code, signal] = await runLogged(opts.commandFor(run, runDir), log, env, children, (pid) => claim.lock.setWorker(pid));
        share.finished(threadsFile, next >= todo.length);
        if (code === 0 && isRunComplete(opts.store, run)) {
          result.completed.push(run);
          clearFailure(opts.store, run);
        } else if (!result.interrupted) {
          result.failed.push({ run, exitCode: code, signal, log });
          writeFailure(opts.store, run, code, signal);
        }
        progress.tick(1, status());
      } finally {
        claim.lock.release();
      }
    }
  };
  // The bar counts runs dealt with; the status says how: a failed run is not a finished one.
  const status = () =>
    [`${result.completed.length} trained`, result.failed.length ? `${result.failed.length} failed` : "", result.busy.length ? `${result.busy.length} claimed elsewhere` : ""].filter(Boolean).join(", ");

  try {
    await Promise.all(Array.from({ length: Math.min(opts.workers, todo.length) }, worker));
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  progress.finish();
  return result;
}

/**
 * Runs one worker process with its stdout and stderr in `log`, listed in `children` while it runs
 * (so a signal reaches it); resolves with its exit code and signal ([null, null] if it could not start).
 */
async function runLogged(
  { command, args }: RunCommand,
  log: string,
  env: NodeJS.ProcessEnv,
  children: Set<ChildProcess>,
  started: (pid: number | undefined) => void,
): Promise<[number | null, NodeJS.Signals | null]> {
  const out = fs.openSync(log, "w");
  // Workers exit when this process goes away, even by kill -9 (parentWatch.ts).
  const child = spawn(command, args, { stdio: ["ignore", out, out], env: { ...env, [PARENT_ENV]: String(process.pid) } });
  started(child.pid);
  children.add(child);
  const exit = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on("exit", (c, s) => resolve([c, s]));
    child.on("error", () => resolve([null, null]));
  });
  children.delete(child);
  fs.closeSync(out);
  return exit;
}
