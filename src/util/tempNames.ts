// Names for temporary folders that become finished results by an atomic rename. The name says
// which process on which host owns it, so a later run can remove the leftovers of a process that
// died, without touching those of a live process (e.g. another Slurm task on a shared store).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hashString } from "./random";

export const TEMP_PREFIX = ".tmp-";

export const HOST = hashString(os.hostname()).toString(16);

/** A temporary sibling of `finalPath`, owned by this process. */
export function temporarySibling(finalPath: string): string {
  const suffix = Math.floor(Math.random() * 0xffffff).toString(16);
  return path.join(path.dirname(finalPath), `${TEMP_PREFIX}${path.basename(finalPath)}-${process.pid}-${HOST}-${suffix}`);
}

/** True when `name` is a temporary folder whose owner process is gone (same host only). */
export function isAbandonedTemporary(name: string): boolean {
  if (!name.startsWith(TEMP_PREFIX)) return false;
  const m = /-(\d+)-([0-9a-f]+)-([0-9a-f]+)$/.exec(name);
  if (!m) return false;
  if (m[2] !== HOST) return false; // another machine's: we cannot know, leave it
  return !isAlive(Number(m[1]));
}

/** True when process `pid` of this host is running (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed process whose parent died too can linger as a zombie where nothing reaps orphans
  // (containers): it answers signals but will never finish its run.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
