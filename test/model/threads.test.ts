// The fused kernels split over threads give the one-thread bytes: loss, eval logits, every hidden
// state and every parameter's gradient of a training step, for 1, 2 and 3 threads, on a model of
// MiniLM's shape features (width a multiple of 12, so the 3 × 12 gemm; head size 12) and on a
// 32-wide RoBERTa (4 × 8 gemm) and a 384-wide BERT (tiles in column parts), with padding and dropout on. Tiny products are split too
// (setMinWorkPerThread(1)), and the test checks that threaded dispatches ran. Both engines of the
// linear layers' products: our gemm and, where installed, a BLAS library (tiles fixed by the shape:
// gemm-tiles.ts). And one AdamW update.
process.env.INSTABILITY_THREADS = "3"; // before the backend starts: its memory becomes shared
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import { batchOf, bytes } from "../helpers/paddedBatch";
import { createRandomModel, crossEntropy, initBackend, lossAndGrads, makeConfig } from "../../src/model";
import { fusedKernels, threadedDispatches } from "../../src/model/kernels/runtime";
import { setMinWorkPerThread, splitRange } from "../../src/model/kernels/split";
import { kernelThreads, setThreads } from "../../src/model/threads";
import { type AdamWScalars, fusedAdamWUpdate, fusedAdamWUpdates } from "../../src/train/adamwFused";
import { KernelPool } from "../../src/model/kernels/pool";
import { kernelSet, taskNames } from "../../src/model/kernels/tasks";
import { moduleBytes } from "../../src/model/kernels/assemble";
import { copyRowsFn } from "../../src/model/kernels/rows";
import { dropoutMask, dropoutMaskJs } from "../../src/model/ops/dropout";
import { gatherRows } from "../../src/model/ops/embedding";
import { matrixProductEngines, withBlasSetting } from "../helpers/matrixProducts";


test("splitRange cuts whole units, evenly, and covers the range", () => {
  assert.deepEqual(splitRange(384, 2, 12), [[0, 192], [192, 192]]);
  assert.deepEqual(splitRange(36, 2, 12), [[0, 12], [12, 24]]);
  assert.deepEqual(splitRange(10, 3, 4), [[0, 4], [4, 4], [8, 2]]);
  assert.deepEqual(splitRange(8, 4, 8), [[0, 8]]);
  assert.deepEqual(splitRange(7, 1), [[0, 7]]);
});

const shapes = [
  { name: "MiniLM-shaped BERT (48 wide, 4 heads of 12)", model_type: "bert", hidden_size: 48, num_attention_heads: 4, intermediate_size: 192 },
  { name: "RoBERTa 32 wide", model_type: "roberta", hidden_size: 32, num_attention_heads: 4, intermediate_size: 64 },
  // MiniLM's width: on a BLAS library each tile in two column parts, so a tile can be shared by two
  // threads (10 × 30: three tiles of listed rows, six units; two threads share the middle tile)
  { name: "BERT 384 wide (two column parts a tile)", model_type: "bert", hidden_size: 384, num_attention_heads: 6, intermediate_size: 384 },
] as const;

for (const shape of shapes) for (const engine of matrixProductEngines()) {
  test(`${shape.name}, ${engine.name}: 1, 2 and 3 threads give the same bytes`, (t) => withBlasSetting(engine.setting, async () => {
    await initBackend();
    if (!fusedKernels()) return t.skip("no fused wasm kernels on this machine");
    assert.equal(kernelThreads(), 3, "the backend's memory is shared");
    const config = makeConfig({ ...shape, vocab_size: 60, num_hidden_layers: 2, num_labels: 3, max_position_embeddings: 40 });
    const model = await createRandomModel(config, 7);
    assert.equal(fusedKernels()!.blas === null, engine.setting === "0", `${engine.name} runs the products`);
    setMinWorkPerThread(1);
    try {
      for (const [B, S] of [[5, 11], [4, 16], [10, 30]]) { // 10 × 30: three K-blocks of dW (the threaded dW path)
        const { batch, labels } = batchOf(B, S, config.vocab_size, B * 100 + S);
        const run = (threads: number) => {
          setThreads(threads);
          const before = threadedDispatches();
          const { loss, grads } = lossAndGrads(model, () => crossEntropy(model.forward(batch, { training: true, seed: 9 }).logits, labels));
          const evalOut = model.forward(batch, { training: false, outputHiddenStates: true });
          return { loss, grads, logits: evalOut.logits, hidden: evalOut.hiddenStates!, dispatches: threadedDispatches() - before };
        };
        const one = run(1);
        assert.equal(one.dispatches, 0, "one thread dispatches nothing to the pool");
        for (const threads of [2, 3]) {
          const many = run(threads);
          const where = `${shape.name} B=${B} S=${S}, ${threads} threads`;
          assert.ok(many.dispatches > 0, `${where}: the threaded path ran`);
          assert.equal(many.loss, one.loss, `${where}: loss`);
          assert.deepEqual(bytes(many.logits), bytes(one.logits), `${where}: eval logits`);
          many.hidden.forEach((h, i) => assert.deepEqual(bytes(h), bytes(one.hidden[i]), `${where}: hidden state ${i}`));
          for (const [name, g] of one.grads) assert.deepEqual(bytes(many.grads.get(name)!), bytes(g), `${where}: gradient of ${name}`);
          tf.dispose([...many.grads.values(), many.logits, ...many.hidden]);
        }
        tf.dispose([...one.grads.values(), one.logits, ...one.hidden]);
      }
    } finally {
      setMinWorkPerThread(undefined);
      setThreads(3);
      model.dispose();
    }
  }));
}

test("a fused AdamW update over 1, 2 and 3 threads gives the same bytes (an odd size, so the scalar tail too)", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused wasm kernels on this machine");
  const size = 4099;
  const r = new Random(5);
  const tensor = (scale: number) => tf.tensor1d(Float32Array.from({ length: size }, () => scale * (2 * r.next() - 1)));
  const [param, m, v, g] = [tensor(1), tensor(0.01), tensor(0.001).abs(), tensor(0.1)];
  const scalars: AdamWScalars = { beta1: 0.9, beta2: 0.999, eps: 1e-6, gScaleM: 0.1 * 0.7, gScaleV: 0.001 * 0.49, stepSize: 2e-5, keep: 1 - 2e-5 * 0.01 };
  setMinWorkPerThread(1);
  try {
    const update = (threads: number) => {
      setThreads(threads);
      const before = threadedDispatches();
      const out = fusedAdamWUpdate(param, m, v, g, scalars)!;
      return { out, dispatches: threadedDispatches() - before };
    };
    const one = update(1);
    assert.equal(one.dispatches, 0);
    for (const threads of [2, 3]) {
      const many = update(threads);
      assert.ok(many.dispatches > 0, `${threads} threads: the threaded path ran`);
      many.out.forEach((x, i) => assert.deepEqual(bytes(x), bytes(one.out[i]), `${threads} threads: output ${i} (θ, m, v)`));
      tf.dispose(many.out);
    }
    tf.dispose(one.out);
  } finally {
    setMinWorkPerThread(undefined);
    setThreads(3);
    tf.dispose([param, m, v, g]);
  }
});

test("AdamW over many parameters in one kernel (ranges across parameter boundaries, 1, 2 and 3 threads) = one update per parameter", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused wasm kernels on this machine");
  const r = new Random(6);
  const tensor = (size: number, scale: number) => tf.tensor1d(Float32Array.from({ length: size }, () => scale * (2 * r.next() - 1)));
  const shared = { beta1: 0.9, beta2: 0.999, eps: 1e-6, gScaleM: 0.1 * 0.7, gScaleV: 0.001 * 0.49 };
  const updates = [7, 1, 130, 4099, 3, 64].map((size, i) => ({
    param: tensor(size, 1), m: tensor(size, 0.01), v: tensor(size, 0.001).abs(), g: tensor(size, 0.1),
    stepSize: 2e-5 * (1 + i), keep: i % 2 ? 1 : 1 - 2e-7,
  }));
  const expected = updates.map((u) => fusedAdamWUpdate(u.param, u.m, u.v, u.g, { ...shared, stepSize: u.stepSize, keep: u.keep })!);
  setMinWorkPerThread(1);
  try {
    for (const threads of [1, 2, 3]) {
      setThreads(threads);
      const before = threadedDispatches();
      const outs = fusedAdamWUpdates(updates, shared)!;
      assert.equal(threadedDispatches() - before, threads > 1 ? 1 : 0, `${threads} threads: one dispatch for every parameter`);
      outs.forEach((o, i) => o.forEach((x, j) => assert.deepEqual(bytes(x), bytes(expected[i][j]), `${threads} threads: parameter ${i}, output ${j}`)));
      tf.dispose(outs.flat());
    }
  } finally {
    setMinWorkPerThread(undefined);
    setThreads(3);
    tf.dispose([...expected.flat(), ...updates.flatMap((u) => [u.param, u.m, u.v, u.g])]);
  }
});

test("a dropout mask written by 1, 2 and 3 threads is the JS loop's mask (each thread from the jumped generator state)", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused wasm kernels on this machine");
  const shape = [7, 3, 1001]; // an odd size: ranges that start mid-vector and a scalar tail
  const expected = new Uint8Array(dropoutMaskJs(shape, 0.1, 77).buffer);
  setMinWorkPerThread(1);
  try {
    for (const threads of [1, 2, 3]) {
      setThreads(threads);
      const before = threadedDispatches();
      const mask = dropoutMask(shape, 0.1, 77);
      assert.equal(threadedDispatches() - before > 0, threads > 1, `${threads} threads: dispatched to the pool or not`);
      assert.deepEqual(bytes(mask), expected, `${threads} threads`);
      mask.dispose();
    }
  } finally {
    setMinWorkPerThread(undefined);
    setThreads(3);
  }
});

test("an embedding's lookup copies the rows; its gradient (repeated ids) over 1, 2 and 3 threads is the float32 sum of its rows in order", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused wasm kernels on this machine");
  const [rows, width, n] = [50, 12, 300];
  const r = new Random(8);
  const ids = Int32Array.from({ length: n }, () => Math.floor(r.next() * r.next() * rows)); // rows near 0 repeat most
  const dy = Float32Array.from({ length: n * width }, () => 2 * r.next() - 1);
  const expected = new Float32Array(rows * width);
  ids.forEach((id, i) => {
    for (let j = 0; j < width; j++) expected[id * width + j] = Math.fround(expected[id * width + j] + dy[i * width + j]);
  });
  const table = tf.zeros([rows, width]) as tf.Tensor2D;
  const upstream = tf.tensor2d(dy, [n, width]);
  // the lookup itself: row i of the result is row ids[i] of the table
  const looked = gatherRows(upstream, Int32Array.from([299, 0, 7, 7]));
  assert.deepEqual(bytes(looked), new Uint8Array(Float32Array.from([299, 0, 7, 7].flatMap((i) => [...dy.subarray(i * width, i * width + width)])).buffer));
  looked.dispose();
  setMinWorkPerThread(1);
  try {
    for (const threads of [1, 2, 3]) {
      setThreads(threads);
      const before = threadedDispatches();
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gatherRows(x as tf.Tensor2D, ids), upstream)))(table);
      assert.equal(threadedDispatches() - before > 0, threads > 1, `${threads} threads: dispatched to the pool or not`);
      assert.deepEqual(bytes(g), new Uint8Array(expected.buffer), `${threads} threads`);
      g.dispose();
    }
  } finally {
    setMinWorkPerThread(undefined);
    setThreads(3);
    tf.dispose([table, upstream]);
  }
});

/** A pool of `workers` + 1 threads on a small shared memory with the copyRows kernel, once its workers run; f32 views that memory. */
async function copyPool(workers: number): Promise<{ pool: KernelPool; f: Float32Array }> {
  const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer }; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
  const memory = new wasm.Memory({ initial: 4, maximum: 16, shared: true });
  const module = new wasm.Module(moduleBytes([copyRowsFn()], true));
  const exports = new wasm.Instance(module, { env: { memory } }).exports;
  const pool = new KernelPool(memory, module, taskNames(exports), kernelSet(exports, memory, () => null));
  pool.run(Array.from({ length: workers + 1 }, () => [[]])); // starts the workers
  while (!pool.started()) await new Promise((r) => setTimeout(r, 5));
  return { pool, f: new Float32Array(memory.buffer) };
}

// copyRows(src, srcRow, dst, dstRow, rows, cols): byte addresses and row strides
const copyRow = (src: number, dst: number) => ({ task: "copyRows", args: [src, 16, dst, 16, 1, 4] });

test("every chunk of a dispatch runs exactly once, whichever thread takes it: lopsided shares, empty shares, hundreds of chunks", async () => {
  const { pool, f } = await copyPool(2);
  const [A, B, ZERO] = [4096, 65536, 0]; // chunk c: row A+c → row B+c, then zeros → row A+c (a second run would copy the zeros)
  const chunk = (c: number) => [copyRow(A + 16 * c, B + 16 * c), copyRow(ZERO, A + 16 * c)];
  for (const sizes of [[300, 1, 0], [0, 0, 300], [100, 100, 100], [1, 299, 0], [2, 2, 2]]) {
    const n = sizes.reduce((a, b) => a + b, 0);
    f.fill(0, 0, 4);
    for (let c = 0; c < n; c++) f.set([c + 1, -c, c * 0.5, 7], (A >> 2) + 4 * c);
    f.fill(-1, B >> 2, (B >> 2) + 4 * n);
    let next = 0;
    pool.run(sizes.map((size) => Array.from({ length: size }, () => chunk(next++))));
    for (let c = 0; c < n; c++) {
      assert.deepEqual([...f.subarray((B >> 2) + 4 * c, (B >> 2) + 4 * c + 4)], [c + 1, -c, c * 0.5, 7], `shares ${sizes}: chunk ${c} copied once`);
      assert.deepEqual([...f.subarray((A >> 2) + 4 * c, (A >> 2) + 4 * c + 4)], [0, 0, 0, 0], `shares ${sizes}: chunk ${c} ran`);
    }
  }
});

test("a kernel thread's error reaches the caller as one line naming the thread, whichever thread ran its list, and the pool keeps working", async () => {
  const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer }; Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Record<string, unknown> } } }).WebAssembly;
  const memory = new wasm.Memory({ initial: 4, maximum: 16, shared: true });
  const module = new wasm.Module(moduleBytes([copyRowsFn()], true));
  const exports = new wasm.Instance(module, { env: { memory } }).exports;
  const pool = new KernelPool(memory, module, taskNames(exports), kernelSet(exports, memory, () => null));
  const f = new Float32Array(memory.buffer);
  f.set([1, 2, 3, 4], 0);
  // thread 1's list reads far past the memory's end
  const bad = [[{ task: "copyRows", args: [1 << 30, 16, 64, 16, 1, 4] }]];
  // the worker has not started: this thread runs its list once through its own (empty) one
  assert.throws(() => pool.run([[], bad]), /^Error: kernel thread 1: RuntimeError: memory access out of bounds/);
  // the worker running, and this thread busy with a long list: the worker takes its own
  while (!pool.started()) await new Promise((r) => setTimeout(r, 5));
  const long = [Array.from({ length: 1000 }, () => copyRow(0, 16))];
  assert.throws(() => pool.run([long, bad]), /^Error: kernel thread 1: RuntimeError: memory access out of bounds/);
  // a share of many chunks, its bad one last: whichever thread takes it, thread 2's list failed
  const many = Array.from({ length: 50 }, () => [copyRow(0, 16)]);
  assert.throws(() => pool.run([many, [], [...many, ...bad]]), /^Error: kernel thread 2: RuntimeError: memory access out of bounds/);
  pool.run([[[copyRow(0, 16)]], [[copyRow(0, 32)]]]);
  assert.deepEqual([...f.subarray(4, 12)], [1, 2, 3, 4, 1, 2, 3, 4]);
});
