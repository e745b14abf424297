import { test } from "node:test";
import assert from "node:assert/strict";
import { cohensD, correlationMatrix, kendallTauB, pearson, rankBiserial, ranks, spearman, welchTTest, zScores } from "../../src/analysis/stats";

test("Kendall's τ-b matches a hand-computed example with ties in x and in y", () => {
  // pairs: (0,1) C, (0,2) C, (0,3) C, (1,2) tied in x, (1,3) D, (2,3) tied in y
  // τ-b = (3 − 1) / √((6 − 1)(6 − 1)) = 0.4
  assert.ok(Math.abs(kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]) - 0.4) < 1e-15);
  // a pair tied in both counts in both tie totals: (2 − 0) / √((3 − 1)(3 − 1)) = 1
  assert.equal(kendallTauB([1, 1, 2], [5, 5, 6]), 1);
  assert.equal(kendallTauB([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), -1);
  // no ties: (C − D) / n0 with C = 4, D = 2 of 6 pairs
  assert.ok(Math.abs(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]) - (5 - 1) / 6) < 1e-15);
  assert.ok(Number.isNaN(kendallTauB([1, 1, 1], [1, 2, 3])), "constant ranking: τ undefined");
  assert.ok(Number.isNaN(kendallTauB([1, NaN, 3], [1, 2, 3])), "a missing value: τ undefined");
});

test("ranks average ties; Spearman is Pearson of ranks and invariant to monotone maps", () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  const x = [0.1, 0.4, 0.2, 0.9, 0.5];
  const y = x.map((v) => Math.exp(3 * v));
  assert.ok(Math.abs(spearman(x, y) - 1) < 1e-12);
  assert.ok(pearson(x, y) < 1);
});

test("Pearson is NaN for a constant series, and a correlation matrix keeps NaN where undefined", () => {
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  // Σdx·dy = 4.5, Σdx² = 2, Σdy² = 61/6: r = 4.5 / √(2 · 61/6)
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6.5]) - 0.9979487157886733) < 1e-12);
  const m = correlationMatrix([[1, 2, 3], [3, 2, 1], [4, 4, 4]]);
  assert.equal(m[0][0], 1);
  assert.ok(Math.abs(m[0][1] + 1) < 1e-12);
  assert.ok(Number.isNaN(m[2][2]) && Number.isNaN(m[0][2]));
});

test("effect sizes: Cohen's d with the pooled SD, rank-biserial in [−1, 1]", () => {
  // means 2 and 5, both groups have sample variance 1 → d = −3
  assert.ok(Math.abs(cohensD([1, 2, 3], [4, 5, 6]) + 3) < 1e-12);
  assert.equal(rankBiserial([4, 5, 6], [1, 2, 3]), 1);
  assert.equal(rankBiserial([1, 3], [2, 2]), 0);
  assert.deepEqual(zScores([1, 2, 3]).map((z) => Math.round(z * 1e6) / 1e6), [-1.224745, 0, 1.224745]);
});

test("Welch's t test matches scipy.stats.ttest_ind(equal_var=False)", () => {
  // Reference values printed by SciPy 1.17 for the same inputs.
  const cases: [number[], number[], number, number, number][] = [
    [[1, 2, 3, 4, 5], [2, 4, 6, 8, 10], -1.8973665961010275, 5.882352941176471, 0.10753119493062728],
    [[0.845, 0.845, 0.843, 0.868, 0.853], [0.853, 0.795, 0.845, 0.835, 0.848], 1.3625623423206625, 5.506774352060168, 0.2261047444080847],
    [[0.5, 0.6, 0.55], [0.5, 0.5, 0.5, 0.52], 1.5359763347691524, 2.1205276833899664, 0.25744555451515316],
  ];
  for (const [a, b, t, df, p] of cases) {
    const r = welchTTest(a, b);
    assert.ok(Math.abs(r.t - t) < 1e-9, `t ${r.t} vs ${t}`);
    assert.ok(Math.abs(r.df - df) < 1e-9, `df ${r.df} vs ${df}`);
    assert.ok(Math.abs(r.p - p) < 1e-7, `p ${r.p} vs ${p}`);
    // Swapping the groups flips t and keeps p.
    const s = welchTTest(b, a);
    assert.ok(Math.abs(s.t + t) < 1e-9 && Math.abs(s.p - p) < 1e-9);
  }
  // One group constant is fine (the other has spread); both constant, or one value, is undefined.
  assert.ok(Number.isFinite(welchTTest([0.5, 0.5, 0.5], [0.6, 0.7, 0.65]).p));
  assert.ok(Number.isNaN(welchTTest([0.5, 0.5], [0.5, 0.5]).p));
  assert.ok(Number.isNaN(welchTTest([0.5], [0.6, 0.7]).p));
});
