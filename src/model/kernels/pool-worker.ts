// A kernel thread (pool.ts): instantiates the kernels' module on the shared wasm memory, then for
// ever waits for a dispatch and runs chunks of it (its own share's, then others' left over),
// counting each done.
import { workerData } from "node:worker_threads";
import { DONE, FAILED, FAILED_CHUNK, GENERATION, READY, WORKER_SPIN_MS, type WorkerSetup, runChunk, takeChunk } from "./pool";
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
  Atomics.store(new Int32Array(setup.threadId), 0, ownThreadId());
  Atomics.add(ctl, READY, 1);
  let seen = setup.generation;
  for (;;) {
    const spinUntil = performance.now() + WORKER_SPIN_MS;
    for (let spin = 0; Atomics.load(ctl, GENERATION) === seen; spin++) {
      if ((spin & 255) === 0 && performance.now() > spinUntil) Atomics.wait(ctl, GENERATION, seen);
    }
    seen = Atomics.load(ctl, GENERATION);
    for (let c = takeChunk(ctl, setup.index + 1); c >= 0; c = takeChunk(ctl, setup.index + 1)) {
      try {
        if (ready instanceof Error) throw ready; // every dispatch it runs reports it: the main thread throws
        runChunk(ready.k, ready.names, segment, c);
      } catch (err) {
        const message = Buffer.from(String((err as Error)?.stack ?? err)).subarray(0, error.length - 1);
        error.fill(0);
        error.set(message);
        Atomics.store(ctl, FAILED_CHUNK, c);
        Atomics.store(ctl, FAILED, setup.index + 1);
      }
      // the last chunk done wakes the main thread, should it have gone to sleep
      if (Atomics.add(ctl, DONE, 1) + 1 === segment[0]) Atomics.notify(ctl, DONE);
    }
  }
}

serve(workerData as WorkerSetup);
