// The job-array script of a sweep submitted to Slurm. Array task i runs `instability sweep-task`
// for entry i (+ an offset, when a grid larger than the cluster's MaxArraySize is split into
// several arrays) of the submission's task list, by the absolute paths of the Node and the CLI
// that wrote the script: no `npx` or PATH lookup on the compute node.
import { refuseControlCharacters, shellQuote } from "./commands";

export interface SlurmResources {
  /** At most K array tasks at once (the array's %K throttle). */
  maxParallel?: number;
  /** CPUs per task (the engine trains a run on one thread). */
  cpus?: number;
  /** Time limit per task, as sbatch takes it ("4:00:00", "2-00:00:00"). */
  time?: string;
  partition?: string;
  /** Site flags passed to sbatch as they are ("--account=abc", "--qos=long"). */
  options?: string[];
}

export interface SlurmScriptOptions extends SlurmResources {
  jobName: string;
  node: string;
  cli: string;
  tasksFile: string;
  /** Absolute; created before the script is submitted (Slurm does not create it). */
  logDir: string;
  count: number;
}

/** A value on a #SBATCH line: one line, double-quoted when it holds spaces (sbatch reads the quotes). */
function sbatchValue(what: string, v: string): string {
  refuseControlCharacters(what, v);
  if (v.includes('"')) throw new Error(`${what}: ${JSON.stringify(v)} holds a double quote, which a #SBATCH line cannot carry; rename it`);
  return /\s/.test(v) ? `"${v}"` : v;
}

/** "0-5" or "0-5%2": the indices of an array of `count` tasks. */
export function arrayRange(count: number, maxParallel?: number): string {
  return `0-${count - 1}${maxParallel ? `%${maxParallel}` : ""}`;
}

export function slurmArrayScript(o: SlurmScriptOptions): string {
  if (o.count < 1) throw new Error("nothing to submit: every run of this sweep is already done");
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=${sbatchValue("job name", o.jobName)}`,
    `#SBATCH --array=${arrayRange(o.count, o.maxParallel)}`,
    `#SBATCH --cpus-per-task=${o.cpus ?? 1}`,
    o.time ? `#SBATCH --time=${sbatchValue("--slurm-time", o.time)}` : "",
    o.partition ? `#SBATCH --partition=${sbatchValue("--slurm-partition", o.partition)}` : "",
    `#SBATCH --output=${sbatchValue("the log folder", `${o.logDir}/%A_%a.out`)}`,
    ...(o.options ?? []).map((opt) => `#SBATCH ${sbatchValue("--slurm-option", opt)}`),
    "# Array task i trains entry i + $1 of the task list ($1 is 0 unless a large grid was split into",
    "# several arrays). A run that is finished, or being trained by another task, is skipped.",
    `exec ${[o.node, o.cli, "sweep-task", "--tasks", o.tasksFile].map((a) => shellQuote(refuseControlCharacters("path", a))).join(" ")} --index "$((SLURM_ARRAY_TASK_ID + \${1:-0}))"`,
    "",
  ];
  return lines.filter((l) => l !== "").join("\n") + "\n";
}
