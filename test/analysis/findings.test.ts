// Each finding on small synthetic stores built to make it hold, not hold, and be undecidable
// (a precondition fails). The verdict logic lives in analysis/findings only; these tests are
// what keeps it honest.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunStore } from "../../src/analysis";
import * as F from "../../src/analysis/findings";
import { computeSdAgreement } from "../../src/analysis/agreement";
import { computeBootstrap } from "../../src/analysis/bootstrap";
import { mkdtemp } from "../helpers/tempDir";
import { fiveMethods, writeSyntheticStore, type SynthConfig, type SynthStore } from "./synthetic";

const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7];

function storeOf(configs: SynthConfig[], extra: Partial<SynthStore> = {}): RunStore {
  const dir = mkdtemp("findings-");
  writeSyntheticStore(dir, { configs, ...extra });
  return new RunStore(dir);
}

test("learning: holds when every CI clears the baseline, does not hold for runs at chance, and names the numbers", () => {
  const ok = F.learningFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }]));
  assert.equal(ok.verdict, "holds");
  assert.match(ok.sentence, /over 8 runs vs 0\.600/);
  // scale 8: run r flips 8·r of 80 examples, up to half of them → accuracy falls to the 0.6 baseline and below
  const bad = F.learningFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 8 }]));
  assert.equal(bad.verdict, "does not hold");
  assert.match(bad.reason, /tiny\/toy Standard: 0\.\d+ \[0\.\d+, 0\.\d+\] vs baseline 0\.600/);
  const row = bad.observed[0];
  assert.equal(row.learns, false);
  assert.ok((row.ciLower as number) <= 0.6);
});

test("the constant baseline is the best constant prediction: majority accuracy, F1 of always-positive, 0 for MCC", () => {
  const labels = Int32Array.from([1, 1, 1, 0]);
  assert.equal(F.constantBaseline("accuracy", labels, 2), 0.75);
  assert.ok(Math.abs(F.constantBaseline("f1", labels, 2) - 6 / 7) < 1e-12);
  assert.equal(F.constantBaseline("mcc", labels, 2), 0);
});

test("layers: holds when noise rises with depth, does not hold when it falls, not enough evidence with 4 seeds", () => {
  assert.equal(F.layersFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }])).verdict, "holds");
  const falling = F.layersFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1, depthProfile: "falling" }]));
  assert.equal(falling.verdict, "does not hold");
  assert.match(falling.reason, /falls with its whole CI below 0: I_CKA tiny\/toy, I_OP tiny\/toy/);
  const few = F.layersFinding(storeOf([{ method: "none", lr: 1e-3, seeds: [0, 1, 2, 3], scale: 1 }]));
  assert.equal(few.verdict, "not enough evidence");
  assert.equal(few.reason, "enough seeds: tiny/toy Standard: 4 runs (need at least 8)");
  assert.ok(few.observed.length > 0, "the numbers are still shown");
});

test("convergent validity needs enough layers: 4 blocks are not enough evidence, 6 blocks give a verdict", () => {
  const four = F.convergentFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }]));
  assert.equal(four.verdict, "not enough evidence");
  assert.match(four.reason, /4 layers \(points per curve\) \(need at least 5\)/);
  const six = F.convergentFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }], { blocks: 6 }));
  assert.equal(six.verdict, "holds", six.reason);
  const r = six.observed.find((o) => o.pair === "cka~op")!;
  assert.ok((r.r as number) >= F.AGREE_R && (r.ciLower as number) > 0);
});

test("successful vs failed: frozen failed runs hold the hypothesis, collapsed ones contradict it, two failed runs are too few", () => {
  const base: SynthConfig = { method: "none", lr: 4e-3, seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scale: 1 };
  const frozen = F.failedFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }, { ...base, failedSeeds: [1, 3, 5, 7], failedStyle: "frozen" }]), { permutations: 200 });
  assert.equal(frozen.verdict, "holds", frozen.reason);
  const collapsed = F.failedFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }, { ...base, failedSeeds: [1, 3, 5, 7] }]), { permutations: 200 });
  assert.equal(collapsed.verdict, "does not hold", collapsed.reason);
  assert.match(collapsed.sentence, /MORE unstable/);
  const two = F.failedFinding(storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }, { ...base, failedSeeds: [1, 3] }]), { permutations: 50 });
  assert.equal(two.verdict, "not enough evidence");
  assert.match(two.reason, /2 failed and 8 successful runs \(need at least 3 of each\)/);
});

test("Kendall: fewer than 5 methods or a method that does not act is not enough evidence", () => {
  const four = F.kendallFinding(storeOf(fiveMethods(SEEDS).slice(0, 4).map((c) => ({ ...c, lr: 1e-3 }))));
  assert.equal(four.verdict, "not enough evidence");
  assert.match(four.reason, /enough methods: tiny\/toy: 4 methods at the Standard learning rate \(need at least 5\)/);
  // five methods where Mixout's runs are Standard's, seed by seed: Mixout does not act
  const dir = mkdtemp("findings-noop-");
  writeSyntheticStore(dir, { configs: fiveMethods(SEEDS).map((c) => ({ ...c, lr: 1e-3 })) });
  const toy = path.join(dir, "tiny", "toy");
  fs.rmSync(path.join(toy, "mixout-lr1e-3"), { recursive: true });
  fs.cpSync(path.join(toy, "none-lr1e-3"), path.join(toy, "mixout-lr1e-3"), { recursive: true });
  const store = new RunStore(dir);
  const mixout = F.methodActions(store).find((a) => a.method === "mixout")!;
  assert.equal(mixout.sameSeed, 0);
  assert.ok(F.methodActions(store).filter((a) => a.method !== "mixout").every((a) => a.ratio >= F.MIN_ACTION_RATIO));
  const f = F.kendallFinding(store);
  assert.equal(f.verdict, "not enough evidence");
  assert.match(f.reason, /^the method acts: tiny\/toy Mixout: same-seed RMS logit difference to Standard 0\.000 over 8 seeds, 0\.00× the seed-to-seed difference/);
});

test("the granularity gap of Kendall's τ: +1 when SD ranks against the prediction measures, 0 when all agree", () => {
  const v = (sd: number, k: number) => ({ sd, jsd: k, kappa: k, pwd: k, cka: k, op: k });
  const agree = [v(1, 1), v(2, 2), v(3, 3), v(4, 4), v(5, 5)];
  assert.equal(F.granularityGap(agree), 0);
  const reversed = [v(5, 1), v(4, 2), v(3, 3), v(2, 4), v(1, 5)];
  assert.equal(F.granularityGap(reversed), 2);
});

test("SD vs agreement: 5 configurations are not enough evidence; the p of a plain test is labelled as not independent", () => {
  const s = storeOf(fiveMethods(SEEDS).map((c) => ({ ...c, lr: 1e-3 })));
  const f = F.agreementFinding(computeSdAgreement(computeBootstrap(s, { resamples: 100 })));
  assert.equal(f.verdict, "not enough evidence");
  assert.match(f.reason, /tiny: 5 configurations \(paper: 15\) \(need at least 10\)/);
  assert.ok(f.notes.some((n) => /not independent/.test(n)));
});

test("a finding never turns failed preconditions into a verdict", () => {
  let called = false;
  const f = F.finding({ id: "x", title: "x", section: "§", paper: "p", observed: [], gates: [{ name: "g", ok: false, detail: "2 of 8" }], notes: [] }, () => ((called = true), { verdict: "holds", reason: "", sentence: "" }));
  assert.equal(called, false);
  assert.equal(f.verdict, "not enough evidence");
  assert.equal(f.sentence, "Not enough evidence: g: 2 of 8.");
  assert.equal(F.finding({ id: "x", title: "x", section: "§", paper: "p", observed: [], gates: [], notes: [] }, () => ({ verdict: "holds", reason: "", sentence: "" })).verdict, "not enough evidence");
});

test("collapsed runs are data: exactly constant top layers give undefined pairs that the finding counts and names", () => {
  const s = storeOf([{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }, { method: "none", lr: 4e-3, seeds: [0, 1, 2, 3, 4, 5], scale: 1, failedSeeds: [1, 3, 5], failedStyle: "constant" }]);
  const f = F.failedFinding(s, { permutations: 50 });
  // 3 constant runs: their 3 mutual pairs and 9 mixed pairs of 15 are undefined at layer 4
  assert.ok(f.notes.some((n) => n === "tiny/toy Standard (final models): 12 of 15 pairs at layer 4 undefined: run seed-01, run seed-03, run seed-05 are constant there (I_CKA, I_OP, I_SVCCA); means use the defined pairs."), f.notes.join("\n"));
  // both-failed pairs are all undefined at the top layer, so that layer has no failed-pair value
  const top = f.observed.filter((o) => o.layer === 4);
  assert.ok(top.length > 0 && top.every((o) => Number.isNaN(o.failed as number)));
});
