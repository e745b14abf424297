// The fused wasm kernels against the composite tfjs ops they replace (INSTABILITY_FUSED=0 runs
// the composite ones in the same process): forward within 1e-5 relative, gradients within 1e-4
// of the composite op's hand-written gradients and within 1e-2 of central finite differences.
// Skipped off the wasm backend, where no fused kernel exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import {
  additiveAttentionMask,
  createRandomModel,
  crossEntropy,
  dropoutMask,
  gatherRows,
  gelu,
  initBackend,
  layerNorm,
  linear,
  lossAndGrads,
  makeConfig,
  multiHeadAttention,
} from "../../src/model";
import { AdamW } from "../../src/train/adamw";
import { randomBatch } from "../../src/train/benchStep";
import { fusedKernels } from "../../src/model/kernels/runtime";
import { dropoutMaskJs } from "../../src/model/ops/dropout";
import { withEnv } from "../helpers/env";

function randn(shape: number[], seed: number, scale = 1): tf.Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => r.normal() * scale), shape);
}

const withFused = <T>(on: boolean, f: () => T): T => withEnv("INSTABILITY_FUSED", on ? "1" : "0", f);

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]));
}

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;

/** Values and input gradients of Σ f(xs) ⊙ R for a fixed random R. */
function valueAndGrads(f: Fn, inputs: tf.Tensor[]): { value: tf.Tensor; grads: tf.Tensor[] } {
  const r = tf.tidy(() => randn(f(...inputs).shape, 999));
  const value = f(...inputs);
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r)))(inputs);
  return { value, grads };
}

function compareFusedWithComposite(name: string, f: Fn, inputs: tf.Tensor[]): void {
  tf.tidy(() => {
    const fused = withFused(true, () => valueAndGrads(f, inputs));
    const composite = withFused(false, () => valueAndGrads(f, inputs));
    const dv = maxRelDiff(fused.value, composite.value);
    assert.ok(dv <= 1e-5, `${name}: forward differs by ${dv} (relative to the largest value)`);
    fused.grads.forEach((g, i) => {
      const dg = maxRelDiff(g, composite.grads[i]);
      assert.ok(dg <= 1e-4, `${name}: gradient of input ${i} differs by ${dg}`);
    });
    // Finite differences of the fused op along random directions.
    const r = randn(fused.value.shape, 999);
    const loss = (...xs: tf.Tensor[]) => withFused(true, () => tf.sum(tf.mul(f(...xs), r)).dataSync()[0]);
    inputs.forEach((x, i) => {
      const v = randn(x.shape, 50 + i);
      const eps = 1e-2;
      const at = (s: number) => loss(...inputs.map((y, j) => (j === i ? tf.add(y, tf.mul(v, s)) : y)));
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      const an = tf.sum(tf.mul(fused.grads[i], v)).dataSync()[0];
      assert.ok(Math.abs(fd - an) <= 1e-2 * Math.max(1, Math.abs(fd)), `${name}: input ${i}: finite difference ${fd} vs gradient ${an}`);
    });
  });
}

test("fused attention = composite attention (padding mask, dropout, sequence lengths that are and are not multiples of 8)", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  for (const [B, S, A, d] of [[2, 13, 2, 8], [3, 16, 2, 16], [1, 5, 1, 8]]) {
    const H = A * d;
    const r = new Random(S);
    // Each example keeps at least one token; the rest of its row is padding.
    const attn = new Int32Array(B * S);
    for (let b = 0; b < B; b++) attn.fill(1, b * S, b * S + 1 + r.int(S));
    const mask = additiveAttentionMask(attn, B, S);
    for (const drop of [null, dropoutMask([S, B * A, S], 0.3, 11)]) {
      compareFusedWithComposite(
        `attention B=${B} S=${S} A=${A} d=${d} dropout ${drop ? "on" : "off"}`,
        (q, k, v) => multiHeadAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, mask, { batchSize: B, seqLength: S, numHeads: A }, drop),
        [randn([S * B, H], 12), randn([S * B, H], 13), randn([S * B, H], 14)],
      );
    }
  }
});

test("fused first-query attention = composite first-query attention, and the first rows of the full op", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  for (const [B, S, A, d] of [[2, 13, 2, 8], [3, 16, 2, 16], [5, 7, 1, 8]]) {
    const H = A * d;
    const r = new Random(S + 100);
    const attn = new Int32Array(B * S);
    for (let b = 0; b < B; b++) attn.fill(1, b * S, b * S + 1 + r.int(S));
    const mask = additiveAttentionMask(attn, B, S);
    const shape = { batchSize: B, seqLength: S, numHeads: A };
    for (const rate of [0, 0.3]) {
      const full = rate > 0 ? dropoutMask([S, B * A, S], rate, 11) : null;
      const first = rate > 0 ? dropoutMask([1, B * A, S], rate, 11) : null; // the full mask's first query rows
      const [q, k, v] = [randn([S * B, H], 12), randn([S * B, H], 13), randn([S * B, H], 14)];
      const q0 = tf.slice(q, [0, 0], [B, H]);
      const name = `first-query attention B=${B} S=${S} A=${A} d=${d} dropout ${rate}`;
      const firstOp = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) =>
        multiHeadAttention(qq as tf.Tensor2D, kk as tf.Tensor2D, vv as tf.Tensor2D, mask, { ...shape, firstQueryOnly: true }, first);
      compareFusedWithComposite(name, firstOp, [q0, k, v]);
      // Against the full op with a loss that reads the first rows only: the same bytes on the fused
      // path (values, dq's first rows, dk, dv; the full op's other dq rows are zero).
      const weights = randn([B, H], 998);
      const loss = (ctx: tf.Tensor) => tf.sum(tf.mul(tf.slice(ctx, [0, 0], [B, H]), weights));
      const fullOp = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) =>
        multiHeadAttention(qq as tf.Tensor2D, kk as tf.Tensor2D, vv as tf.Tensor2D, mask, shape, full);
      const bytes = (x: tf.Tensor) => new Uint8Array((x.dataSync() as Float32Array).slice().buffer);
      withFused(true, () => {
        assert.deepEqual(bytes(firstOp(q0, k, v)), bytes(tf.slice(fullOp(q, k, v), [0, 0], [B, H])), `${name}: values`);
        const [dq0, dk0, dv0] = tf.grads((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => loss(firstOp(qq, kk, vv)))([q0, k, v]);
        const [dq, dk, dv] = tf.grads((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => loss(fullOp(qq, kk, vv)))([q, k, v]);
        assert.deepEqual(bytes(dq0), bytes(tf.slice(dq, [0, 0], [B, H])), `${name}: dq`);
        assert.equal(tf.max(tf.abs(tf.slice(dq, [B, 0], [(S - 1) * B, H]))).dataSync()[0], 0, `${name}: dq's other rows`);
        assert.deepEqual(bytes(dk0), bytes(dk), `${name}: dk`);
        assert.deepEqual(bytes(dv0), bytes(dv), `${name}: dv`);
      });
    }
  }
});

// Exact, not close: the products stop at each example's last real key (the keys after it add exact
// zeros), so an example's numbers are the same bytes in any padded batch as alone; a batch with an
// example of one token also checks S = 1 alone (its head wrote past ctx and read dy with the wrong
// stride before). Too few keys kept fails the comparisons with the composite op above.
test("fused attention skips an example's keys past its last real one: its outputs and gradients in a padded batch are its bytes alone", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  const bytes = (x: tf.Tensor) => new Uint8Array((x.dataSync() as Float32Array).slice().buffer);
  // S = 29: heads through scratch; S = 32: in place. Lengths from 1 to S; the longest sets P.
  for (const [S, lengths] of [[29, [29, 5, 17, 9, 1]], [32, [12, 32, 25, 8, 31]]] as const) {
    const [B, A, d] = [lengths.length, 2, 8];
    const H = A * d;
    const attn = new Int32Array(B * S);
    lengths.forEach((len, b) => attn.fill(1, b * S, b * S + len));
    const mask = additiveAttentionMask(attn, B, S);
    // padded rows of q, k, v are not zero: what a padded key holds must not matter
    const [q, k, v] = [randn([S * B, H], 21), randn([S * B, H], 22), randn([S * B, H], 23)];
    const weights = tf.tidy(() => tf.mul(randn([S * B, H], 24), tf.tensor2d(Array.from({ length: S * B }, (_, i) => (Math.floor(i / B) < lengths[i % B] ? 1 : 0)), [S * B, 1])));
    for (const rate of [0, 0.3]) {
      const drop = rate > 0 ? dropoutMask([S, B * A, S], rate, 31) : null;
      // the loss reads real query rows only, as the encoder's next layer does
      const batchOp = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => multiHeadAttention(qq as tf.Tensor2D, kk as tf.Tensor2D, vv as tf.Tensor2D, mask, { batchSize: B, seqLength: S, numHeads: A }, drop);
      withFused(true, () => {
        const ctx = batchOp(q, k, v);
        const [dq, dk, dv] = tf.grads((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => tf.sum(tf.mul(batchOp(qq, kk, vv), weights)))([q, k, v]);
        lengths.forEach((len, b) => {
          const where = `S=${S} dropout ${rate}, example ${b} of length ${len}`;
          // its rows s < n (copied in JS: the rows of example b are B apart)
          const rowsOf = (x: tf.Tensor, n: number) => {
            const all = x.dataSync() as Float32Array;
            const out = new Float32Array(n * H);
            for (let s = 0; s < n; s++) out.set(all.subarray((s * B + b) * H, (s * B + b + 1) * H), s * H);
            return tf.tensor2d(out, [n, H]);
          };
          const alone = { mask: additiveAttentionMask(new Int32Array(len).fill(1), 1, len), drop: drop ? tf.slice(drop, [0, b * A, 0], [len, A, len]) : null };
          const aloneOp = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => multiHeadAttention(qq as tf.Tensor2D, kk as tf.Tensor2D, vv as tf.Tensor2D, alone.mask, { batchSize: 1, seqLength: len, numHeads: A }, alone.drop);
          const [qb, kb, vb, wb] = [q, k, v, weights].map((x) => rowsOf(x, len));
          assert.deepEqual(bytes(aloneOp(qb, kb, vb)), bytes(rowsOf(ctx, len)), `${where}: ctx`);
          const [dqb, dkb, dvb] = tf.grads((qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => tf.sum(tf.mul(aloneOp(qq, kk, vv), wb)))([qb, kb, vb]);
          assert.deepEqual(bytes(dqb), bytes(rowsOf(dq, len)), `${where}: dq`);
          assert.deepEqual(bytes(dkb), bytes(rowsOf(dk, len)), `${where}: dk`);
          assert.deepEqual(bytes(dvb), bytes(rowsOf(dv, len)), `${where}: dv`);
          // its padded keys take no gradient: +0, every byte
          const padded = (x: tf.Tensor) => new Uint8Array((x.dataSync() as Float32Array).slice().buffer).filter((_, i) => Math.floor(i / (4 * H)) % B === b && Math.floor(i / (4 * H * B)) >= len);
          for (const [name, g] of [["dk", dk], ["dv", dv]] as const) assert.ok(padded(g).every((x) => x === 0), `${where}: ${name} of padded keys`);
        });
      });
    }
  }
});

test("fused linear = composite linear (x·Wᵀ + b and its three gradients), more rows than one K-block, rows not a multiple of 4", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  for (const [n, inDim, outDim] of [[8, 8, 16], [300, 24, 8], [132, 16, 32], [5, 16, 8], [131, 8, 24]]) {
    compareFusedWithComposite(
      `linear n=${n} in=${inDim} out=${outDim}`,
      (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
      [randn([n, inDim], 1), randn([outDim, inDim], 2, 0.3), randn([outDim], 3)],
    );
  }
});

/** Logits after three training steps (dropout on, AdamW) of a small model from seed 3. */
async function logitsAfterTraining(): Promise<Float32Array> {
  const config = makeConfig({ model_type: "bert", vocab_size: 64, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, num_labels: 2 });
  const model = await createRandomModel(config, 3);
  const optimizer = new AdamW(model.params, undefined, { lr: 1e-3 });
  const { batch, labels } = randomBatch({ layers: 2, hidden: 32, heads: 4, ffn: 64, seq: 12, batch: 4, vocab: 64 }, 5);
  for (let i = 0; i < 3; i++) {
    const { grads } = lossAndGrads(model, () => crossEntropy(model.forward(batch, { training: true, seed: i }).logits, labels));
    optimizer.step(grads, { lrFactor: 1 });
    tf.dispose([...grads.values()]);
  }
  const logits = tf.tidy(() => model.forward(batch, { training: false }).logits.dataSync() as Float32Array);
  optimizer.dispose();
  model.dispose();
  return logits;
}

test("training with the fused kernels is deterministic: same seed, byte-identical logits; and it tracks the composite path", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  const a = await withFused(true, logitsAfterTraining);
  const b = await withFused(true, logitsAfterTraining);
  assert.deepEqual(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  const c = await withFused(false, logitsAfterTraining);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - c[i]) <= 1e-4 * Math.max(1, Math.abs(c[i])), `logit ${i}: fused ${a[i]} vs composite ${c[i]}`);
});


test("fused layerNorm and row gather = their composite ops", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  for (const [n, d] of [[7, 12], [300, 128]]) {
    compareFusedWithComposite(
      `layerNorm ${n}×${d}`,
      (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-12),
      [tf.add(randn([n, d], 6, 2), 3), tf.add(1, randn([d], 7, 0.3)), randn([d], 8, 0.3)],
    );
  }
  const ids = Int32Array.from([3, 0, 3, 5, 1, 3]);
  compareFusedWithComposite("gatherRows", (tbl) => gatherRows(tbl as tf.Tensor2D, ids), [randn([7, 4], 5)]);
});

test("fused GELU = composite GELU (forward, gradient, finite differences), and x·Φ(x) from float64 erf to float32 rounding", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  compareFusedWithComposite("gelu", (x) => gelu(x), [randn([6, 20], 21, 3)]);
  // Against x·Φ(x) in float64 (Φ from erfc's continued fraction / series, independent of both
  // implementations), relative to each value, from the far negative tail to large x. In the tail
  // the float32 rounding of x²/2 inside exp (~x²·6e-8 absolute) dominates, hence the x² term.
  const xs = Float32Array.from({ length: 400 }, (_, i) => -12 + i * 0.0625);
  const y = withFused(true, () => tf.tidy(() => gelu(tf.tensor(xs)).dataSync()));
  for (let i = 0; i < xs.length; i++) {
    const want = xs[i] * phi64(xs[i]);
    assert.ok(Math.abs(y[i] - want) <= (1e-6 + 1e-7 * xs[i] * xs[i]) * Math.abs(want) + 1e-30, `gelu(${xs[i]}) = ${y[i]}, float64 ${want}`);
  }
});

test("fused GELU: vectors of +0 (padded rows, not evaluated) give the bytes the formula gives a +0 beside a number", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  // elements 0–7: all +0, skipped; 8–15: +0s beside a 2, evaluated; 16–19: −0s, evaluated (not
  // +0 bits); 20–27: +0 with dy = +0, skipped backward too
  const xs = Float32Array.from({ length: 28 }, (_, i) => (i === 15 ? 2 : i >= 16 && i < 20 ? -0 : 0));
  const dys = Float32Array.from({ length: 28 }, (_, i) => (i === 3 || i === 9 || i >= 20 ? 0 : 1.5));
  const [y, dx] = withFused(true, () =>
    tf.tidy(() => {
      const x = tf.tensor(xs);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gelu(v), tf.tensor(dys))))(x);
      return [gelu(x).dataSync(), g.dataSync()];
    }),
  );
  for (let i = 0; i < 8; i++) {
    assert.ok(Object.is(y[i], y[8]) && Object.is(y[i], 0), `gelu(+0) at ${i}: ${y[i]}`);
    // dx = dy·Φ(0): Φ(0) saved by the skipped forward equals the evaluated one, bit for bit
    assert.ok(Object.is(dx[i], dys[i] === 0 ? dx[9] : dx[8]), `gelu'(+0)·dy at ${i}: ${dx[i]} vs ${dx[8]}`);
  }
  assert.ok(Math.abs(dx[8] - 0.75) < 1e-6, `Φ(0)·1.5 = ${dx[8]}`);
  assert.ok(Object.is(y[16], -0), "gelu(−0) = −0, evaluated");
  for (let i = 20; i < 28; i++) assert.ok(Object.is(dx[i], 0) && Object.is(y[i], 0), `+0 row at ${i}`);
});

/** Φ(x) in float64: the series of erf for |x|/√2 < 3, the continued fraction of erfc beyond. */
function phi64(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let erfc: number;
  if (z < 3) {
    // erf(z) = 2/√π Σ (−1)^n z^(2n+1) / (n! (2n+1))
    let term = z, sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(z) = exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …))))
    let f = z;
    for (let n = 200; n >= 1; n--) f = z + n / 2 / f;
    erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

test("on the fused path tf.clone shares the buffer (kernels/identity.ts): values kept until the last reference goes, no leak", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  const before = tf.memory();
  const x = tf.tensor([1, 2, 3, 4]);
  const y = tf.clone(x);
  const fk = fusedKernels()!;
  assert.equal(fk.ptr(y), fk.ptr(x), "the clone reads the original's bytes");
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1, "a clone adds no buffer");
  x.dispose();
  assert.deepEqual([...y.dataSync()], [1, 2, 3, 4], "the clone outlives the original");
  const z = tf.mul(y, 2);
  y.dispose();
  assert.deepEqual([...z.dataSync()], [2, 4, 6, 8]);
  z.dispose();
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers);
  // A variable's clone keeps the old values after assign (assign swaps buffers, writes none).
  const v = tf.variable(tf.tensor([5, 6]));
  const kept = tf.clone(v);
  v.assign(tf.tensor([7, 8]));
  assert.deepEqual([...kept.dataSync()], [5, 6]);
  tf.dispose([v, kept]);
});

test("fused dropout masks are byte-identical to the JS generator's (several seeds, rates, odd sizes, shorter than one SIMD step)", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  for (const [shape, p, seed] of [[[7], 0.1, 0], [[33, 5], 0.5, 123456789], [[128, 3, 9], 0.9, 4294967295], [[1000], 0.75, 42], [[3], 0.5, 9], [[4096, 3], 0.1, 7]] as [number[], number, number][]) {
    const fused = withFused(true, () => tf.tidy(() => dropoutMask(shape, p, seed).dataSync() as Float32Array));
    const js = dropoutMaskJs(shape, p, seed);
    assert.deepEqual(new Uint8Array(fused.buffer, fused.byteOffset, fused.byteLength), new Uint8Array(js.buffer), `mask ${shape} p=${p} seed=${seed}`);
    const dropped = js.filter((v) => v === 0).length / js.length;
    assert.ok(Math.abs(dropped - p) < 0.2, `p=${p}: ${dropped} of the mask dropped`);
  }
});
