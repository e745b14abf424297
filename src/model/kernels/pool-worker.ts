// A kernel thread (pool.ts): instantiates the kernels' module on the shared wasm memory, then for
// ever waits for a dispatch, runs its call list and counts itself done.
import { workerData } from "node:worker_threads";
import { CLAIMED, DONE, FAILED, GENERATION, READY, UNCLAIMED, WORKER_SPIN_MS, type WorkerSetup, runSegment } from "./pool";
import { type Blas, loadBlas } from "./blas";
import { type KernelSet, kernelSet, taskNames } from "./tasks";
import { ownThreadId } from "./threadPriority";

interface WasmInstanceApi {
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The module's functions on the shared memory, or the error that prevented it. */
function instantiate(setup: WorkerSetup): { k: KernelSet; names: string[] } | Error {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmInstanceApi }).WebAssembly;
    const exports = new wasm.Instance(setup.module, { env: { memory: setup.memory } }).exports;
    const library = setup.blasLibrary;
    let blas: Blas | null | undefined; // loaded when a task first asks
    const blasOnce = () => (blas === undefined ? (blas = library === null ? null : loadBlas(library)) : blas);
    return { k: kernelSet(exports, setup.memory as { buffer: ArrayBufferLike }, blasOnce), names: taskNames(exports) };
  } catch (err) {
    return err as Error;
  }
}

function serve(setup: WorkerSetup): void {
  const ready = instantiate(setup);
  const ctl = new Int32Array(setup.control);
  const segment = new Float64Array(setup.segment);
  const error = new Uint8Array(setup.error);
  const claim = new Int32Array(setup.claim);
  Atomics.store(new Int32Array(setup.threadId), 0, ownThreadId());
  Atomics.add(ctl, READY, 1);
  let seen = setup.generation;
  for (;;) {
    const spinUntil = performance.now() + WORKER_SPIN_MS;
    for (let spin = 0; Atomics.load(ctl, GENERATION) === seen; spin++) {
      if ((spin & 255) === 0 && performance.now() > spinUntil) Atomics.wait(ctl, GENERATION, seen);
    }
    seen = Atomics.load(ctl, GENERATION);
    // the dispatching thread may have run this list already (it does when done with its own first)
    if (Atomics.compareExchange(claim, 0, UNCLAIMED, CLAIMED) !== UNCLAIMED) continue;
    try {
      if (ready instanceof Error) throw ready; // every dispatch it runs reports it: the main thread throws
      runSegment(ready.k, ready.names, segment);
    } catch (err) {
      const message = Buffer.from(String((err as Error)?.stack ?? err)).subarray(0, error.length - 1);
      error.fill(0);
      error.set(message);
      Atomics.store(ctl, FAILED, setup.index + 1);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}

serve(workerData as WorkerSetup);
