// A classifier's last layer computes the first tokens only (EncoderModel.encode's lastLayerRows):
// against the full last layer, the same logits, hidden states and gradient of every parameter.
// On the fused wasm kernels (with our gemm, and with a BLAS library's products) they are the same
// bytes; on the composite ops (INSTABILITY_FUSED=0) equal to float32 rounding. Batches with
// padding, a batch size that is not a multiple of 4, a sequence length that is not a multiple of
// 8, dropout on, BERT and RoBERTa.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { batchOf, bytes } from "../helpers/paddedBatch";
import { type LastLayerRows, createRandomModel, crossEntropy, initBackend, lossAndGrads, makeConfig } from "../../src/model";
import { fusedKernels } from "../../src/model/kernels/runtime";
import { withEnv } from "../helpers/env";
import { matrixProductEngines, withBlasSetting } from "../helpers/matrixProducts";


const withFused = <T>(on: boolean, f: () => Promise<T>): Promise<T> => withEnv("INSTABILITY_FUSED", on ? "1" : "0", f);

for (const modelType of ["bert", "roberta"] as const) {
  test(`${modelType}: the first-token last layer gives the full layer's logits, hidden states and gradients`, async () => {
    await initBackend();
    const config = makeConfig({
      model_type: modelType, vocab_size: 50, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4,
      intermediate_size: 64, num_labels: 3, max_position_embeddings: 40,
    });
    const engines = fusedKernels() ? matrixProductEngines() : [];
    const paths = [...engines.map((e) => ({ fused: true, engine: e })), { fused: false, engine: null }];
    for (const { fused, engine } of paths) {
      await withBlasSetting(engine?.setting ?? "0", () => withFused(fused, async () => {
        const model = await createRandomModel(config, 7);
        for (const [B, S] of [[5, 11], [4, 16], [1, 3]]) {
          const { batch, labels } = batchOf(B, S, config.vocab_size, B * 100 + S);
          const run = (rows: LastLayerRows) => {
            const { loss, grads } = lossAndGrads(model, () => crossEntropy(model.forward(batch, { training: true, seed: 9 }, rows).logits, labels));
            const evalOut = model.forward(batch, { training: false, outputHiddenStates: true }, rows);
            return { loss, grads, logits: evalOut.logits, hidden: evalOut.hiddenStates! };
          };
          const all = run("all");
          const first = run("first-tokens");
          const where = `${modelType} ${fused ? `fused, ${engine!.name}` : "composite"} B=${B} S=${S}`;
          const same = (a: tf.Tensor, b: tf.Tensor, what: string) => {
            if (fused) assert.deepEqual(bytes(a), bytes(b), `${where}: ${what}`);
            else {
              const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]);
              assert.ok(d <= 1e-5, `${where}: ${what} differs by ${d} (relative)`);
            }
          };
          if (fused) assert.equal(first.loss, all.loss, `${where}: loss`);
          else assert.ok(Math.abs(first.loss - all.loss) <= 1e-6 * Math.abs(all.loss), `${where}: loss ${first.loss} vs ${all.loss}`);
          same(first.logits, all.logits, "eval logits");
          assert.equal(first.hidden.length, config.num_hidden_layers + 1);
          first.hidden.forEach((h, i) => same(h, all.hidden[i], `hidden state ${i}`));
          assert.deepEqual([...first.grads.keys()].sort(), [...all.grads.keys()].sort());
          for (const [name, g] of all.grads) same(first.grads.get(name)!, g, `gradient of ${name}`);
          tf.dispose([...all.grads.values(), ...first.grads.values(), all.logits, first.logits, ...all.hidden, ...first.hidden]);
        }
        model.dispose();
      }));
    }
  });
}
