// Whole fine-tuning runs on a tiny checkpoint and task: the run folder, the protocol's step and
// evaluation counts, determinism by seed, what the seed controls, divergence and progress output.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadRuns, readNpy } from "../../src/runs";
import { accuracy, f1Score, predictions } from "../../src/measures/taskMetrics";
import { loadTask } from "../../src/data";
import { NO_GLUE, glueDir } from "../helpers/glue";
import { type FineTuneOptions, type StepInfo, fineTune, majorityClassAccuracy } from "../../src/train/finetune";
import { tinyCheckpoint, tinyTask, tmpDir } from "./finetuneFixture";

const root = tmpDir();
const checkpoint = tinyCheckpoint(root);
const task = tinyTask();

async function runOnce(name: string, extra: Partial<FineTuneOptions> = {}) {
  return fineTune({ task, seed: 0, out: path.join(root, name), modelDir: await checkpoint, epochs: 3, lr: 1e-3, progress: false, ...extra });
}

test("a run writes the run folder: test-half logits, labels, every layer's first-token states, metrics and config", async () => {
  const r = await runOnce("layout/seed-00", { saveFinal: true });
  assert.equal(r.status, "finished");
  const files = fs.readdirSync(r.out).sort();
  assert.deepEqual(files, ["config.json", "final", "hidden.json", "hidden.npy", "labels.npy", "logits.npy", "metrics.json"]);
  assert.equal(JSON.parse(fs.readFileSync(path.join(r.out, "hidden.json"), "utf8")).indexing, "hf");
  const logits = readNpy(path.join(r.out, "logits.npy"));
  assert.deepEqual(logits.shape, [task.test.length, 2]);
  assert.equal(logits.dtype, "f4");
  const hidden = readNpy(path.join(r.out, "hidden.npy"));
  assert.deepEqual(hidden.shape, [3 + 1, task.test.length, 16]); // L+1 layers, HF indexing
  assert.equal(hidden.dtype, "f4");
  assert.deepEqual(Array.from(readNpy(path.join(r.out, "labels.npy")).data as Int32Array), task.test.map((e) => e.label));

  const m = JSON.parse(fs.readFileSync(path.join(r.out, "metrics.json"), "utf8"));
  // 40 examples, batch 16, last partial batch kept: 3 steps per epoch.
  assert.equal(m.stepsPerEpoch, 3);
  assert.equal(m.steps, 9);
  assert.equal(m.validationMetricPerEpoch.length, 3);
  assert.equal(m.trainLossPerEpoch.length, 3);
  // Best epoch: the first one whose value is strictly greater than every earlier one, last such.
  let bestEpoch = 1;
  m.validationMetricPerEpoch.forEach((v: number, i: number) => {
    if (v > m.validationMetricPerEpoch[bestEpoch - 1]) bestEpoch = i + 1;
  });
  assert.equal(m.bestEpoch, bestEpoch);
  const labels = Int32Array.from(task.test.map((e) => e.label));
  const pred = predictions(Float64Array.from(logits.data as Float32Array), task.test.length, 2);
  assert.equal(m.testMetric, accuracy(pred, labels));
  assert.equal(m.majorityClassAccuracy, majorityClassAccuracy(labels));
  assert.equal(m.diverged, false);
  assert.equal(m.divergedStep, null);
  assert.ok(["failed", "successful"].includes(m.failedLabel));
  for (const key of ["task", "metric", "testMetric", "validationMetricPerEpoch", "bestEpoch", "trainLossPerEpoch", "steps", "wallSeconds", "failed", "failedRule"]) {
    assert.ok(key in m, `metrics.json has ${key}`);
  }

  const c = JSON.parse(fs.readFileSync(path.join(r.out, "config.json"), "utf8"));
  assert.equal(c.seed, 0);
  assert.equal(c.lr, 1e-3);
  assert.equal(c.batchSize, 16);
  assert.equal(c.evalBatchSize, 64);
  assert.equal(c.maxLength, 64); // the default 128, lowered to the tiny model's positions
  assert.equal(c.warmupRatio, 0.1);
  assert.equal(c.maxGradNorm, 1);
  assert.deepEqual(c.optimizer, { name: "AdamW", beta1: 0.9, beta2: 0.999, epsilon: 1e-6, biasCorrection: true });
  assert.equal(c.weightDecay, 0.01);
  assert.deepEqual(c.dropout, { hidden: 0.1, attention: 0.1, classifier: 0.1 });
  assert.equal(c.mitigation, "none");
  assert.equal(c.model.path, await checkpoint);
  assert.match(c.model.configSha256, /^[0-9a-f]{64}$/);
  assert.equal(typeof c.backend, "string");
  assert.equal(c.packageVersion, JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8")).version);

  // final/ is a run folder of its own, and the failed-run label judged it.
  const fm = JSON.parse(fs.readFileSync(path.join(r.out, "final", "metrics.json"), "utf8"));
  assert.equal(fm.checkpoint, "final");
  const finalLogits = readNpy(path.join(r.out, "final", "logits.npy"));
  const finalAcc = accuracy(predictions(Float64Array.from(finalLogits.data as Float32Array), task.test.length, 2), labels);
  assert.equal(m.failedRule.checkpointUsed, "final");
  assert.equal(m.failedRule.score, finalAcc);
  assert.equal(m.failed, finalAcc <= majorityClassAccuracy(labels));

  await runOnce("layout/seed-01", { seed: 1, saveFinal: true });
  const best = loadRuns(path.join(root, "layout"));
  const final = loadRuns(path.join(root, "layout"), { checkpoint: "final" });
  assert.deepEqual(final.runs.map((x) => x.name), ["seed-00", "seed-01"]);
  assert.equal(final.layers, 4);
  assert.equal(best.runs[0].metrics!.checkpoint, "best");
  assert.equal(final.runs[0].metrics!.checkpoint, "final");
});

test("without --save-final the failed-run rule judges the best checkpoint and says so", async () => {
  const r = await runOnce("nofinal");
  assert.equal(fs.existsSync(path.join(r.out, "final")), false);
  const rule = r.metrics.failedRule as { checkpointUsed: string; note?: string };
  assert.equal(rule.checkpointUsed, "best");
  assert.match(rule.note!, /--save-final/);
  assert.throws(() => loadRuns(root, { checkpoint: "final", minRuns: 1 }), /final: missing/);
});

test("same seed → byte-identical logits.npy and hidden.npy; another seed → different outputs", async () => {
  const a = await runOnce("det/a", { seed: 5 });
  const b = await runOnce("det/b", { seed: 5 });
  const c = await runOnce("det/c", { seed: 6 });
  const bytes = (dir: string, f: string) => fs.readFileSync(path.join(dir, f));
  assert.ok(bytes(a.out, "logits.npy").equals(bytes(b.out, "logits.npy")));
  assert.ok(bytes(a.out, "hidden.npy").equals(bytes(b.out, "hidden.npy")));
  assert.ok(!bytes(a.out, "logits.npy").equals(bytes(c.out, "logits.npy")));
});

test("the seed controls the data order (reshuffled every epoch), the dropout masks and the new head, not the encoder", async () => {
  let count = 0;
  const record = async (seed: number) => {
    const steps: Omit<StepInfo, "model">[] = [];
    let loaded = new Map<string, Float32Array>();
    await runOnce(`seeds/${count++}`, {
      seed,
      hooks: {
        beforeStep: ({ model: _m, ...info }) => steps.push({ ...info, indices: Int32Array.from(info.indices) }),
        afterSetup: (s) => (loaded = s.loaded),
      },
    });
    return { steps, loaded };
  };
  const s0 = await record(0);
  const s0again = await record(0);
  const s1 = await record(1);
  const order = (r: typeof s0, epoch: number) => r.steps.filter((s) => s.epoch === epoch).flatMap((s) => Array.from(s.indices));
  // Every epoch visits each example once, in batches of 16, 16 and a kept partial 8.
  for (const epoch of [1, 2, 3]) {
    assert.deepEqual([...order(s0, epoch)].sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i));
    assert.deepEqual(s0.steps.filter((s) => s.epoch === epoch).map((s) => s.indices.length), [16, 16, 8]);
  }
  assert.notDeepEqual(order(s0, 1), order(s0, 2));
  assert.deepEqual(order(s0, 1), order(s0again, 1));
  assert.notDeepEqual(order(s0, 1), order(s1, 1));
  assert.deepEqual(s0.steps.map((s) => s.dropoutSeed), s0again.steps.map((s) => s.dropoutSeed));
  assert.notDeepEqual(s0.steps.map((s) => s.dropoutSeed), s1.steps.map((s) => s.dropoutSeed));
  assert.equal(new Set(s0.steps.map((s) => s.dropoutSeed)).size, s0.steps.length);
  assert.notDeepEqual(s0.loaded.get("classifier.weight"), s1.loaded.get("classifier.weight"));
  assert.deepEqual(s0.loaded.get("classifier.weight"), s0again.loaded.get("classifier.weight"));
  assert.deepEqual(s0.loaded.get("classifier.bias"), new Float32Array(2)); // new biases are 0
  for (const name of ["bert.encoder.layer.0.attention.self.query.weight", "bert.pooler.dense.weight"]) {
    assert.deepEqual(s0.loaded.get(name), s1.loaded.get(name), `${name} comes from the checkpoint`);
  }
});

test("a run that diverges mid-way is recorded with its step and keeps the best checkpoint so far", async () => {
  const poisonAt = 5; // epoch 2, after the first evaluation
  const r = await runOnce("diverged/seed-00", {
    saveFinal: true,
    hooks: {
      beforeStep: ({ step, model }) => {
        if (step !== poisonAt) return;
        const v = model.param("bert.embeddings.LayerNorm.weight");
        v.assign(tf.fill(v.shape as [number], NaN));
      },
    },
  });
  const m = r.metrics;
  assert.equal(m.diverged, true);
  assert.equal(m.divergedStep, poisonAt);
  assert.equal(m.steps, poisonAt - 1);
  assert.equal(m.bestEpoch, 1);
  assert.equal(m.predictionsFrom, "best");
  assert.equal((m.validationMetricPerEpoch as number[]).length, 1);
  assert.equal(m.finalSaved, false); // the final weights give NaN: no final/
  const set = loadRuns(path.dirname(r.out), { minRuns: 1 }); // finite, readable
  assert.equal(set.runs[0].name, "seed-00");
});

test("a run that diverges before any evaluation still leaves a readable run folder that says so", async () => {
  const r = await runOnce("diverged-early/seed-00", { lr: 1e30 });
  const m = r.metrics;
  assert.equal(m.diverged, true);
  assert.ok((m.divergedStep as number) >= 2 && (m.divergedStep as number) <= 3, `diverged at ${m.divergedStep}`);
  assert.equal(m.bestEpoch, null);
  assert.match(String(m.predictionsFrom), /initial|last-finite-step/);
  loadRuns(path.dirname(r.out), { minRuns: 1 });
});

test("progress: plain lines off a terminal, a redrawn bar with loss and ETA on one", async () => {
  const capture = (isTTY: boolean) => {
    let text = "";
    return { stream: { isTTY, write: (s: string) => ((text += s), true) }, text: () => text };
  };
  const plain = capture(false);
  await runOnce("progress/plain", { progress: { stream: plain.stream } });
  assert.doesNotMatch(plain.text(), /\r/);
  assert.match(plain.text(), /9\/9 steps .*ETA .*loss \d\.\d{4}/);
  assert.match(plain.text(), /epoch 3\/3 train loss \d\.\d+, validation accuracy/);
  const tty = capture(true);
  await runOnce("progress/tty", { progress: { stream: tty.stream, intervalMs: 0 } });
  assert.match(tty.text(), /\r\x1b\[K.*\[#*\.*\] \d\/9 steps .*ETA/);
});

test("a finished run is reused only when it is the run asked for: other settings, checkpoint or data are an error, --overwrite redoes it", async () => {
  const first = await runOnce("skip");
  const again = await runOnce("skip");
  assert.equal(again.status, "skipped");
  const other = /holds a finished run made with other settings \(found vs asked: (.*)\); pass --overwrite to re-run it/;
  await assert.rejects(runOnce("skip", { seed: 3 }), new RegExp(other.source.replace("(.*)", "seed 0 vs 3")));
  await assert.rejects(runOnce("skip", { epochs: 2 }), new RegExp(other.source.replace("(.*)", "epochs 3 vs 2")));
  await assert.rejects(runOnce("skip", { seed: 7, mitigation: "mixout" }), /found vs asked: seed 0 vs 7, mitigation "none" vs "mixout"/);
  await assert.rejects(runOnce("skip", { maxTrainExamples: 20 }), /maxTrainExamples null vs 20, nTrain 40 vs 20, dataSha256 [0-9a-f]{10}… vs [0-9a-f]{10}…\)/);
  await assert.rejects(runOnce("skip", { task: tinyTask(undefined, 8) }), /found vs asked: dataSha256/);
  // The same architecture with other weights: only the fingerprint tells them apart.
  const retrained = path.join(root, "retrained");
  fs.cpSync(await checkpoint, retrained, { recursive: true });
  const weights = fs.readFileSync(path.join(retrained, "model.safetensors"));
  weights[weights.length - 1] ^= 1; // the last byte of the last weight: still a valid float32
  fs.writeFileSync(path.join(retrained, "model.safetensors"), weights);
  await assert.rejects(runOnce("skip", { modelDir: retrained }), /found vs asked: model\.weightsSha256/);
  await assert.rejects(runOnce("skip", { saveFinal: true }), /--save-final asked, but it kept no final\/ model/);

  const redo = await runOnce("skip", { seed: 3, overwrite: true });
  assert.equal(redo.status, "finished");
  const config = JSON.parse(fs.readFileSync(path.join(first.out, "config.json"), "utf8"));
  assert.equal(config.seed, 3);
  assert.match(config.model.weightsSha256, /^[0-9a-f]{64}$/);
  assert.match(config.dataSha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(fs.readdirSync(path.dirname(first.out)).filter((n) => n.startsWith(".")), []);
  // A finished run whose settings are unknown (no config.json) is not taken for this one.
  fs.rmSync(path.join(first.out, "config.json"));
  await assert.rejects(runOnce("skip", { seed: 3 }), /other settings \(it has no config\.json, so its settings are unknown\)/);
});

test("measure's loader refuses a runs folder whose runs differ in anything but the seed", async () => {
  const a = await runOnce("mixed/seed-00", { epochs: 1 });
  await runOnce("mixed/seed-01", { seed: 1, epochs: 1 });
  assert.equal(loadRuns(path.dirname(a.out)).runs.length, 2, "seeds alone may differ");
  await runOnce("mixed/seed-02", { seed: 2, epochs: 2 });
  assert.throws(() => loadRuns(path.dirname(a.out)), /seed-02[/\\]config\.json: run 'seed-02' was made with other settings than run 'seed-00' \(epochs 2 vs 1\)/);
});

test("a GLUE pair task (MRPC): F1 on the test half of the paper's dev split", { skip: !glueDir() && NO_GLUE }, async () => {
  const r = await fineTune({ task: "mrpc", glueDir: glueDir()!, seed: 0, out: path.join(root, "glue", "mrpc"), modelDir: await checkpoint, epochs: 1, maxTrainExamples: 16, progress: false });
  const mrpc = loadTask("mrpc", { glueDir: glueDir()! });
  assert.equal(r.metrics.metric, "f1");
  const run = loadRuns(path.join(root, "glue"), { minRuns: 1 }).runs[0];
  assert.equal(run.n, mrpc.test.length);
  assert.deepEqual(Array.from(run.labels), mrpc.test.map((e) => e.label));
  assert.equal(r.metrics.testMetric, f1Score(predictions(run.logits, run.n, 2), run.labels));
  assert.equal(r.metrics.steps, 1);
  assert.match(String(r.config!.taskSource), /^glue:/);
});

test.after(() => fs.rmSync(root, { recursive: true, force: true }));
