// The wasm backend's Add split between threads (src/model/kernels/threaded-add.ts): every element
// the correctly rounded float32 sum (a float64 sum rounded once: exact for float32 inputs),
// signed zeros, infinities and subnormals included, the same bytes at 1, 2 and 3 threads, and
// tfjs's own kernel still doing what the override leaves to it (broadcasting, int32, odd sizes).
process.env.INSTABILITY_THREADS = "3"; // before the backend starts: its memory becomes shared
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import { initBackend } from "../../src/model";
import { fusedKernels, threadedDispatches } from "../../src/model/kernels/runtime";
import { setMinWorkPerThread } from "../../src/model/kernels/split";
import { setThreads } from "../../src/model/threads";

const bytes = (t: tf.Tensor) => new Uint8Array(t.dataSync().slice().buffer);

test("Add over threads = the correctly rounded float32 sum, the same bytes at 1, 2 and 3 threads", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused wasm kernels on this machine");
  const r = new Random(5);
  const special = [0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 1.5, -1.5];
  const n = 4 * 1001;
  const a = Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : r.normal() * 10 ** r.int(6)));
  const b = Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[special.length - 1 - i] : r.normal() * 10 ** r.int(6)));
  const want = new Uint8Array(Float32Array.from(a, (x, i) => Math.fround(x + b[i])).buffer);
  const [ta, tb] = [tf.tensor2d(a, [7 * 11, 52]), tf.tensor2d(b, [7 * 11, 52])];
  setMinWorkPerThread(1);
  try {
    for (const threads of [1, 2, 3]) {
      setThreads(threads);
      const before = threadedDispatches();
      const sum = tf.add(ta, tb);
      assert.equal(threadedDispatches() - before, threads > 1 ? 1 : 0, `${threads} threads: split over the threads`);
      assert.deepEqual(bytes(sum), want, `${threads} threads`);
      sum.dispose();
    }
    // what the override leaves to tfjs: broadcasting, int32, a size not a multiple of 4
    setThreads(2);
    assert.deepEqual(Array.from(tf.add(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), tf.tensor1d([10, 20, 30, 40])).dataSync()), [11, 22, 33, 44, 15, 26, 37, 48]);
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2, 3, 4], "int32"), tf.tensor1d([5, 6, 7, 8], "int32")).dataSync()), [6, 8, 10, 12]);
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6])).dataSync()), [5, 7, 9]);
  } finally {
    setMinWorkPerThread(undefined);
    setThreads(3);
    tf.dispose([ta, tb]);
  }
});
