// A classifier's fused linear layers skip padded positions (EncoderModel.encode, paddedRows
// "skip", the default): against computing every position, the same loss, logits, hidden states
// and gradient of every parameter, byte for byte; and the row-restricted linear layer alone
// (ops/linear.ts with `rows`) against the full one: the listed rows' outputs, dx, dW and db are
// the same bytes when the other rows' gradient is zero, and the other rows are zero. Widths that
// take the 3 × 12 and the 4 × 8 gemm, more rows than one K-block of dW (128), dropout on. On our
// gemm and on a BLAS library's products (gemm-tiles.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import { type Batch, createRandomModel, crossEntropy, initBackend, lossAndGrads, makeConfig } from "../../src/model";
import { linear } from "../../src/model/ops/linear";
import { fusedKernels } from "../../src/model/kernels/runtime";
import { matrixProductEngines, withBlasSetting } from "../helpers/matrixProducts";

const bytes = (x: tf.Tensor) => new Uint8Array((x.dataSync() as Float32Array).slice().buffer);

function paddedBatch(B: number, S: number, vocab: number, seed: number): { batch: Batch; labels: Int32Array } {
  const r = new Random(seed);
  const inputIds = new Int32Array(B * S), attentionMask = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    const len = b === 0 ? S : 1 + r.int(S); // one full row, the others padded by chance
    for (let s = 0; s < len; s++) {
      inputIds[b * S + s] = 3 + r.int(vocab - 3);
      attentionMask[b * S + s] = 1;
    }
  }
  return { batch: { inputIds, attentionMask, batchSize: B, seqLength: S }, labels: Int32Array.from({ length: B }, () => r.int(2)) };
}

for (const [modelType, hidden, ffn] of [["bert", 48, 96], ["roberta", 32, 64]] as const) {
  test(`${modelType} (hidden ${hidden}): skipping padded positions gives every position's loss, logits, hidden states and gradients, byte for byte`, async (t) => {
    await initBackend();
    if (!fusedKernels()) return t.skip("the fused kernels do not run here (the composite ops compute every row)");
    const config = makeConfig({
      model_type: modelType, vocab_size: 60, hidden_size: hidden, num_hidden_layers: 2, num_attention_heads: 4,
      intermediate_size: ffn, num_labels: 2, max_position_embeddings: 160,
    });
    const model = await createRandomModel(config, 3);
    for (const engine of matrixProductEngines()) await withBlasSetting(engine.setting, async () => {
      for (const [B, S] of [[5, 11], [3, 130]]) {
        const { batch, labels } = paddedBatch(B, S, config.vocab_size, B * 1000 + S);
        const run = (paddedRows: "skip" | "compute") => {
          const opts = { training: true, seed: 4, paddedRows };
          const { loss, grads } = lossAndGrads(model, () => crossEntropy(model.forward(batch, opts).logits, labels));
          const evalOut = model.forward(batch, { training: false, outputHiddenStates: true, paddedRows });
          return { loss, grads, logits: evalOut.logits, hidden: evalOut.hiddenStates! };
        };
        const full = run("compute");
        const skip = run("skip");
        const where = `${modelType} B=${B} S=${S} ${engine.name}`;
        // The skip did run: the row-restricted kernel is among those the forward dispatched.
        const kernels = (await tf.profile(() => void tf.dispose(model.forward(batch, { training: false }).logits))).kernelNames;
        assert.ok(kernels.includes("InstabilityLinearRows"), `${where}: kernels ${kernels.join(", ")}`);
        assert.equal(skip.loss, full.loss, `${where}: loss`);
        assert.deepEqual(bytes(skip.logits), bytes(full.logits), `${where}: eval logits`);
        full.hidden.forEach((h, i) => assert.deepEqual(bytes(skip.hidden[i]), bytes(h), `${where}: hidden state ${i}`));
        for (const [name, g] of full.grads) assert.deepEqual(bytes(skip.grads.get(name)!), bytes(g), `${where}: gradient of ${name}`);
        tf.dispose([...full.grads.values(), ...skip.grads.values(), full.logits, skip.logits, ...full.hidden, ...skip.hidden]);
      }
    });
    model.dispose();
  });
}

test("linear on listed rows: their outputs, and dx, dW, db when the other rows' gradient is zero, are the full layer's bytes; the other rows are zero", async (t) => {
  await initBackend();
  if (!fusedKernels()) return t.skip("the fused kernels do not run here");
  for (const engine of matrixProductEngines()) withBlasSetting(engine.setting, () => {
    const r = new Random(11);
    for (const [n, inDim, outDim] of [[300, 24, 48], [300, 16, 8], [7, 24, 24]]) {
      const listed = Array.from({ length: n }, (_, i) => i).filter((i) => i === 0 || r.int(10) < 7);
      const rows = tf.tensor1d(Int32Array.from(listed), "int32");
      const keep = tf.tensor2d(Array.from({ length: n }, (_, i) => (listed.includes(i) ? 1 : 0)), [n, 1]);
      const x = tf.randomNormal([n, inDim], 0, 1, "float32", 1) as tf.Tensor2D;
      const w = tf.variable(tf.randomNormal([outDim, inDim], 0, 1, "float32", 2) as tf.Tensor2D);
      const b = tf.variable(tf.randomNormal([outDim], 0, 1, "float32", 3) as tf.Tensor1D);
      const xv = tf.variable(x);
      const dyFull = tf.mul(tf.randomNormal([n, outDim], 0, 1, "float32", 4), keep); // zero on unlisted rows
      const run = (withRows: boolean) =>
        tf.variableGrads(() => tf.sum(tf.mul(linear(xv, w, b, withRows ? rows : undefined), dyFull)) as tf.Scalar, [xv, w, b]);
      const yFull = linear(x, w, b);
      const yRows = linear(x, w, b, rows);
      const where = `n=${n} in=${inDim} out=${outDim} ${engine.name}`;
      const pick = (y: tf.Tensor) => tf.gather(y, rows);
      assert.deepEqual(bytes(pick(yRows)), bytes(pick(yFull)), `${where}: listed rows of y`);
      const other = Array.from({ length: n }, (_, i) => i).filter((i) => !listed.includes(i));
      if (other.length) assert.ok(tf.gather(yRows, other).abs().max().dataSync()[0] === 0, `${where}: unlisted rows are zero`);
      const full = run(false).grads, part = run(true).grads;
      for (const k of Object.keys(full)) assert.deepEqual(bytes(part[k]), bytes(full[k]), `${where}: gradient of ${k}`);
      tf.dispose([rows, keep, x, w, b, xv, dyFull, yFull, yRows, ...Object.values(full), ...Object.values(part)]);
    }
  });
});
