// The pieces of a run on their own: failed-run rule, best-checkpoint selection, batching.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BestCheckpoint, batchIndices, classifyRun, formatFailedRule, majorityClassAccuracy, makeBatch, parseFailedRule } from "../../src/train/finetune";

test("failed-run rule: parsing, the default, and the judged checkpoint", () => {
  assert.deepEqual(parseFailedRule("final:accuracy<=majority"), { checkpoint: "final", measure: "accuracy", baseline: "majority" });
  assert.deepEqual(parseFailedRule("best:metric<=0.1"), { checkpoint: "best", measure: "metric", baseline: 0.1 });
  assert.equal(formatFailedRule(parseFailedRule("best:metric<=0")), "best:metric<=0");
  assert.throws(() => parseFailedRule("final:loss<=1"), /failed-run rule 'final:loss<=1' is not understood: .*default final:accuracy<=majority/);

  const labels = [1, 1, 1, 0, 0]; // majority 0.6
  assert.equal(majorityClassAccuracy(labels), 0.6);
  const allOnes = { predictions: [1, 1, 1, 1, 1] }; // accuracy 0.6: at the baseline → failed
  const good = { predictions: [1, 1, 1, 0, 1] }; // accuracy 0.8
  const rule = parseFailedRule("final:accuracy<=majority");
  const a = classifyRun(rule, labels, "mcc", good, allOnes);
  assert.equal(a.failed, true);
  assert.equal(a.label, "failed");
  assert.equal(a.checkpointUsed, "final");
  assert.equal(a.score, 0.6);
  assert.equal(a.baseline, 0.6);
  const b = classifyRun(rule, labels, "mcc", good); // no final outputs: judged on the best, with a note
  assert.equal(b.failed, false);
  assert.equal(b.checkpointUsed, "best");
  assert.match(b.note!, /--save-final/);
  // The task's own metric: MCC of the constant predictor is 0.
  const c = classifyRun(parseFailedRule("final:metric<=0"), labels, "mcc", good, allOnes);
  assert.equal(c.score, 0);
  assert.equal(c.failed, true);
});

test("best checkpoint: strictly greater wins, the first evaluation is always kept, restore brings the values back", () => {
  const v = tf.variable(tf.tensor1d([1, 2]));
  const params = new Map([["w", v]]);
  const best = new BestCheckpoint();
  assert.equal(best.consider(1, NaN, params), true); // the first is kept whatever its value
  assert.equal(best.consider(2, 0.5, params), true); // NaN is beaten by any number
  v.assign(tf.tensor1d([3, 4]));
  assert.equal(best.consider(3, 0.5, params), false); // equal is not better
  v.assign(tf.tensor1d([5, 6]));
  assert.equal(best.consider(4, 0.4, params), false);
  assert.equal(best.epoch, 2);
  best.restoreInto(params);
  assert.deepEqual(Array.from(v.dataSync()), [1, 2]);
  assert.equal(best.consider(5, 0.7, params), true);
  assert.equal(best.epoch, 5);
  best.dispose();
  v.dispose();
});

test("batches keep the last partial batch and are padded only to their longest row", () => {
  assert.deepEqual(batchIndices([4, 0, 3, 1, 2], 2).map((b) => Array.from(b)), [[4, 0], [3, 1], [2]]);
  const data = {
    inputIds: [Int32Array.of(2, 7, 3), Int32Array.of(2, 5, 6, 8, 3), Int32Array.of(2, 3)],
    tokenTypeIds: [Int32Array.of(0, 0, 0), Int32Array.of(0, 0, 0, 1, 1), Int32Array.of(0, 0)],
    labels: Int32Array.of(1, 0, 1),
    padTokenId: 0,
  };
  const { batch, labels } = makeBatch(data, [2, 0]);
  assert.equal(batch.seqLength, 3);
  assert.deepEqual(Array.from(batch.inputIds), [2, 3, 0, 2, 7, 3]);
  assert.deepEqual(Array.from(batch.attentionMask), [1, 1, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(labels), [1, 1]);
  const wide = makeBatch(data, [0, 1]);
  assert.equal(wide.batch.seqLength, 5);
  assert.deepEqual(Array.from(wide.batch.tokenTypeIds!), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
});
