// The worker threads that run kernel tasks beside the main thread, on the shared wasm memory.
// A dispatch hands each thread its share of the work as a few chunks (lists of calls, tasks.ts)
// and returns when every chunk has run. A thread runs its own chunks from the front; through with
// them, it takes chunks from the back of the share with the most left (work stealing), so a
// thread that runs slower, starts late or is pre-empted does not hold the others up, and a share
// cut into chunks that shrink towards its end (split.ts) leaves little to wait for. Which thread
// runs a chunk changes no byte. The chunks travel through shared memory and the threads meet
// through Atomics on a small control block (a generation counter the main thread bumps, a done
// counter, one word per share with its chunks not yet taken), not through messages: a dispatch
// costs a few microseconds, and there are a few hundred per training step. Workers are unref'd,
// so they never keep a process alive; between dispatches they poll for a millisecond, then wait
// in Atomics.wait (no CPU).
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { blasLibraryForWorkers } from "./blas";
import { type Call, type KernelSet, runTask } from "./tasks";
import { lowerOtherThreads, workerThreadSlot } from "./threadPriority";

/** Control block slots (Int32). */
export const GENERATION = 0;
/** Chunks of the current dispatch that have run. */
export const DONE = 1;
/** A worker's index + 1 when a chunk it ran failed (its error buffer says how), else 0. */
export const FAILED = 2;
/** Workers that have instantiated the module (or failed to, and said so). */
export const READY = 3;
/** The threads taking part in the current dispatch (shares 0 … ACTIVE − 1; the main thread's is 0). */
export const ACTIVE = 4;
/** The chunk whose error FAILED reports. */
export const FAILED_CHUNK = 5;
/** Slots before the shares' words. */
const SHARES = 6;
/** Threads a pool can have: each has a word in the control block. */
export const MAX_THREADS = 4096;
/**
 * A share's word: its chunks not yet taken, [lo, hi) as lo << SHARE_BITS | hi. Its own thread takes
 * lo (lo + 1), another takes hi − 1 (hi − 1), each by compare-and-swap, so each chunk runs once.
 */
const SHARE_BITS = 15;
const SHARE_MASK = (1 << SHARE_BITS) - 1;
/** Chunks in one dispatch, at most (the words hold chunk indices up to this). */
export const MAX_CHUNKS = SHARE_MASK;
/** Doubles of one dispatch's calls; a dispatch larger than this is split by the caller. */
export const SEGMENT_DOUBLES = 1 << 16;
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
  /** Its share is index + 1 (the main thread's is 0). */
  index: number;
  /** The generation when the worker was made: it runs from the next dispatch on. */
  generation: number;
  /** The BLAS library (blas.ts) the worker loads when a task first needs it; null for none. */
  blasLibrary: string | null;
}

/**
 * Writes the chunks into the segment: [chunk count n, the n + 1 offsets where the chunks start
 * (the last one: where the calls end), then per call: task index, argument count, arguments].
 */
function encode(segment: Float64Array, chunks: Call[][], index: Map<string, number>): void {
  const n = chunks.length;
  let at = n + 2;
  chunks.forEach((calls, c) => {
    segment[1 + c] = at;
    for (const call of calls) {
      const task = index.get(call.task);
      if (task === undefined) throw new Error(`kernel threads: no task named ${call.task}`);
      if (at + 2 + call.args.length > segment.length) throw new Error(`kernel threads: more than ${SEGMENT_DOUBLES} numbers of calls in one dispatch`);
      segment[at++] = task;
      segment[at++] = call.args.length;
      for (const a of call.args) segment[at++] = a;
    }
  });
  segment[1 + n] = at;
  segment[0] = n;
}

/** Runs chunk `c` of a segment (the worker's side of `encode`). */
export function runChunk(k: KernelSet, names: string[], segment: Float64Array, c: number): void {
  const end = segment[2 + c];
  for (let at = segment[1 + c]; at < end; ) {
    const name = names[segment[at]];
    const count = segment[at + 1];
    runTask(k, name, segment.subarray(at + 2, at + 2 + count));
    at += 2 + count;
  }
}

/**
 * A chunk for thread t to run, taken: the first left of its own share, else the last left of the
 * share with the most left; −1 when none is left or t takes no part in the dispatch.
 */
export function takeChunk(ctl: Int32Array, t: number): number {
  const active = Atomics.load(ctl, ACTIVE);
  if (t >= active) return -1;
  for (;;) {
    const own = Atomics.load(ctl, SHARES + t);
    const lo = own >>> SHARE_BITS;
    if (lo < (own & SHARE_MASK)) {
      if (Atomics.compareExchange(ctl, SHARES + t, own, own + (1 << SHARE_BITS)) === own) return lo;
      continue;
    }
    let [victim, word, most] = [-1, 0, 0];
    for (let v = 0; v < active; v++) {
      const w = Atomics.load(ctl, SHARES + v);
      const left = (w & SHARE_MASK) - (w >>> SHARE_BITS);
      if (left > most) [victim, word, most] = [v, w, left];
    }
    if (victim < 0) return -1;
    if (Atomics.compareExchange(ctl, SHARES + victim, word, word - 1) === word) return (word & SHARE_MASK) - 1;
  }
}

export class KernelPool {
  private readonly workers: Worker[] = [];
  private readonly segment = new Float64Array(new SharedArrayBuffer(8 * SEGMENT_DOUBLES));
  private readonly errors: Uint8Array[] = [];
  private dispatches = 0;
  /** Dispatch count at the last look for other threads to lower; −1 before the first. */
  private prioritizedAt = -1;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (SHARES + MAX_THREADS)));
  private readonly index: Map<string, number>;

  constructor(private readonly memory: object, private readonly module: object, names: string[], private readonly local: KernelSet) {
    this.index = new Map(names.map((n, i) => [n, i]));
  }

  private grow(workers: number): void {
    while (this.workers.length < workers) {
      const error = new SharedArrayBuffer(ERROR_BYTES);
      const setup: WorkerSetup = {
        memory: this.memory, module: this.module, control: this.control.buffer as SharedArrayBuffer, segment: this.segment.buffer as SharedArrayBuffer, error,
        threadId: workerThreadSlot(), index: this.workers.length, generation: Atomics.load(this.control, GENERATION), blasLibrary: blasLibraryForWorkers(),
      };
      const worker = new Worker(path.join(__dirname, "pool-worker.js"), { workerData: setup });
      worker.unref();
      this.workers.push(worker);
      this.errors.push(new Uint8Array(error));
      this.prioritizedAt = -1; // look again once the new worker has started
    }
  }

  /** Whether every worker has started (until then, the threads that have started take the chunks of those that have not). */
  started(): boolean {
    return Atomics.load(this.control, READY) >= this.workers.length;
  }

  /** Once every worker has started, and every PRIORITY_RESCAN dispatches after: the process's other threads yield to the kernel threads. */
  private prioritize(): void {
    if (this.prioritizedAt >= 0 && this.dispatches - this.prioritizedAt < PRIORITY_RESCAN) return;
    if (lowerOtherThreads()) this.prioritizedAt = this.dispatches;
  }

  /**
   * Runs every chunk (a list of calls) of perThread[t], thread t's share (0: this thread, t: worker
   * t − 1), and returns when all have run. The chunks are independent: a thread through with its
   * share runs others' last chunks, and every chunk runs exactly once.
   */
  run(perThread: Call[][][]): void {
    const threads = perThread.length;
    if (threads > MAX_THREADS) throw new Error(`kernel threads: ${threads} threads, at most ${MAX_THREADS}: run with --threads ${MAX_THREADS} or fewer`);
    const chunks = perThread.flat(1);
    if (chunks.length > MAX_CHUNKS) throw new Error(`kernel threads: ${chunks.length} chunks in one dispatch, at most ${MAX_CHUNKS}`);
    this.grow(threads - 1);
    const ctl = this.control;
    // the calls and counters before the shares' words: a thread that takes a chunk runs this dispatch's
    encode(this.segment, chunks, this.index);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, ACTIVE, threads);
    for (let t = 0, first = 0; t <= this.workers.length; t++) {
      const count = t < threads ? perThread[t].length : 0;
      Atomics.store(ctl, SHARES + t, (first << SHARE_BITS) | (first + count));
      first += count;
    }
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    // the share a chunk is in, for errors: thread t's list failed, whichever thread ran it
    const shareOf = (c: number): number => perThread.findIndex((share) => (c -= share.length) < 0);
    let localError: unknown = null;
    for (let c = takeChunk(ctl, 0); c >= 0; c = takeChunk(ctl, 0)) {
      try {
        if (!localError) for (const call of chunks[c]) runTask(this.local, call.task, call.args);
      } catch (err) {
        // take the rest unrun, and still wait: the workers write into memory the caller may free
        const share = shareOf(c);
        localError = share === 0 ? err : new Error(`kernel thread ${share}: ${String((err as Error)?.stack ?? err)}`);
      }
      Atomics.add(ctl, DONE, 1);
    }
    const spinUntil = performance.now() + MAIN_SPIN_MS;
    for (let spin = 0; Atomics.load(ctl, DONE) < chunks.length; spin++) {
      if ((spin & 255) !== 0 || performance.now() < spinUntil) continue;
      Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 1000);
    }
    lastDispatchEnd = performance.now();
    this.dispatches++;
    this.prioritize();
    if (localError) throw localError;
    const failed = Atomics.load(ctl, FAILED);
    if (failed) {
      const bytes = this.errors[failed - 1];
      const end = bytes.indexOf(0);
      throw new Error(`kernel thread ${shareOf(Atomics.load(ctl, FAILED_CHUNK))}: ${Buffer.from(bytes.slice(0, end < 0 ? bytes.length : end)).toString("utf8")}`);
    }
  }
}
