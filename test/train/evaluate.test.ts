// predict() runs examples in length-sorted batches and returns them in their own order. An
// example's logits and hidden states must not depend on which examples share its batch or how far
// that batch is padded: the same bytes as the batches of consecutive examples predict() ran
// before, on the fused path the fine-tuning runs take, for batch sizes that are and are not
// multiples of 4 (batches of 6: 6 sorted ones and a last one of 4), with our gemm and with a BLAS
// library's products.
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { loadTokenizer } from "../../src/data/tokenizers";
import { defaultModelDir, loadModel } from "../../src/model";
import { fusedKernels } from "../../src/model/kernels/runtime";
import { batchIndices, encodeExamples, makeBatch, predict } from "../../src/train/finetune";
import { lengthOrder } from "../../src/train/finetune/evaluate";
import { matrixProductEngines, withBlasSetting } from "../helpers/matrixProducts";

const WORDS = "the cat sat on a mat while free money offers arrived by mail every single day of the week".split(" ");

test("predict: length-sorted batches give each example the bytes of fixed-order batches, in the input order", async (t) => {
  const model = await loadModel(defaultModelDir(), { numLabels: 2, seed: 3, log: () => {} });
  try {
    if (!fusedKernels()) return t.skip("no fused wasm kernels here");
    const tokenizer = loadTokenizer(defaultModelDir());
    // lengths 1..40 words in a scrambled order, so sorted batches mix examples from all over the list
    const examples = Array.from({ length: 40 }, (_, i) => {
      const n = 1 + ((i * 17) % 40);
      return { text: Array.from({ length: n }, (_, w) => WORDS[(w * 7 + i) % WORDS.length]).join(" "), label: i % 2 };
    });
    const data = encodeExamples(tokenizer, examples, 64, 2, "test");
    const order = lengthOrder(data);
    assert.notDeepEqual([...order], [...order].sort((a, b) => a - b), "the examples are not already in length order");
    const [C, d, L] = [2, model.config.hidden_size, model.config.num_hidden_layers + 1];
    for (const engine of matrixProductEngines()) for (const size of [8, 6]) withBlasSetting(engine.setting, () => {
      const all = predict(model, data, { batchSize: size, hiddenStates: true });
      // the reference: consecutive examples, `size` to a batch, each batch padded to its longest
      for (const idx of batchIndices(Int32Array.from({ length: data.labels.length }, (_, i) => i), size)) {
        const { batch } = makeBatch(data, idx);
        const ref = tf.tidy(() => {
          const o = model.forward(batch, { training: false, outputHiddenStates: true });
          return { logits: o.logits.dataSync() as Float32Array, hidden: o.hiddenStates!.map((h) => h.dataSync() as Float32Array) };
        });
        idx.forEach((i, r) => {
          const at = `${engine.name}, batch size ${size}, example ${i}`;
          assert.deepEqual([...all.logits.subarray(i * C, (i + 1) * C)], [...ref.logits.subarray(r * C, (r + 1) * C)], `${at}: logits`);
          for (let l = 0; l < L; l++) {
            assert.deepEqual([...all.hidden!.subarray((l * all.n + i) * d, (l * all.n + i + 1) * d)], [...ref.hidden[l].subarray(r * d, (r + 1) * d)], `${at}: hidden layer ${l}`);
          }
        });
      }
    });
  } finally {
    model.dispose();
  }
});
