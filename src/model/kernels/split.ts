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

/**
 * Work (multiply-adds or element steps) below which a chunk is not cut smaller (~160 µs at
 * 25 G/s). Each chunk costs the pool a little (its calls encoded and decoded, a compare-and-swap,
 * a row tile's gather when a tile is split), and a stolen chunk's rows sit in the other core's
 * cache. Measured (bench/PROFILE.md, fourteenth session; paired steps, 2 threads, against one
 * chunk a thread): 2^17 cost 2–3% on the small shapes with both cores free; 2^22 costs 0.7–2.2%
 * there and gains 7–12% when another process keeps one of the two cores busy.
 */
const MIN_CHUNK_WORK = 1 << 22;

/**
 * splitRange's ranges for `threads` threads (starts at multiples of `unit`), each cut into chunks
 * for the pool (pool.ts): its first half, then half of the rest, and so on down to chunks of
 * MIN_CHUNK_WORK (`unitWork` for each one of `total`), cut at multiples of `cut` units. A thread runs its own from
 * the largest; through with them, it takes the smallest left of another thread's, so the threads
 * end within about one small chunk of each other, however their speeds differ (a worker that
 * starts late, runs on a busier core, or is pre-empted).
 */
export function splitChunks(total: number, threads: number, unit: number, unitWork: number, cut = unit): [number, number][][] {
  if (threads <= 1) return [[[0, total]]];
  const least = Math.max(1, Math.ceil(MIN_CHUNK_WORK / Math.max(1, cut * unitWork))); // of `cut` units
  return splitRange(total, threads, unit).map(([start, count]) => {
    const [chunks, end] = [[] as [number, number][], start + count];
    for (let at = start; at < end; ) {
      const left = Math.ceil((end - at) / cut);
      const size = left <= 2 * least ? Math.min(left, least) : Math.ceil(left / 2);
      const next = Math.min(end, Math.floor((at + size * cut) / cut) * cut); // > at: a multiple of cut
      chunks.push([at, next - at]);
      at = next;
    }
    return chunks;
  });
}

/** What splitting needs of the fused kernels (runtime.ts's FusedKernels). */
export interface Threaded {
  threads(): number;
  parallelChunks(shares: Call[][][]): void;
}

/**
 * An elementwise kernel over n elements: `run(...args(0, n))` on this thread, or, where threads are
 * worth it (`cost` units of work per element), `task` over chunks of whole `unit`s of elements
 * (splitChunks), each with args(start, count).
 */
export function overElements(fk: Threaded, n: number, unit: number, cost: number, task: string, run: (...args: number[]) => void, args: (start: number, count: number) => number[]): void {
  const threads = threadsFor(fk.threads(), n * cost);
  if (threads === 1) return run(...args(0, n));
  fk.parallelChunks(splitChunks(n, threads, unit, cost).map((chunks) => chunks.map(([start, count]) => [{ task, args: args(start, count) }])));
}
