// The fused "dropout, add the residual, LayerNorm" (src/model/ops/residual-layer-norm.ts) against
// the three ops it replaced in the encoder's blocks — dropout's mask product, tf.add, layerNorm —
// on the same backend: the same bytes forward and in every gradient (x, the residual, γ, β), with
// and without a mask, at 1, 2 and 3 threads, rows split even where tiny. (Off the fused path the
// op is those three ops.)
process.env.INSTABILITY_THREADS = "3"; // before the backend starts: its memory becomes shared
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import { initBackend } from "../../src/model";
import { fusedKernels, threadedDispatches } from "../../src/model/kernels/runtime";
import { setMinWorkPerThread } from "../../src/model/kernels/split";
import { setThreads } from "../../src/model/threads";
import { applyDropoutMask, dropoutMask } from "../../src/model/ops/dropout";
import { layerNorm } from "../../src/model/ops/layer-norm";
import { residualLayerNorm } from "../../src/model/ops/residual-layer-norm";

const bytes = (t: tf.Tensor) => new Uint8Array(t.dataSync().slice().buffer);

function randn(shape: [number, number], seed: number): tf.Tensor2D {
  const r = new Random(seed);
  return tf.tensor(Float32Array.from({ length: shape[0] * shape[1] }, () => r.normal() * 1.5), shape) as tf.Tensor2D;
}

/** y and the gradients of Σ y ⊙ weights with respect to x, the residual, γ and β. */
function run(f: (x: tf.Tensor2D, r: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor, inputs: [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D], weights: tf.Tensor): Uint8Array[] {
  return tf.tidy(() => {
    const y = f(...inputs);
    const grads = tf.grads((x, r, g, b) => tf.sum(tf.mul(f(x as tf.Tensor2D, r as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), weights)))(inputs);
    return [y, ...grads].map(bytes);
  });
}

// 2 rows: fewer row ranges than threads; 8 columns: fewer column ranges (dγ, dβ) than threads
for (const [n, d] of [[37, 48], [2, 48], [37, 8]]) test(`fused residual LayerNorm = layerNorm(x ⊙ mask + r) byte for byte, forward and gradients, 1–3 threads, with and without a mask (${n} × ${d})`, async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("no fused kernels on this backend (they need wasm with SIMD)");
  const inputs: [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] = [randn([n, d], 1), randn([n, d], 2), randn([1, d], 3).reshape([d]), randn([1, d], 4).reshape([d])];
  const weights = randn([n, d], 5);
  const eps = 1e-12;
  setMinWorkPerThread(1);
  try {
    for (const mask of [dropoutMask([n, d], 0.1, 77), null]) {
      const old = run((x, r, g, b) => layerNorm(tf.add(mask ? applyDropoutMask(x, mask) : x, r) as tf.Tensor2D, g, b, eps), inputs, weights);
      for (const threads of [1, 2, 3]) {
        setThreads(threads);
        const before = threadedDispatches();
        const fused = run((x, r, g, b) => residualLayerNorm(x, r, mask, g, b, eps), inputs, weights);
        assert.equal(threadedDispatches() - before > 0, threads > 1, `${threads} threads: dispatched to the pool or not`);
        ["y", "dx", "dresidual", "dγ", "dβ"].forEach((name, i) => assert.deepEqual(fused[i], old[i], `${name}, ${threads} threads, ${mask ? "with" : "without"} a mask`));
      }
      mask?.dispose();
    }
  } finally {
    setMinWorkPerThread(undefined);
    setThreads(3);
  }
});
