// Which runs a store is meant to hold: every sweep (local or submitted to Slurm) records its grid
// in STORE/.sweeps/<hash of its runs>.json, so `instability status` can count what is missing,
// not only what is there. The same grid swept again rewrites the same file.
import * as fs from "node:fs";
import * as path from "node:path";
import { hashString } from "../../util/random";
import { makeDirs } from "../../util/makeDirs";
import type { RunSpec } from "./grid";

export interface SweepManifest {
  runs: string[];
  /** "local", or "slurm" with the job ids of the submission that wrote it last. */
  kind: "local" | "slurm";
  jobs?: string[];
  logDir?: string;
  time: string;
}

export function manifestDir(store: string): string {
  return path.join(store, ".sweeps");
}

export function recordSweep(store: string, runs: RunSpec[], extra: Omit<SweepManifest, "runs" | "time">): string {
  const rel = runs.map((r) => r.relativeDir).sort();
  const file = path.join(manifestDir(store), `${hashString(rel.join("\n")).toString(16)}.json`);
  makeDirs(manifestDir(store));
  const manifest: SweepManifest = { runs: rel, ...extra, time: new Date().toISOString() };
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
  const out: SweepManifest[] = [];
  for (const n of names.sort()) {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(manifestDir(store), n), "utf8")) as SweepManifest;
      if (Array.isArray(m.runs) && m.runs.every((r) => typeof r === "string")) out.push(m);
    } catch {
      // skipped
    }
  }
  return out;
}
