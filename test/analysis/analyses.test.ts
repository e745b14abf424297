import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  bootstrapConfiguration,
  computeBenchmark,
  computeBootstrap,
  computeConvergentValidity,
  computeLayerExperiment,
  computeSdAgreement,
  computeSubsampling,
  computeSuccessfulVsFailed,
  configurationName,
  firstSeeds,
  loadConfiguration,
  pearson,
  RunStore,
  SIX_MEASURES,
  type Bootstrap,
} from "../../src/analysis";
import { disagreementRate, fleissKappa, linearCkaDistance, predictions, standardDeviation } from "../../src/measures";
import { hiddenLayer } from "../../src/runs";
import type { Random } from "../../src/util/random";
import { fiveMethods, writeSyntheticStore } from "./synthetic";

const SEEDS = [0, 1, 2, 3, 4, 5];
const FAILED = [1, 3, 4, 8];

const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tmp(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `analysis-${name}-`));
  made.push(d);
  return d;
}

let full: string | undefined;
function fullStore(): string {
  if (!full) {
    full = tmp("full");
    writeSyntheticStore(full, { configs: [...fiveMethods(SEEDS), { method: "none", lr: 5e-5, seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scale: 2, failedSeeds: FAILED }] });
  }
  return full;
}

test("the store reader finds every configuration, names methods as the paper does, and measures each once", () => {
  const logs: string[] = [];
  const store = new RunStore(fullStore(), { log: (l) => logs.push(l) });
  assert.deepEqual(store.configurations.map((c) => `${c.method}@${c.learningRate}`), ["standard@0.00002", "standard@0.00005", "mixout@0.00002", "llrd@0.00002", "reinit@0.00002", "wdpre@0.00002"]);
  assert.equal(store.standard("tiny", "toy")!.learningRate, 2e-5);
  assert.equal(store.benchmark("tiny", "toy").length, 5);
  assert.ok(store.configurations[1].hasFinal && !store.configurations[0].hasFinal);
  const std = store.standard("tiny", "toy")!;
  const a = store.measures(std);
  assert.equal(store.measures(std), a, "cached");
  assert.equal(logs.filter((l) => l.startsWith("measuring")).length, 1);
  assert.deepEqual(a.layers, [1, 2, 3, 4], "blocks 1..L, not the embedding output");
});

test("a constructed ranking on which all measures agree gives τ-b = 1 for every pair", () => {
  const b = computeBenchmark(new RunStore(fullStore()));
  assert.equal(b.panels.length, 1);
  for (const row of b.panels[0].matrix) for (const v of row) assert.ok(Math.abs(v - 1) < 1e-12, `τ = ${v}`);
  for (const r of b.rankings) assert.deepEqual(r.order, ["reinit", "llrd", "wdpre", "mixout", "standard"], `ranking by ${r.measure}`);
  assert.equal(b.tau.length, 15);
});

test("identical runs: every instability is 0, and τ and bootstrap correlations are undefined, not errors", () => {
  const dir = tmp("identical");
  writeSyntheticStore(dir, { configs: fiveMethods([0, 1, 2, 3]).map((c) => ({ ...c, identical: true })) });
  const store = new RunStore(dir);
  const b = computeBenchmark(store);
  for (const r of b.rows) for (const k of SIX_MEASURES) assert.ok(Math.abs(r[k] as number) < 1e-9, `${r.method} ${k} = ${r[k]}`);
  assert.ok(b.tau.every((r) => Number.isNaN(r.tau as number)));
  const boot = computeBootstrap(store, { resamples: 50 });
  assert.ok(boot.rows.every((r) => Number.isNaN(r.r as number)));
  const agreement = computeSdAgreement(boot);
  assert.equal(agreement.summary.length, 0);
  assert.equal(agreement.skipped.length, 1);
});

test("the layers experiment sees instability rise with depth; convergent validity is Pearson r of the curves", () => {
  const store = new RunStore(fullStore());
  const layers = computeLayerExperiment(store);
  assert.equal(layers.summary.length, 3);
  for (const s of layers.summary) {
    assert.equal(s.rises, true, `${s.measure}`);
    assert.equal(s.spearman, 1);
    assert.ok((s.slope as number) > 0);
  }
  assert.equal(layers.methods.length, 2, "I_CKA and I_OP per method");
  const cv = computeConvergentValidity(store);
  const curves = store.measures(store.standard("tiny", "toy")!).curves!;
  assert.deepEqual(cv.rows.map((r) => `${r.measureA}~${r.measureB}`), ["cka~op", "cka~svcca", "op~svcca"]);
  for (const r of cv.rows) assert.equal(r.r, pearson(curves[r.measureA as "cka"], curves[r.measureB as "op"]));
});

test("successful vs failed: labels from metrics.json, the right pairs, and the majority-class rule as fallback", () => {
  const store = new RunStore(fullStore());
  const res = computeSuccessfulVsFailed(store, { permutations: 99 });
  assert.equal(res.groups.length, 1);
  const g = res.groups[0];
  assert.equal(g.variant, "final");
  assert.equal(g.source, "metrics.json");
  assert.deepEqual(g.failed, FAILED.map((s) => `seed-0${s}`));
  assert.equal(g.successful.length, 6);
  assert.deepEqual(res.counts[0], { model: "tiny", task: "toy", learningRate: 5e-5, variant: "final", source: "metrics.json", failed: 4, total: 10 });
  // independent: I_CKA over both-failed pairs of the final models at the top layer
  const cfg = store.configurations.find((c) => c.learningRate === 5e-5)!;
  const set = loadConfiguration(cfg, "final");
  const idx = (names: string[]) => names.map((n) => set.runs.findIndex((r) => r.name === n));
  const groupMean = (ids: number[]) => {
    let s = 0;
    let k = 0;
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const x = hiddenLayer(set.runs[ids[i]].hidden!, 4);
      const y = hiddenLayer(set.runs[ids[j]].hidden!, 4);
      s += linearCkaDistance(x, y, set.n, set.width!);
      k++;
    }
    return s / k;
  };
  const top = res.rows.find((r) => r.measure === "cka" && r.layer === 4)!;
  assert.ok(Math.abs((top.failed as number) - groupMean(idx(g.failed))) < 1e-9);
  assert.ok(Math.abs((top.successful as number) - groupMean(idx(g.successful))) < 1e-9);
  for (const r of res.rows) assert.ok((r.p as number) > 0 && (r.p as number) <= 1);

  const dir = tmp("rule");
  writeSyntheticStore(dir, { configs: [{ method: "none", lr: 5e-5, seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scale: 2, failedSeeds: FAILED, failedLabel: false }] });
  const byRule = computeSuccessfulVsFailed(new RunStore(dir), { permutations: 0 });
  assert.equal(byRule.groups[0].source, "majority-class rule");
  assert.deepEqual(byRule.groups[0].failed, g.failed);
});

test("successful vs failed is skipped with a reason when no configuration has both groups", () => {
  const dir = tmp("nofail");
  writeSyntheticStore(dir, { configs: fiveMethods([0, 1, 2]) });
  const res = computeSuccessfulVsFailed(new RunStore(dir));
  assert.equal(res.groups.length, 0);
  assert.match(res.skipped[0].reason, /at least 2 failed and 2 successful/);
});

test("bootstrap: pair means reuse the pair matrices with duplicates contributing 0; κ takes duplicates as raters; seeded", () => {
  const store = new RunStore(fullStore());
  const std = store.standard("tiny", "toy")!;
  const m = store.measures(std);
  const draws = [2, 2, 5, 0, 5, 1];
  let t = 0;
  const fake = { int: () => draws[t++ % draws.length] } as unknown as Random;
  const runs = firstSeeds(m, 10);
  const s = bootstrapConfiguration(m, runs, 1, fake);
  const drawn = draws.map((i) => runs[i]);
  const set = loadConfiguration(std);
  const preds = set.runs.map((r) => predictions(r.logits, r.n, r.numClasses));
  let pwd = 0;
  let cka = 0;
  let pairs = 0;
  for (let i = 0; i < drawn.length; i++) for (let j = i + 1; j < drawn.length; j++) {
    pwd += disagreementRate(preds[drawn[i]], preds[drawn[j]]);
    cka += drawn[i] === drawn[j] ? 0 : linearCkaDistance(hiddenLayer(set.runs[drawn[i]].hidden!, 4), hiddenLayer(set.runs[drawn[j]].hidden!, 4), set.n, set.width!);
    pairs++;
  }
  assert.ok(Math.abs(s.pwd[0] - pwd / pairs) < 1e-12);
  assert.ok(Math.abs(s.cka[0] - cka / pairs) < 1e-9);
  assert.equal(s.sd[0], standardDeviation(m.scores, drawn));
  assert.equal(s.kappa[0], 1 - fleissKappa(drawn.map((i) => preds[i]), 2));

  const a = computeBootstrap(store, { resamples: 40, seed: 3 });
  const b = computeBootstrap(store, { resamples: 40, seed: 3 });
  const c = computeBootstrap(store, { resamples: 40, seed: 4 });
  assert.deepEqual(a.configs.map((x) => x.samples), b.configs.map((x) => x.samples));
  assert.notDeepEqual(a.configs[0].samples.sd, c.configs[0].samples.sd);
  assert.equal(a.configs.length, 5);
  assert.equal(a.configs[0].configuration, configurationName(std));
});

test("SD vs agreement: mean correlations that grow exactly with SD give r = 1", () => {
  const methods = ["standard", "mixout", "llrd", "reinit"];
  const configs = [1, 2, 3, 4].map((k) => ({
    model: "m",
    task: "rte",
    method: methods[k - 1],
    learningRate: 2e-5,
    configuration: `c${k}`,
    runs: 10,
    sd: 0.01 * k,
    samples: {} as Bootstrap["configs"][number]["samples"],
    matrix: SIX_MEASURES.map((_, i) => SIX_MEASURES.map((_, j) => (i === j ? 1 : 0.1 * k))),
  }));
  const extra = { ...configs[0], task: "sst2", sd: 5 };
  const res = computeSdAgreement({ rows: [], configs: [...configs, extra], skipped: [], resamples: 0 });
  assert.equal(res.summary.length, 1);
  assert.equal(res.summary[0].configurations, 4, "SST-2, with Standard runs only, is left out");
  // A task with every method counts, SST-2 included; an explicit list overrides the rule.
  const sst2 = configs.map((c) => ({ ...c, task: "sst2" }));
  assert.equal(computeSdAgreement({ rows: [], configs: [...configs, ...sst2], skipped: [], resamples: 0 }).summary[0].configurations, 8);
  assert.equal(computeSdAgreement({ rows: [], configs: [...configs, ...sst2], skipped: [], resamples: 0 }, { excludeTasks: ["sst2"] }).summary[0].configurations, 4);
  assert.equal(res.summary[0].points, 24);
  assert.ok(Math.abs((res.summary[0].r as number) - 1) < 1e-12);
});

test("methods at a second learning rate are further configurations: bootstrapped and counted by SD-vs-agreement; the failed-run sweep is not", () => {
  const dir = tmp("two-rates");
  const seeds = [0, 1, 2, 3];
  const atRate = (lr: number, bump: number) => fiveMethods(seeds).map((c) => ({ ...c, lr, scale: c.scale + bump }));
  writeSyntheticStore(dir, { configs: [...atRate(2e-5, 0), ...atRate(5e-5, 1), { method: "none", lr: 1e-4, seeds, scale: 2, failedSeeds: [1, 2] }] });
  const store = new RunStore(dir);
  const configs = store.methodConfigurations("tiny", "toy");
  assert.equal(configs.length, 10);
  assert.ok(configs.every((c) => c.learningRate !== 1e-4), "Standard alone at the failed-run rate is not a method configuration");
  assert.equal(store.benchmark("tiny", "toy").length, 5, "the benchmark stays at the Standard learning rate");
  const boot = computeBootstrap(store, { resamples: 50 });
  assert.deepEqual(boot.configs.map((c) => c.learningRate).sort(), [...Array(5).fill(2e-5), ...Array(5).fill(5e-5)]);
  assert.equal(computeSdAgreement(boot).summary[0].configurations, 10);
});

test("sub-sampling at rate 1 reproduces the full computation; smaller rates use the same subset for every run", () => {
  const store = new RunStore(fullStore());
  const one = computeSubsampling(store, { rates: [1], repetitions: 2 });
  assert.ok(one.rows.length > 0);
  for (const r of one.rows) assert.ok(Math.abs(r.deviation as number) < 1e-12, `${r.measure} layer ${r.layer}: ${r.deviation}`);
  const sub = computeSubsampling(store, { rates: [0.5, 0.1], repetitions: 4, seed: 1 });
  assert.deepEqual(sub.panels.map((p) => [p.rate, p.examples]), [[0.5, 40], [0.1, 8]]);
  assert.equal(sub.panels[0].curves[0].repetitions.length, 4);
  const again = computeSubsampling(store, { rates: [0.5, 0.1], repetitions: 4, seed: 1 });
  assert.deepEqual(again.rows, sub.rows, "seeded");
  // each summary row is the largest |deviation| of its (rate, measure) rows, over repetitions and layers
  assert.equal(sub.summary.length, 2 * new Set(sub.rows.map((r) => r.measure)).size);
  for (const s of sub.summary) {
    const devs = sub.rows.filter((r) => r.rate === s.rate && r.measure === s.measure && r.task === s.task).map((r) => Math.abs(r.deviation as number));
    assert.ok(devs.length >= 4, `${s.measure} at ${s.rate}: 4 repetitions (× layers)`);
    assert.equal(s.maxAbsDeviation, Math.max(...devs), `${s.measure} at ${s.rate}`);
  }
  const pwdAt = (rate: number) => sub.summary.find((r) => r.measure === "pwd" && r.rate === rate)!;
  assert.ok((pwdAt(0.1).maxAbsDeviation as number) > 0, "8 of 80 examples move I_pwd");
  assert.equal(pwdAt(0.1).relative, (pwdAt(0.1).maxAbsDeviation as number) / Math.abs(pwdAt(0.1).full as number));
  assert.ok(sub.rows.some((r) => Math.abs(r.deviation as number) > 1e-6), "subsets do move the measures");
});

test("runs that metrics.json marks diverged are listed and still analysed (they are failed runs, not missing ones)", () => {
  const dir = tmp("diverged");
  writeSyntheticStore(dir, { configs: [{ method: "none", lr: 2e-5, seeds: [0, 1, 2, 3], scale: 2 }] });
  const runDir = path.join(dir, "tiny", "toy", "none-lr2e-5", "seed-02");
  fs.writeFileSync(path.join(runDir, "metrics.json"), JSON.stringify({ seed: 2, diverged: true, divergedStep: 17 }));
  const store = new RunStore(dir);
  const c = store.configurations[0];
  assert.deepEqual(c.seeds, [0, 1, 2, 3]);
  assert.deepEqual(c.diverged, ["seed-02"]);
  assert.equal(store.measures(c).runs.length, 4);
});
