// The --submit and --slurm-* flags that `instability sweep` and `instability reproduce` share:
// their parseArgs options, their usage lines, and their checks (one-line errors naming the flag).
import { CliError } from "./command";
import type { SlurmResources } from "../train/sweep/slurmScript";
import { refuseControlCharacters } from "../train/sweep/commands";

export const SLURM_FLAGS = {
  submit: { type: "string" },
  "slurm-max-parallel": { type: "string" },
  "slurm-cpus": { type: "string" },
  "slurm-time": { type: "string" },
  "slurm-partition": { type: "string" },
  "slurm-option": { type: "string", multiple: true },
} as const;

export const SLURM_USAGE = `  --submit slurm           submit the missing runs to Slurm as a job array (sbatch) and exit;
                           follow them with \`instability status --store DIR\`
  --slurm-max-parallel K   at most K array tasks at once (the array's %K)
  --slurm-cpus N           CPUs per task (default 1: the engine trains a run on one thread)
  --slurm-time T           time limit per task, e.g. 4:00:00 (default: the partition's)
  --slurm-partition P      the partition to submit to (default: the cluster's)
  --slurm-option=OPT       passed to sbatch as it is, repeatable: --slurm-option=--account=abc`;

export interface SlurmFlagValues {
  submit?: string;
  "slurm-max-parallel"?: string;
  "slurm-cpus"?: string;
  "slurm-time"?: string;
  "slurm-partition"?: string;
  "slurm-option"?: string[];
}

function positiveInteger(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive integer, got '${v}'`);
  return n;
}

/** True for --submit slurm; throws for any other --submit value. */
export function wantsSlurmSubmit(v: SlurmFlagValues): boolean {
  if (v.submit === undefined) return false;
  if (v.submit !== "slurm") throw new CliError(`--submit: '${v.submit}' is not a scheduler this version submits to; use --submit slurm`);
  return true;
}

export function slurmResources(v: SlurmFlagValues): SlurmResources {
  const time = v["slurm-time"];
  if (time !== undefined && !/^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|UNLIMITED|INFINITE)$/i.test(time)) {
    throw new CliError(`--slurm-time: '${time}' is not a Slurm time limit; use minutes, HH:MM:SS or D-HH:MM:SS (e.g. 4:00:00)`);
  }
  const partition = v["slurm-partition"];
  if (partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(partition)) {
    throw new CliError(`--slurm-partition: '${partition}' is not a partition name; use letters, digits, '_', '.', '-' (or a comma-separated list)`);
  }
  const options = v["slurm-option"] ?? [];
  for (const o of options) {
    try {
      refuseControlCharacters("--slurm-option", o);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    if (!o.startsWith("-")) throw new CliError(`--slurm-option: '${o}' is not an sbatch option; write it as --slurm-option=--account=abc`);
  }
  return {
    maxParallel: positiveInteger("--slurm-max-parallel", v["slurm-max-parallel"]),
    cpus: positiveInteger("--slurm-cpus", v["slurm-cpus"]),
    time, partition, options,
  };
}

/** Throws, naming the flag, when a path or name that goes into a one-line command holds a control character. */
export function checkOneLine(flags: Record<string, string | undefined>): void {
  for (const [flag, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    try {
      refuseControlCharacters(flag, value);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
}
