// Claiming a run before training it, so that two sweeps on one store (or a sweep and its own
// orphaned workers) never train the same run twice. The claim is a dot-file beside the run folder,
// created exclusively (O_EXCL); it names the owner's host and process ids. A claim whose owner is
// gone (same host, no such live process) is broken; another host's claim is respected.
import * as fs from "node:fs";
import * as path from "node:path";
import { HOST, isAlive } from "../../util/tempNames";

export interface RunLock {
  file: string;
  release(): void;
  /** Records the worker's pid too: the claim lives while either process does. */
  setWorker(pid: number | undefined): void;
}

export interface LockOwner {
  host: string;
  pid: number;
  worker?: number;
}

export function lockPath(runDir: string): string {
  return path.join(path.dirname(runDir), `.lock-${path.basename(runDir)}`);
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as LockOwner;
    return typeof v.pid === "number" && typeof v.host === "string" ? v : undefined;
  } catch {
    return undefined; // being written right now, or garbage: treated as alive once, see below
  }
}

function ownerAlive(o: LockOwner): boolean {
  if (o.host !== HOST) return true; // another machine's: we cannot know
  return isAlive(o.pid) || (o.worker !== undefined && isAlive(o.worker));
}

function write(file: string, owner: LockOwner, flag: "wx" | "w"): void {
  fs.writeFileSync(file, JSON.stringify(owner), { flag });
}

/**
 * Claims `runDir` for this process: the lock, or the live owner that holds it. A stale claim
 * (owner gone) is broken once; a lock file that cannot be read is left alone (its owner may be
 * writing it) unless it is older than a minute.
 */
export function claimRun(runDir: string): { lock: RunLock } | { heldBy: LockOwner | "unknown" } {
  const file = lockPath(runDir);
  const owner: LockOwner = { host: HOST, pid: process.pid };
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

function safeMtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
