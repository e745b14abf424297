// Per-example instability: the identities with I_pwd and I_JSD (in integers and to round-off),
// each row against a brute-force count over run pairs, the texts of embedded, task-file and
// GLUE runs, and `instability examples` (JSON, CSV, one-line errors).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { computeExampleInstability, sortExamples } from "../../src/analysis/explore/exampleInstability";
import { parseCsv } from "../../src/data/taskFile";
import { loadTask } from "../../src/data";
import { jensenShannonDivergence, measureRuns, predictions, softmax } from "../../src/measures";
import { loadRuns } from "../../src/runs";
import { mkdtemp } from "../helpers/tempDir";
import { writeRandomRuns } from "../helpers/randomRuns";
import { glueDir } from "../helpers/glue";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");

test("mean disagreement over examples is I_pwd (the integer counts agree exactly), mean JSD is I_JSD", () => {
  const dir = mkdtemp("examples-");
  writeRandomRuns(dir, { runs: 7, n: 53, classes: 3, accuracy: 0.6, seed: 4 });
  const set = loadRuns(dir);
  const e = computeExampleInstability(set, { texts: false });
  const report = measureRuns(set);
  const R = set.runs.length;
  const preds = set.runs.map((r) => predictions(r.logits, r.n, r.numClasses));
  // Integers: Σ_i (disagreeing pairs on i) = Σ_pairs (examples the pair disagrees on).
  let byPairs = 0;
  for (let a = 0; a < R; a++) for (let b = a + 1; b < R; b++) for (let i = 0; i < set.n; i++) if (preds[a][i] !== preds[b][i]) byPairs++;
  assert.equal(e.rows.reduce((s, r) => s + r.disagreeingPairs, 0), byPairs);
  const mean = (f: (r: (typeof e.rows)[number]) => number) => e.rows.reduce((s, r) => s + f(r), 0) / e.rows.length;
  assert.ok(Math.abs(mean((r) => r.disagreement) - report.prediction.pwd) < 1e-15, `${mean((r) => r.disagreement)} vs I_pwd ${report.prediction.pwd}`);
  assert.ok(Math.abs(mean((r) => r.jsd) - report.prediction.jsd) < 1e-12);
  assert.ok(report.prediction.pwd > 0.2, "the runs do disagree");
});

test("each row: shares, majority, confidence and JSD against a direct computation", () => {
  const dir = mkdtemp("examples-row-");
  writeRandomRuns(dir, { runs: 5, n: 20, classes: 3, accuracy: 0.5, seed: 9 });
  const set = loadRuns(dir);
  const e = computeExampleInstability(set, { texts: false });
  const probs = set.runs.map((r) => softmax(r.logits, r.n, 3));
  const preds = set.runs.map((r) => predictions(r.logits, r.n, 3));
  for (const row of e.rows) {
    const i = row.example;
    const votes = [0, 1, 2].map((k) => preds.filter((p) => p[i] === k).length);
    assert.deepEqual(row.shares, votes.map((v) => v / 5));
    assert.equal(row.majority, votes.indexOf(Math.max(...votes)));
    let pairs = 0, differ = 0, jsd = 0;
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) {
      pairs++;
      if (preds[a][i] !== preds[b][i]) differ++;
      jsd += jensenShannonDivergence(probs[a], probs[b], 3, [i]);
    }
    assert.equal(row.disagreement, differ / pairs);
    assert.ok(Math.abs(row.jsd - jsd / pairs) < 1e-15);
    assert.ok(Math.abs(row.confidence - probs.reduce((s, p) => s + p[i * 3 + row.majority], 0) / 5) < 1e-15);
    assert.equal(row.label, set.runs[0].labels[i]);
  }
  const sorted = sortExamples(e.rows, "disagreement");
  for (let t = 1; t < sorted.length; t++) assert.ok(sorted[t - 1].disagreement >= sorted[t].disagreement);
  assert.throws(() => sortExamples(e.rows, "nope" as never), /sort key 'nope': use example, disagreement/);
});

test("texts: an embedded task's test half, a task file's rows (limit, CSV quoting), none with the reason", () => {
  const spam = loadTask("spam").test;
  const own = mkdtemp("examples-own-");
  writeRandomRuns(own, { runs: 2, n: spam.length, config: { task: "spam", taskSource: "embedded" }, labels: Int32Array.from(spam, (e) => e.label) });
  const e = computeExampleInstability(loadRuns(own));
  assert.equal(e.rows[3].text, spam[3].text);
  assert.equal(e.texts.texts && e.texts.source, "task spam");

  const file = path.join(mkdtemp("examples-file-"), "mine.csv");
  fs.writeFileSync(file, 'sentence,label\n"a, quoted ""one""",1\nplain,0\n"two\nlines",1\nleft out,0\n');
  assert.deepEqual(parseCsv(fs.readFileSync(file, "utf8"))[1], ['a, quoted "one"', "1"]);
  const exported = mkdtemp("examples-exported-");
  writeRandomRuns(exported, { runs: 2, n: 3, config: { source: "instability_export.py", task: "mine", taskFile: file, textColumn: "sentence", textPairColumn: null, limit: 3 } });
  assert.deepEqual(computeExampleInstability(loadRuns(exported)).rows.map((r) => r.text), ['a, quoted "one"', "plain", "two\nlines"]);

  const wrongSize = mkdtemp("examples-size-");
  writeRandomRuns(wrongSize, { runs: 2, n: 5, config: { task: "spam", taskSource: "embedded" } });
  const none = computeExampleInstability(loadRuns(wrongSize));
  assert.equal(none.rows[0].text, undefined);
  assert.match(none.texts.texts ? "" : none.texts.reason, /task 'spam' has 400 examples here but the runs have 5/);
});

test("texts of GLUE runs come from --glue-dir / GLUE_DIR, on the test half", { skip: glueDir() ? false : "no GLUE data" }, () => {
  const rte = loadTask("rte", { glueDir: glueDir()! }).test;
  const dir = mkdtemp("examples-glue-");
  writeRandomRuns(dir, { runs: 2, n: rte.length, config: { source: "instability_export.py", task: "rte", split: "test" } });
  const e = computeExampleInstability(loadRuns(dir), { glueDir: glueDir()! });
  assert.equal(e.rows[0].text, `${rte[0].text} [SEP] ${rte[0].textPair}`);
});

test("instability examples: --json rows equal the library's, --csv has one line per example, errors are one line", () => {
  const dir = mkdtemp("examples-cli-");
  writeRandomRuns(dir, { runs: 4, n: 30, classes: 2, accuracy: 0.7, seed: 2 });
  const json = spawnSync(process.execPath, [CLI, "examples", dir, "--json", "--sort", "jsd"], { encoding: "utf8" });
  assert.equal(json.status, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  const lib = sortExamples(computeExampleInstability(loadRuns(dir)).rows, "jsd");
  assert.deepEqual(out.rows, JSON.parse(JSON.stringify(lib)));
  assert.ok(Math.abs(out.meanDisagreement - measureRuns(loadRuns(dir)).prediction.pwd) < 1e-15);
  const csv = spawnSync(process.execPath, [CLI, "examples", dir, "--csv"], { encoding: "utf8" });
  assert.equal(csv.stdout.trim().split("\n").length, 31);
  assert.equal(csv.stdout.split("\n")[0], "example,label,share 0,share 1,majority,confidence,disagreement,jsd");
  const table = spawnSync(process.execPath, [CLI, "examples", dir, "--top", "3"], { encoding: "utf8" });
  assert.match(table.stdout, /30 test examples, 4 runs; mean disagreement/);
  for (const [args, message] of [
    [["--sort", "x"], /--sort 'x': use example/],
    [["--top", "0"], /--top '0': use a positive whole number/],
    [["--json", "--csv"], /--json and --csv: choose one/],
  ] as const) {
    const r = spawnSync(process.execPath, [CLI, "examples", dir, ...args], { encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
});
