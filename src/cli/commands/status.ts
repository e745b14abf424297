// `instability status`: where the runs of a store stand, per configuration: finished, running
// (with the Slurm job and array task, or the worker's pid), failed (why, and the log), missing.
// For sweeps submitted to Slurm and local sweeps alike; it reads the store and changes nothing.
import * as path from "node:path";
import { CliError, parseCliArgs } from "../command";
import { describeOwner } from "../../train/sweep/runLock";
import { storeStatus, type StoreStatus } from "../../train/sweep/runStatus";

const USAGE = `usage: instability status --store DIR [--json]

Where the runs of a run store stand, per configuration (<model>/<task>/<method>-lr<lr>):
finished, running (claimed by a sweep worker or a Slurm array task), failed (the reason and the
log), queued (in a pending Slurm array task) and missing (part of a sweep's grid, not started, to
be retried). Changes nothing.

  --store DIR   the run store (the sweep's --store, or reproduce's OUT/runs)
  --json        print the status as JSON`;

/** Names come from the file system: print their control characters escaped, never raw. */
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

const count = (n: number, what: string) => `${n} ${what}`;

export function formatStatus(s: StoreStatus): string {
  const t = s.totals;
  const summary = (x: { finished: number; running: number; failed: number; queued: number; missing: number }) =>
    [count(x.finished, "finished"), count(x.running, "running"), count(x.failed, "failed"), x.queued ? count(x.queued, "queued") : "", count(x.missing, "missing")].filter(Boolean).join(", ");
  const lines = [`${printable(s.store)}: ${t.runs} run(s) in ${s.configurations.length} configuration(s): ${summary(t)}`];
  for (const c of s.configurations) {
    const seed = (run: string) => printable(path.basename(run));
    lines.push(`  ${printable(c.configuration)}: ${summary({ finished: c.finished.length, running: c.running.length, failed: c.failed.length, queued: c.queued.length, missing: c.missing.length })}`);
    for (const r of c.running) {
      const log = r.owner?.slurm?.log ? ` (log: ${printable(r.owner.slurm.log)})` : "";
      lines.push(`    running  ${seed(r.run)}: ${r.owner ? printable(describeOwner(r.owner)) : "claimed just now"}${log}`);
    }
    for (const f of c.failed) {
      const slurm = f.slurmLog ? `; Slurm log: ${printable(f.slurmLog)}` : "";
      lines.push(`    failed   ${seed(f.run)}: ${printable(f.reason)}; log: ${printable(f.log)}${slurm}`);
    }
    if (c.queued.length) lines.push(`    queued   ${c.queued.map((q) => `${seed(q.run)} (${printable(q.slurmJob)})`).join(", ")}`);
    if (c.missing.length) lines.push(`    missing  ${c.missing.map(seed).join(", ")}`);
  }
  if (t.runs === 0) lines.push("  no runs and no recorded sweep: run `instability sweep --store DIR …` first");
  return lines.join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("status", {
    args: argv,
    options: { store: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (!values.store) throw new CliError("--store DIR is required: the run store to report on");
  let status: StoreStatus;
  try {
    status = storeStatus(values.store);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  process.stdout.write((values.json ? JSON.stringify(status, null, 1) : formatStatus(status)) + "\n");
  return 0;
}
