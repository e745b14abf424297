import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countEncoderLayers, isNoDecay, llrdGroups, standardGroups, validateGroups } from "../../src/train/parameterGroups";
import { llrdParameterGroups } from "../../src/train/mitigation/llrd";
import { AdamW } from "../../src/train/adamw";
import { disposeParams, fakeParamShapes, fakeParams } from "./fakeParams";

tf.setBackend("cpu");

test("no decay for biases and LayerNorm weights, decay for everything else", () => {
  assert.equal(isNoDecay("bert.encoder.layer.3.attention.self.query.bias"), true);
  assert.equal(isNoDecay("bert.encoder.layer.3.output.LayerNorm.weight"), true);
  assert.equal(isNoDecay("roberta.embeddings.LayerNorm.bias"), true);
  assert.equal(isNoDecay("bert.encoder.layer.3.output.dense.weight"), false);
  assert.equal(isNoDecay("bert.embeddings.word_embeddings.weight"), false);
  assert.equal(isNoDecay("classifier.weight"), false);
  const names = [...fakeParamShapes({ arch: "bert", layers: 2, hidden: 4, ffn: 8 }).keys()];
  const [decay, noDecay] = standardGroups(names, 0.01);
  assert.equal(decay.weightDecay, 0.01);
  assert.equal(noDecay.weightDecay, 0);
  assert.ok(decay.params.every((n) => n.endsWith(".weight") && !n.includes("LayerNorm")));
  assert.ok(noDecay.params.every((n) => n.endsWith(".bias") || n.includes("LayerNorm.weight")));
  assert.equal(decay.params.length + noDecay.params.length, names.length);
  validateGroups([decay, noDecay], names);
});

/** The LR multiplier the paper's formula gives a name: written from method.md §4.2 directly. */
function expectedLlrd(name: string, L: number, eta: number): { scale: number; decayed: boolean } {
  if (name.includes("classifier") || name.includes("pooler")) return { scale: 1, decayed: false };
  const noDecay = name.includes("bias") || name.includes("LayerNorm.weight");
  const m = name.match(/encoder\.layer\.(\d+)\./);
  const block = m ? Number(m[1]) + 1 : 0; // 1-based block; 0 = embeddings
  const exponent = block === 0 ? L + 1 : L - block + 1; // block L → η^1, block 1 → η^L
  return { scale: eta ** exponent, decayed: !noDecay };
}

for (const [arch, L] of [["bert", 24], ["roberta", 24], ["bert", 3], ["roberta", 1]] as const) {
  test(`LLRD gives every parameter the formula's LR and decay (${arch}, L = ${L})`, () => {
    const names = [...fakeParamShapes({ arch, layers: L, hidden: 4, ffn: 8 }).keys()];
    const groups = llrdParameterGroups(names);
    validateGroups(groups, names);
    assert.equal(countEncoderLayers(names), L);
    for (const g of groups) {
      for (const n of g.params) {
        const want = expectedLlrd(n, L, 0.95);
        assert.ok(Math.abs(g.lrScale - want.scale) < 1e-15 * want.scale + 1e-300, `${n}: ${g.lrScale} vs ${want.scale}`);
        assert.equal(g.weightDecay, want.decayed ? 0.01 : 0, n);
      }
    }
    if (L === 24) {
      const of = (n: string) => groups.find((g) => g.params.includes(n))!.lrScale;
      assert.ok(Math.abs(of(`${arch}.encoder.layer.23.output.dense.weight`) - 0.95) < 1e-15);
      assert.ok(Math.abs(of(`${arch}.encoder.layer.0.output.dense.weight`) - 0.95 ** 24) < 1e-15);
      assert.ok(Math.abs(of(`${arch}.embeddings.word_embeddings.weight`) - 0.95 ** 25) < 1e-15);
    }
  });
}

test("LLRD through AdamW: each parameter moves by its group's learning rate", () => {
  const L = 3, lr = 0.1, eta = 0.5, wd = 0.3;
  const params = fakeParams({ arch: "bert", layers: L, hidden: 2, ffn: 3 }, 1);
  for (const v of params.values()) v.assign(tf.onesLike(v));
  const opt = new AdamW(params, llrdGroups(params.keys(), { decay: eta, weightDecay: wd }), { lr });
  const grads = new Map([...params].map(([n, v]) => [n, tf.onesLike(v)] as [string, tf.Tensor]));
  opt.step(grads, { lrFactor: 1 });
  // First step, g = 1: m = 0.1, v = 0.001, Adam step = lr_g·(√0.001/0.1)·0.1/(√0.001 + 1e-6).
  const adamUnit = (Math.sqrt(0.001) / 0.1) * 0.1 / (Math.sqrt(0.001) + 1e-6);
  for (const [n, v] of params) {
    const want = expectedLlrd(n, L, eta);
    const lrG = lr * want.scale;
    const theta = (1 - lrG * adamUnit) * (want.decayed ? 1 - lrG * wd : 1);
    const got = v.dataSync();
    assert.ok(got.every((x) => Math.abs(x - theta) < 1e-6), `${n}: ${got[0]} vs ${theta}`);
  }
  opt.dispose();
  disposeParams(params);
  tf.dispose([...grads.values()]);
});

test("LLRD and group validation refuse what they cannot place", () => {
  assert.throws(() => llrdGroups(["bert.encoder.layer.0.x.weight", "mystery.weight"]), /cannot place parameter mystery.weight/);
  assert.throws(() => countEncoderLayers(["r.encoder.layer.0.a", "r.encoder.layer.2.a"]), /skip encoder block 1/);
  assert.throws(() => llrdGroups(["x.embeddings.a"], { decay: 0 }), /η/);
  assert.throws(() => validateGroups([{ name: "g", params: ["a", "a"], lrScale: 1, weightDecay: 0 }], ["a"]), /two groups/);
  assert.throws(() => validateGroups([{ name: "g", params: ["b"], lrScale: 1, weightDecay: 0 }], ["a"]), /not a model parameter/);
});
