// Submitting a sweep's missing runs to Slurm: the task list, the job-array script and its log
// folder are written into STORE/.slurm/<submission>/ (the store is on the shared file system the
// compute nodes see), then `sbatch` gets one array, or several when the grid is larger than the
// cluster's MaxArraySize.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeDirs } from "../../util/makeDirs";
import { defaultCliPath } from "./finetuneCommand";
import { arrayRange, slurmArrayScript, type SlurmResources } from "./slurmScript";
import { recordSubmission } from "./sweepManifest";
import type { TaskEntry, TaskList } from "./sweepTask";

export interface SlurmFiles {
  script: string;
  tasksFile: string;
  logDir: string;
}

/** Writes the task list (SCRIPT.tasks.json), the script and creates the log folder; all paths absolute. */
export function writeSlurmFiles(script: string, store: string, tasks: TaskEntry[], logDir: string, res: SlurmResources, jobName = "instability-sweep"): SlurmFiles {
  script = path.resolve(script);
  logDir = path.resolve(logDir);
  const tasksFile = `${script}.tasks.json`;
  const text = slurmArrayScript({ ...res, jobName, node: process.execPath, cli: defaultCliPath(), tasksFile, logDir, count: tasks.length });
  const list: TaskList = { store: path.resolve(store), logDir, tasks };
  fs.writeFileSync(tasksFile, JSON.stringify(list) + "\n");
  fs.writeFileSync(script, text, { mode: 0o755 });
  makeDirs(logDir); // Slurm does not create it: without it every task would fail with no log
  return { script, tasksFile, logDir };
}

/** The cluster's MaxArraySize (array indices run 0 … MaxArraySize−1); Slurm's default when scontrol cannot say. */
export function maxArraySize(): number {
  const r = spawnSync("scontrol", ["show", "config"], { encoding: "utf8", timeout: 60_000 });
  return parseMaxArraySize(r.status === 0 ? r.stdout : "");
}

export function parseMaxArraySize(config: string): number {
  const m = /^\s*MaxArraySize\s*=\s*(\d+)/m.exec(config);
  const n = m ? Number(m[1]) : 1001;
  return n >= 1 ? n : 1001;
}

/** Splits `count` tasks into arrays of at most `max` tasks: [{ offset, size }, …]. */
export function arrayChunks(count: number, max: number): { offset: number; size: number }[] {
  const chunks: { offset: number; size: number }[] = [];
  for (let offset = 0; offset < count; offset += max) chunks.push({ offset, size: Math.min(max, count - offset) });
  return chunks;
}

export interface Submission extends SlurmFiles {
  dir: string;
  jobs: { id: string; offset: number; size: number }[];
}

export interface SubmitOptions extends SlurmResources {
  store: string;
  tasks: TaskEntry[];
  /** Defaults to the cluster's (scontrol show config). */
  maxArraySize?: number;
}

function sbatchMissing(): Error {
  return new Error("sbatch was not found: --submit slurm runs on a machine with Slurm's commands (a cluster's login node); or write the script with --slurm FILE and submit it there");
}

export function submitToSlurm(o: SubmitOptions): Submission {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  const dir = path.join(path.resolve(o.store), ".slurm", `${stamp}-${process.pid}`);
  makeDirs(dir);
  const files = writeSlurmFiles(path.join(dir, "job.sh"), o.store, o.tasks, path.join(dir, "logs"), o);
  const jobs: Submission["jobs"] = [];
  for (const { offset, size } of arrayChunks(o.tasks.length, o.maxArraySize ?? maxArraySize())) {
    const args = ["--parsable", `--array=${arrayRange(size, o.maxParallel)}`, files.script, String(offset)];
    const r = spawnSync("sbatch", args, { encoding: "utf8", timeout: 120_000, cwd: dir });
    if (r.error) throw (r.error as NodeJS.ErrnoException).code === "ENOENT" ? sbatchMissing() : r.error;
    if (r.status !== 0) {
      const said = r.stderr.trim().split("\n").at(-1) ?? `exit ${r.status}`;
      const before = jobs.length ? `; job(s) ${jobs.map((j) => j.id).join(", ")} were submitted before it` : "";
      throw new Error(`sbatch refused the array of runs ${offset}–${offset + size - 1}: ${said}${before}; fix the --slurm-* options and submit again (only missing runs are submitted)`);
    }
    jobs.push({ id: r.stdout.trim().split(";")[0], offset, size });
    // For `instability status` (queued runs), kept even if a later array is refused.
    recordSubmission(dir, { tasksFile: files.tasksFile, logDir: files.logDir, jobs: jobs.map((j) => ({ id: j.id, offset: j.offset })), time: new Date().toISOString() });
  }
  return { ...files, dir, jobs };
}
