import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Mixout, mixoutWeight } from "../../src/train/mitigation/mixout";
import { Random } from "../../src/util/random";
import { disposeParams, fakeParams } from "./fakeParams";

tf.setBackend("cpu");

/** method.md's formula, elementwise in float64: ((1−M)u + M·W − p·u)/(1−p), M per input feature. */
function jsMixout(W: number[][], u: number[][], keep: number[], p: number, inputAxis: number): number[][] {
  return W.map((row, i) => row.map((w, j) => {
    const M = keep[inputAxis === 0 ? i : j];
    return ((1 - M) * u[i][j] + M * w - p * u[i][j]) / (1 - p);
  }));
}

function randomMatrix(r: Random, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(r.normal())));
}

function maxDiff(a: number[][], b: number[][]): number {
  let d = 0;
  a.forEach((row, i) => row.forEach((x, j) => (d = Math.max(d, Math.abs(x - b[i][j])))));
  return d;
}

test("W̃ for a given mask matches the formula, for either input axis", () => {
  const r = new Random(1);
  for (const inputAxis of [0, 1]) {
    const W = randomMatrix(r, 4, 3), u = randomMatrix(r, 4, 3);
    const nIn = inputAxis === 0 ? 4 : 3;
    for (const keep of [Array(nIn).fill(1), Array(nIn).fill(0), Array.from({ length: nIn }, (_, j) => j % 2)]) {
      const got = tf.tidy(() => mixoutWeight(tf.tensor(W), tf.tensor(u), keep, 0.1, inputAxis).arraySync() as number[][]);
      assert.ok(maxDiff(got, jsMixout(W, u, keep, 0.1, inputAxis)) < 1e-6, `axis ${inputAxis}, mask ${keep}`);
    }
  }
});

test("the expectation of W̃ over all masks is W (exact enumeration)", () => {
  const r = new Random(2);
  const p = 0.3;
  const W = randomMatrix(r, 4, 2), u = randomMatrix(r, 4, 2);
  const mean = W.map((row) => row.map(() => 0));
  for (let bits = 0; bits < 16; bits++) {
    const keep = [0, 1, 2, 3].map((j) => (bits >> j) & 1);
    const prob = keep.reduce((acc, m) => acc * (m ? 1 - p : p), 1);
    const w = tf.tidy(() => mixoutWeight(tf.tensor(W), tf.tensor(u), keep, p, 0).arraySync() as number[][]);
    w.forEach((row, i) => row.forEach((x, j) => (mean[i][j] += prob * x)));
  }
  assert.ok(maxDiff(mean, W) < 1e-5);
});

test("the hook draws one mask per input feature, shared by every output, averaging to W", () => {
  const params = fakeParams({ arch: "bert", layers: 1, hidden: 6, ffn: 8 }, 3);
  const name = "bert.encoder.layer.0.intermediate.dense.weight"; // [in 6, out 8]
  const p = 0.1;
  const mixout = new Mixout(params, { p, rng: new Random(4), inputAxis: 0 });
  const u = params.get(name)!.arraySync() as number[][];
  params.get(name)!.assign(tf.add(params.get(name)!, 1)); // W ≠ u, as after some training
  const W = params.get(name)!.arraySync() as number[][];
  const draws = 4000;
  const sum = W.map((row) => row.map(() => 0));
  const before = tf.memory().numTensors;
  let kept = 0;
  for (let d = 0; d < draws; d++) {
    const wt = tf.tidy(() => mixout.weightTransform(name, params.get(name)! as tf.Tensor2D).arraySync() as number[][]);
    wt.forEach((row, i) => {
      const isKept = Math.abs(row[0] - (W[i][0] - p * u[i][0]) / (1 - p)) < 1e-5;
      if (isKept) kept++;
      row.forEach((x, j) => {
        const want = isKept ? (W[i][j] - p * u[i][j]) / (1 - p) : u[i][j];
        assert.ok(Math.abs(x - want) < 1e-5, "a whole input row is either kept or reset to u");
        sum[i][j] += x;
      });
    });
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  const keepRate = kept / (draws * 6);
  assert.ok(Math.abs(keepRate - 0.9) < 0.01, `keep rate ${keepRate}`);
  // The mean of 4000 draws has SD ≈ √(p/(1−p))·|W−u|/√4000 ≈ 0.0053 here (|W−u| = 1).
  assert.ok(maxDiff(sum.map((row) => row.map((x) => x / draws)), W) < 0.03);
  mixout.dispose();
  disposeParams(params);
});

test("p = 0 gives back the plain weight; masks are seeded; only linear weights are mixed", () => {
  const params = fakeParams({ arch: "roberta", layers: 2, hidden: 4, ffn: 8 }, 5);
  const name = "roberta.encoder.layer.1.output.dense.weight";
  const m0 = new Mixout(params, { p: 0, rng: new Random(1), inputAxis: 0 });
  // Targets are captured at creation, so create these before the weight moves away from u.
  const [ma, mb, mc] = [7, 7, 8].map((seed) => new Mixout(params, { p: 0.5, rng: new Random(seed), inputAxis: 1 }));
  params.get(name)!.assign(tf.mul(params.get(name)!, 3));
  const w = params.get(name)! as tf.Tensor2D;
  assert.deepEqual(Array.from(m0.weightTransform(name, w).dataSync()), Array.from(w.dataSync()));
  const draw = (m: Mixout) => [1, 2, 3].map(() => tf.tidy(() => Array.from(m.weightTransform(name, params.get(name)! as tf.Tensor2D).dataSync())));
  const a = draw(ma), b = draw(mb), c = draw(mc);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notDeepEqual(a[0], a[1]);
  [ma, mb, mc].forEach((m) => m.dispose());
  assert.ok(m0.targetNames.includes("classifier.out_proj.weight") && m0.targetNames.includes("classifier.dense.weight"));
  assert.ok(m0.targetNames.every((n) => n.endsWith(".weight") && !n.includes("LayerNorm") && !n.includes("embeddings")));
  assert.equal(m0.targetNames.length, 2 * 6 + 2);
  assert.throws(() => m0.weightTransform("roberta.encoder.layer.1.output.dense.bias", w), /no load-time target/);
  assert.throws(() => new Mixout(params, { p: 1, rng: new Random(1), inputAxis: 0 }), /\[0, 1\)/);
  m0.dispose();
  disposeParams(params);
});

test("the gradient through W̃ is M/(1−p) per input feature", () => {
  const W = tf.tensor([[1, 2], [3, 4], [5, 6]]), u = tf.tensor([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]);
  const C = tf.tensor([[1, -1], [2, 0.5], [3, 1]]);
  const keep = [1, 0, 1], p = 0.2;
  const g = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(mixoutWeight(w, u, keep, p, 0), C)))(W).arraySync() as number[][];
  const want = (C.arraySync() as number[][]).map((row, i) => row.map((c) => (keep[i] / (1 - p)) * c));
  assert.ok(maxDiff(g, want) < 1e-6);
  tf.dispose([W, u, C]);
});
