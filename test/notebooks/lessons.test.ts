// The library code behind notebooks 01 and 02 (src/notebook/lessons/): the numbers their tables
// show and the sentences their cells print, on the toy data the notebooks use and on inputs made
// to take each branch of a sentence.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as m from "../../src/measures";
import { lowRankPlusNoise, toyPredictions } from "../../src/notebook/toy";
import { accuracyBySeed, sdIsNotEnoughSentence, sevenMeasures, sevenMeasuresFigure, sevenMeasuresTable, toyStore, type SevenValues } from "../../src/notebook/lessons/sdIsNotEnough";
import {
  identityAndSymmetry, invariance, kappaChanceFigure, kappaChanceSentence, kappaChanceTerms, predictionIdentityAndOrder,
  svccaBelowWidth, svccaBelowWidthFigure, svccaBelowWidthSentence, svccaBelowWidthTable,
} from "../../src/notebook/lessons/measureProperties";
import { METHOD_SVCCA_BELOW_WIDTH } from "../../src/analysis/findings/paperNumbers";

test("NB01: the toy store round-trips both sets, every run scores 0.8, and remove() deletes only it", () => {
  const toy = toyStore({ n: 40, runs: 3, correct: 32, layers: 2, width: 48 });
  try {
    assert.deepEqual(fs.readdirSync(toy.dir).sort(), ["different", "identical"]);
    assert.deepEqual(accuracyBySeed(toy.sets), [0, 1, 2].map((seed) => ({ seed, "identical runs: accuracy": 0.8, "different runs: accuracy": 0.8 })));
  } finally {
    toy.remove();
  }
  assert.equal(fs.existsSync(toy.dir), false);
});

test("NB01: seven measures are 0 for identical runs and above 0 for different runs (SD 0 for both); the sentence says so", () => {
  const toy = toyStore({ n: 40, runs: 3, correct: 32, layers: 2, width: 48 });
  try {
    const seven = sevenMeasures(toy.sets);
    assert.equal(seven.top, 2);
    // the top-layer value is the last entry of measureRuns' curve, computed independently here
    assert.ok(Math.abs(seven.values.different.cka - m.measureRuns(toy.sets.different, { layers: [2] }).representation!.cka![0]) < 1e-12);
    for (const [k, v] of Object.entries(seven.values.identical)) assert.ok(Math.abs(v) < 1e-8, `identical ${k} = ${v}`);
    assert.ok(Math.abs(seven.values.different.sd) < 1e-12, "same accuracy, so SD 0");
    for (const k of ["pwd", "kappa", "jsd", "svcca", "op", "cka"] as const) assert.ok(seven.values.different[k] > 1e-3, `different ${k}`);
    assert.deepEqual(sevenMeasuresTable(seven).map((r) => r.set), ["identical", "different"]);
    assert.equal(sevenMeasuresFigure(seven).data.length, 7);
    const s = sdIsNotEnoughSentence(seven.values);
    assert.match(s, /^SD is 0\.000 for the identical runs and 0\.000 for the different runs\. Every finer measure is 0 for the identical runs\./);
    assert.match(s, new RegExp(`I_pwd = ${seven.values.different.pwd.toFixed(3)}: two runs disagree on ${Math.round(100 * seven.values.different.pwd)}%`));
    assert.match(s, /cannot tell the two sets apart; the finer measures can\.$/);
  } finally {
    toy.remove();
  }
});

test("NB01 sentence: a measure at 0 is named as such, and different SDs are not called indistinguishable", () => {
  const zero: SevenValues = { sd: 0, pwd: 0, kappa: 0, jsd: 0, svcca: 0, op: 0, cka: 0 };
  const s = sdIsNotEnoughSentence({ identical: zero, different: { ...zero, sd: 0.02, pwd: 0.1, cka: 0.5, svcca: 0.05 } });
  assert.match(s, /For the different runs, I_pwd, I_SVCCA, I_CKA are above 0 .*, while I_κ, I_JSD, I_OP stay at about 0\./);
  assert.match(s, /I_SVCCA is 0\.050, 10 times smaller than I_CKA\./);
  assert.match(s, /So SD differs between the sets here\.$/);
});

test("NB02: identity, symmetry and order-freedom, with the library's measures computed directly", () => {
  const n = 30, d = 50;
  const x = lowRankPlusNoise(n, d, 5, 0.5, 1), y = lowRankPlusNoise(n, d, 5, 0.5, 2);
  const rows = identityAndSymmetry(x, y, n, d);
  assert.deepEqual(rows.map((r) => [r.measure, r["identity holds"], r["symmetry holds"]]), [["svcca", "yes", "yes"], ["op", "yes", "yes"], ["cka", "yes", "yes"]]);
  assert.equal(rows[2]["d(X, Y)"], m.linearCkaDistance(x, y, n, d));
  const pred = predictionIdentityAndOrder({ runs: 5, n: 60, flip: 0.1, seed: 3 });
  assert.ok(pred.every((r) => r["identity holds"] === "yes" && r["order-free"] === "yes"));
  assert.equal(pred.find((r) => r.measure === "pwd")!["5 runs"], m.pairwiseDisagreement(toyPredictions({ runs: 5, n: 60, flip: 0.1, seed: 3 })));
  assert.throws(() => predictionIdentityAndOrder({ runs: 6, n: 10, flip: 0.1, seed: 1 }), /runs must not be a multiple of 3 \(got 6\)/);
});

test("NB02: rotation + isotropic scaling is invisible to OP and CKA, per-column scaling is not", () => {
  const n = 30, d = 50;
  const x = lowRankPlusNoise(n, d, 5, 0.5, 1), y = lowRankPlusNoise(n, d, 5, 0.5, 2);
  const rows = invariance(x, y, n, d, { scale: 3.7, rotationSeed: 11, stretchSeed: 12 });
  for (const r of rows.filter((r) => r.measure !== "svcca")) {
    assert.equal(r["rotation + scaling invisible"], "yes");
    assert.ok((r["d(X, X·diag(s))"] as number) > 0.01, `${r.measure} sees per-column scaling`);
  }
});

test("NB02: with N < d, I_SVCCA of independent Gaussian matrices is method.md's ≈ 0.013, and CKA calls them different", () => {
  const e = svccaBelowWidth({ levels: [0.02, 3] });
  assert.equal(e.n, METHOD_SVCCA_BELOW_WIDTH.n);
  assert.ok(Math.abs(e.unrelated.svcca - 0.013) < 0.003, `I_SVCCA = ${e.unrelated.svcca}`);
  assert.ok(e.unrelated.cka > 0.9);
  assert.ok(e.related[0].svcca > e.related[1].svcca, "SVCCA falls as the copies' noise grows");
  assert.ok(e.related[0].cka < e.related[1].cka, "CKA rises with it");
  assert.deepEqual(svccaBelowWidthTable(e).map((r) => r["I_SVCCA in method.md"]), [0.013, 0.16, 0.16]);
  assert.equal(svccaBelowWidthFigure(e).data.length, 6);
  const s = svccaBelowWidthSentence(e);
  assert.match(s, new RegExp(`I_SVCCA = ${e.unrelated.svcca.toFixed(3)} \\(method\\.md: about 0\\.013\\)`));
  assert.match(s, /calls them very different/);
});

test("NB02 sentence: when every related pair scores above the unrelated one, it says so", () => {
  const e = { n: 10, d: 20, levels: [0.1], unrelated: { svcca: 0.01, op: 0.5, cka: 0.2 }, related: [{ svcca: 0.2, op: 0.1, cka: 0.1 }] };
  const s = svccaBelowWidthSentence(e);
  assert.match(s, /calls them similar/);
  assert.match(s, /Every related pair scores above the independent pair here/);
});

test("NB02: uniform-over-items κ is I_pwd·N/(N−1) exactly; textbook κ is about twice I_pwd when balanced", () => {
  const rows = kappaChanceTerms({ flips: [0.05, 0.2], positiveRates: [0.5, 0.8], runs: 6, n: 80 });
  assert.equal(rows.length, 4);
  for (const r of rows) assert.ok(Math.abs(r["I_κ uniform-over-items"] - r["I_pwd·N/(N−1)"]) < 1e-12);
  for (const r of rows.filter((r) => r["share of class 1"] === 0.5)) assert.ok(Math.abs(r["I_κ textbook"] / r.pwd - 2) < 0.15);
  const line = kappaChanceFigure(rows, 80).data[2];
  assert.ok(Math.abs((line.y![1] as number) - (line.x![1] as number) * 80 / 79) < 1e-12, "the dashed line has slope N/(N−1)");
  const s = kappaChanceSentence(rows);
  assert.match(s, /over 4 run sets is .*, so the identity holds to machine precision\./);
  assert.match(s, /0\.13771·139\/138 = 0\.13871 \(reported I_κ: 0\.13871\)/);
  assert.match(kappaChanceSentence([{ ...rows[0], "I_pwd·N/(N−1)": rows[0].pwd }]), /does NOT hold/);
});
