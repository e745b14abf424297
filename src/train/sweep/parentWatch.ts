// A sweep's worker must not outlive its sweep: when the sweep is killed (even with kill -9, which
// it cannot catch), its workers would go on training runs that a resumed sweep trains again.
// The sweep names itself in INSTABILITY_SWEEP_PARENT; the worker exits once its parent changes.
export const PARENT_ENV = "INSTABILITY_SWEEP_PARENT";

/** In a worker: exit (status 129) within `intervalMs` of the sweep process going away. */
export function exitWithParent(intervalMs = 500): void {
  const parent = Number(process.env[PARENT_ENV]);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const check = () => {
    if (process.ppid !== parent) {
      process.stderr.write(`instability: the sweep (pid ${parent}) that started this run is gone; stopping\n`);
      process.exit(129);
    }
  };
  check();
  setInterval(check, intervalMs).unref();
}
