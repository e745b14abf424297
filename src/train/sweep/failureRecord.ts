// Why a run of a sweep failed, kept beside its log (STORE/.logs/<run>.failed.json) so that
// `instability status` can say so later, for local sweeps and Slurm array tasks alike. A run that
// later finishes has its record removed; a finished run folder wins over any record anyway.
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunSpec } from "./grid";
import type { SlurmTask } from "./runLock";

export interface FailureRecord {
  /** The run folder, relative to the store. */
  run: string;
  exitCode: number | null;
  signal: string | null;
  /** One line: the run's last error line, or what stopped it. */
  reason: string;
  /** The run's log (the fine-tuning command's output). */
  log: string;
  slurm?: SlurmTask;
  time: string;
}

/** STORE/.logs/<model>__<task>__<config>__seed-NN.log: one run's output. */
export function logPath(store: string, run: RunSpec | string): string {
  const rel = typeof run === "string" ? run : run.relativeDir;
  return path.join(store, ".logs", `${rel.split(path.sep).join("__")}.log`);
}

export function failurePath(store: string, run: RunSpec | string): string {
  return logPath(store, run).replace(/\.log$/, ".failed.json");
}

/** The last non-empty line of a log (a failed command's one-line error), at most 300 characters. */
export function lastLogLine(log: string): string | undefined {
  try {
    const fd = fs.openSync(log, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(size, 8192));
      fs.readSync(fd, buf, 0, buf.length, size - buf.length);
      // Progress bars redraw with \r: the line is what was drawn last.
      const lines = buf.toString("utf8").split(/[\r\n]+/).map((l) => l.trim()).filter(Boolean);
      const last = lines.at(-1);
      return last === undefined ? undefined : last.length > 300 ? last.slice(0, 299) + "…" : last;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal) return `stopped by ${signal}${signal === "SIGTERM" ? " (scancel, the time limit, or a kill)" : ""}`;
  return exitCode === null ? "could not be started" : `exit ${exitCode}`;
}

export function writeFailure(store: string, run: RunSpec, exitCode: number | null, signal: string | null, slurm?: SlurmTask): FailureRecord {
  const log = logPath(store, run);
  const why = describeExit(exitCode, signal);
  const reason = signal ? why : `${lastLogLine(log) ?? "no output"} (${why})`;
  const record: FailureRecord = { run: run.relativeDir, exitCode, signal, reason, log, ...(slurm ? { slurm } : {}), time: new Date().toISOString() };
  try {
    fs.writeFileSync(failurePath(store, run), JSON.stringify(record, null, 1) + "\n");
  } catch {
    // The record helps `status`; losing it must not hide the failure the caller reports anyway.
  }
  return record;
}

export function readFailure(store: string, run: string): FailureRecord | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(failurePath(store, run), "utf8")) as FailureRecord;
    return typeof v.reason === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

export function clearFailure(store: string, run: RunSpec): void {
  fs.rmSync(failurePath(store, run), { force: true });
}
