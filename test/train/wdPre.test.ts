import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { WeightDecayTowardPretrained, wdPreGroups } from "../../src/train/mitigation/wdPre";
import { AdamW } from "../../src/train/adamw";
import { disposeParams, fakeParams, snapshot } from "./fakeParams";

tf.setBackend("cpu");

test("WD_pre pulls toward θ₀ (not toward 0), the head toward 0, and leaves biases and LayerNorm alone", () => {
  const params = fakeParams({ arch: "bert", layers: 2, hidden: 4, ffn: 8 }, 1);
  const theta0 = snapshot(params);
  const lr = 0.5, lambda = 0.2;
  const groups = wdPreGroups(params.keys());
  assert.ok(groups.every((g) => g.weightDecay === 0), "AdamW's own decay is off");
  const opt = new AdamW(params, groups, { lr });
  const wd = new WeightDecayTowardPretrained(params, { lambda });
  // Move every parameter away from θ₀, as training would.
  for (const v of params.values()) v.assign(tf.add(v, 1.5));
  const before = snapshot(params);
  const zeros = new Map([...params].map(([n, v]) => [n, tf.zerosLike(v)] as [string, tf.Tensor]));
  const lrT = opt.step(zeros, { lrFactor: 1 }); // zero gradients: the Adam part is exactly 0
  wd.apply(lrT);
  for (const [n, v] of params) {
    const now = v.dataSync(), b = before.get(n)!, t0 = theta0.get(n)!;
    const noDecay = n.includes("bias") || n.includes("LayerNorm.weight");
    const head = n.includes("classifier") || n.includes("pooler");
    for (let i = 0; i < now.length; i++) {
      const want = noDecay ? b[i] : head ? b[i] - lr * lambda * b[i] : b[i] - lr * lambda * (b[i] - t0[i]);
      assert.ok(Math.abs(now[i] - want) < 1e-6, `${n}[${i}]: ${now[i]} vs ${want}`);
    }
  }
  const w = "bert.encoder.layer.0.output.dense.weight";
  // Pulled toward θ₀ = before − 1.5: the distance shrinks by lr·λ; toward 0 it would be far larger.
  const moved = before.get(w)![0] - params.get(w)!.dataSync()[0];
  assert.ok(Math.abs(moved - lr * lambda * 1.5) < 1e-6);
  assert.ok(Math.abs(moved - lr * lambda * before.get(w)![0]) > 0.05);
  assert.equal(wd.towardZero.length, 2);
  assert.ok(wd.towardZero.includes("bert.pooler.dense.weight") && wd.towardZero.includes("classifier.weight"));
  opt.dispose();
  wd.dispose();
  disposeParams(params);
  tf.dispose([...zeros.values()]);
});

test("WD_pre at θ = θ₀ does nothing, with LR 0 does nothing, and leaks nothing", () => {
  const params = fakeParams({ arch: "roberta", layers: 1, hidden: 4, ffn: 8 }, 2);
  for (const [n, v] of params) if (n.startsWith("classifier")) v.assign(tf.zerosLike(v));
  const before = snapshot(params);
  const wd = new WeightDecayTowardPretrained(params);
  assert.equal(wd.lambda, 0.01);
  const n0 = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) wd.apply(0.1);
  wd.apply(0);
  assert.equal(tf.memory().numTensors, n0);
  for (const [n, v] of params) assert.deepEqual(Array.from(v.dataSync()), Array.from(before.get(n)!), n);
  assert.throws(() => wd.apply(NaN), /lr_t/);
  wd.dispose();
  disposeParams(params);
});
