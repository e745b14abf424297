import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { MITIGATIONS, Mitigation, configureMitigation, parseMitigation, reinitLayersForDepth } from "../../src/train/mitigation/mitigation";
import { AdamW } from "../../src/train/adamw";
import { applyUpdate } from "../../src/train/update";
import { LinearWarmupSchedule } from "../../src/train/schedule";
import { Random } from "../../src/util/random";
import { disposeParams, fakeParams, snapshot } from "./fakeParams";

tf.setBackend("cpu");

const SHAPE = { arch: "bert" as const, layers: 6, hidden: 4, ffn: 8 };

/** A tiny stand-in for the model: the top block's FFN and the classifier, with the weight hook. */
function forwardLoss(params: Map<string, tf.Variable>, x: tf.Tensor2D, y: tf.Tensor1D, transform?: (n: string, w: tf.Tensor2D) => tf.Tensor2D): tf.Scalar {
  const w = (n: string) => (transform ? transform(n, params.get(n)! as tf.Tensor2D) : (params.get(n)! as tf.Tensor2D));
  const b = "bert.encoder.layer.5";
  const h = tf.tanh(tf.add(tf.matMul(x, w(`${b}.intermediate.dense.weight`)), params.get(`${b}.intermediate.dense.bias`)!));
  const o = tf.tanh(tf.add(tf.matMul(h, w(`${b}.output.dense.weight`)), params.get(`${b}.output.dense.bias`)!));
  const logits = tf.add(tf.matMul(o, w("classifier.weight")), params.get("classifier.bias")!);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 2), logits) as tf.Scalar;
}

/** The loop order the real trainer follows: forward → grads → applyUpdate (norm, clip, AdamW, hook). */
function train(method: Mitigation, hp: Record<string, number>, steps: number, seed = 0, memory: number[] = []): Map<string, Float32Array> {
  const params = fakeParams(SHAPE, 1);
  const setup = configureMitigation(method, { params, rng: new Random(seed), inputAxis: 0, hyperParameters: hp });
  const opt = new AdamW(params, setup.groups, { lr: 0.05 });
  const schedule = new LinearWarmupSchedule({ trainExamples: 16 * steps, epochs: 1 });
  const data = new Random(42);
  for (let k = 1; k <= steps; k++) {
    const x = tf.tensor2d(Array.from({ length: 16 * 4 }, () => data.normal()), [16, 4]);
    const y = tf.tensor1d(Array.from({ length: 16 }, () => data.int(2)), "int32");
    // Parameters the loss does not reach get no gradient, and AdamW leaves them untouched.
    const { value, grads } = tf.variableGrads(() => forwardLoss(params, x, y, setup.weightTransform), [...params.values()]);
    const gradMap = new Map(Object.entries(grads).map(([id, g]) => [[...params].find(([, v]) => v.name === id)![0], g] as [string, tf.Tensor]));
    const r = applyUpdate(opt, schedule, gradMap, { maxGradNorm: 1.0, afterStep: setup.afterStep });
    assert.equal(r.k, k);
    assert.ok(!r.diverged && Number.isFinite(r.gradNorm));
    assert.equal(r.lr, 0.05 * schedule.factorForUpdate(k));
    tf.dispose([value, x, y]);
    memory.push(tf.memory().numTensors);
  }
  const out = snapshot(params);
  opt.dispose();
  setup.dispose();
  disposeParams(params);
  return out;
}

function same(a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean {
  return [...a].every(([n, v]) => v.every((x, i) => x === b.get(n)![i]));
}

test("Mixout with p = 0 is standard fine-tuning, step for step; p = 0.1 is not", () => {
  const standard = train("none", {}, 4);
  assert.ok(same(standard, train("mixout", { mixoutP: 0 }, 4)));
  assert.ok(!same(standard, train("mixout", { mixoutP: 0.1 }, 4)));
  assert.ok(same(train("mixout", { mixoutP: 0.1 }, 3, 5), train("mixout", { mixoutP: 0.1 }, 3, 5)), "seeded");
});

test("each method configures what the paper says", () => {
  const params = fakeParams(SHAPE, 2);
  const before = snapshot(params);
  const rng = new Random(1);
  const none = configureMitigation("none", { params, rng });
  assert.equal(none.dropoutOverride, null);
  assert.equal(none.weightTransform, undefined);
  assert.deepEqual(none.groups.map((g) => [g.name, g.weightDecay]), [["decay", 0.01], ["no_decay", 0]]);
  assert.deepEqual(none.hyperParameters, { weightDecay: 0.01, mixoutP: 0.1, llrdEta: 0.95, reinitLayers: 5, reinitStd: 0.02, wdPreLambda: 0.01 });

  const mixout = configureMitigation("mixout", { params, rng, inputAxis: 0 });
  assert.equal(mixout.dropoutOverride, 0);
  assert.equal(typeof mixout.weightTransform, "function");
  assert.deepEqual(mixout.groups, none.groups, "ordinary weight decay still applies");
  mixout.dispose();
  assert.throws(() => configureMitigation("mixout", { params, rng }), /input-feature axis/);

  const llrd = configureMitigation("llrd", { params, rng });
  const top = llrd.groups.find((g) => g.params.includes("bert.encoder.layer.5.output.dense.weight"))!;
  const emb = llrd.groups.find((g) => g.params.includes("bert.embeddings.word_embeddings.weight"))!;
  assert.ok(Math.abs(top.lrScale - 0.95) < 1e-15 && Math.abs(emb.lrScale - 0.95 ** 7) < 1e-15);
  assert.equal(llrd.groups.find((g) => g.params.includes("classifier.weight"))!.weightDecay, 0);

  const wd = configureMitigation("wd_pre", { params, rng });
  assert.ok(wd.groups.every((g) => g.weightDecay === 0));
  wd.dispose();
  for (const [n, v] of params) assert.deepEqual(Array.from(v.dataSync()), Array.from(before.get(n)!), `only reinit may change ${n}`);

  const reinit = configureMitigation("reinit", { params, rng });
  assert.equal(reinit.reinitialized.length, 5 * 16 + 2);
  assert.ok(!reinit.reinitialized.some((n) => n.includes("layer.0.")));
  assert.ok(!same(before, snapshot(params)));
  disposeParams(params);
});

test("unknown methods and bad hyper-parameters are refused with the valid choices", () => {
  assert.deepEqual([...MITIGATIONS], ["none", "mixout", "llrd", "reinit", "wd_pre"]);
  for (const m of MITIGATIONS) assert.equal(parseMitigation(m), m);
  assert.throws(() => parseMitigation("dropout"), /unknown mitigation method "dropout"; valid methods: none, mixout, llrd, reinit, wd_pre/);
  const params = fakeParams(SHAPE, 3);
  assert.throws(() => configureMitigation("WD_pre", { params, rng: new Random(1) }), /valid methods/);
  assert.throws(() => configureMitigation("llrd", { params, rng: new Random(1), hyperParameters: { llrdEta: NaN } }), /llrdEta/);
  disposeParams(params);
});

test("no method leaks tensors over training steps, and each frees what it holds", () => {
  for (const m of MITIGATIONS) {
    const start = tf.memory().numTensors;
    const memory: number[] = [];
    train(m, {}, 12, 1, memory);
    assert.equal(memory[memory.length - 1], memory[1], `${m}: ${memory}`);
    assert.equal(tf.memory().numTensors, start, `${m} left tensors behind`);
  }
});

test("a non-finite gradient norm is reported as divergence and changes nothing", () => {
  const params = fakeParams(SHAPE, 4);
  const before = snapshot(params);
  const opt = new AdamW(params, undefined, { lr: 0.1 });
  const schedule = new LinearWarmupSchedule({ trainExamples: 64, epochs: 1 });
  const grads = new Map([...params].map(([n, v]) => [n, tf.onesLike(v)] as [string, tf.Tensor]));
  grads.set("classifier.bias", tf.tensor([NaN, 1]));
  const n0 = tf.memory().numTensors;
  const r = applyUpdate(opt, schedule, grads);
  assert.equal(r.diverged, true);
  assert.equal(r.k, 1);
  assert.ok(Number.isNaN(r.gradNorm));
  assert.equal(opt.stepCount, 0);
  assert.equal(tf.memory().numTensors, n0 - params.size, "the gradients are consumed");
  for (const [n, v] of params) assert.deepEqual(Array.from(v.dataSync()), Array.from(before.get(n)!));
  opt.dispose();
  disposeParams(params);
});

test("re-init depth scales with the model: the paper's 5 of 24 blocks, at least one block", () => {
  assert.equal(reinitLayersForDepth(24), 5);
  assert.equal(reinitLayersForDepth(12), 3);
  assert.equal(reinitLayersForDepth(4), 1);
  assert.equal(reinitLayersForDepth(1), 1);
});
