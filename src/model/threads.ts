// How many threads the fused kernels split their work over: `setThreads` (the CLI's --threads, a
// notebook's `threads` option), else INSTABILITY_THREADS, else every core. Threads only split rows
// or columns of a kernel's output, never the order in which an element is summed, so the count
// changes speed, not bytes. tfjs-free: the CLI reads and checks it before loading tfjs.
import * as os from "node:os";

let chosen: number | undefined;
let ceiling: number | undefined;

/** The machine's cores (what Node may run at once). */
export function cores(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/** `text` as a thread count, or an error naming `source` and the fix. */
export function parseThreads(text: string, source: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 1) throw new Error(`${source}: '${text}' is not a thread count: use an integer ≥ 1 (this machine has ${cores()} cores)`);
  return n;
}

function fromEnv(): number | undefined {
  const v = process.env.INSTABILITY_THREADS;
  return v === undefined || v === "" ? undefined : parseThreads(v, "INSTABILITY_THREADS");
}

/** Uses `n` threads from now on (n ≥ 1). Above the ceiling the backend started with, it is an error. */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`threads: ${n} is not a thread count: use an integer ≥ 1 (this machine has ${cores()} cores)`);
  if (ceiling !== undefined && n > ceiling) {
    throw new Error(
      `threads: ${n} needs the wasm memory shared between threads, but this process's backend started with ${ceiling} thread${ceiling === 1 ? "" : "s"}; ` +
        `set INSTABILITY_THREADS=${n} (or pass the option) before the first run of the process, e.g. restart the notebook's kernel`,
    );
  }
  chosen = n;
}

/** The thread count in effect. */
export function threads(): number {
  return chosen ?? fromEnv() ?? cores();
}

/** Called by the backend when it starts: whether its memory is shared, so that any thread count can
 * run (else one thread only). */
export function backendMemoryShared(shared: boolean): void {
  ceiling = shared ? Infinity : 1;
}

/** The threads the kernels run on now: the count in effect, or 1 where the memory is not shared. */
export function kernelThreads(): number {
  return Math.min(threads(), ceiling ?? 1);
}
