// scripts/export-evidence.ts: a reproduce output folder becomes evidence without hidden states
// whose report renders the same verdicts, and it never writes into a folder it did not make.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeAnalysisReport } from "../../src/report";
import { mkdtemp } from "../helpers/tempDir";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "export-evidence.js");
const OPTIONS = { bootstrap: { resamples: 100 }, subsampling: { rates: [0.5], repetitions: 2 }, failure: { permutations: 100 } };
const seeds = [0, 1, 2, 3, 4, 5, 6, 7];

function reproduceOutput(): string {
  const out = mkdtemp("evidence-out-");
  writeSyntheticStore(path.join(out, "runs"), { configs: [...fiveMethods(seeds), { method: "none", lr: 1e-4, seeds, scale: 2, failedSeeds: [1, 3, 5, 6] }], blocks: 5 });
  writeAnalysisReport(path.join(out, "runs"), out, OPTIONS);
  return out;
}

const files = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join("/"));

test("export-evidence: runs without hidden states, with caches; the report from the export has the same verdicts", () => {
  const out = reproduceOutput();
  const dest = path.join(mkdtemp("evidence-dest-"), "glue-small-test");
  const r = spawnSync(process.execPath, [SCRIPT, out, dest], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /exported 48 runs into .* \(\d+\.\d MB, no hidden states\)/);
  const exported = files(dest);
  assert.ok(!exported.some((f) => f.endsWith("hidden.npy")));
  assert.ok(exported.includes("findings.md") && exported.some((f) => f.startsWith("tables/")));
  assert.ok(exported.includes("runs/tiny/toy/none-lr1e-4/seed-01/final/logits.npy"));
  assert.ok(exported.includes("runs/tiny/toy/none-lr1e-4/representation-cache.final.json"));
  const again = writeAnalysisReport(path.join(dest, "runs"), mkdtemp("evidence-report-"), OPTIONS);
  const original = writeAnalysisReport(path.join(out, "runs"), mkdtemp("evidence-report-"), OPTIONS);
  assert.deepEqual(again.verdicts.map((f) => [f.id, f.verdict, f.sentence]), original.verdicts.map((f) => [f.id, f.verdict, f.sentence]));
  // A second export into its own folder is allowed (it replaces what it wrote).
  assert.equal(spawnSync(process.execPath, [SCRIPT, out, dest], { encoding: "utf8" }).status, 0);
});

test("export-evidence refuses a folder it did not write, and a store whose caches are missing", () => {
  const out = reproduceOutput();
  const mine = mkdtemp("evidence-users-");
  fs.writeFileSync(path.join(mine, "notes.txt"), "keep me");
  const r = spawnSync(process.execPath, [SCRIPT, out, mine], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^export-evidence: .*: exists and was not written by this script; pass a new folder\n$/);
  assert.equal(fs.readFileSync(path.join(mine, "notes.txt"), "utf8"), "keep me");

  for (const f of files(out)) if (f.endsWith("representation-cache.json")) fs.rmSync(path.join(out, f));
  const noCache = spawnSync(process.execPath, [SCRIPT, out, path.join(mkdtemp("evidence-dest-"), "x")], { encoding: "utf8" });
  assert.equal(noCache.status, 1);
  assert.match(noCache.stderr, /no representation cache for the best models matches its runs; run `instability reproduce --no-sweep --out/);
});

test("evidence-summary: the verdicts, baselines, failed counts, layer curves and benchmark come from findings.md and the tables", () => {
  const out = reproduceOutput();
  const r = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "evidence-summary.js"), out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const md = r.stdout;
  const verdictRows = md.split("\n").filter((l) => /^\| [A-Z][^|]+\? \| \*\*(holds|does not hold|not enough evidence)\*\* \|/.test(l));
  assert.equal(verdictRows.length, 8, md);
  assert.match(md, /\| standard lr 2e-5 \| 8 \| 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \| \d\.\d{3}–\d\.\d{3} \| 0\.600 \| true \|/);
  assert.match(md, /\| these runs \(toy\) \| 1e-4 \| 4 \/ 8 \|/);
  assert.match(md, /\| paper bert rte \| 5e-5 \| 10 \/ 20 \|/);
  // five layers of the Standard runs, each with three measures
  assert.equal(md.split("\n").filter((l) => /^\| [1-5] \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|$/.test(l)).length, 5, md);
  assert.equal(md.split("\n").filter((l) => /^\| (standard|mixout|llrd|reinit|wdpre) \| /.test(l)).length, 5);
});
