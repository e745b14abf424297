// The mitigation methods through the whole run loop, each by its defining property.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type FineTuneOptions, type SetupInfo, fineTune } from "../../src/train/finetune";
import { reinitNames } from "../../src/train/mitigation";
import { tinyCheckpoint, tinyTask, tmpDir } from "./finetuneFixture";

const root = tmpDir("finetune-mitigation-");
const checkpoint = tinyCheckpoint(root);
const task = tinyTask();
let counter = 0;

async function runOnce(extra: Partial<FineTuneOptions>) {
  return fineTune({ task, seed: 2, out: path.join(root, `run-${counter++}`), modelDir: await checkpoint, epochs: 2, lr: 1e-3, progress: false, ...extra });
}

const values = (info: SetupInfo) => new Map([...info.model.params].map(([n, v]) => [n, Float32Array.from(v.dataSync() as Float32Array)]));

test("Mixout with p = 0 gives byte-identical results to standard fine-tuning without dropout", async () => {
  const none = await runOnce({ mitigation: "none", dropout: 0 });
  const mixout = await runOnce({ mitigation: "mixout", mitigationHyperParameters: { mixoutP: 0 } });
  for (const f of ["logits.npy", "hidden.npy"]) {
    assert.ok(fs.readFileSync(path.join(none.out, f)).equals(fs.readFileSync(path.join(mixout.out, f))), f);
  }
  // and Mixout turns every dropout off
  assert.deepEqual(mixout.config!.dropout, { hidden: 0, attention: 0, classifier: 0 });
  const p01 = await runOnce({ mitigation: "mixout" });
  assert.ok(!fs.readFileSync(path.join(none.out, "logits.npy")).equals(fs.readFileSync(path.join(p01.out, "logits.npy"))));
});

test("re-init changes exactly the top blocks and the pooler before training, from the seed", async () => {
  const capture = async (seed: number) => {
    let changed: string[] = [];
    let reported: string[] = [];
    let after = new Map<string, Float32Array>();
    await runOnce({
      seed,
      epochs: 1,
      mitigation: "reinit",
      mitigationHyperParameters: { reinitLayers: 2 },
      hooks: {
        afterSetup: (info) => {
          after = values(info);
          reported = info.reinitialized;
          changed = [...after].filter(([n, v]) => !Buffer.from(v.buffer).equals(Buffer.from(info.loaded.get(n)!.buffer))).map(([n]) => n);
        },
      },
    });
    return { changed, reported, after };
  };
  const a = await capture(2);
  const expected = reinitNames(a.after.keys(), 2);
  assert.deepEqual(expected.filter((n) => n.includes("encoder.layer.0.")), []);
  assert.ok(expected.includes("bert.encoder.layer.2.output.dense.weight") && expected.includes("bert.pooler.dense.weight"));
  assert.deepEqual(a.reported, expected);
  // Every re-initialised tensor that is not already at its init value (LayerNorm 1/0, zero biases) changed; nothing else did.
  const random = expected.filter((n) => n.endsWith(".weight") && !n.includes("LayerNorm"));
  assert.deepEqual(a.changed.filter((n) => !expected.includes(n)), []);
  for (const n of random) assert.ok(a.changed.includes(n), `${n} re-initialised`);
  const w = a.after.get("bert.encoder.layer.2.attention.self.query.weight")!;
  const std = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
  assert.ok(Math.abs(std - 0.02) < 0.004, `std ${std}`);
  const b = await capture(3);
  assert.notDeepEqual(a.after.get("bert.pooler.dense.weight"), b.after.get("bert.pooler.dense.weight"));
});

test("LLRD gives the head the base LR without decay, block L−i lr·η^(i+1) and the embeddings lr·η^(L+1)", async () => {
  let groups: SetupInfo["groupLearningRates"] = [];
  const lr = 1e-3;
  const eta = 0.9;
  await runOnce({ epochs: 1, lr, mitigation: "llrd", mitigationHyperParameters: { llrdEta: eta }, hooks: { afterSetup: (i) => (groups = i.groupLearningRates) } });
  const L = 3;
  const lrOf = (param: string) => groups.find((g) => g.params.includes(param))!;
  const close = (x: number, y: number) => assert.ok(Math.abs(x - y) <= 1e-15, `${x} vs ${y}`);
  for (const p of ["classifier.weight", "classifier.bias", "bert.pooler.dense.weight"]) {
    close(lrOf(p).lr, lr);
    assert.equal(lrOf(p).weightDecay, 0);
  }
  for (let l = 0; l < L; l++) {
    close(lrOf(`bert.encoder.layer.${l}.intermediate.dense.weight`).lr, lr * eta ** (L - l));
    assert.equal(lrOf(`bert.encoder.layer.${l}.intermediate.dense.weight`).weightDecay, 0.01);
    assert.equal(lrOf(`bert.encoder.layer.${l}.output.LayerNorm.weight`).weightDecay, 0);
  }
  close(lrOf("bert.embeddings.word_embeddings.weight").lr, lr * eta ** (L + 1));
});

test("WD_pre pulls the encoder toward the loaded weights, where ordinary weight decay pulls it toward zero", async () => {
  // λ large enough that the decay term dominates the Adam steps (λ·lr_t ≤ 0.1 per step).
  const lambda = 1000;
  const lr = 1e-4;
  const measure = async (mitigation: "none" | "wd_pre") => {
    let loaded = new Map<string, Float32Array>();
    let dist = 0;
    let norm = 0;
    let norm0 = 0;
    await runOnce({
      lr,
      epochs: 3,
      mitigation,
      mitigationHyperParameters: mitigation === "none" ? { weightDecay: lambda } : { wdPreLambda: lambda },
      hooks: {
        afterSetup: (i) => (loaded = i.loaded),
        afterTraining: (model) => {
          for (const [n, v] of model.params) {
            if (!n.includes("encoder.layer.") || !n.endsWith("dense.weight")) continue;
            const x = v.dataSync() as Float32Array;
            const x0 = loaded.get(n)!;
            for (let j = 0; j < x.length; j++) {
              dist += (x[j] - x0[j]) ** 2;
              norm += x[j] ** 2;
              norm0 += x0[j] ** 2;
            }
          }
        },
      },
    });
    return { dist: Math.sqrt(dist), norm: Math.sqrt(norm), norm0: Math.sqrt(norm0) };
  };
  const none = await measure("none");
  const wdPre = await measure("wd_pre");
  assert.ok(none.norm < 0.8 * none.norm0, `decay toward 0 shrinks the weights: ${none.norm} vs ${none.norm0}`);
  assert.ok(wdPre.dist < 0.1 * none.dist, `WD_pre stays near θ₀: ${wdPre.dist} vs ${none.dist}`);
  assert.ok(Math.abs(wdPre.norm - wdPre.norm0) < 0.05 * wdPre.norm0);
});

test("an unknown mitigation method is an error that lists the valid ones", async () => {
  await assert.rejects(runOnce({ mitigation: "dropconnect" }), /unknown mitigation method "dropconnect"; valid methods: none, mixout, llrd, reinit, wd_pre/);
});

test.after(() => fs.rmSync(root, { recursive: true, force: true }));
