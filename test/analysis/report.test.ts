import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { benchmark, convergentValidity, RunStore } from "../../src/analysis";
import { computeSuccessfulVsFailed } from "../../src/analysis/failedRuns";
import { buildReport, writeAnalysisReport } from "../../src/report";
import { renderReport } from "../../src/viz";
import { fiveMethods, writeSyntheticStore } from "./synthetic";
import { mkdtemp } from "../helpers/tempDir";


const SECTIONS = ["learning", "benchmark", "layers", "convergent", "failed", "kendall", "bootstrap", "agreement", "subsampling"];

function store(configs: Parameters<typeof writeSyntheticStore>[1]["configs"], extra: Partial<Parameters<typeof writeSyntheticStore>[1]> = {}): string {
  const dir = mkdtemp("analysis-report-");
  writeSyntheticStore(dir, { configs, ...extra });
  return dir;
}

test("the report has every section with the paper's finding, this run's finding, figures and CSV tables", () => {
  const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
  const dir = store([...fiveMethods(seeds), { method: "none", lr: 5e-5, seeds, scale: 2, failedSeeds: [2, 5, 6] }]);
  // a second task, so that SD vs agreement has configurations to compare
  writeSyntheticStore(dir, { task: "other", seed: 11, configs: fiveMethods(seeds) });
  const built = buildReport(dir, { bootstrap: { resamples: 100 }, failure: { permutations: 50 }, subsampling: { repetitions: 2 } });
  assert.deepEqual(built.errors, []);
  assert.deepEqual(built.report.sections.map((s) => s.id), SECTIONS);
  for (const s of built.report.sections) {
    assert.ok(s.paperFinding && s.paperFinding.length > 50, `${s.id}: paper finding`);
    assert.ok(s.ourFinding && s.ourFinding.length > 20, `${s.id}: our finding`);
    assert.ok((s.figures ?? []).length > 0, `${s.id}: figures`);
  }
  // every finding section carries its verdict, and the failed-run one its group counts
  assert.equal(built.findings.length, SECTIONS.length - 1);
  for (const f of built.findings) assert.ok(built.report.sections.find((s) => s.id === f.id)!.ourFinding!.includes(`>${f.verdict}</span>`), f.id);
  const failed = built.report.sections.find((s) => s.id === "failed")!;
  assert.match(failed.ourFinding!, /3 failed and 5 successful runs/);
  // …and a map of its runs (issue 32): the heatmap and the MDS, the collapsed failed runs apart
  const titles = (failed.figures ?? []).map((f) => JSON.stringify(f));
  assert.ok(titles.some((t) => t.includes("Run × run distances")) && titles.some((t) => t.includes("A map of the runs")), "run map figures");
  const map = computeSuccessfulVsFailed(new RunStore(dir), { permutations: 0 }).groups[0].map!;
  assert.deepEqual(map.failed, [false, false, true, false, false, true, true, false]);
  const centre = (keep: boolean) => [0, 1].map((k) => mean(map.failed.flatMap((f, i) => (f === keep ? [[map.x, map.y][k][i]] : []))));
  const [cf, cs] = [centre(true), centre(false)];
  const spread = Math.max(...map.failed.flatMap((f, i) => (f ? [] : [Math.hypot(map.x[i] - cs[0], map.y[i] - cs[1])])));
  assert.ok(Math.hypot(cf[0] - cs[0], cf[1] - cs[1]) > spread, "failed runs stand apart from the successful ones");
  const tables = Object.keys(built.tables).sort();
  assert.ok(["benchmark", "kendall_tau", "bootstrap_correlations", "convergent_validity", "successful_vs_failed", "subsampling_summary", "sd_agreement"].every((t) => tables.includes(t)), tables.join(","));
  // the τ table holds the 15 pairs of the six measures per (model, task), not the benchmark's rows
  assert.deepEqual(Object.keys(built.tables.kendall_tau[0]), ["model", "task", "measureA", "measureB", "tau", "methods"]);
  assert.equal(built.tables.kendall_tau.length % 15, 0);
  // the generated sentence quotes the numbers of the table it summarises
  const lv = built.tables.layers_summary.find((r) => r.task === "toy" && r.measure === "cka")!;
  const layers = built.report.sections.find((s) => s.id === "layers")!;
  assert.ok(layers.ourFinding!.includes(`I_CKA tiny/toy rises by ${(lv.rise as number).toFixed(3)} [${(lv.riseLower as number).toFixed(3)}, ${(lv.riseUpper as number).toFixed(3)}]`), layers.ourFinding);
  const html = renderReport(built.report);
  assert.ok(html.includes("tables/benchmark.csv"));

  const out = mkdtemp("analysis-out-");
  const written = writeAnalysisReport(dir, out, { bootstrap: { resamples: 20 }, failure: { permutations: 10 }, subsampling: { repetitions: 1 } });
  assert.equal(written.report, path.join(out, "report.html"));
  assert.ok(fs.statSync(written.report).size > 1e6, "plotly is inlined");
  const csv = fs.readFileSync(path.join(out, "tables", "benchmark.csv"), "utf8").split("\n");
  assert.match(csv[0], /^model,task,method,learningRate,runs,metric,mean,sd,sdLower,sdUpper,jsd,jsdLower,jsdUpper,kappa,/);
  assert.ok(fs.readFileSync(written.findings, "utf8").includes("## Does instability grow with depth?"));
  assert.equal(csv.filter(Boolean).length, 1 + 10);
});

test("sections whose inputs are missing say why instead of failing: one method, no failed runs, no hidden states", () => {
  const dir = store([{ method: "none", lr: 2e-5, seeds: [0, 1, 2], scale: 2 }]);
  const built = buildReport(dir, { bootstrap: { resamples: 20 }, subsampling: { repetitions: 1 } });
  assert.deepEqual(built.errors, []);
  const why = (id: string) => built.report.sections.find((s) => s.id === id)!.ourFinding!;
  assert.match(why("kendall"), /not enough evidence<\/span> Not enough evidence: enough methods: tiny\/toy: 1 methods at the Standard learning rate \(need at least 5\)/);
  assert.match(why("failed"), /both groups present: tiny\/toy .*0 failed and 3 successful runs \(need at least 3 of each\)/);
  assert.match(why("agreement"), /not enough evidence/);
  // 3 seeds: the layers curve is computed and drawn, but no verdict is drawn from it
  assert.match(why("layers"), /enough seeds: tiny\/toy Standard: 3 runs \(need at least 8\)/);
  // the page shows every section, with the explanation in its "what this run found" box
  const page = renderReport(built.report);
  for (const s of built.report.sections) {
    assert.ok(page.includes(`<div class="finding ours"><h3>What this run found</h3>${s.ourFinding}</div>`) || !s.ourFinding, `section ${s.id}'s finding is on the page`);
  }
  assert.ok(page.includes(why("kendall")), "the Kendall section explains why it has no verdict");

  // runs without hidden.npy: the prediction measures still work, representation sections explain
  const flat = mkdtemp("analysis-flat-");
  fs.cpSync(dir, flat, { recursive: true });
  // neither hidden states nor the representation cache the first report wrote beside the runs
  for (const f of fs.readdirSync(flat, { recursive: true }) as string[]) if (f.endsWith("hidden.npy") || path.basename(f).startsWith("representation-cache")) fs.rmSync(path.join(flat, f));
  const noHidden = buildReport(flat, { bootstrap: { resamples: 20 }, subsampling: { repetitions: 1 } });
  assert.deepEqual(noHidden.errors, []);
  const layers = noHidden.report.sections.find((s) => s.id === "layers")!.ourFinding!;
  assert.match(layers, /0 layer\(s\), no hidden\.npy/);
});

test("the analyses also come as danfo DataFrames", () => {
  const dir = store(fiveMethods([0, 1, 2]));
  const s = new RunStore(dir);
  const df = benchmark(s);
  assert.deepEqual(df.shape, [5, 14]);
  assert.ok(df.columns.includes("cka"));
  const cv = convergentValidity(s);
  assert.deepEqual(cv.columns, ["model", "task", "measureA", "measureB", "r", "layers"]);
  assert.equal(cv.shape[0], 3);
});

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
