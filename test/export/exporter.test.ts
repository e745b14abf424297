// python/instability_export.py: the same dev-split rule and GLUE rows as the TypeScript side, and
// end to end with transformers: two quickly fine-tuned MiniLM seeds exported (one folder per
// checkpoint, and a Trainer output directory), measured by `instability measure`, with hidden
// states and logits that agree with our own encoder's for the same checkpoint and inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { devSplitIndices } from "../../src/data/devSplit";
import { loadTask } from "../../src/data";
import { loadModel } from "../../src/model";
import { readNpy, toFloat64 } from "../../src/runs/npy";
import { glueDir, NO_GLUE, REPO_ROOT } from "../helpers/glue";
import { missingPython, NO_NUMPY, pythonWith, pythonWithNumpy } from "../helpers/python";
import { EXPORT_MODULES, makeTwoSeeds, runExporter } from "../helpers/exportedRuns";

const CLI = path.join(__dirname, "..", "..", "src", "cli", "main.js");
const GLUE = glueDir();
const numpyPython = pythonWithNumpy();
const torchPython = pythonWith(EXPORT_MODULES);

function python(exe: string, script: string, args: string[] = []) {
  const r = spawnSync(exe, ["-c", script, ...args], { encoding: "utf8", cwd: REPO_ROOT, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const exporter = runExporter;

test("the exporter's dev split is the TypeScript one: every GLUE task, and labels with non-ASCII text", { skip: !numpyPython && NO_NUMPY }, () => {
  const committed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "docs", "tasks", "glue-dev-split.json"), "utf8"));
  const cases: [string, number][] = Object.entries(committed.tasks).map(([t, v]) => [t, (v as { devRows: number }).devRows]);
  cases.push(["sst2", 2], ["rte", 1001], ["my-task é 𝄞", 37]);
  const script = `import sys, json; sys.path.insert(0, "python"); import instability_export as e
print(json.dumps([e.dev_split_indices(t, n) for t, n in json.loads(sys.argv[1])]))`;
  const py = JSON.parse(python(numpyPython!, script, [JSON.stringify(cases)]));
  cases.forEach(([task, n], i) => {
    const ts = devSplitIndices(task, n);
    assert.deepEqual(py[i].test, ts.test, `${task} (${n}) test half`);
    assert.deepEqual(py[i].validation, ts.validation, `${task} (${n}) validation half`);
    if (committed.tasks[task]?.devRows === n) assert.deepEqual(py[i].test, committed.tasks[task].test);
  });
});

test("the exporter reads the same GLUE test-half rows as loadTask", { skip: (!numpyPython && NO_NUMPY) || (!GLUE && NO_GLUE) }, () => {
  const script = `import sys, json; sys.path.insert(0, "python"); import instability_export as e
print(json.dumps({t: e.load_glue_examples(sys.argv[1], t, "test") for t in ["rte", "mrpc", "cola", "sst2"]}))`;
  const py = JSON.parse(python(numpyPython!, script, [GLUE!]));
  for (const task of ["rte", "mrpc", "cola", "sst2"]) {
    const ours = loadTask(task, { glueDir: GLUE! }).test;
    const [texts, pairs, labels] = py[task];
    assert.equal(texts.length, ours.length, task);
    assert.deepEqual(texts, ours.map((e) => e.text), `${task} texts`);
    assert.deepEqual(labels, ours.map((e) => e.label), `${task} labels`);
    if (pairs !== null) assert.deepEqual(pairs, ours.map((e) => e.textPair), `${task} pairs`);
  }
});

test("bad exporter inputs are one-line errors naming the fix", { skip: !numpyPython && NO_NUMPY }, () => {
  const cases: [string[], RegExp][] = [
    [["--model", "x", "--task", "sst2", "--glue-dir", "/nonexistent", "--out", "o"], /GLUE file not found: .*SST-2\/dev.tsv \(give --glue-dir/],
    [["--model", "x", "--task", "qnli", "--glue-dir", "/nonexistent", "--out", "o"], /--task 'qnli': GLUE tasks are rte, mrpc, cola, sst2; for other data use --task-file/],
    [["--trainer-dir", "/nonexistent", "--task", "sst2", "--out", "o"], /--trainer-dir \/nonexistent: no such directory/],
    [["--model", "x", "--task", "sst2", "--metric", "auc", "--out", "o"], /--metric 'auc': use accuracy, f1 or mcc/],
  ];
  for (const [args, re] of cases) {
    const r = exporter(numpyPython!, ...args);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, re);
  }
});

test("task files: CSV (quoted commas), TSV (no quoting) and JSONL give the same examples; label names via label2id", { skip: !numpyPython && NO_NUMPY }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-files-"));
  try {
    fs.writeFileSync(path.join(dir, "a.csv"), 'id,text,other,label\n1,"good, really",x,pos\n2,"""bad"" film",y,neg\n');
    fs.writeFileSync(path.join(dir, "a.tsv"), 'id\ttext\tother\tlabel\n1\tgood, really\tx\tpos\n2\t"bad" film\ty\tneg\n');
    fs.writeFileSync(path.join(dir, "a.jsonl"), '{"text": "good, really", "other": "x", "label": "pos"}\n\n{"text": "\\"bad\\" film", "other": "y", "label": "neg"}\n');
    fs.writeFileSync(path.join(dir, "ints.csv"), "text,label\nhello,1\nworld,0\n");
    const script = `import sys, json, os; sys.path.insert(0, "python"); import instability_export as e
d = sys.argv[1]; l2i = {"neg": 0, "pos": 1}
out = {f: e.read_task_file(os.path.join(d, f), "text", "other", "label", l2i) for f in ["a.csv", "a.tsv", "a.jsonl"]}
out["ints"] = e.read_task_file(os.path.join(d, "ints.csv"))
errs = []
for args in [("ints.csv", "sentence"), ("a.csv", "text")]:
    try: e.read_task_file(os.path.join(d, args[0]), args[1])
    except e.ExportError as x: errs.append(str(x))
out["errors"] = errs
print(json.dumps(out))`;
    const out = JSON.parse(python(numpyPython!, script, [dir]));
    for (const f of ["a.csv", "a.tsv", "a.jsonl"]) assert.deepEqual(out[f], [["good, really", '"bad" film'], ["x", "y"], [1, 0]], f);
    assert.deepEqual(out.ints, [["hello", "world"], null, [1, 0]]);
    assert.match(out.errors[0], /ints.csv:2: no 'sentence' field \(have text, label\); choose columns with --text-column/);
    assert.match(out.errors[1], /a.csv:2: label 'pos' is not a class index/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The two seeds and their export: test/helpers/exportedRuns.ts (notebook 07's test reads the same).

function maxAbsDiff(a: Float64Array | number[], b: Float64Array | number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test("export two MiniLM seeds (folders and a Trainer dir), measure them, and match our encoder's hidden states", { skip: (!torchPython && missingPython(EXPORT_MODULES)) || (!GLUE && NO_GLUE) }, async (tc) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-"));
  try {
    const { inputs, checkpoints, trainerDir, textsFile } = makeTwoSeeds(torchPython!, GLUE!, dir);
    const ckpt = (s: number) => checkpoints[s - 1];
    const runs = path.join(dir, "runs");
    const r = exporter(torchPython!, "--model", ckpt(1), ckpt(2), "--task", "sst2", "--glue-dir", GLUE!, "--out", runs, "--limit", "24", "--max-length", "64");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /seed-1: 24 examples, accuracy/);
    assert.deepEqual(fs.readdirSync(runs).sort(), ["seed-1", "seed-2"]);

    // The run format: shapes, dtypes, labels of the TypeScript test half, the layer indexing.
    const hidden = readNpy(path.join(runs, "seed-1", "hidden.npy"));
    assert.deepEqual(hidden.shape, [7, 24, 384]);
    assert.equal(hidden.dtype, "f4");
    const labels = readNpy(path.join(runs, "seed-1", "labels.npy"));
    assert.deepEqual(Array.from(toFloat64(labels)), loadTask("sst2", { glueDir: GLUE! }).test.slice(0, 24).map((e) => e.label));
    const config = JSON.parse(fs.readFileSync(path.join(runs, "seed-1", "config.json"), "utf8"));
    assert.equal(config.hidden_layers, "hf");
    assert.equal(config.split, "test");
    assert.equal(config.devSplitSeed, 20230215);
    assert.equal(config.checkpointConfig.num_hidden_layers, 6);
    const metrics = JSON.parse(fs.readFileSync(path.join(runs, "seed-1", "metrics.json"), "utf8"));
    assert.equal(metrics.metric, "accuracy");
    assert.equal(metrics.examples, 24);

    // instability measure reads them: six blocks (index 0, the embeddings, is skipped by default).
    const m = spawnSync(process.execPath, [CLI, "measure", runs, "--json", "--measures", "cka,op-angular,rsa"], { encoding: "utf8" });
    assert.equal(m.status, 0, m.stderr);
    const report = JSON.parse(m.stdout);
    assert.deepEqual(report.runs, ["seed-1", "seed-2"]);
    assert.equal(report.representation.cka.length, 6);
    assert.ok(report.representation.cka.every((v: number) => v > 0 && v < 1), `the seeds differ: ${report.representation.cka}`);
    assert.ok(Math.abs(report.scores[0] - metrics.testMetric) < 1e-12, "our accuracy from logits.npy is the exporter's");

    // Our encoder on the exporter's tokens of the first 12 examples: every layer's first token.
    const model = await loadModel(ckpt(1));
    const batchSize = inputs.input_ids.length;
    const seqLength = inputs.input_ids[0].length;
    const out = model.forward(
      { inputIds: Int32Array.from(inputs.input_ids.flat()), attentionMask: Int32Array.from(inputs.attention_mask.flat()), tokenTypeIds: Int32Array.from(inputs.token_type_ids.flat()), batchSize, seqLength },
      { training: false, outputHiddenStates: true },
    );
    const h = toFloat64(hidden);
    assert.equal(out.hiddenStates!.length, 7);
    const layerDiffs = out.hiddenStates!.map((t, l) => {
      const theirs = h.subarray(l * 24 * 384, l * 24 * 384 + batchSize * 384);
      const diff = maxAbsDiff(Float64Array.from(t.dataSync()), theirs);
      assert.ok(diff < 1e-4, `layer ${l}: max |ours − exported| = ${diff}`);
      return diff.toExponential(1);
    });
    tc.diagnostic(`max |ours − exported| per layer 0..6: ${layerDiffs.join(" ")}`);
    const logits = toFloat64(readNpy(path.join(runs, "seed-1", "logits.npy")));
    const diff = maxAbsDiff(Float64Array.from(out.logits.dataSync()), logits.subarray(0, batchSize * 2));
    assert.ok(diff < 1e-4, `logits: max |ours − exported| = ${diff}`);
    tc.diagnostic(`logits: max |ours − exported| = ${diff.toExponential(1)}; I_CKA per block: ${report.representation.cka.map((v: number) => v.toFixed(4)).join(" ")}`);
    model.dispose();

    // A Trainer output directory and a JSONL task file: one run per checkpoint-<step>, by step.
    const runs2 = path.join(dir, "runs2");
    const t = exporter(torchPython!, "--trainer-dir", trainerDir, "--task-file", textsFile, "--text-column", "sentence", "--out", runs2, "--max-length", "64");
    assert.equal(t.status, 0, t.stderr);
    assert.deepEqual(fs.readdirSync(runs2).sort(), ["checkpoint-10", "checkpoint-5"]);
    const h5 = toFloat64(readNpy(path.join(runs2, "checkpoint-5", "hidden.npy")));
    let worst = 0;
    for (let l = 0; l < 7; l++) worst = Math.max(worst, maxAbsDiff(h5.subarray(l * 10 * 384, (l + 1) * 10 * 384), h.subarray(l * 24 * 384, l * 24 * 384 + 10 * 384)));
    assert.ok(worst < 1e-4, `the same checkpoint and texts through the file path: ${worst}`);
    assert.equal(JSON.parse(fs.readFileSync(path.join(runs2, "checkpoint-5", "config.json"), "utf8")).split, "all");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
