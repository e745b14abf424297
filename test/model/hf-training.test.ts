// Twenty fine-tuning updates, ours against PyTorch with transformers' own AdamW, linear warm-up
// schedule and gradient clipping (python/hf_train.py): the same initial weights (the embedded
// tiny BERT with a classification head initialised from our seed, saved by us and loaded by
// transformers), the same batches of sentence pairs, dropout 0. The loss of every update agrees
// to 1e-3 relative, every parameter's first-step gradient to 1e-4 relative (in norm), and, since
// 20 updates move this loss little, every parameter after them to 1% of how far it moved.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadModel, readSafetensors, saveModel, type Batch } from "../../src/model";
import { crossEntropy } from "../../src/model/ops/cross-entropy";
import { lossAndGrads } from "../../src/model/train-step";
import { AdamW } from "../../src/train/adamw";
import { LinearWarmupSchedule } from "../../src/train/schedule";
import { applyUpdate } from "../../src/train/update";
import { loadTokenizer } from "../../src/data/tokenizers";
import { loadTask } from "../../src/data/loadTask";
import { REPO_ROOT } from "../helpers/glue";
import { hfSkip, runHfJson } from "./hf/python";

const STEPS = 20;
const BATCH = 8;
const LR = 1e-3; // larger than the paper's 2e-5 so that 20 updates move the weights and the loss
const ZERO_DROPOUT = { hidden: 0, attention: 0, classifier: 0 };

interface TorchRun {
  missing: string[];
  unexpected: string[];
  losses: number[];
  lrs: number[];
  gradNorms: number[];
}

test("20 updates of AdamW + warm-up/decay + clipping: losses to 1e-3 and first-step gradients to 1e-4 of PyTorch/transformers", { skip: hfSkip() }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hf-train-"));
  try {
    const start = path.join(root, "start");
    const initial = await loadModel(path.join(REPO_ROOT, "models", "tiny-bert-en"), { numLabels: 2, seed: 5 });
    await saveModel(initial, start);
    initial.dispose();

    const tokenizer = loadTokenizer(start);
    const examples = loadTask("sotu-pair").train.slice(0, STEPS * BATCH);
    const batches: { batch: Batch; labels: Int32Array }[] = [];
    for (let k = 0; k < STEPS; k++) {
      const chunk = examples.slice(k * BATCH, (k + 1) * BATCH);
      const b = tokenizer.encodeBatch(chunk.map((e) => ({ text: e.text, textPair: e.textPair })), { maxLength: 32 });
      batches.push({ batch: b, labels: Int32Array.from(chunk.map((e) => e.label)) });
    }
    const gradsOut = path.join(root, "grads.safetensors");
    const finalOut = path.join(root, "final.safetensors");
    const torch = runHfJson<TorchRun>("hf_train.py", [], {
      dir: start,
      lr: LR,
      totalSteps: STEPS,
      warmupRatio: 0.1,
      gradsOut,
      finalOut,
      batches: batches.map(({ batch: b, labels }) => ({
        inputIds: Array.from(b.inputIds),
        tokenTypeIds: Array.from(b.tokenTypeIds!),
        attentionMask: Array.from(b.attentionMask),
        batchSize: b.batchSize,
        seqLength: b.seqLength,
        labels: Array.from(labels),
      })),
    });
    // transformers took every weight from our checkpoint, the head included.
    assert.deepEqual(torch.missing, []);
    assert.deepEqual(torch.unexpected, []);

    const model = await loadModel(start, { numLabels: 2 });
    const optimizer = new AdamW(model.params, undefined, { lr: LR, beta1: 0.9, beta2: 0.999, epsilon: 1e-6 });
    const schedule = new LinearWarmupSchedule({ trainExamples: STEPS * BATCH, batchSize: BATCH, epochs: 1, warmupRatio: 0.1 });
    assert.equal(schedule.totalSteps, STEPS);
    const torchGrads = readSafetensors(gradsOut);
    const losses: number[] = [];
    try {
      for (let k = 0; k < STEPS; k++) {
        const { batch, labels } = batches[k];
        const { loss, grads } = lossAndGrads(model, () => crossEntropy(model.forward(batch, { training: true, dropout: ZERO_DROPOUT }).logits, labels));
        if (k === 0) {
          assert.deepEqual([...grads.keys()].sort(), [...torchGrads.keys()].sort(), "the same parameters get gradients");
          // The key biases' gradient is zero in exact arithmetic (softmax ignores a shift shared by
          // all keys): both sides hold rounding noise there, compared to the global norm instead.
          const global = Math.sqrt([...torchGrads.values()].reduce((a, t) => a + t.data.reduce((b, x) => b + x * x, 0), 0));
          let worst = 0;
          for (const [name, g] of grads) {
            const want = torchGrads.get(name)!.data;
            const got = g.dataSync();
            let diff = 0;
            let norm = 0;
            for (let i = 0; i < want.length; i++) {
              diff += (got[i] - want[i]) ** 2;
              norm += want[i] ** 2;
            }
            diff = Math.sqrt(diff);
            norm = Math.sqrt(norm);
            if (name.endsWith("attention.self.key.bias")) {
              assert.ok(norm < 1e-6 * global && diff < 1e-6 * global, `${name}: expected a zero gradient, got norms ${norm} (torch) / ${diff} (difference)`);
              continue;
            }
            const rel = diff / norm;
            worst = Math.max(worst, rel);
            assert.ok(rel < 1e-4, `first-step gradient of ${name}: relative difference ${rel}`);
          }
          console.log(`# first-step gradients: worst relative difference ${worst.toExponential(2)} over ${grads.size} parameters`);
        }
        const update = applyUpdate(optimizer, schedule, grads, { maxGradNorm: 1.0 });
        assert.ok(Math.abs(update.lr - torch.lrs[k]) <= 1e-12, `update ${k + 1}: LR ${update.lr} vs ${torch.lrs[k]}`);
        assert.ok(Math.abs(update.gradNorm - torch.gradNorms[k]) / torch.gradNorms[k] < 1e-4, `update ${k + 1}: gradient norm ${update.gradNorm} vs ${torch.gradNorms[k]}`);
        losses.push(loss);
      }
      // Where the 20 updates took every parameter: the optimizer itself agrees, not just the loss.
      const final = readSafetensors(finalOut);
      const begin = readSafetensors(path.join(start, "model.safetensors"));
      let worstParam = 0;
      for (const [name, p] of model.params) {
        const want = final.get(name)!.data;
        const was = begin.get(name)!.data;
        const got = p.dataSync();
        let diff = 0;
        let moved = 0;
        for (let i = 0; i < want.length; i++) {
          diff += (got[i] - want[i]) ** 2;
          moved += (want[i] - was[i]) ** 2;
        }
        // Unused rows aside, the key biases: Adam turns their zero-in-exact-arithmetic gradient's
        // rounding noise into full-size random steps, in PyTorch as here; the loss ignores them.
        if (moved === 0 || name.endsWith("attention.self.key.bias")) continue;
        const rel = Math.sqrt(diff / moved);
        worstParam = Math.max(worstParam, rel);
        assert.ok(rel < 1e-2, `${name} after ${STEPS} updates: difference ${rel} of its displacement`);
      }
      console.log(`# parameters after ${STEPS} updates: worst difference ${worstParam.toExponential(2)} of the displacement`);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
    assert.equal(torch.lrs[0], 0, "the first update has LR 0");
    assert.ok(torch.gradNorms.some((n) => n > 1), "clipping was active on some update");
    let worst = 0;
    losses.forEach((l, k) => {
      const rel = Math.abs(l - torch.losses[k]) / Math.abs(torch.losses[k]);
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-3, `loss of update ${k + 1}: ours ${l}, PyTorch ${torch.losses[k]} (relative ${rel})`);
    });
    console.log(`# losses ${losses[0].toFixed(4)} → ${losses[STEPS - 1].toFixed(4)}; worst relative difference ${worst.toExponential(2)}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
