// How a kernel's work is cut between threads: contiguous ranges of output rows, columns or
// elements, each thread computing whole elements exactly as one thread would (never part of a sum).
import { workersSpinning } from "./pool";
import type { Call } from "./tasks";

/** Multiply-adds (or element steps) below which one more thread costs more than it saves. */
const MIN_WORK_PER_THREAD = 1 << 18;
/**
 * The same, ×16, when the workers have gone to sleep (no dispatch for WORKER_SPIN_MS): a worker
 * woken from Atomics.wait starts 100–150 µs late here (a layer norm's dispatches after the main
 * thread's residual add waited that long on average), and splitting pays only when each thread's
 * share takes longer than that (2^22 multiply-adds ≈ 160 µs at 25 G/s).
 */
const ASLEEP_FACTOR = 16;
let minWork = MIN_WORK_PER_THREAD;

/** Threads worth using for `work` units of work, at most `available`. */
export function threadsFor(available: number, work: number): number {
  const perThread = workersSpinning() ? minWork : minWork * ASLEEP_FACTOR;
  return Math.max(1, Math.min(available, Math.floor(work / perThread)));
}

/** Tests split even tiny products (1) to exercise the threaded paths; undefined restores the default. */
export function setMinWorkPerThread(units: number | undefined): void {
  minWork = units ?? MIN_WORK_PER_THREAD;
}

/**
 * [start, count] of up to `parts` contiguous non-empty ranges covering [0, total), as even as
 * whole `unit`s allow; every start is a multiple of `unit` (total need not be).
 */
export function splitRange(total: number, parts: number, unit = 1): [number, number][] {
  const units = Math.ceil(total / unit);
  const n = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let p = 0; p < n; p++) {
    const start = Math.floor((p * units) / n) * unit;
    const end = Math.min(total, Math.floor(((p + 1) * units) / n) * unit);
    if (end > start) out.push([start, end - start]);
  }
  return out;
}

/** What splitting needs of the fused kernels (runtime.ts's FusedKernels). */
export interface Threaded {
  threads(): number;
  parallel(perThread: Call[][]): void;
}

/**
 * An elementwise kernel over n elements: `run(...args(0, n))` on this thread, or, where threads are
 * worth it (`cost` units of work per element), `task` over ranges of whole `unit`s of elements,
 * each with args(start, count).
 */
export function overElements(fk: Threaded, n: number, unit: number, cost: number, task: string, run: (...args: number[]) => void, args: (start: number, count: number) => number[]): void {
  const ranges = splitRange(n, threadsFor(fk.threads(), n * cost), unit);
  if (ranges.length === 1) return run(...args(0, n));
  fk.parallel(ranges.map(([start, count]) => [{ task, args: args(start, count) }]));
}
