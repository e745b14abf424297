// The notebook-only helpers: toy runs (NB1), synthetic run stores and their source selection
// (analysis notebooks), and the paper's reference numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadRuns, writeRun } from "../../src/runs";
import { linearCkaDistance, measureRuns, orthogonalProcrustesDistance } from "../../src/measures";
import { gaussianMatrix, rotateAndScale, toyPredictions, toyRuns } from "../../src/notebook/toy";
import { writeSyntheticStore } from "../../src/notebook/syntheticStore";
import { notebookRuns } from "../../src/notebook/notebookRuns";
import { paperBenchmark, paperTau, SIX } from "../../src/analysis/findings/paperNumbers";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-helpers-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("toyRuns: every run scores the same; identical runs measure 0, different runs do not", (t) => {
  const dir = tempDir(t);
  for (const identical of [true, false]) {
    toyRuns({ identical, n: 40, runs: 4, correct: 30, layers: 2, width: 48 }).forEach((c, r) =>
      writeRun(path.join(dir, String(identical), `seed-${r}`), c));
  }
  const same = measureRuns(loadRuns(path.join(dir, "true")));
  const diff = measureRuns(loadRuns(path.join(dir, "false")));
  assert.deepEqual(same.scores, [0.75, 0.75, 0.75, 0.75]);
  assert.deepEqual(diff.scores, [0.75, 0.75, 0.75, 0.75]);
  assert.equal(same.prediction.sd, 0);
  assert.equal(diff.prediction.sd, 0);
  for (const v of [same.prediction.pwd, same.prediction.kappa, same.prediction.jsd]) assert.ok(Math.abs(v) < 1e-12);
  for (const m of ["cka", "op", "svcca"] as const) assert.ok(Math.abs(same.representation![m]!.at(-1)!) < 1e-8, `${m} of rotated copies`);
  assert.ok(diff.prediction.pwd > 0.1);
  assert.ok(diff.representation!.cka!.at(-1)! > diff.representation!.cka![0], "CKA grows with depth in the different runs");
});

test("rotateAndScale is invisible to CKA and OP", () => {
  const n = 30, d = 40;
  const x = gaussianMatrix(n, d, 3);
  const y = rotateAndScale(x, n, d, 2.5, 4);
  assert.ok(Math.abs(linearCkaDistance(x, y, n, d)) < 1e-10);
  assert.ok(Math.abs(orthogonalProcrustesDistance(x, y, n, d)) < 1e-10);
  assert.ok(linearCkaDistance(x, gaussianMatrix(n, d, 5), n, d) > 0.5);
});

test("toyPredictions flips about the requested share", () => {
  const [a, b] = toyPredictions({ runs: 2, n: 4000, flip: 0.1, seed: 1 });
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  // two independent 10% flips disagree on 2·0.1·0.9 = 18% of examples
  assert.ok(Math.abs(diff / a.length - 0.18) < 0.02, `disagreement ${diff / a.length}`);
});

test("writeSyntheticStore writes the sweep layout, labels failed runs, and resumes", (t) => {
  const dir = tempDir(t);
  const opts = { tasks: ["t"], methods: ["none", "llrd"], seeds: [0, 1, 2, 3], failedRuns: true, n: 20, width: 24, blocks: 2 };
  const first = writeSyntheticStore(dir, opts);
  assert.deepEqual([first.written, first.existing], [12, 0]);
  const std = loadRuns(path.join(dir, "synthetic", "t", "none-lr2e-5"));
  assert.equal(std.runs.length, 4);
  assert.deepEqual([std.layers, std.width, std.n], [3, 24, 20]);
  assert.equal(std.runs[0].config!.synthetic, true);
  const failedDir = path.join(dir, "synthetic", "t", "none-lr5e-5");
  const labels = fs.readdirSync(failedDir).sort().map((s) => JSON.parse(fs.readFileSync(path.join(failedDir, s, "metrics.json"), "utf8")).failed);
  assert.deepEqual(labels, [true, false, true, false]);
  for (const s of fs.readdirSync(failedDir)) assert.ok(fs.existsSync(path.join(failedDir, s, "final", "hidden.npy")));
  // an interrupted write (final/ missing) is redone; finished runs are kept
  fs.rmSync(path.join(failedDir, "seed-01", "final"), { recursive: true });
  const again = writeSyntheticStore(dir, opts);
  assert.deepEqual([again.written, again.existing], [1, 11]);
});

test("notebookRuns: synthetic store when fine-tuning is off; GLUE without fine-tuning is a clear error", async (t) => {
  const store = path.join(tempDir(t), "store");
  const lines: string[] = [];
  const r = await notebookRuns({ store, fineTune: false, methods: "standard", log: (l) => lines.push(l) });
  assert.equal(r.source, "synthetic");
  assert.equal(r.store, store);
  assert.match(lines.join("\n"), /SYNTHETIC/);
  assert.deepEqual(fs.readdirSync(path.join(r.store, "synthetic", "task-a")), ["none-lr2e-5"]);
  await assert.rejects(notebookRuns({ store, fineTune: false, glueDir: "/data/glue", log: () => {} }), /GLUE_DIR is set/);
});

test("INSTABILITY_NOTEBOOK_RUNS=synthetic forces synthetic runs; other values are an error", async (t) => {
  const store = path.join(tempDir(t), "store");
  const saved = process.env.INSTABILITY_NOTEBOOK_RUNS;
  t.after(() => (saved === undefined ? delete process.env.INSTABILITY_NOTEBOOK_RUNS : (process.env.INSTABILITY_NOTEBOOK_RUNS = saved)));
  process.env.INSTABILITY_NOTEBOOK_RUNS = "synthetic";
  const lines: string[] = [];
  const r = await notebookRuns({ store, methods: "standard", log: (l) => lines.push(l) });
  assert.equal(r.source, "synthetic");
  process.env.INSTABILITY_NOTEBOOK_RUNS = "yes";
  await assert.rejects(notebookRuns({ store, log: () => {} }), /INSTABILITY_NOTEBOOK_RUNS='yes'/);
});

test("paper reference: 30 benchmark rows; τ matrices symmetric with the documented values", () => {
  const rows = paperBenchmark();
  assert.equal(rows.length, 30);
  const bertRte = rows.find((r) => r.model === "bert" && r.task === "rte" && r.method === "standard")!;
  assert.deepEqual([bertRte.mean, bertRte.kappa, bertRte.pwd, bertRte.cka], [0.713, 0.1387, 0.1377, 0.34]);
  // the uniform-over-items κ of the reference is I_pwd·N/(N−1) (method.md §5.3), within rounding
  for (const r of rows) assert.ok(r.kappa >= r.pwd && r.kappa / r.pwd < 1.01, `${r.model}/${r.task}/${r.method}`);
  const i = (m: string) => (SIX as readonly string[]).indexOf(m);
  for (const model of ["bert", "roberta"]) {
    for (const task of ["rte", "mrpc", "cola"]) {
      const m = paperTau(model, task);
      m.forEach((row, a) => row.forEach((v, b) => assert.equal(v, m[b][a])));
      m.forEach((row, a) => assert.equal(row[a], 1));
    }
  }
  assert.equal(paperTau("bert", "mrpc")[i("sd")][i("op")], 0);
  assert.equal(paperTau("roberta", "cola")[i("cka")][i("op")], 1);
  assert.throws(() => paperTau("bert", "sst2"), /no reference/);
});

test("storeCorrectnessMap: one panel per method at the Standard learning rate, each cell the run's right/wrong on that example", async (t) => {
  const { RunStore } = await import("../../src/analysis/store");
  const { storeCorrectnessMap } = await import("../../src/notebook/figures");
  const { predictions } = await import("../../src/measures");
  const dir = tempDir(t);
  writeSyntheticStore(dir, { tasks: ["t"], methods: ["none", "llrd"], seeds: [0, 1, 2], failedRuns: true, n: 20, width: 24, blocks: 2 });
  const store = new RunStore(dir);
  const fig = storeCorrectnessMap(store);
  assert.deepEqual(fig.data.map((d) => d.y), [["seed-00", "seed-01", "seed-02"], ["seed-00", "seed-01", "seed-02"]]);
  assert.match(String(fig.layout.title?.text), /synthetic\/t$/);
  // the Standard panel is the 2e-5 configuration, not the failed-run sweep's 5e-5, computed independently here
  const std = loadRuns(path.join(dir, "synthetic", "t", "none-lr2e-5"));
  const expected = std.runs.map((r) => Array.from(predictions(r.logits, r.n, r.numClasses), (p, i) => (p === r.labels[i] ? 1 : 0)));
  assert.deepEqual(fig.data[0].z, expected);
  assert.throws(() => storeCorrectnessMap(store, { task: "rte" }), /has no runs of any model\/rte; it has synthetic\/t/);
});
