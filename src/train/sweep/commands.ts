// Turning runs into shell commands, for users who spread a sweep over other machines:
// one command per run (`--print-commands`), or a Slurm job-array script (`--slurm`) whose task i
// runs line i of a commands file. Both write into the same run store, so a shared file system
// and the atomic run folders make the pieces add up.
import type { RunCommand } from "./pool";

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-.,/:=@%+]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(cmd: RunCommand): string {
  return [cmd.command, ...cmd.args].map(shellQuote).join(" ");
}

export interface SlurmOptions {
  jobName: string;
  commandsFile: string;
  count: number;
  cpusPerTask?: number;
  timeLimit?: string;
  logDir?: string;
}

export function slurmArrayScript(o: SlurmOptions): string {
  if (o.count < 1) throw new Error("nothing to submit: every run of this sweep is already done");
  const logs = o.logDir ?? "slurm-logs";
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=0-${o.count - 1}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 1}`,
    `#SBATCH --time=${o.timeLimit ?? "04:00:00"}`,
    `#SBATCH --output=${logs}/%A_%a.out`,
    "# Each array task runs one line of the commands file; finished runs are skipped on resubmission",
    "# because `instability sweep --slurm` lists only the runs that are still missing.",
    "set -euo pipefail",
    `line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(o.commandsFile)})`,
    'eval "$line"',
    "",
  ].join("\n");
}
