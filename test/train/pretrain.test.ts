import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSafetensors } from "../../src/model/safetensors";
import { loadModel } from "../../src/model/checkpoint";
import { pretrain } from "../../src/train/pretrain/loop";
import { findCheckpoint, readOptimizerState, readTrainerState, saveCheckpoint } from "../../src/train/pretrain/checkpoint";
import { pretrainingEpochBatches, isHeldOut, splitHeldOut } from "../../src/train/pretrain/data";
import { readLog } from "../../src/train/pretrain/log";
import { AdamW } from "../../src/train/adamw";
import { tinyCorpus, tinyOptions } from "./helpers/tinyPretrain";

function tmpDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pretrain-${label}-`));
}

function weights(dir: string): Map<string, Float32Array> {
  return new Map([...readSafetensors(path.join(dir, "model.safetensors"))].map(([k, v]) => [k, v.data]));
}

test("a run interrupted and resumed reaches bit-for-bit the same weights, optimizer state and losses as an uninterrupted one", async () => {
  const a = tmpDir("whole");
  const b = tmpDir("resumed");
  const whole = await pretrain(tinyOptions(a));
  assert.equal(whole.finished, true);
  assert.equal(whole.step, 8);

  const first = await pretrain(tinyOptions(b, { stopAtStep: 3 }));
  assert.equal(first.finished, false);
  assert.equal(first.step, 3);
  assert.equal(readTrainerState(path.join(b, "checkpoint")).step, 3);
  // A killed process may have logged updates past its checkpoint; the resume must drop them.
  fs.appendFileSync(path.join(b, "log.jsonl"), JSON.stringify({ type: "train", step: 4, loss: 123 }) + "\n");
  const second = await pretrain(tinyOptions(b));
  assert.equal(second.resumedFrom, 3);
  assert.equal(second.finished, true);
  assert.equal(second.tokensSeen, whole.tokensSeen);

  const wa = weights(path.join(a, "model"));
  const wb = weights(path.join(b, "model"));
  assert.deepEqual([...wa.keys()], [...wb.keys()]);
  assert.ok(wa.has("cls.predictions.bias") && wa.has("bert.encoder.layer.0.output.dense.weight"));
  for (const [name, x] of wa) assert.deepEqual(wb.get(name), x, `${name} differs after resume`);
  const oa = readOptimizerState(path.join(a, "checkpoint"));
  const ob = readOptimizerState(path.join(b, "checkpoint"));
  assert.equal(oa.step, 8);
  assert.deepEqual(ob, oa);
  // Dropout is on (0.1) in these runs, so its masks must also be reproduced after the resume.

  const trainLoss = (dir: string) => readLog(path.join(dir, "log.jsonl")).filter((e) => e.type === "train").map((e) => [e.step, e.loss]);
  assert.deepEqual(trainLoss(b), trainLoss(a));
  assert.deepEqual(trainLoss(a).map(([s]) => s), [1, 2, 3, 4, 5, 6, 7, 8]);
  const evals = readLog(path.join(a, "log.jsonl")).filter((e) => e.type === "eval").map((e) => e.step);
  assert.deepEqual(evals, [0, 4, 8]);
});

test("pre-training lowers the held-out MLM loss on a corpus with structure", async () => {
  const dir = tmpDir("learns");
  const r = await pretrain(tinyOptions(dir, { documents: tinyCorpus(1500, 2), maxSteps: 60, evalEvery: 60, dropout: 0 }));
  const evals = readLog(path.join(dir, "log.jsonl")).filter((e) => e.type === "eval");
  assert.equal(evals[0].step, 0);
  assert.equal(evals.at(-1)!.step, 60);
  assert.ok((evals[0].masked_tokens as number) > 200, JSON.stringify(evals));
  assert.ok((evals.at(-1)!.eval_loss as number) < (evals[0].eval_loss as number) - 0.5, JSON.stringify(evals));
  assert.ok(r.lastEval!.accuracy > (evals[0].eval_accuracy as number) + 0.05);
  // The final model loads as a BERT with an MLM head (HF BertForMaskedLM layout).
  const model = await loadModel(r.modelDir!);
  assert.equal(model.heads.mlm, true);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(r.modelDir!, "config.json"), "utf8")).architectures, ["BertForMaskedLM"]);
  model.dispose();
});

test("an abort (Ctrl-C / SIGTERM) raised by a timer while updates run stops the run after that update, with a checkpoint", async () => {
  const dir = tmpDir("abort");
  const controller = new AbortController();
  let stepsWhenAborted = -1;
  // A timer can only fire if the loop yields to the event loop between updates.
  const poll = setInterval(() => {
    const log = readLog(path.join(dir, "log.jsonl")).filter((e) => e.type === "train");
    if (log.length >= 2 && !controller.signal.aborted) {
      stepsWhenAborted = log.length;
      controller.abort();
    }
  }, 1);
  const r = await pretrain(tinyOptions(dir, { maxSteps: 400, evalEvery: 1000, signal: controller.signal }));
  clearInterval(poll);
  assert.equal(r.finished, false);
  assert.ok(stepsWhenAborted >= 2 && r.step <= stepsWhenAborted + 1, `aborted after ${stepsWhenAborted}, stopped at ${r.step}`);
  assert.equal(readTrainerState(path.join(dir, "checkpoint")).step, r.step);
});

test("continued pre-training (initFrom) starts from the given weights and tokenizer, with a fresh optimizer", async () => {
  const first = tmpDir("phase1");
  const r1 = await pretrain(tinyOptions(first, { maxSteps: 6, evalEvery: 100 }));
  const second = tmpDir("phase2");
  const r2 = await pretrain(tinyOptions(second, { initFrom: r1.modelDir!, seed: 4, maxSteps: 4, evalEvery: 100 }));
  assert.equal(r2.step, 4);
  const evals = readLog(path.join(second, "log.jsonl")).filter((e) => e.type === "eval");
  // Its step-0 evaluation is the first run's final model on the same held-out masking.
  assert.equal(evals[0].step, 0);
  assert.equal(evals[0].eval_loss, r1.lastEval!.loss);
  assert.equal(fs.readFileSync(path.join(second, "tokenizer", "vocab.txt"), "utf8"), fs.readFileSync(path.join(r1.modelDir!, "vocab.txt"), "utf8"));
  assert.equal(readOptimizerState(path.join(second, "checkpoint")).step, 4);
  assert.equal(readTrainerState(path.join(second, "checkpoint")).settings.initFrom, path.resolve(r1.modelDir!));
  // Resuming it without initFrom is another run: refused.
  await assert.rejects(pretrain(tinyOptions(second, { seed: 4, maxSteps: 6 })), /was written with/);
  await assert.rejects(pretrain(tinyOptions(tmpDir("phase2b"), { initFrom: r1.modelDir!, hidden: 32 })), /--init-from .*hidden_size is 16 but this run asks for 32/);
});

test("next-sentence pre-training continued from an MLM-only model: resumes exactly, saves BertForPreTraining whose trained pooler fine-tuning keeps", async () => {
  const first = tmpDir("mlm");
  const r1 = await pretrain(tinyOptions(first, { maxSteps: 4, evalEvery: 100 }));
  const opts = { initFrom: r1.modelDir!, nextSentence: true, seed: 4, maxSteps: 6, evalEvery: 3 };
  const a = tmpDir("nsp-whole");
  const b = tmpDir("nsp-resumed");
  const whole = await pretrain(tinyOptions(a, opts));
  await pretrain(tinyOptions(b, { ...opts, stopAtStep: 2 }));
  const resumed = await pretrain(tinyOptions(b, opts));
  assert.equal(resumed.resumedFrom, 2);
  assert.equal(resumed.tokensSeen, whole.tokensSeen);
  const wa = weights(path.join(a, "model"));
  const wb = weights(path.join(b, "model"));
  for (const [name, x] of wa) assert.deepEqual(wb.get(name), x, `${name} differs after resume`);
  assert.deepEqual(wa.get("cls.seq_relationship.weight")!.length, 2 * 16);
  assert.ok(wa.has("bert.pooler.dense.weight"));
  const config = JSON.parse(fs.readFileSync(path.join(a, "model", "config.json"), "utf8"));
  assert.deepEqual(config.architectures, ["BertForPreTraining"]);
  // The MLM-only model's encoder is where it started: the weights moved from there.
  const w1 = weights(r1.modelDir!);
  assert.notDeepEqual(wa.get("bert.embeddings.token_type_embeddings.weight"), w1.get("bert.embeddings.token_type_embeddings.weight"));
  const train = readLog(path.join(a, "log.jsonl")).filter((e) => e.type === "train");
  assert.equal(train.length, 6);
  for (const e of train) {
    const acc = e.next_sentence_accuracy as number;
    assert.ok(acc >= 0 && acc <= 1 && Number.isInteger(acc * 4), `next-sentence accuracy ${acc} of a batch of 4`);
  }
  // The held-out MLM evaluation is the same as for MLM-only runs: its step 0 is the first model's.
  const evals = readLog(path.join(a, "log.jsonl")).filter((e) => e.type === "eval");
  assert.equal(evals[0].eval_loss, r1.lastEval!.loss);
  // Fine-tuning keeps the pre-trained pooler and leaves the pre-training heads behind.
  const tuned = await loadModel(path.join(a, "model"), { numLabels: 2, seed: 1 });
  assert.deepEqual(tuned.initializedFromSeed.sort(), ["classifier.bias", "classifier.weight"]);
  assert.equal(tuned.heads.nsp, false);
  assert.equal(tuned.heads.mlm, false);
  assert.deepEqual(tuned.param("bert.pooler.dense.weight").dataSync(), wa.get("bert.pooler.dense.weight"));
  tuned.dispose();
  // MLM-only runs written before the option existed resume unchanged: it is not in their settings.
  assert.equal("nextSentence" in readTrainerState(path.join(first, "checkpoint")).settings, false);
  assert.equal(readTrainerState(path.join(a, "checkpoint")).settings.nextSentence, true);
});

test("a resume with other settings is refused, naming the setting", async () => {
  const dir = tmpDir("settings");
  await pretrain(tinyOptions(dir, { stopAtStep: 1 }));
  await assert.rejects(pretrain(tinyOptions(dir, { lr: 5e-3 })), /lr = 0\.01.*lr = 0\.005.*another --out/);
});

test("a run that diverges (a huge learning rate) stops at that update with one line naming it and the fix; the checkpoint before it stays", async () => {
  const dir = tmpDir("diverge");
  const err = await pretrain(tinyOptions(dir, { lr: 1e12, warmupSteps: 0, checkpointEverySteps: 1 })).then(() => null, (e: Error) => e);
  assert.ok(err, "a learning rate of 1e12 must break the run");
  assert.match(err.message, /^pre-training diverged at update \d+ \(loss (NaN|-?Infinity), gradient norm [^)]+\); .*lower --lr/);
  assert.ok(!err.message.includes("\n"));
  const update = Number(/at update (\d+)/.exec(err.message)![1]);
  assert.ok(update >= 2, `update ${update}: the first update at full LR is what breaks the model`);
  // Every update before the broken one is logged and checkpointed; the broken one is neither.
  const steps = readLog(path.join(dir, "log.jsonl")).filter((e) => e.type === "train").map((e) => e.step);
  assert.deepEqual(steps, Array.from({ length: update - 1 }, (_, i) => i + 1));
  assert.equal(readTrainerState(findCheckpoint(dir)!).step, update - 1);
});

test("the held-out split depends only on the text, holds out about 2%, and data order is a permutation per epoch", () => {
  const docs = tinyCorpus(5000, 9);
  const { train, heldOut } = splitHeldOut(docs);
  assert.equal(train.length + heldOut.length, docs.length);
  assert.ok(heldOut.length > 0.01 * docs.length && heldOut.length < 0.03 * docs.length, `${heldOut.length}`);
  assert.deepEqual(splitHeldOut([...docs].reverse()).heldOut.sort(), [...heldOut].sort());
  for (const d of heldOut) assert.equal(isHeldOut(d), true);

  const lengths = Array.from({ length: 1003 }, (_, i) => 3 + ((i * 37) % 120));
  const e0 = pretrainingEpochBatches(lengths, 16, 0, 0);
  assert.deepEqual(e0.flat().sort((x, y) => x - y), lengths.map((_, i) => i));
  assert.deepEqual(pretrainingEpochBatches(lengths, 16, 0, 0), e0);
  assert.notDeepEqual(pretrainingEpochBatches(lengths, 16, 0, 1), e0);
  // Length grouping: batches pad far less than random batches of the same sequences would.
  const padding = (batches: number[][]) => batches.reduce((a, b) => a + Math.max(...b.map((i) => lengths[i])) * b.length - b.reduce((s, i) => s + lengths[i], 0), 0);
  const random: number[][] = [];
  for (let i = 0; i < 1003; i += 16) random.push(Array.from({ length: Math.min(16, 1003 - i) }, (_, k) => i + k));
  assert.ok(padding(e0) < 0.5 * padding(random));
});

function tokenizerDirFor(dir: string): string {
  const t = path.join(dir, "tok");
  fs.mkdirSync(t);
  fs.writeFileSync(path.join(t, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"].join("\n") + "\n");
  return t;
}

test("a checkpoint write that fails half-way leaves the previous checkpoint intact and no temporary files", async () => {
  const dir = tmpDir("fail");
  await pretrain(tinyOptions(dir, { stopAtStep: 2 }));
  const before = weights(path.join(dir, "checkpoint"));
  const model = await loadModel(path.join(dir, "checkpoint"), { heads: { pooler: false } });
  const optimizer = new AdamW(model.trainableVariables(), undefined, { lr: 1e-3 });
  for (const p of model.params.values()) p.assign(p.add(1));
  await assert.rejects(
    saveCheckpoint(dir, model, optimizer, { step: 99, epoch: 0, position: 0, tokensSeen: 0, trainSeconds: 0, settings: {} }, {
      tokenizerDir: tokenizerDirFor(dir),
      beforeCommit: () => {
        throw new Error("disk full");
      },
    }),
    /disk full/,
  );
  optimizer.dispose();
  model.dispose();
  assert.equal(findCheckpoint(dir), path.join(dir, "checkpoint"));
  assert.equal(readTrainerState(path.join(dir, "checkpoint")).step, 2);
  assert.deepEqual(weights(path.join(dir, "checkpoint")), before);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith(".tmp-")), []);
});

test("a crash between the two renames of the swap is recovered from checkpoint.prev", async () => {
  const dir = tmpDir("swap");
  await pretrain(tinyOptions(dir, { stopAtStep: 2 }));
  fs.renameSync(path.join(dir, "checkpoint"), path.join(dir, "checkpoint.prev"));
  assert.equal(findCheckpoint(dir), path.join(dir, "checkpoint.prev"));
  const r = await pretrain(tinyOptions(dir));
  assert.equal(r.resumedFrom, 2);
  assert.equal(r.finished, true);
  assert.equal(fs.existsSync(path.join(dir, "checkpoint.prev")), false);
});

test("a process killed (SIGKILL) at any moment of its checkpoint writes leaves one whole, consistent checkpoint", async () => {
  const writer = path.join(__dirname, "helpers", "checkpointWriter.js");
  const dir = tmpDir("kill");
  const tok = tokenizerDirFor(dir);
  for (const extraMs of [0, 7, 23, 61]) {
    const child = spawn(process.execPath, [writer, dir, tok], { stdio: ["ignore", "pipe", "pipe"] });
    let saved = 0;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        saved += (String(d).match(/saved/g) ?? []).length;
        // Kill at a varying moment inside a later write, once at least two have completed.
        if (saved >= 2 && !child.killed) setTimeout(() => child.kill("SIGKILL"), extraMs);
      });
      child.on("exit", () => resolve());
      child.on("error", reject);
    });
    assert.ok(saved >= 2, `writer failed: ${stderr}`);
    const ckpt = findCheckpoint(dir);
    assert.ok(ckpt, "no checkpoint after the kill");
    const step = readTrainerState(ckpt).step;
    assert.ok(step >= 2);
    for (const [name, w] of weights(ckpt)) assert.ok(w.every((x) => x === step), `${name} is not from checkpoint ${step}`);
    const opt = readOptimizerState(ckpt);
    for (const m of opt.moments) assert.ok(m.m.every((x) => x === step) && m.v.every((x) => x === step));
    assert.ok(fs.existsSync(path.join(ckpt, "vocab.txt")) && fs.existsSync(path.join(ckpt, "config.json")));
  }
});
