// The kernel threads keep their cores: the process's other threads (V8's compiler and garbage
// collector helpers, libuv's pool, a host's own threads) drop to the lowest priority once a
// dispatch runs on several threads. On a machine with as many cores as kernel threads, any other
// runnable thread takes a core from one of them for a scheduler slice, and a dispatch then waits
// that long for its slowest thread: on the 2-core spam run 220–260 waits of 1–5 ms (0.43–0.49 s),
// 140–190 (0.30–0.39 s) with the others lowered, and the worker preempted 320–410 times instead of
// 540–670 (bench/PROFILE.md). They still run whenever a core is free. Linux only (a thread is a task under /proc/self/task, and
// setpriority takes its id); elsewhere, or where the call is refused, nothing changes.
import * as fs from "node:fs";
import * as os from "node:os";

/** The nice value the other threads get (the lowest priority). */
const LOWEST = 19;

/** This thread's id (Linux), or 0 where it cannot be read. */
export function ownThreadId(): number {
  try {
    const link = fs.readlinkSync("/proc/thread-self"); // "<pid>/task/<tid>"
    return Number(link.slice(link.lastIndexOf("/") + 1)) || 0;
  } catch {
    return 0;
  }
}

let listed: boolean | undefined;
/** Whether this system lists a process's threads under /proc/self/task (Linux). */
const threadsListed = (): boolean => (listed ??= fs.existsSync("/proc/self/task") && fs.existsSync("/proc/thread-self"));

/** One slot per kernel worker of every pool in the process, where the worker writes its thread id. */
const workerSlots: Int32Array[] = [];
/** The threads that dispatch to a pool (each runs its own share of the work). */
const dispatchers = new Set<number>();
/** Threads already lowered (or refused), so a later call only looks at new ones. */
const done = new Set<number>();

/** A new worker's slot: the worker stores ownThreadId() there when it starts (Int32, 0 until then). */
export function workerThreadSlot(): SharedArrayBuffer {
  const slot = new SharedArrayBuffer(4);
  workerSlots.push(new Int32Array(slot));
  return slot;
}

/**
 * Called by a thread that dispatches to its workers: lowers every thread of this process that is
 * neither a dispatcher nor a worker to the lowest priority. Returns false, lowering nothing, while
 * some worker has not yet said who it is (or a kernel thread cannot be named): call again later.
 */
export function lowerOtherThreads(): boolean {
  if (!threadsListed()) return true; // not Linux: nothing to do, and nothing to look at again
  const workers = workerSlots.map((slot) => Atomics.load(slot, 0));
  if (workers.some((tid) => !(tid > 0))) return false;
  const self = ownThreadId();
  if (!(self > 0)) return true;
  dispatchers.add(self);
  const keep = new Set([...dispatchers, ...workers]);
  let tasks: string[];
  try {
    tasks = fs.readdirSync("/proc/self/task");
  } catch {
    return true;
  }
  for (const name of tasks) {
    const tid = Number(name);
    if (!(tid > 0) || keep.has(tid) || done.has(tid)) continue;
    done.add(tid);
    try {
      os.setPriority(tid, LOWEST);
    } catch {
      // a thread that has ended, or a system that refuses: it keeps its priority
    }
  }
  return true;
}
