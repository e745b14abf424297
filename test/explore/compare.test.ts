// Comparing two run sets with the multibootstrap: a known difference is found (CI around it,
// excluding 0, small p), no difference is not, the observed values are the measures' own, and
// pairing over shared examples narrows the interval when examples differ in difficulty.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { compareRunSets } from "../../src/analysis/explore/compareRunSets";
import { measureRuns } from "../../src/measures";
import { loadRuns } from "../../src/runs";
import { mkdtemp } from "../helpers/tempDir";
import { writeRandomRuns } from "../helpers/randomRuns";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

function sets(o: { accA: number; accB: number; runs?: number; n?: number }) {
  const a = mkdtemp("compare-a-");
  const b = mkdtemp("compare-b-");
  writeRandomRuns(a, { runs: o.runs ?? 12, n: o.n ?? 150, accuracy: o.accA, seed: 31 });
  writeRandomRuns(b, { runs: o.runs ?? 12, n: o.n ?? 150, accuracy: o.accB, seed: 32 });
  return { a, b, A: loadRuns(a), B: loadRuns(b) };
}

test("a known difference (accuracy 0.9 vs 0.65): found, with the measures' own values; B disagrees more", () => {
  const { A, B } = sets({ accA: 0.9, accB: 0.65 });
  const r = compareRunSets(A, B, { resamples: 400 });
  const [ma, mb] = [measureRuns(A), measureRuns(B)];
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const row = (q: string) => r.rows.find((x) => x.quantity === q)!;
  assert.ok(Math.abs(row("metric").difference - (mean(ma.scores) - mean(mb.scores))) < 1e-12);
  for (const q of ["pwd", "jsd", "kappa", "sd"] as const) {
    assert.ok(Math.abs(row(q).a - ma.prediction[q]) < 1e-12, `${q} of A`);
    assert.ok(Math.abs(row(q).b - mb.prediction[q]) < 1e-12, `${q} of B`);
  }
  assert.ok(r.paired, "same labels: paired");
  const m = row("metric");
  assert.ok(m.difference > 0.2 && m.lower > 0.15 && m.lower < m.difference && m.difference < m.upper, JSON.stringify(m));
  assert.ok(m.p < 0.01);
  assert.ok(row("pwd").upper < 0 && row("pwd").p < 0.01, JSON.stringify(row("pwd")));
});

test("no difference (both 0.8, different seeds): every CI holds 0, p > 0.05", () => {
  const { A, B } = sets({ accA: 0.8, accB: 0.8 });
  const r = compareRunSets(A, B, { resamples: 400 });
  for (const row of r.rows) {
    assert.ok(row.lower <= 0 && row.upper >= 0, `${row.quantity}: [${row.lower}, ${row.upper}]`);
    assert.ok(row.p > 0.05, `${row.quantity}: p ${row.p}`);
  }
});

test("paired over shared examples: a narrower CI when examples differ in difficulty; unpaired when labels differ", () => {
  const n = 150;
  const difficulty = Float64Array.from({ length: n }, (_, i) => 0.15 + 0.8 * ((i * 37) % n) / n);
  const a = mkdtemp("compare-pa-");
  const b = mkdtemp("compare-pb-");
  writeRandomRuns(a, { runs: 10, n, exampleAccuracy: difficulty.map((d) => Math.min(1, d + 0.05)), seed: 41 });
  writeRandomRuns(b, { runs: 10, n, exampleAccuracy: difficulty, seed: 42 });
  const [A, B] = [loadRuns(a), loadRuns(b)];
  const width = (paired: boolean) => {
    const m = compareRunSets(A, B, { resamples: 400, paired }).rows[0];
    return m.upper - m.lower;
  };
  assert.ok(width(true) < 0.8 * width(false), `paired ${width(true)} vs unpaired ${width(false)}`);
  const other = mkdtemp("compare-other-");
  writeRandomRuns(other, { runs: 3, n, labels: Int32Array.from({ length: n }, (_, i) => (i + 1) % 2) });
  assert.equal(compareRunSets(A, loadRuns(other), { resamples: 100 }).paired, false);
  assert.throws(() => compareRunSets(A, loadRuns(other), { paired: true }), /do not share their test examples/);
});

test("instability compare: --json equals the library; the table; one-line errors", () => {
  const { a, b, A, B } = sets({ accA: 0.85, accB: 0.7, runs: 5, n: 60 });
  const r = spawnSync(process.execPath, [CLI, "compare", a, b, "--json", "--resamples", "200"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(compareRunSets(A, B, { resamples: 200 }))));
  const table = spawnSync(process.execPath, [CLI, "compare", a, b, "--resamples", "100"], { encoding: "utf8" });
  assert.match(table.stdout, /paired \(shared test examples\)/);
  assert.match(table.stdout, /mean accuracy .*\[/);
  for (const [args, message] of [[[a], /expected two runs folders/], [[a, b, "--resamples", "5"], /--resamples '5': use a whole number ≥ 100/], [[a, b, "--metric", "auc"], /--metric 'auc'/]] as const) {
    const bad = spawnSync(process.execPath, [CLI, "compare", ...args], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, message);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
  }
});
