// Claiming a run before training it, so that two sweeps on one store (or a sweep and its own
// orphaned workers, or two Slurm array tasks) never train the same run twice. The claim is a
// dot-file beside the run folder, created exclusively (O_EXCL); it names the owner's host and
// process ids, and its Slurm job when it runs in one. A claim whose owner is gone is broken: on
// this host, no such live process; on another host, a Slurm job that `squeue` no longer lists
// (killed by its time limit, scancel or a node failure). Another host's claim without a job is respected.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HOST, isAlive } from "../../util/tempNames";

export interface RunLock {
  file: string;
  release(): void;
  /** Records the worker's pid too: the claim lives while either process does. */
  setWorker(pid: number | undefined): void;
}

/** The Slurm job an array task runs in (from its environment). */
export interface SlurmTask {
  /** The job id squeue knows this task by: "123_4" for an array task, else "123". */
  job: string;
  /** The task's Slurm output file, when known. */
  log?: string;
}

export interface LockOwner {
  host: string;
  pid: number;
  worker?: number;
  /** The machine's name, for people (`host` is a hash). */
  node?: string;
  slurm?: SlurmTask;
}

export function lockPath(runDir: string): string {
  return path.join(path.dirname(runDir), `.lock-${path.basename(runDir)}`);
}

export function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as LockOwner;
    return typeof v.pid === "number" && typeof v.host === "string" ? v : undefined;
  } catch {
    return undefined; // being written right now, or garbage: treated as alive once, see below
  }
}

// States of a job that will not run again (squeue -j may list them for a few minutes after the end).
const JOB_OVER = /^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|REVOKED|SPECIAL_EXIT)/;

/** False when `squeue` says the job is over (or has forgotten it); true while it may still run, or when squeue cannot tell. */
export function slurmJobListed(job: string): boolean {
  const r = spawnSync("squeue", ["-h", "-j", job, "-o", "%T"], { encoding: "utf8", timeout: 30_000 });
  if (r.error) return true; // no squeue here: we cannot know
  if (r.status === 0) return r.stdout.split("\n").map((l) => l.trim()).some((state) => state !== "" && !JOB_OVER.test(state));
  return !/invalid job id/i.test(r.stderr); // a job squeue has forgotten: over
}

export function ownerAlive(o: LockOwner): boolean {
  if (o.host === HOST) return isAlive(o.pid) || (o.worker !== undefined && isAlive(o.worker));
  return o.slurm ? slurmJobListed(o.slurm.job) : true; // another machine's without a job: we cannot know
}

function write(file: string, owner: LockOwner, flag: "wx" | "w"): void {
  fs.writeFileSync(file, JSON.stringify(owner), { flag });
}

/**
 * Claims `runDir` for this process: the lock, or the live owner that holds it. A stale claim
 * (owner gone) is broken once; a lock file that cannot be read is left alone (its owner may be
 * writing it) unless it is older than a minute.
 */
export function claimRun(runDir: string, slurm?: SlurmTask): { lock: RunLock } | { heldBy: LockOwner | "unknown" } {
  const file = lockPath(runDir);
  const owner: LockOwner = { host: HOST, pid: process.pid, node: os.hostname(), ...(slurm ? { slurm } : {}) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      write(file, owner, "wx");
      let released = false;
      return {
        lock: {
          file,
          setWorker(pid) {
            if (!released) write(file, { ...owner, worker: pid }, "w");
          },
          release() {
            if (released) return;
            released = true;
            fs.rmSync(file, { force: true });
          },
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const held = readOwner(file);
    const stale = held ? !ownerAlive(held) : Date.now() - safeMtime(file) > 60_000;
    if (!stale) return { heldBy: held ?? "unknown" };
    fs.rmSync(file, { force: true });
  }
  return { heldBy: readOwner(file) ?? "unknown" };
}

/** Who holds a live claim on `runDir` (described for people), or undefined when none does. */
export function liveClaim(runDir: string): string | undefined {
  const file = lockPath(runDir);
  if (!fs.existsSync(file)) return undefined;
  const held = readOwner(file);
  if (held) return ownerAlive(held) ? describeOwner(held) : undefined;
  return Date.now() - safeMtime(file) > 60_000 ? undefined : "unknown";
}

/** "pid 12 on this host", "Slurm job 34_5 on node7": who holds a claim, for messages. */
export function describeOwner(h: LockOwner | "unknown"): string {
  if (h === "unknown") return "unknown";
  const where = h.node ?? (h.host === HOST ? "this host" : "another host");
  return h.slurm ? `Slurm job ${h.slurm.job} on ${where}` : `pid ${h.pid} on ${where}`;
}

function safeMtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
