// Every custom-gradient op against (a) central finite differences along random directions and
// (b) tfjs's own autodiff of the plain formula (which uses the slow transposed matMuls the custom
// ops avoid). Float32, so sizes are small and tolerances loose for (a), tight for (b).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import {
  additiveAttentionMask,
  crossEntropy,
  dropoutMask,
  gatherRows,
  gelu,
  initBackend,
  layerNorm,
  linear,
  matMul,
  multiHeadAttention,
} from "../../src/model";

function randn(shape: number[], seed: number, scale = 1): tf.Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => r.normal() * scale), shape);
}

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;

/** Scalar loss = Σ f(xs) ⊙ R for a fixed random R, so every output element matters. */
function projected(f: Fn, inputs: tf.Tensor[]): (...xs: tf.Tensor[]) => tf.Scalar {
  const outShape = tf.tidy(() => f(...inputs).shape);
  const r = randn(outShape, 999);
  return (...xs) => tf.sum(tf.mul(f(...xs), r));
}

function checkFiniteDifferences(name: string, f: Fn, inputs: tf.Tensor[], eps = 1e-2): void {
  const loss = projected(f, inputs);
  const grads = tf.grads(loss)(inputs);
  inputs.forEach((x, i) => {
    for (let dir = 0; dir < 3; dir++) {
      const v = randn(x.shape, 100 * i + dir);
      const at = (s: number) => {
        const xs = inputs.map((y, j) => (j === i ? tf.add(y, tf.mul(v, s)) : y));
        return loss(...xs).dataSync()[0];
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      const an = tf.sum(tf.mul(grads[i], v)).dataSync()[0];
      assert.ok(Math.abs(fd - an) <= 1e-2 * Math.max(1, Math.abs(fd)), `${name}: input ${i}, direction ${dir}: finite difference ${fd} vs gradient ${an}`);
    }
  });
}

function checkAgainstAutodiff(name: string, custom: Fn, plain: Fn, inputs: tf.Tensor[]): void {
  const lc = projected(custom, inputs);
  const lp = projected(plain, inputs);
  const vc = lc(...inputs).dataSync()[0];
  const vp = lp(...inputs).dataSync()[0];
  assert.ok(Math.abs(vc - vp) <= 1e-4 * Math.max(1, Math.abs(vp)), `${name}: value ${vc} vs ${vp}`);
  const gc = tf.grads(lc)(inputs);
  const gp = tf.grads(lp)(inputs);
  gc.forEach((g, i) => {
    const diff = tf.max(tf.abs(tf.sub(g, gp[i]))).dataSync()[0];
    const scale = tf.max(tf.abs(gp[i])).dataSync()[0];
    assert.ok(diff <= 1e-4 * Math.max(1, scale), `${name}: gradient of input ${i} differs by ${diff} (scale ${scale})`);
  });
}

function check(name: string, custom: Fn, plain: Fn, inputs: tf.Tensor[]): void {
  tf.tidy(() => {
    checkFiniteDifferences(name, custom, inputs);
    checkAgainstAutodiff(name, custom, plain, inputs);
  });
}

test("matMul (2-D and batched) gradients", async () => {
  await initBackend();
  check("matMul 2d", matMul, (a, b) => tf.matMul(a, b), [randn([5, 7], 1), randn([7, 3], 2)]);
  check("matMul 3d", matMul, (a, b) => tf.matMul(a, b), [randn([2, 4, 6], 3), randn([2, 6, 5], 4)]);
});

test("linear gradients", async () => {
  await initBackend();
  check(
    "linear",
    (x, w, b) => linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
    (x, w, b) => tf.add(tf.matMul(x, w, false, true), b),
    [randn([6, 5], 1), randn([4, 5], 2), randn([4], 3)],
  );
});

test("gatherRows gradient scatters back, repeated ids accumulate", async () => {
  await initBackend();
  const ids = Int32Array.from([3, 0, 3, 5, 1, 3]);
  check(
    "gatherRows",
    (t) => gatherRows(t as tf.Tensor2D, ids),
    (t) => tf.matMul(tf.oneHot(tf.tensor1d(ids, "int32"), 7), t),
    [randn([7, 4], 5)],
  );
  assert.throws(() => gatherRows(tf.zeros([3, 2]) as tf.Tensor2D, Int32Array.from([3])), /outside the table of 3 rows/);
});

test("layerNorm gradients", async () => {
  await initBackend();
  const eps = 1e-5;
  check(
    "layerNorm",
    (x, g, b) => layerNorm(x as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, eps),
    (x, g, b) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
    },
    [randn([5, 8], 6, 2), tf.add(1, randn([8], 7, 0.3)), randn([8], 8, 0.3)],
  );
});

test("gelu is the exact erf GELU, with its gradient", async () => {
  await initBackend();
  check("gelu", gelu, (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))), [randn([4, 9], 9, 2)]);
  // Φ(1) = 0.841344746…, so gelu(1) = 0.841344746
  assert.ok(Math.abs(gelu(tf.scalar(1)).dataSync()[0] - 0.8413447) < 1e-6);
});

test("multiHeadAttention gradients, with padding mask and attention dropout", async () => {
  await initBackend();
  const B = 2, S = 5, A = 2, H = 6;
  const attn = Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  const mask = additiveAttentionMask(attn, B, S);
  for (const drop of [null, dropoutMask([S, B * A, S], 0.3, 11)]) {
    // Plain batch-major formula on sequence-major inputs [S·B, H].
    const plain: Fn = (q, k, v) => {
      const d = H / A;
      const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [S, B, A, d]), [1, 2, 0, 3]);
      const scores = tf.add(tf.div(tf.matMul(heads(q), heads(k), false, true), Math.sqrt(d)), tf.reshape(mask, [B, 1, 1, S]));
      let probs = tf.softmax(scores);
      if (drop) probs = tf.mul(probs, tf.transpose(tf.reshape(drop, [S, B, A, S]), [1, 2, 0, 3]));
      return tf.reshape(tf.transpose(tf.matMul(probs, heads(v)), [2, 0, 1, 3]), [S * B, H]);
    };
    check(
      `attention (dropout ${drop ? "on" : "off"})`,
      (q, k, v) => multiHeadAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, mask, { batchSize: B, seqLength: S, numHeads: A }, drop),
      plain,
      [randn([S * B, H], 12), randn([S * B, H], 13), randn([S * B, H], 14)],
    );
  }
});

test("crossEntropy value and gradient", async () => {
  await initBackend();
  const labels = Int32Array.from([2, 0, 1]);
  check(
    "crossEntropy",
    (x) => crossEntropy(x as tf.Tensor2D, labels),
    (x) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, "int32"), 4), x),
    [randn([3, 4], 15)],
  );
  // uniform logits: loss = ln(classes)
  assert.ok(Math.abs(crossEntropy(tf.zeros([2, 4]) as tf.Tensor2D, Int32Array.from([1, 3])).dataSync()[0] - Math.log(4)) < 1e-6);
});

test("dropoutMask: seeded, keep rate 1-p, scaled by 1/(1-p)", async () => {
  await initBackend();
  const a = dropoutMask([1000, 100], 0.1, 42).dataSync();
  const b = dropoutMask([1000, 100], 0.1, 42).dataSync();
  const c = dropoutMask([1000, 100], 0.1, 43).dataSync();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  let kept = 0;
  for (const x of a) {
    if (x !== 0) {
      kept++;
      assert.ok(Math.abs(x - 1 / 0.9) < 1e-6);
    }
  }
  assert.ok(Math.abs(kept / a.length - 0.9) < 0.005, `keep rate ${kept / a.length}`);
});
