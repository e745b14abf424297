// How many threads the fused kernels split their work over: `setThreads` (the CLI's --threads),
// else a sweep's share for this run (INSTABILITY_THREADS_FILE, which can grow as other runs end),
// else INSTABILITY_THREADS, else every core. Threads only split rows
// or columns of a kernel's output, never the order in which an element is summed, so the count
// changes speed, not bytes. tfjs-free: the CLI reads and checks it before loading tfjs.
import * as fs from "node:fs";
import * as os from "node:os";
import { envSwitch } from "../util/envSwitch";

let chosen: number | undefined;
/** How often a sweep's threads file is read again (train/sweep/coreShare.ts rewrites it). */
const FILE_CHECK_MS = 1000;
let fromFileValue: number | undefined;
let fileCheckedAt = -Infinity;
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
  const v = envSwitch("INSTABILITY_THREADS");
  return v === undefined || v === "" ? undefined : parseThreads(v, "INSTABILITY_THREADS");
}

/** The count in INSTABILITY_THREADS_FILE (a sweep's share for this run), read at most once a second. */
function fromFile(): number | undefined {
  const file = envSwitch("INSTABILITY_THREADS_FILE");
  if (!file) return undefined;
  const now = Date.now();
  if (now - fileCheckedAt < FILE_CHECK_MS) return fromFileValue;
  fileCheckedAt = now;
  try {
    const n = Number(fs.readFileSync(file, "utf8").trim());
    if (Number.isInteger(n) && n >= 1) fromFileValue = n;
  } catch {
    // gone (the sweep removes it when the run ends): the last count stands
  }
  return fromFileValue;
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
  return chosen ?? fromFile() ?? fromEnv() ?? cores();
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
