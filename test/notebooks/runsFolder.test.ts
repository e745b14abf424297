// notebook.checkRuns / notebook.showMeasures: a folder of runs from anywhere, checked and
// measured in a cell with any representation measures. Values are compared with the pure
// pairwise functions (not with the code under test), outputs are captured from the display sink.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkRuns, showMeasures } from "../../src/notebook";
import { procrustesAngleDistance, pwccaDistance, rsaDistance, taskMetric, predictions, standardDeviation } from "../../src/measures";
import { writeRun } from "../../src/runs";
import { Random } from "../../src/util/random";
import { captureDisplay } from "../helpers/captureDisplay";

const n = 30;
const d = 5;
const L = 4; // hidden.npy entries: the embedding output (constant) and 3 blocks

/** Three runs of a 3-class task, in Hugging Face indexing, with metrics.json naming mcc. */
function writeRuns(dir: string, constantBlock?: { run: number; entry: number }): { hidden: Float64Array[]; logits: Float64Array[]; labels: Int32Array } {
  const rng = new Random(7);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const shared = Float64Array.from({ length: L * n * d }, () => rng.normal());
  const hidden: Float64Array[] = [];
  const logits: Float64Array[] = [];
  for (let r = 0; r < 3; r++) {
    const h = shared.map((v, i) => (i < n * d ? (i % d) + 1 : v + 0.4 * (i / (n * d)) * rng.normal()));
    // The same vector for every example (a collapsed run), as the embedding entry is.
    if (constantBlock?.run === r) for (let i = 0; i < n * d; i++) h[constantBlock.entry * n * d + i] = (i % d) + 1;
    const z = Float64Array.from({ length: n * 3 }, (_, i) => (i % 3 === labels[Math.floor(i / 3)] ? 1 : 0) + rng.normal());
    writeRun(path.join(dir, `seed-${r}`), {
      logits: { data: z, shape: [n, 3] },
      labels: { data: labels, shape: [n] },
      hidden: { data: h, shape: [L, n, d] },
      metrics: { metric: "mcc", testMetric: 0.5 },
      config: { source: "instability_export.py" },
    });
    hidden.push(h);
    logits.push(z);
  }
  fs.mkdirSync(path.join(dir, "plots"));
  return { hidden, logits, labels };
}


function pairMeanOf(f: (x: Float64Array, y: Float64Array, n: number, d: number) => number, hidden: Float64Array[], entry: number): number {
  const at = (r: number) => hidden[r].slice(entry * n * d, (entry + 1) * n * d);
  let sum = 0;
  for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) sum += f(at(a), at(b), n, d);
  return sum / 3;
}

test("checkRuns shows one row per run and how hidden.npy is read; a missing folder names the exporter", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-runs-"));
  try {
    writeRuns(dir);
    const { value: set, bundles, lines } = captureDisplay(() => checkRuns(dir));
    assert.deepEqual(set.runs.map((r) => r.name), ["seed-0", "seed-1", "seed-2"]);
    assert.equal(bundles.length, 1);
    const text = String(bundles[0]["text/plain"]);
    for (const name of ["seed-0", "seed-1", "seed-2"]) assert.match(text, new RegExp(name));
    assert.match(text, /mcc 0\.5000/);
    assert.match(text, /instability_export\.py/);
    assert.match(lines.join("\n"), /skipped 1 folder\(s\) that are not runs: plots/);
    assert.match(lines.join("\n"), /hidden\.npy has 4 layers: 0 = the embedding output .*measuring blocks 1\.\.3/);
    assert.throws(() => checkRuns(path.join(dir, "nope")), /RUNS_DIR '.*nope' does not exist; export checkpoints with `python python\/instability_export\.py --model/);
    assert.throws(() => checkRuns(undefined), /set RUNS_DIR/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("showMeasures: the extra measures equal the pure functions' pair means per block; the metric comes from metrics.json", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-runs-"));
  try {
    const { hidden, logits, labels } = writeRuns(dir);
    const set = captureDisplay(() => checkRuns(dir)).value;
    const { value: report, bundles } = captureDisplay(() => showMeasures(set, { measures: ["pwcca", "op-angular", "rsa"] }));
    assert.equal(report.metric, "mcc");
    const scores = logits.map((z) => taskMetric("mcc", predictions(z, n, 3), labels, undefined, 3));
    assert.ok(Math.abs(report.prediction.sd - standardDeviation(scores)) < 1e-12);
    assert.deepEqual(report.layers!.blocks, [1, 2, 3]);
    for (const [name, f] of [["pwcca", pwccaDistance], ["op-angular", procrustesAngleDistance], ["rsa", rsaDistance]] as const) {
      for (const block of [1, 2, 3]) {
        const expected = pairMeanOf(f, hidden, block);
        assert.ok(Math.abs(report.representation![name]![block - 1] - expected) < 1e-12, `${name} block ${block}: ${report.representation![name]![block - 1]} vs ${expected}`);
      }
    }
    // Shown: the prediction table, the per-layer table with the extra measures' columns, one figure
    // (after plotly's loader, sent once per kernel).
    const figures = bundles.filter((b) => "application/vnd.plotly.v1+json" in b);
    const tables = bundles.filter((b) => /<table/.test(String(b["text/html"])));
    assert.equal(tables.length, 2);
    assert.match(String(tables[0]["text/plain"]), /SD \(mcc \(multiclass R_K, 3 classes\)\)/);
    assert.match(String(tables[1]["text/plain"]), /layer +I_PWCCA +θ_OP +I_RSA/);
    assert.equal(figures.length, 1);
    const figure = figures[0]["application/vnd.plotly.v1+json"] as { data: { name: string; x: number[] }[] };
    assert.deepEqual(figure.data.map((t) => t.x), [[1, 2, 3], [1, 2, 3], [1, 2, 3]]);

    // layers are block numbers; the default measures are the paper's three.
    const two = captureDisplay(() => showMeasures(set, { layers: [2], predictions: false }));
    assert.deepEqual(Object.keys(two.value.representation!), ["svcca", "op", "cka"]);
    assert.deepEqual(two.value.layers!.entries, [2]);
    assert.equal(two.bundles.filter((b) => /<table/.test(String(b["text/html"]))).length, 1, "predictions: false leaves out the prediction table");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("showMeasures: bad options are errors that name the option and the choices", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-runs-"));
  try {
    writeRuns(dir);
    const set = captureDisplay(() => checkRuns(dir)).value;
    assert.throws(() => showMeasures(set, { measures: ["rbf-cka"] }), /measures \["rbf-cka"\]: unknown measure 'rbf-cka'; use svcca, op, cka, pwcca, cka-rbf, cka-biased, op-angular, rsa/);
    assert.throws(() => showMeasures(set, { measures: ["cka", "cka"] }), /each measure once/);
    assert.throws(() => showMeasures(set, { measures: "cka" as unknown as string[] }), /measures must be an array of names/);
    assert.throws(() => showMeasures(set, { metric: "auc" as never }), /metric 'auc': use "accuracy", "f1", "mcc"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("showMeasures: a block where a run is constant is NaN only where every pair is undefined, with a note naming the run", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-runs-"));
  try {
    const { hidden } = writeRuns(dir, { run: 2, entry: 2 });
    const set = captureDisplay(() => checkRuns(dir)).value;
    const { value: report, lines } = captureDisplay(() => showMeasures(set, { measures: ["cka", "rsa"] }));
    assert.deepEqual(lines, ["note: block 2: 2 of 3 pairs undefined for cka, rsa (seed-2: the centred Gram matrix is zero (hidden states constant across examples)); means use the defined pairs"]);
    // The one defined pair (seed-0, seed-1) is the mean.
    const at = (r: number) => hidden[r].slice(2 * n * d, 3 * n * d);
    assert.ok(Math.abs(report.representation!.rsa![1] - rsaDistance(at(0), at(1), n, d)) < 1e-12);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
