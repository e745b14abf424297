// One array task of a sweep submitted to Slurm: trains run i of the submission's task list, under
// the same run claim a local sweep takes. A run that is finished, or claimed by another task (a
// second submission of the same grid), is left alone; a task stopped by scancel or its time limit
// (SIGTERM) stops its run, records why and releases the claim, so a resubmission retries it.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { insideStore } from "../../runs/storeLayout";
import { makeDirs } from "../../util/makeDirs";
import { clearFailure, logPath, writeFailure } from "./failureRecord";
import type { RunSpec } from "./grid";
import { PARENT_ENV } from "./parentWatch";
import type { RunCommand } from "./pool";
import { claimRun, describeOwner, type SlurmTask } from "./runLock";
import { isRunComplete, removeStaleTemporaries } from "./store";

export interface TaskEntry {
  run: RunSpec;
  command: RunCommand;
  /** A finished run made with other settings, to be redone (its command has --overwrite). */
  redo?: boolean;
}

/** What a submission's tasks.json holds: the store, the Slurm log folder, one entry per array index. */
export interface TaskList {
  store: string;
  logDir: string;
  tasks: TaskEntry[];
}

export function readTaskList(file: string): TaskList {
  let list: TaskList;
  try {
    list = JSON.parse(fs.readFileSync(file, "utf8")) as TaskList;
  } catch (err) {
    throw new Error(`--tasks ${file}: cannot be read (${(err as Error).message}); pass the tasks.json the submission wrote`);
  }
  if (typeof list?.store !== "string" || !Array.isArray(list.tasks)) throw new Error(`--tasks ${file}: not a task list written by \`instability sweep --submit slurm\``);
  return list;
}

/** This process's Slurm array task, from the environment Slurm gives it. */
export function slurmTaskFromEnv(logDir: string | undefined, env = process.env): SlurmTask | undefined {
  const array = env.SLURM_ARRAY_JOB_ID, task = env.SLURM_ARRAY_TASK_ID, job = env.SLURM_JOB_ID;
  if (array && task) return { job: `${array}_${task}`, ...(logDir ? { log: path.join(logDir, `${array}_${task}.out`) } : {}) };
  return job ? { job } : undefined;
}

export async function runSweepTask(list: TaskList, index: number, say: (line: string) => void): Promise<number> {
  const entry = list.tasks[index];
  if (!Number.isInteger(index) || !entry) throw new Error(`--index ${index}: the task list has entries 0 to ${list.tasks.length - 1}`);
  const { store } = list, run = entry.run, name = run.relativeDir;
  const runDir = insideStore(store, name);
  makeDirs(path.dirname(runDir));
  makeDirs(path.join(store, ".logs"));
  const slurm = slurmTaskFromEnv(list.logDir);
  const claim = claimRun(runDir, slurm);
  if ("heldBy" in claim) {
    say(`${name}: being trained by ${describeOwner(claim.heldBy)}; left to it`);
    return 0;
  }
  let stoppedBy: NodeJS.Signals | null = null;
  const forward: Record<string, () => void> = {};
  try {
    if (!entry.redo && isRunComplete(store, run)) {
      say(`${name}: already finished; nothing to do`);
      clearFailure(store, run);
      return 0;
    }
    removeStaleTemporaries(store, [run]);
    const log = logPath(store, run);
    say(`${name}: training (log: ${log})`);
    const out = fs.openSync(log, "w");
    const child = spawn(entry.command.command, entry.command.args, { stdio: ["ignore", out, out], env: { ...process.env, [PARENT_ENV]: String(process.pid) } });
    claim.lock.setWorker(child.pid);
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      forward[sig] = () => ((stoppedBy = sig), child.kill(sig));
      process.on(sig, forward[sig]);
    }
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.on("exit", (c, s) => resolve([c, s]));
      child.on("error", () => resolve([null, null]));
    });
    fs.closeSync(out);
    if (code === 0 && isRunComplete(store, run)) {
      clearFailure(store, run);
      say(`${name}: finished`);
      return 0;
    }
    const record = writeFailure(store, run, code, signal ?? stoppedBy, slurm);
    say(`${name}: failed: ${record.reason}; log: ${record.log}`);
    return stoppedBy ? 128 + (stoppedBy === "SIGINT" ? 2 : 15) : 1;
  } finally {
    for (const [sig, fn] of Object.entries(forward)) process.removeListener(sig, fn);
    claim.lock.release();
    removeStaleTemporaries(store, [run]); // the stopped run's partial folder: its owner is gone
  }
}
