// Which runs a store is meant to hold: every sweep (local or submitted to Slurm) records its grid
// in STORE/.sweeps/<hash of its runs>.json, so `instability status` can count what is missing,
// not only what is there. The same grid swept again rewrites the same file.
import * as fs from "node:fs";
import * as path from "node:path";
import { hashString } from "../../util/random";
import { makeDirs } from "../../util/makeDirs";
import type { RunSpec } from "./grid";

/** One submission of the grid to Slurm: array job `id` runs entries offset… of the task list. */
export interface SlurmSubmissionRecord {
  tasksFile: string;
  logDir: string;
  jobs: { id: string; offset: number }[];
  time: string;
}

export interface SweepManifest {
  runs: string[];
  /** Every submission of this grid to Slurm, oldest first. */
  submissions: SlurmSubmissionRecord[];
  time: string;
}

export function manifestDir(store: string): string {
  return path.join(store, ".sweeps");
}

/** Records the grid (and a Slurm submission of it), keeping the submissions recorded before. */
export function recordSweep(store: string, runs: RunSpec[], submission?: SlurmSubmissionRecord): string {
  const rel = runs.map((r) => r.relativeDir).sort();
  const file = path.join(manifestDir(store), `${hashString(rel.join("\n")).toString(16)}.json`);
  makeDirs(manifestDir(store));
  const before = readManifest(file)?.submissions ?? [];
  const manifest: SweepManifest = { runs: rel, submissions: submission ? [...before, submission] : before, time: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest) + "\n");
  fs.renameSync(tmp, file);
  return file;
}

/** Every manifest of the store (unreadable ones are skipped: they only help counting). */
export function readSweepManifests(store: string): SweepManifest[] {
  let names: string[];
  try {
    names = fs.readdirSync(manifestDir(store)).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().flatMap((n) => readManifest(path.join(manifestDir(store), n)) ?? []);
}

function readManifest(file: string): SweepManifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as SweepManifest;
    if (!Array.isArray(m.runs) || !m.runs.every((r) => typeof r === "string")) return undefined;
    return { ...m, submissions: Array.isArray(m.submissions) ? m.submissions : [] };
  } catch {
    return undefined; // unreadable: skipped, it only helps counting
  }
}
