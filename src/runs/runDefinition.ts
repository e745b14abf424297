// What a run folder is: the one definition that sweep, finetune, measure and the analyses share.
//   a run:               a folder (or a symlink to one) holding the files logits.npy and labels.npy
//   this project's run:  a run whose entries are all run files (nothing else a replace would destroy)
//   a finished run:      a run. Runs appear only whole (runFolder.ts writeRun renames a complete
//                        temporary into place), so `finetune --out`, the sweep and the store all
//                        ask isRunFolder, and nothing else, whether a run is done.
// Anything else in a runs directory is skipped, with the reason, never silently counted or fatal.
import * as fs from "node:fs";
import * as path from "node:path";

/** The files every run folder has (the format's contract with other tools). */
export const REQUIRED_RUN_FILES = ["logits.npy", "labels.npy"] as const;

/** Everything a run folder written by this project may hold. */
export const RUN_ENTRIES: ReadonlySet<string> = new Set([
  "logits.npy", "labels.npy", "hidden.npy", "hidden.json", "metrics.json", "config.json", "final",
]);

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile(); // follows symlinks
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory(); // follows symlinks
  } catch {
    return false;
  }
}

/** Why `dir` is not a run folder, or undefined when it is one. */
export function notARunReason(dir: string): string | undefined {
  if (!isDirectory(dir)) return fs.existsSync(dir) ? "not a folder" : "does not exist";
  const missing = REQUIRED_RUN_FILES.filter((f) => !isFile(path.join(dir, f)));
  return missing.length ? `no ${missing.join(" or ")}` : undefined;
}

export function isRunFolder(dir: string): boolean {
  return notARunReason(dir) === undefined;
}

/**
 * Why `dir` may not be replaced by a new run (undefined: it may). Only an empty folder or a run
 * holding nothing but run files may be: a store, a home folder or a run with the user's notes in
 * it are refused, so that --overwrite can never delete what is not a run.
 */
export function notReplaceableReason(dir: string): string | undefined {
  let entries: string[];
  try {
    if (!fs.lstatSync(dir).isDirectory()) return "it is not a folder";
    entries = fs.readdirSync(dir);
  } catch (err) {
    return `it cannot be read (${(err as Error).message})`;
  }
  if (entries.length === 0) return undefined;
  const reason = notARunReason(dir);
  if (reason) return `it is not a run folder (${reason})`;
  const foreign = entries.filter((e) => !RUN_ENTRIES.has(e));
  if (foreign.length) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, … (${foreign.length} in all)` : "");
    return `it holds ${shown}, which no run folder has`;
  }
  return undefined;
}

export interface SkippedFolder {
  name: string;
  reason: string;
}

export interface RunFolderListing {
  /** Names of the run folders (symlinks to run folders included; also broken runs missing one of the two files), sorted. */
  runs: string[];
  /** Sub-folders that are not runs, with why (dot-folders, i.e. unfinished writes, are not listed). */
  skipped: SkippedFolder[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The run folders directly under `runsDir`, and the other sub-folders with the reason they are not runs. */
export function listRunFolders(runsDir: string): RunFolderListing {
  const runs: string[] = [];
  const skipped: SkippedFolder[] = [];
  for (const name of fs.readdirSync(runsDir).sort(byName)) {
    if (name.startsWith(".")) continue; // temporaries of writes in progress, logs, locks
    const dir = path.join(runsDir, name);
    if (!isDirectory(dir)) continue; // plain files (notes, CSVs) are no concern of a runs directory
    // A folder with only one of the two files is a broken run, not a stray folder: it is listed
    // as a run so that reading it names the missing file instead of quietly shrinking the set.
    const hasAny = REQUIRED_RUN_FILES.some((f) => isFile(path.join(dir, f)));
    if (hasAny) runs.push(name);
    else skipped.push({ name, reason: notARunReason(dir)! });
  }
  return { runs, skipped };
}

/** "skipped 2 folders that are not runs: plots (no logits.npy or labels.npy), …" or "". */
export function describeSkipped(skipped: SkippedFolder[]): string {
  if (skipped.length === 0) return "";
  const shown = skipped.slice(0, 5).map((s) => `${s.name} (${s.reason})`).join(", ");
  return `skipped ${skipped.length} folder(s) that are not runs: ${shown}${skipped.length > 5 ? ", …" : ""}`;
}

/**
 * Folders under `root` (at most `maxDepth` levels down, dot-folders skipped) that hold run folders:
 * for pointing a user who gave a store's root at the configuration folders it holds.
 */
export function findRunsDirectories(root: string, maxDepth = 4): { dir: string; runs: number }[] {
  const out: { dir: string; runs: number }[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > maxDepth || out.length >= 50) return;
    let listing: RunFolderListing;
    try {
      listing = listRunFolders(dir);
    } catch {
      return;
    }
    if (listing.runs.length) out.push({ dir, runs: listing.runs.length });
    for (const s of listing.skipped) walk(path.join(dir, s.name), depth + 1);
  };
  walk(root, 0);
  return out;
}
