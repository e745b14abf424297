// The naive tfjs baseline for bench/train.bench.ts: the same model written as one would port the
// PyTorch code (plain tfjs ops, tfjs's default autodiff, transposeB matMuls for x·Wᵀ, attention
// with transposed matMuls, tf.moments LayerNorm). The embedding lookup is a one-hot matMul
// because tf.gather has no gradient on wasm. Usage: node naive-step.js L H A F S B V STEPS WARMUP
import * as tf from "@tensorflow/tfjs";
import { benchModel, randomBatch } from "../src/train/benchStep";
import { initBackend } from "../src/model/backend";

async function main(): Promise<void> {
  const [L, H, A, F, S, B, V, STEPS, WARMUP] = process.argv.slice(2).map(Number);
  const backend = await initBackend();
  const shape = { layers: L, hidden: H, heads: A, ffn: F, seq: S, batch: B, vocab: V };
  const model = await benchModel(shape);
  const { batch, labels } = randomBatch(shape, 1);
  const p = (n: string) => model.param(n);
  const dense = (x: tf.Tensor, n: string) => tf.add(tf.matMul(x, p(`${n}.weight`), false, true), p(`${n}.bias`));
  const ln = (x: tf.Tensor, n: string) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))), p(`${n}.weight`)), p(`${n}.bias`));
  };
  const drop = (x: tf.Tensor) => tf.dropout(x, 0.1);
  const d = H / A;
  const ids = tf.tensor1d(batch.inputIds, "int32");
  const pos = tf.tensor1d(Int32Array.from({ length: B * S }, (_, i) => i % S), "int32");
  const ext = tf.tensor4d(Float32Array.from(batch.attentionMask, (m) => (m ? 0 : -1e9)), [B, 1, 1, S]);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 2);
  const forward = () => {
    const emb = tf.addN([
      tf.matMul(tf.oneHot(ids, V), p("bert.embeddings.word_embeddings.weight")),
      tf.matMul(tf.oneHot(pos, p("bert.embeddings.position_embeddings.weight").shape[0]), p("bert.embeddings.position_embeddings.weight")),
      tf.add(tf.zeros([B * S, H]), tf.slice(p("bert.embeddings.token_type_embeddings.weight"), [0, 0], [1, H])),
    ]);
    let h = drop(ln(emb, "bert.embeddings.LayerNorm"));
    for (let l = 0; l < L; l++) {
      const b = `bert.encoder.layer.${l}`;
      const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, S, A, d]), [0, 2, 1, 3]);
      const q = heads(dense(h, `${b}.attention.self.query`));
      const k = heads(dense(h, `${b}.attention.self.key`));
      const v = heads(dense(h, `${b}.attention.self.value`));
      const probs = drop(tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), ext)));
      const ctx = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * S, H]);
      const h1 = ln(tf.add(drop(dense(ctx, `${b}.attention.output.dense`)), h), `${b}.attention.output.LayerNorm`);
      const i = dense(h1, `${b}.intermediate.dense`);
      const g = tf.mul(tf.mul(i, 0.5), tf.add(1, tf.erf(tf.div(i, Math.SQRT2))));
      h = ln(tf.add(drop(dense(g, `${b}.output.dense`)), h1), `${b}.output.LayerNorm`);
    }
    const first = tf.reshape(tf.slice(tf.reshape(h, [B, S, H]), [0, 0, 0], [B, 1, H]), [B, H]);
    const logits = dense(drop(tf.tanh(dense(first, "bert.pooler.dense"))), "classifier");
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  const optimizer = tf.train.adam(1e-4, 0.9, 0.999, 1e-6);
  const vars = [...model.params.values()];
  const step = () => tf.tidy(() => {
    optimizer.minimize(forward, false, vars);
  });
  for (let i = 0; i < WARMUP; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const ms = (performance.now() - t0) / STEPS;
  process.stdout.write(JSON.stringify({ backend: `${backend} (naive)`, ms_per_step: ms, tokens_per_s: (B * S * 1000) / ms, steps: STEPS }) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err instanceof Error ? err.stack : err) + "\n");
  process.exitCode = 1;
});
