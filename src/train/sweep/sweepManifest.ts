// Which runs a store is meant to hold: every sweep (local or submitted to Slurm) records its grid
// in STORE/.sweeps/<hash of its runs>.json, so `instability status` can count what is missing,
// not only what is there. The same grid swept again rewrites the same file. Each Slurm submission
// records its array jobs in its own folder (STORE/.slurm/<submission>/jobs.json), so two
// submissions at once never overwrite each other's record.
import * as fs from "node:fs";
import * as path from "node:path";
import { hashString } from "../../util/random";
import { makeDirs } from "../../util/makeDirs";
import type { RunSpec } from "./grid";

export interface SweepManifest {
  runs: string[];
  time: string;
}

/** One submission to Slurm: array job `id` runs entries offset… of the task list. */
export interface SlurmSubmissionRecord {
  tasksFile: string;
  logDir: string;
  jobs: { id: string; offset: number }[];
  time: string;
}

export function manifestDir(store: string): string {
  return path.join(store, ".sweeps");
}

/** Writes `value` as JSON to `file` by a rename, so a reader never sees half of it. */
function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value) + "\n");
  fs.renameSync(tmp, file);
}

function readJson<T>(file: string, valid: (v: T) => boolean): T | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as T;
    return v && valid(v) ? v : undefined;
  } catch {
    return undefined; // unreadable: skipped, it only helps counting
  }
}

export function recordSweep(store: string, runs: RunSpec[]): string {
  const rel = runs.map((r) => r.relativeDir).sort();
  const file = path.join(manifestDir(store), `${hashString(rel.join("\n")).toString(16)}.json`);
  makeDirs(manifestDir(store));
  writeJson(file, { runs: rel, time: new Date().toISOString() } satisfies SweepManifest);
  return file;
}

/** Every manifest of the store. */
export function readSweepManifests(store: string): SweepManifest[] {
  let names: string[];
  try {
    names = fs.readdirSync(manifestDir(store)).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const valid = (m: SweepManifest) => Array.isArray(m.runs) && m.runs.every((r) => typeof r === "string");
  return names.sort().flatMap((n) => readJson(path.join(manifestDir(store), n), valid) ?? []);
}

export function recordSubmission(submissionDir: string, record: SlurmSubmissionRecord): void {
  writeJson(path.join(submissionDir, "jobs.json"), record);
}

/** Every submission to Slurm recorded in the store (STORE/.slurm/<submission>/jobs.json). */
export function readSubmissions(store: string): SlurmSubmissionRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(store, ".slurm"));
  } catch {
    return [];
  }
  const valid = (r: SlurmSubmissionRecord) => typeof r.tasksFile === "string" && Array.isArray(r.jobs);
  return names.sort().flatMap((n) => readJson(path.join(store, ".slurm", n, "jobs.json"), valid) ?? []);
}
