// A training step end to end: no tensor leaks over 100 steps, dropout determined by the seed,
// and plain SGD on the gradients actually lowers the loss (classification and MLM).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random";
import { type Batch, createRandomModel, crossEntropy, lossAndGrads, makeConfig, type EncoderModel } from "../../src/model";

const config = makeConfig({
  model_type: "bert",
  vocab_size: 40,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 32,
  max_position_embeddings: 16,
});

function makeBatch(seed: number): { batch: Batch; labels: Int32Array } {
  const r = new Random(seed);
  const B = 4, S = 8;
  const inputIds = new Int32Array(B * S), attentionMask = new Int32Array(B * S);
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const len = 4 + r.int(5);
    labels[b] = r.int(2);
    for (let s = 0; s < len; s++) {
      // the label is visible in the tokens: class 1 rows use ids ≥ 20
      inputIds[b * S + s] = 1 + r.int(19) + (labels[b] ? 20 : 0);
      attentionMask[b * S + s] = 1;
    }
  }
  return { batch: { inputIds, attentionMask, batchSize: B, seqLength: S }, labels };
}

function sgdStep(model: EncoderModel, grads: Map<string, tf.Tensor>, lr: number): void {
  tf.tidy(() => {
    for (const [name, g] of grads) model.param(name).assign(tf.sub(model.param(name), tf.mul(g, lr)));
  });
  tf.dispose([...grads.values()]);
}

test("100 training steps leak no tensors and lower the loss", async () => {
  const model = await createRandomModel(config, 3, { mlm: true });
  const { batch, labels } = makeBatch(1);
  const positions = Int32Array.from([1, 2, 9, 17]);
  const mlmLabels = Int32Array.from([5, 6, 7, 8]);
  let after1 = -1;
  const losses: number[] = [];
  for (let step = 0; step < 100; step++) {
    const { loss, grads } = lossAndGrads(model, () => {
      const cls = crossEntropy(model.forward(batch, { training: true, seed: step }).logits, labels);
      const mlm = model.mlmForward(batch, positions, mlmLabels, { training: true, seed: step }).loss;
      return tf.add(cls, mlm) as tf.Scalar;
    });
    sgdStep(model, grads, 0.1);
    losses.push(loss);
    if (step === 0) after1 = tf.memory().numTensors;
  }
  assert.equal(tf.memory().numTensors, after1);
  assert.ok(losses[99] < 0.5 * losses[0], `loss ${losses[0]} → ${losses[99]}`);
  model.dispose();
});

test("dropout is a function of the seed; eval mode has none", async () => {
  const model = await createRandomModel(config, 4);
  const { batch } = makeBatch(2);
  const run = (opts: Parameters<EncoderModel["forward"]>[1]) => tf.tidy(() => model.forward(batch, opts).logits.arraySync());
  assert.deepEqual(run({ training: true, seed: 5 }), run({ training: true, seed: 5 }));
  assert.notDeepEqual(run({ training: true, seed: 5 }), run({ training: true, seed: 6 }));
  assert.deepEqual(run({ training: false }), run({ training: true, seed: 5, dropout: { hidden: 0, attention: 0, classifier: 0 } }));
  assert.throws(() => model.forward(batch, { training: true }), /needs an integer seed/);
  model.dispose();
});

test("weightTransform sees every linear weight and replaces it", async () => {
  const model = await createRandomModel(config, 5);
  const { batch } = makeBatch(3);
  const seen: string[] = [];
  const logits = tf.tidy(() =>
    model.forward(batch, {
      training: false,
      weightTransform: (name, w) => {
        seen.push(name);
        return tf.zerosLike(w);
      },
    }).logits.arraySync(),
  );
  assert.ok(seen.includes("bert.encoder.layer.1.attention.self.query.weight"));
  assert.ok(seen.includes("bert.pooler.dense.weight"));
  assert.ok(seen.includes("classifier.weight"));
  assert.equal(seen.length, 2 * 6 + 2);
  // every linear weight zero → logits are the classifier bias (zero at init)
  for (const row of logits) for (const x of row) assert.equal(x, 0);
  model.dispose();
});
