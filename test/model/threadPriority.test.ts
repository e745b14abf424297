// A pool's first threaded dispatch lowers the process's other threads to the lowest priority and
// leaves its own threads (the dispatching one, each worker) as they were (kernels/threadPriority.ts).
// Read back from /proc: a bystander thread started before the dispatch ends at nice 19.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Worker } from "node:worker_threads";
import { KernelPool } from "../../src/model/kernels/pool";
import { kernelSet, taskNames } from "../../src/model/kernels/tasks";
import { moduleBytes } from "../../src/model/kernels/assemble";
import { copyRowsFn } from "../../src/model/kernels/rows";
import { ownThreadId } from "../../src/model/kernels/threadPriority";

const linux = fs.existsSync("/proc/thread-self");

/** A thread's nice value (field 19 of its stat line). */
function niceOf(tid: number): number {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

test("ownThreadId names this thread: the main thread's id is the process id", { skip: !linux && "no /proc/thread-self" }, () => {
  assert.equal(ownThreadId(), process.pid);
});

test("a threaded dispatch lowers the other threads to nice 19 and keeps its own threads' priority", { skip: !linux && "no /proc/thread-self" }, async () => {
  // a bystander: says its thread id, then sleeps until told to end
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const bystander = new Worker(
    `const fs = require("fs"); const { workerData } = require("worker_threads");
     const link = fs.readlinkSync("/proc/thread-self");
     Atomics.store(workerData, 0, Number(link.slice(link.lastIndexOf("/") + 1))); Atomics.notify(workerData, 0);
     Atomics.wait(workerData, 1, 0);`,
    { eval: true, workerData: shared },
  );
  try {
    while (Atomics.load(shared, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    const bystanderTid = Atomics.load(shared, 0);
    const mainNice = niceOf(process.pid);
    assert.equal(niceOf(bystanderTid), mainNice, "before: the bystander runs at the main thread's priority");

    const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer }; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
    const memory = new wasm.Memory({ initial: 4, maximum: 16, shared: true });
    const module = new wasm.Module(moduleBytes([copyRowsFn()], true));
    const exports = new wasm.Instance(module, { env: { memory } }).exports;
    const pool = new KernelPool(memory, module, taskNames(exports), kernelSet(exports, memory, () => null));
    const copy = (dst: number) => [[{ task: "copyRows", args: [0, 16, dst, 16, 1, 4] }]]; // a share of one chunk
    pool.run([copy(16), copy(32), copy(48)]); // 2 workers; the first dispatch after they start lowers the others
    while (!pool.started()) await new Promise((r) => setTimeout(r, 5));
    pool.run([copy(16), copy(32), copy(48)]);

    assert.equal(niceOf(bystanderTid), 19, "the bystander is lowered");
    assert.equal(niceOf(process.pid), mainNice, "the dispatching thread keeps its priority");
    const kept = fs.readdirSync("/proc/self/task").map(Number).filter((tid) => tid !== process.pid && niceOf(tid) === mainNice);
    assert.equal(kept.length, 2, `the pool's 2 workers keep their priority, and no other thread does (kept: ${kept})`);
  } finally {
    Atomics.store(shared, 1, 1);
    Atomics.notify(shared, 1);
    await bystander.terminate();
  }
});
