// Seed planning: the bootstrap half-width of a mean against the known σ/√m, the 1/√n rule beyond
// the seeds measured, seeds for a target and to tell two configurations apart (its 80% power
// checked by simulation), and `instability seeds` / --compare on run folders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { seedCurve, seedsForHalfWidth, seedsToResolve, seedsToTellApart, Z_95, type SeedCurvePoint } from "../../src/analysis/seedPlanning";
import { compareSeedPlans, computeSeedPlan } from "../../src/analysis/explore/seedPlan";
import { loadRuns } from "../../src/runs";
import { Random } from "../../src/util/random";
import { mkdtemp } from "../helpers/tempDir";
import { writeRandomRuns } from "../helpers/randomRuns";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

test("the resampled SE of a mean is σ/√m (σ of the n values), the half-width ≈ 1.96·SE; beyond n the 1/√n rule", () => {
  const rng = new Random(5);
  const values = Array.from({ length: 12 }, () => rng.normal() * 2 + 1);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sigma = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  const curve = seedCurve(12, (d) => d.reduce((s, i) => s + values[i], 0) / d.length, { resamples: 4000, maxSeeds: 40 });
  assert.equal(curve.length, 39);
  for (const p of curve.filter((q) => !q.extrapolated)) {
    const se = sigma / Math.sqrt(p.seeds);
    assert.ok(Math.abs(p.se / se - 1) < 0.06, `m = ${p.seeds}: SE ${p.se} vs σ/√m ${se}`);
    assert.ok(Math.abs(p.halfWidth / (Z_95 * se) - 1) < 0.12, `m = ${p.seeds}: half-width ${p.halfWidth} vs ${Z_95 * se}`);
  }
  const last = curve[10];
  assert.equal(last.seeds, 12);
  for (const p of curve.filter((q) => q.extrapolated)) {
    assert.ok(p.seeds > 12);
    assert.ok(Math.abs(p.halfWidth - last.halfWidth * Math.sqrt(12 / p.seeds)) < 1e-15);
  }
});

test("seeds for a target half-width, to resolve an effect, and to tell two configurations apart", () => {
  const s = 1;
  const curve = (n: number): SeedCurvePoint[] => Array.from({ length: n - 1 }, (_, i) => ({ seeds: i + 2, halfWidth: Z_95 * s / Math.sqrt(i + 2), se: s / Math.sqrt(i + 2), extrapolated: false }));
  assert.deepEqual(seedsForHalfWidth(curve(10), 1), { seeds: 4, extrapolated: false });
  // 1.96/√m ≤ 0.2 ⇔ m ≥ 96.04
  assert.deepEqual(seedsForHalfWidth(curve(10), 0.2), { seeds: 97, extrapolated: true });
  assert.equal(seedsToResolve(0.1, 0.2, 10), 40);
  assert.equal(seedsToResolve(-0.1, 0.2, 10), 40);
  assert.equal(seedsToResolve(0, 0.2, 10), Infinity);
  // |δ| ≥ (1.96 + 0.84)·√(2/m) ⇔ m ≥ 2·2.8016²/δ²
  const delta = 0.5;
  const want = Math.ceil((2 * (Z_95 + 0.8416212335729143) ** 2) / delta ** 2);
  const got = seedsToTellApart(delta, curve(6), curve(6));
  assert.deepEqual(got, { seeds: want, extrapolated: true });
  // Power of the two-sided z-test at that many seeds, by simulation: about 80%.
  const rng = new Random(17);
  let rejected = 0;
  const sims = 3000;
  for (let t = 0; t < sims; t++) {
    let a = 0, b = 0;
    for (let i = 0; i < got.seeds; i++) (a += rng.normal() * s + delta), (b += rng.normal() * s);
    if (Math.abs(a / got.seeds - b / got.seeds) / (s * Math.sqrt(2 / got.seeds)) > Z_95) rejected++;
  }
  assert.ok(Math.abs(rejected / sims - 0.8) < 0.03, `power ${rejected / sims}`);
  assert.deepEqual(seedsToTellApart(5, curve(6), curve(6)), { seeds: 2, extrapolated: false });
});

test("computeSeedPlan and --compare on run folders: a large difference needs few seeds, none never; the CLI prints the same", () => {
  const good = mkdtemp("seeds-a-");
  const poor = mkdtemp("seeds-b-");
  const same = mkdtemp("seeds-c-");
  writeRandomRuns(good, { runs: 6, n: 80, accuracy: 0.9, seed: 1, hidden: { layers: 3, width: 6 } });
  writeRandomRuns(poor, { runs: 6, n: 80, accuracy: 0.6, seed: 2, hidden: { layers: 3, width: 6 } });
  writeRandomRuns(same, { runs: 6, n: 80, accuracy: 0.9, seed: 1, hidden: { layers: 3, width: 6 } });
  const a = computeSeedPlan(loadRuns(good), { target: 0.01 });
  assert.deepEqual(a.quantities.map((q) => q.name), ["metric", "sd", "pwd", "kappa", "jsd", "svcca", "op", "cka"]);
  assert.equal(a.block, 2);
  const scores = loadRuns(good).runs.map((r) => r.labels.filter((y, i) => (r.logits[2 * i + 1] > r.logits[2 * i] ? 1 : 0) === y).length / 80);
  assert.ok(Math.abs(a.quantities[0].value - scores.reduce((s, v) => s + v, 0) / 6) < 1e-12);
  assert.match(a.note, /beyond 6: extrapolated by the 1\/√n rule/);
  const metricVs = compareSeedPlans(a, computeSeedPlan(loadRuns(poor))).find((c) => c.name === "metric")!;
  assert.ok(metricVs.difference > 0.2 && metricVs.seeds <= 3, JSON.stringify(metricVs));
  const identical = compareSeedPlans(a, computeSeedPlan(loadRuns(same))).find((c) => c.name === "metric")!;
  assert.equal(identical.difference, 0);
  assert.equal(identical.seeds, Infinity);

  const r = spawnSync(process.execPath, [CLI, "seeds", good, "--json", "--target", "0.01", "--compare", poor], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.quantities[0].curve, a.quantities[0].curve);
  assert.deepEqual(out.quantities[0].forTarget, a.quantities[0].forTarget);
  assert.equal(out.comparison.find((c: { name: string }) => c.name === "metric").seeds, metricVs.seeds);
  const text = spawnSync(process.execPath, [CLI, "seeds", good, "--measures", "none"], { encoding: "utf8" });
  assert.match(text.stdout, /95% CI half-width by number of seeds .* \* = extrapolated/);
  assert.doesNotMatch(text.stdout, /I_CKA/);
  for (const [args, message] of [[["--target=0"], /--target .0.: use a positive number/], [["--measures", "foo"], /--measures 'foo': unknown measure 'foo'/]] as const) {
    const bad = spawnSync(process.execPath, [CLI, "seeds", good, ...args], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, message);
  }
});
