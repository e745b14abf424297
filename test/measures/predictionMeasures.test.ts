// Prediction-level measures and task metrics on hand-computed cases and textbook examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accuracy,
  disagreementRate,
  f1Score,
  fleissKappa,
  jensenShannonDivergence,
  matthewsCorrelation,
  pairMean,
  pairwiseDisagreement,
  pairwiseDisagreementMatrix,
  pairwiseJensenShannon,
  predictions,
  softmax,
  standardDeviation,
} from "../../src/measures";
import { Random } from "../../src/util/random";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("accuracy, F1 of class 1 and MCC on a hand-computed confusion matrix", () => {
  // tp = 3, fp = 1, fn = 2, tn = 4
  const pred = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const gold = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];
  close(accuracy(pred, gold), 7 / 10);
  close(f1Score(pred, gold), (2 * 3) / (2 * 3 + 1 + 2));
  close(matthewsCorrelation(pred, gold), (3 * 4 - 1 * 2) / Math.sqrt(4 * 5 * 5 * 6));
  // On a subset of examples: indices 0, 4, 6 → tp 1, fn 1, tn 1.
  close(accuracy(pred, gold, [0, 4, 6]), 2 / 3);
});

test("degenerate task metrics: one class predicted everywhere gives MCC 0 and F1 0 without positives", () => {
  const gold = [1, 0, 1, 0];
  assert.equal(matthewsCorrelation([1, 1, 1, 1], gold), 0);
  assert.equal(matthewsCorrelation([0, 0, 0, 0], gold), 0);
  assert.equal(f1Score([0, 0, 0, 0], gold), 0); // no positive predictions
  assert.equal(f1Score([1, 0, 1, 0], [0, 0, 0, 0]), 0); // no positive labels
  close(matthewsCorrelation(gold, gold), 1);
  close(matthewsCorrelation([0, 1, 0, 1], gold), -1);
});

test("argmax takes the first maximum and softmax rows sum to 1", () => {
  const logits = Float64Array.of(1, 3, 2, 5, 5, 0);
  assert.deepEqual(Array.from(predictions(logits, 2, 3)), [1, 0]);
  const p = softmax(Float64Array.of(1000, 1000, -1000, 0), 2, 2);
  close(p[0], 0.5);
  close(p[2] + p[3], 1);
  assert.ok(p[2] === 0 || p[2] < 1e-300);
});

test("SD is the population standard deviation, with optional (repeating) run lists", () => {
  close(standardDeviation([0.7, 0.8, 0.9]), Math.sqrt(((0.1 ** 2) * 2) / 3));
  // [0, 0, 1] → values .5, .5, .9 with mean 19/30
  close(standardDeviation([0.5, 0.9], [0, 0, 1]), Math.sqrt(((0.5 - 19 / 30) ** 2 * 2 + (0.9 - 19 / 30) ** 2) / 3));
});

test("pairwise disagreement by hand, and pair means over repeated runs", () => {
  const preds = [
    [0, 0, 1, 1],
    [0, 1, 1, 1],
    [1, 1, 0, 1],
  ];
  // d01 = 1/4, d02 = 3/4, d12 = 2/4 → mean 0.5
  close(pairwiseDisagreement(preds), 0.5);
  const m = pairwiseDisagreementMatrix(preds);
  close(m[0 * 3 + 2], 0.75);
  // Resample [0, 0, 2]: pairs (0,0)=0, (0,2)=.75, (0,2)=.75 → 0.5
  close(pairMean(m, 3, [0, 0, 2]), 0.5);
  close(disagreementRate(preds[0], preds[2], [0, 3]), 0.5);
});

test("Fleiss' kappa reproduces the textbook worked example (Fleiss 1971 via Wikipedia): κ ≈ 0.210", () => {
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  const raters = Array.from({ length: 14 }, () => new Int32Array(10));
  table.forEach((counts, subject) => {
    let r = 0;
    counts.forEach((c, category) => {
      for (let t = 0; t < c; t++) raters[r++][subject] = category;
    });
  });
  const kappa = fleissKappa(raters, 5);
  // P̄ = 0.378, P_e = 0.2128 in the worked example.
  close(kappa, (0.37802197802197807 - 0.21275510204081635) / (1 - 0.21275510204081635), 1e-12);
  close(Math.round(kappa * 1000) / 1000, 0.21);
});

test("uniform-over-items chance gives I_κ = I_pwd·N/(N−1) exactly (the reference numbers' identity)", () => {
  const rng = new Random(7);
  const R = 7;
  const n = 139;
  const preds = Array.from({ length: R }, () => Int32Array.from({ length: n }, () => (rng.next() < 0.8 ? 1 : 0)));
  const iKappa = 1 - fleissKappa(preds, 2, { chance: "uniform-over-items" });
  close(iKappa, (pairwiseDisagreement(preds) * n) / (n - 1), 1e-12);
  // The textbook chance term is larger here, so I_κ is larger than I_pwd.
  assert.ok(1 - fleissKappa(preds, 2) > pairwiseDisagreement(preds) * 1.2);
});

test("Fleiss' kappa: identical raters give κ = 1, duplicates count as separate raters", () => {
  const a = Int32Array.of(0, 1, 1, 0);
  close(fleissKappa([a, a, a], 2), 1);
  close(fleissKappa([Int32Array.of(1, 1, 1), Int32Array.of(1, 1, 1)], 2), 1); // P_e = 1: defined as 1
  const b = Int32Array.of(1, 1, 0, 0);
  // raters [a, a, b]: counts per subject (2,1), (0,3), (1,2), (3,0) → P_i = 1/3, 1, 1/3, 1, so
  // P̄ = 2/3; p = (6/12, 6/12) → P_e = 1/2; κ = (2/3 − 1/2)/(1/2) = 1/3.
  close(fleissKappa([a, a, b], 2), 1 / 3);
});

test("JSD by hand: natural log, divergence not distance, 0·log 0 = 0", () => {
  // p = (1, 0), q = (0, 1): m = (.5, .5), JSD = ln 2.
  close(jensenShannonDivergence(Float64Array.of(1, 0), Float64Array.of(0, 1), 2), Math.LN2);
  // p = (.5, .5), q = (1, 0): m = (.75, .25); JSD = .5·(.5 ln(.5/.75) + .5 ln(.5/.25)) + .5·ln(1/.75)
  const want = 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2)) + 0.5 * Math.log(1 / 0.75);
  close(jensenShannonDivergence(Float64Array.of(0.5, 0.5), Float64Array.of(1, 0), 2), want);
  const probs = [Float64Array.of(1, 0, 0.5, 0.5), Float64Array.of(1, 0, 0.5, 0.5), Float64Array.of(0, 1, 0.5, 0.5)];
  // pairs: (0,1) 0, (0,2) mean(ln2, 0) = ln2/2, (1,2) ln2/2 → mean ln2/3
  close(pairwiseJensenShannon(probs, 2), Math.LN2 / 3);
  close(pairwiseJensenShannon(probs, 2, [1]), 0);
});

test("prediction measures are invariant to a common permutation of the examples", () => {
  const rng = new Random(9);
  const n = 50;
  const preds = Array.from({ length: 5 }, () => Int32Array.from({ length: n }, () => rng.int(3)));
  const perm = rng.permutation(n);
  const permuted = preds.map((p) => Int32Array.from(perm, (i) => p[i]));
  close(pairwiseDisagreement(permuted), pairwiseDisagreement(preds));
  close(fleissKappa(permuted, 3), fleissKappa(preds, 3));
});
