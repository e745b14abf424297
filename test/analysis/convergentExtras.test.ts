// The convergent-validity finding and report section with optional measures: the extra rows are
// Pearson r of layer curves recomputed here from the runs' hidden states with the pure pairwise
// functions; the paper's rows, the verdict and the default output stay as they were; the extras
// are measured on the Standard runs only; bad names are errors, not failed sections.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { RunStore } from "../../src/analysis";
import * as F from "../../src/analysis/findings";
import { computeConvergentValidity } from "../../src/analysis/validity";
import { pwccaDistance, rsaDistance } from "../../src/measures";
import { buildReport, reportSection } from "../../src/report/buildReport";
import { hiddenLayer, loadRuns } from "../../src/runs";
import { run as reproduceCli } from "../../src/cli/commands/reproduce";
import { mkdtemp } from "../helpers/tempDir";
import { writeSyntheticStore } from "./synthetic";

const SEEDS = [0, 1, 2, 3, 4];

function store(): { dir: string; lines: string[]; s: RunStore } {
  const dir = mkdtemp("convergent-extras-");
  writeSyntheticStore(dir, { blocks: 6, configs: [{ method: "none", lr: 1e-3, seeds: SEEDS, scale: 1 }, { method: "mixout", lr: 1e-3, seeds: SEEDS, scale: 2 }] });
  const lines: string[] = [];
  return { dir, lines, s: new RunStore(dir, { log: (l) => lines.push(l) }) };
}

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) (sxy += (x[i] - mx) * (y[i] - my)), (sxx += (x[i] - mx) ** 2), (syy += (y[i] - my) ** 2);
  return sxy / Math.sqrt(sxx * syy);
}

/** The layer curve (mean over pairs, blocks 1..L) of a pairwise function on a configuration's runs. */
function curve(configDir: string, f: (x: Float64Array, y: Float64Array, n: number, d: number) => number): number[] {
  const set = loadRuns(configDir);
  const out: number[] = [];
  for (let l = 1; l < set.layers!; l++) {
    let sum = 0, count = 0;
    for (let a = 0; a < set.runs.length; a++) for (let b = a + 1; b < set.runs.length; b++) {
      sum += f(hiddenLayer(set.runs[a].hidden!, l), hiddenLayer(set.runs[b].hidden!, l), set.n, set.width!);
      count++;
    }
    out.push(sum / count);
  }
  return out;
}

test("convergent finding with pwcca and rsa: extra rows equal Pearson r of independently computed curves; paper rows and verdict unchanged", () => {
  const { s, lines } = store();
  const plain = F.convergentFinding(s);
  assert.deepEqual(plain.observed.map((o) => o.pair), ["cka~op", "cka~svcca", "op~svcca"]);
  const withExtras = F.convergentFinding(s, { measures: ["pwcca", "rsa"] });
  assert.deepEqual(withExtras.observed.map((o) => o.pair), ["cka~op", "cka~svcca", "op~svcca", "pwcca~cka", "pwcca~op", "pwcca~svcca", "rsa~cka", "rsa~op", "rsa~svcca"]);
  assert.deepEqual(withExtras.observed.slice(0, 3), plain.observed);
  assert.equal(withExtras.verdict, plain.verdict);
  assert.equal(withExtras.sentence, plain.sentence);

  const std = s.standard("tiny", "toy")!;
  const curves = { pwcca: curve(std.dir, pwccaDistance), rsa: curve(std.dir, rsaDistance), cka: s.measures(std).curves!.cka };
  for (const [a, b] of [["pwcca", "cka"], ["rsa", "cka"]] as const) {
    const row = withExtras.observed.find((o) => o.pair === `${a}~${b}`)!;
    assert.ok(Math.abs((row.r as number) - pearson(curves[a], curves[b])) < 1e-9, `${a}~${b}: ${row.r} vs ${pearson(curves[a], curves[b])}`);
    assert.ok((row.ciLower as number) <= (row.r as number) && (row.r as number) <= (row.ciUpper as number));
  }
  // Measured once more for the extras, on the Standard runs, and cached.
  F.convergentFinding(s, { measures: ["pwcca", "rsa"] });
  assert.deepEqual(lines.filter((l) => l.startsWith("measuring ")).map((l) => l.split(":")[0]), ["measuring tiny/toy/standard-lr1e-3", "measuring tiny/toy/standard-lr1e-3"]);
});

test("the whole report with measures: every table but convergent_validity is the default one; the extras are measured on the Standard runs only", () => {
  const { dir } = store();
  const lines: string[] = [];
  const plain = buildReport(dir, { bootstrap: { resamples: 50 }, subsampling: { repetitions: 2 }, failure: { permutations: 50 } });
  const extra = buildReport(dir, { bootstrap: { resamples: 50 }, subsampling: { repetitions: 2 }, failure: { permutations: 50 }, measures: ["cka-biased"], log: (l) => lines.push(l) });
  assert.deepEqual(plain.errors, []);
  assert.deepEqual(extra.errors, []);
  assert.deepEqual(Object.keys(extra.tables), Object.keys(plain.tables));
  for (const name of Object.keys(plain.tables)) {
    if (name === "convergent_validity") assert.equal(extra.tables[name].length, plain.tables[name].length + 3);
    else assert.deepEqual(extra.tables[name], plain.tables[name], name);
  }
  const measuring = lines.filter((l) => l.startsWith("measuring ")).map((l) => l.split(":")[0]);
  // The first report cached the paper's three beside the runs (representation-cache.json), so the
  // second measures only the extra measure, and only on the Standard runs.
  assert.equal(measuring.filter((l) => /mixout/.test(l)).length, 0, measuring.join("\n"));
  assert.equal(measuring.filter((l) => /standard/.test(l)).length, 1, measuring.join("\n"));
});

test("convergent validity's panels gain the extra measures' rows and columns; the paper's 3×3 block is unchanged", () => {
  const { s } = store();
  const plain = computeConvergentValidity(s);
  assert.deepEqual(plain.names, ["svcca", "op", "cka"]);
  const more = computeConvergentValidity(s, { measures: ["op-angular", "cka-rbf", "cka"] });
  assert.deepEqual(more.names, ["svcca", "op", "cka", "op-angular", "cka-rbf"], "the paper's three are always there, once");
  const m = more.panels[0].matrix;
  assert.equal(m.length, 5);
  for (let i = 0; i < 5; i++) {
    assert.equal(m[i][i], 1);
    for (let j = 0; j < 5; j++) assert.ok(Math.abs(m[i][j] - m[j][i]) < 1e-12);
  }
  assert.deepEqual(m.slice(0, 3).map((r) => r.slice(0, 3)), plain.panels[0].matrix);
  assert.deepEqual(more.rows.slice(0, 3), plain.rows);
  assert.equal(more.rows.length, 3 + 2 * 3);
});

test("report: --measures adds the extras to the convergent section only; the default section is the paper's; bad names are errors", async () => {
  const { s, dir } = store();
  const plain = reportSection(s, "convergent");
  const extra = reportSection(s, "convergent", { measures: ["rsa"] });
  const heatmapNames = (sec: typeof plain) => JSON.stringify(sec.section.figures![0]);
  assert.doesNotMatch(heatmapNames(plain), /RSA/);
  assert.match(heatmapNames(extra), /I<sub>RSA<\/sub>/);
  assert.doesNotMatch(plain.section.tables![0].caption, /optional/);
  assert.match(extra.section.tables![0].caption, /the optional rsa each with CKA, OP and SVCCA/);

  assert.throws(() => reportSection(s, "convergent", { measures: ["rbf-cka"] }), /measures \["rbf-cka"\]: unknown measure 'rbf-cka'; the optional measures are pwcca, cka-rbf, cka-biased, op-angular, rsa/);
  assert.throws(() => buildReport(dir, { measures: ["pwcca", "pwcca"] }), /each measure once/);
  await assert.rejects(reproduceCli(["--no-sweep", "--out", path.dirname(dir), "--measures", "pwcca,nope"]), /--measures \["pwcca","nope"\]: unknown measure 'nope'/);
});
