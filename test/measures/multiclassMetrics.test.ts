// F1 and MCC with 3 or more classes: macro F1 and Gorodkin's multiclass MCC (scikit-learn's
// definitions), checked against hand-computed values and an independent formula.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeMetric, f1Score, matthewsCorrelation, taskMetric } from "../../src/measures";
import { Random } from "../../src/util/random";

/** Multiclass MCC as the correlation of the one-hot matrices of labels and predictions (R_K's definition). */
function oneHotCorrelation(pred: number[], labels: number[], K: number): number {
  const n = pred.length;
  const mean = (xs: number[], k: number) => xs.filter((x) => x === k).length / n;
  let cov = 0, vp = 0, vy = 0;
  for (let k = 0; k < K; k++) {
    const mp = mean(pred, k), my = mean(labels, k);
    for (let i = 0; i < n; i++) {
      const a = (pred[i] === k ? 1 : 0) - mp, b = (labels[i] === k ? 1 : 0) - my;
      cov += a * b; vp += a * a; vy += b * b;
    }
  }
  return cov / Math.sqrt(vp * vy);
}

test("3 classes: scikit-learn's documented examples", () => {
  // sklearn.metrics.f1_score docs: y_true=[0,1,2,0,1,2], y_pred=[0,2,1,0,0,1], average="macro" → 0.26666…
  assert.ok(Math.abs(f1Score([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2]) - 4 / 15) < 1e-15);
  // By hand: confusion [[2,0,0],[0,0,1],[1,0,2]], c=4, s=6, Σp·t=15, Σp²=18, Σt²=14 → 9/√(18·22)
  const pred = [0, 0, 2, 2, 0, 2], labels = [2, 0, 2, 2, 0, 1];
  assert.ok(Math.abs(matthewsCorrelation(pred, labels) - 9 / Math.sqrt(18 * 22)) < 1e-15);
  assert.equal(describeMetric("f1", 3), "f1 (macro, 3 classes)");
  assert.equal(describeMetric("f1", 2), "f1 (class 1)");
});

test("multiclass MCC equals the one-hot correlation; with 2 classes both metrics keep their binary meaning", () => {
  const rng = new Random(4);
  for (let trial = 0; trial < 20; trial++) {
    const K = 3 + rng.int(3);
    const labels = Array.from({ length: 50 }, () => rng.int(K));
    const pred = labels.map((y) => (rng.next() < 0.5 ? y : rng.int(K)));
    const mcc = taskMetric("mcc", pred, labels, undefined, K);
    assert.ok(Math.abs(mcc - oneHotCorrelation(pred, labels, K)) < 1e-12, `K=${K}: ${mcc}`);
  }
  const labels = Array.from({ length: 60 }, () => rng.int(2));
  const pred = labels.map((y) => (rng.next() < 0.7 ? y : 1 - y));
  assert.ok(Math.abs(taskMetric("mcc", pred, labels, undefined, 2) - oneHotCorrelation(pred, labels, 2)) < 1e-12);
  let tp = 0, fp = 0, fn = 0;
  pred.forEach((p, i) => (p && labels[i] ? tp++ : p ? fp++ : labels[i] ? fn++ : 0));
  assert.equal(f1Score(pred, labels, undefined, 2), (2 * tp) / (2 * tp + fp + fn));
  // A 3-class set whose run happens to predict only 0 and 1 is still scored as 3-class.
  assert.notEqual(taskMetric("f1", [0, 1, 1, 0], [0, 1, 2, 0], undefined, 3), taskMetric("f1", [0, 1, 1, 0], [0, 1, 2, 0], undefined, 2));
});
