// The worker threads that run kernel tasks beside the main thread, on the shared wasm memory.
// A dispatch hands each thread its list of calls (tasks.ts) and returns when all have run: the
// main thread runs list 0 itself, worker w runs list w + 1, unless the main thread, through with
// its own, finds it not yet started and runs it itself (a claim word per list). The lists travel through shared
// memory and the threads meet through Atomics on a small control block (a generation counter the
// main thread bumps, a done counter the workers bump), not through messages: a dispatch costs a
// few microseconds, and there are a few hundred per training step. Workers are unref'd, so they
// never keep a process alive; between dispatches they poll for a millisecond, then wait in
// Atomics.wait (no CPU).
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { blasLibraryForWorkers } from "./blas";
import { type Call, type KernelSet, runTask } from "./tasks";
import { lowerOtherThreads, workerThreadSlot } from "./threadPriority";

/** Control block slots (Int32). */
export const GENERATION = 0;
export const DONE = 1;
export const FAILED = 2;
/** Workers that have instantiated the module (or failed to, and said so). */
export const READY = 3;
/** A worker's list: not yet taken, or taken by the worker or by the dispatching thread. */
export const UNCLAIMED = 0;
export const CLAIMED = 1;
/** How long a dispatch waits for workers that never started before it gives up. */
const START_TIMEOUT_MS = 60_000;
/** Doubles per worker's call list; a dispatch larger than this is split by the caller. */
export const SEGMENT_DOUBLES = 1 << 14;
export const ERROR_BYTES = 1024;
/**
 * How long the dispatching thread polls for the workers' lists to end before it sleeps in
 * Atomics.wait. It has nothing else to do meanwhile, and a thread woken from a futex starts late in
 * a VM (0.1–0.3 ms, at times far more): polling by count (20,000 loads, 0.2–0.8 ms) left the MiniLM
 * step's main thread asleep 74 times a step (paired step 0.90–0.96 with 5 ms), and 5 ms still 1–3
 * times, after a worker's vCPU stalled (30 ms: paired 0.97–0.98; the spam shape 0.99–1.02). Only a
 * worker held up longer than this lets the main thread sleep. Threads beyond the cores (never a
 * sweep's, which gives workers × threads ≤ cores) would lose the polled time to it.
 */
export const MAIN_SPIN_MS = 30;
/**
 * How long a worker polls for the next dispatch before it sleeps in Atomics.wait. A worker woken
 * from a futex starts tens to hundreds of µs late (in a VM, the vCPU itself has to be woken), and
 * a small model's step leaves gaps of that size between its few hundred dispatches (the main
 * thread's serial work). 1 ms spans most gaps within a step; between steps, evaluations and runs
 * the worker sleeps. Measured on the whole spam run at 2 threads (bench/PROFILE.md): 0.03 ms
 * 12.1–13.8 s, 1 ms 11.5–11.9 s.
 */
export const WORKER_SPIN_MS = 1;
/** Dispatches between two looks for new threads of the process to lower (threadPriority.ts). */
const PRIORITY_RESCAN = 4096;

/** When the last dispatch ended (performance.now()); −∞ before the first. */
let lastDispatchEnd = -Infinity;
/** Whether the workers are still polling after the last dispatch (with a margin), so that the next one starts them at once. */
export const workersSpinning = (): boolean => performance.now() - lastDispatchEnd < 0.8 * WORKER_SPIN_MS;

export interface WorkerSetup {
  memory: object;
  module: object;
  control: SharedArrayBuffer;
  segment: SharedArrayBuffer;
  error: SharedArrayBuffer;
  /** Where the worker writes its thread id (Int32; 0 where it cannot tell). */
  threadId: SharedArrayBuffer;
  /** Its list's claim (Int32): the worker runs the list only if it turns UNCLAIMED into CLAIMED. */
  claim: SharedArrayBuffer;
  index: number;
  /** The generation when the worker was made: it runs from the next dispatch on. */
  generation: number;
  /** The BLAS library (blas.ts) the worker loads when a task first needs it; null for none. */
  blasLibrary: string | null;
}

/** Appends calls to a segment: [used doubles, then per call: task index, argument count, arguments]. */
function encode(segment: Float64Array, calls: Call[], index: Map<string, number>): void {
  let at = 1;
  for (const call of calls) {
    const task = index.get(call.task);
    if (task === undefined) throw new Error(`kernel threads: no task named ${call.task}`);
    if (at + 2 + call.args.length > segment.length) throw new Error(`kernel threads: more than ${SEGMENT_DOUBLES} numbers of calls for one thread in one dispatch`);
    segment[at++] = task;
    segment[at++] = call.args.length;
    for (const a of call.args) segment[at++] = a;
  }
  segment[0] = at;
}

/** Runs the calls of a segment (the worker's side of `encode`). */
export function runSegment(k: KernelSet, names: string[], segment: Float64Array): void {
  const end = segment[0];
  for (let at = 1; at < end; ) {
    const name = names[segment[at]];
    const count = segment[at + 1];
    runTask(k, name, segment.subarray(at + 2, at + 2 + count));
    at += 2 + count;
  }
}

export class KernelPool {
  private readonly workers: Worker[] = [];
  private readonly segments: Float64Array[] = [];
  private readonly errors: Uint8Array[] = [];
  /** Per worker: whether its list of the current dispatch is taken (CLAIMED) or not (UNCLAIMED). */
  private readonly claims: Int32Array[] = [];
  private dispatches = 0;
  /** Dispatch count at the last look for other threads to lower; −1 before the first. */
  private prioritizedAt = -1;
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly index: Map<string, number>;

  constructor(private readonly memory: object, private readonly module: object, names: string[], private readonly local: KernelSet) {
    this.index = new Map(names.map((n, i) => [n, i]));
  }

  private grow(workers: number): void {
    while (this.workers.length < workers) {
      const segment = new SharedArrayBuffer(8 * SEGMENT_DOUBLES);
      const error = new SharedArrayBuffer(ERROR_BYTES);
      const threadId = workerThreadSlot();
      const claim = new SharedArrayBuffer(4);
      const setup: WorkerSetup = { memory: this.memory, module: this.module, control: this.control.buffer as SharedArrayBuffer, segment, error, threadId, claim, index: this.workers.length, generation: Atomics.load(this.control, GENERATION), blasLibrary: blasLibraryForWorkers() };
      const worker = new Worker(path.join(__dirname, "pool-worker.js"), { workerData: setup });
      worker.unref();
      this.workers.push(worker);
      this.segments.push(new Float64Array(segment));
      this.errors.push(new Uint8Array(error));
      this.claims.push(new Int32Array(claim));
      this.prioritizedAt = -1; // look again once the new worker has started
    }
  }

  /** Whether every worker has started (before that, the dispatching thread runs their lists). */
  started(): boolean {
    return Atomics.load(this.control, READY) >= this.workers.length;
  }

  /** Once every worker has started, and every PRIORITY_RESCAN dispatches after: the process's other threads yield to the kernel threads. */
  private prioritize(): void {
    if (this.prioritizedAt >= 0 && this.dispatches - this.prioritizedAt < PRIORITY_RESCAN) return;
    if (lowerOtherThreads()) this.prioritizedAt = this.dispatches;
  }

  /**
   * Runs perThread[0] here and perThread[t] on worker t − 1; returns when every list has run. A
   * list its worker has not started by the time this thread is through its own runs here instead
   * (each list is claimed once, by its worker or by this thread): a worker still waking up or
   * pre-empted does not hold the dispatch up. Which thread runs a list changes no byte.
   */
  run(perThread: Call[][]): void {
    const helpers = perThread.length - 1;
    this.grow(helpers);
    const ctl = this.control;
    // DONE and the lists before the claims: a worker that claims a list now runs this dispatch's
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    this.workers.forEach((_, w) => encode(this.segments[w], w < helpers ? perThread[w + 1] : [], this.index));
    for (const claim of this.claims) Atomics.store(claim, 0, UNCLAIMED);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    let localError: unknown = null;
    try {
      for (const call of perThread[0]) runTask(this.local, call.task, call.args);
    } catch (err) {
      localError = err; // still wait: the workers write into memory the caller may free
    }
    this.claims.forEach((claim, w) => {
      if (Atomics.compareExchange(claim, 0, UNCLAIMED, CLAIMED) !== UNCLAIMED) return;
      try {
        if (!localError && w < helpers) for (const call of perThread[w + 1]) runTask(this.local, call.task, call.args);
      } catch (err) {
        localError = new Error(`kernel thread ${w + 1}: ${String((err as Error)?.stack ?? err)}`);
      }
      Atomics.add(ctl, DONE, 1);
    });
    const all = this.workers.length;
    const since = Date.now();
    const spinUntil = performance.now() + MAIN_SPIN_MS;
    for (let spin = 0; Atomics.load(ctl, DONE) < all; spin++) {
      if ((spin & 255) !== 0 || performance.now() < spinUntil) continue;
      Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 1000);
      // A worker whose script never ran cannot say so: give up rather than wait for ever.
      if (Atomics.load(ctl, READY) < all && Date.now() - since > START_TIMEOUT_MS) {
        throw new Error(`kernel threads: ${all - Atomics.load(ctl, READY)} of ${all} worker threads did not start within ${START_TIMEOUT_MS / 1000} s; run with --threads 1 (or INSTABILITY_THREADS=1)`);
      }
    }
    lastDispatchEnd = performance.now();
    this.dispatches++;
    this.prioritize();
    if (localError) throw localError;
    const failed = Atomics.load(ctl, FAILED);
    if (failed) {
      const bytes = this.errors[failed - 1];
      const end = bytes.indexOf(0);
      throw new Error(`kernel thread ${failed}: ${Buffer.from(bytes.slice(0, end < 0 ? bytes.length : end)).toString("utf8")}`);
    }
  }
}
