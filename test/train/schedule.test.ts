import { test } from "node:test";
import assert from "node:assert/strict";
import { LinearWarmupSchedule, linearWarmupDecayFactor, StepsSchedule, stepsPerEpoch } from "../../src/train/schedule";

test("steps per epoch keep the last partial batch", () => {
  assert.equal(stepsPerEpoch(2490, 16), 156); // RTE train: 155 full batches + one of 10
  assert.equal(stepsPerEpoch(160, 16), 10);
  assert.equal(stepsPerEpoch(161, 16), 11);
  assert.equal(stepsPerEpoch(1, 16), 1);
  assert.throws(() => stepsPerEpoch(0), /trainExamples/);
  assert.throws(() => stepsPerEpoch(10, 0), /batchSize/);
});

test("the k-th update uses f(k-1): warm-up from LR 0, then linear decay to 0", () => {
  // n = 160, batch 16, 5 epochs: S = 10, T = 50, W = 5.
  const s = new LinearWarmupSchedule({ trainExamples: 160, batchSize: 16, epochs: 5, warmupRatio: 0.1 });
  assert.equal(s.stepsPerEpoch, 10);
  assert.equal(s.totalSteps, 50);
  assert.equal(s.warmupSteps, 5);
  const hand = [0, 0.2, 0.4, 0.6, 0.8, 1, 44 / 45, 43 / 45];
  hand.forEach((want, i) => assert.ok(Math.abs(s.factorForUpdate(i + 1) - want) < 1e-15, `update ${i + 1}`));
  assert.ok(Math.abs(s.factorForUpdate(50) - 1 / 45) < 1e-15); // last update: t = 49
  assert.equal(s.factor(50), 0);
  assert.equal(s.factor(60), 0);
  assert.throws(() => s.factorForUpdate(0), /k must be an integer/);
});

test("the warm-up length is not rounded", () => {
  // n = 100, batch 16, 1 epoch: S = 7, T = 7, W = 0.7 (rounding would give 1 and f(1) = 1).
  const s = new LinearWarmupSchedule({ trainExamples: 100, epochs: 1 });
  assert.equal(s.totalSteps, 7);
  assert.ok(Math.abs(s.warmupSteps - 0.7) < 1e-15);
  assert.equal(s.factor(0), 0);
  assert.ok(Math.abs(s.factor(1) - 6 / 6.3) < 1e-15);
  // T = 3·13 = 39, W = 3.9: t = 3 is still warm-up, t = 4 already decays.
  const r = new LinearWarmupSchedule({ trainExamples: 200, batchSize: 16, epochs: 3 });
  assert.ok(Math.abs(r.factor(3) - 3 / 3.9) < 1e-15);
  assert.ok(Math.abs(r.factor(4) - 35 / 35.1) < 1e-15);
});

test("edge cases: no warm-up, all warm-up, bad input", () => {
  assert.equal(linearWarmupDecayFactor(0, 10, 0), 1);
  assert.equal(linearWarmupDecayFactor(5, 10, 0), 0.5);
  assert.equal(linearWarmupDecayFactor(5, 10, 10), 0.5);
  assert.equal(linearWarmupDecayFactor(10, 10, 10), 0);
  assert.throws(() => new LinearWarmupSchedule({ trainExamples: 10, epochs: 0 }), /epochs/);
  assert.throws(() => new LinearWarmupSchedule({ trainExamples: 10, epochs: 1, warmupRatio: 1.5 }), /warmupRatio/);
});

test("pre-training's schedule in updates: --warmup 4 of --max-steps 10 by hand, and the epochs schedule is the same one", () => {
  const s = new StepsSchedule(10, 4);
  const hand = [0, 0.25, 0.5, 0.75, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6];
  hand.forEach((want, i) => assert.ok(Math.abs(s.factorForUpdate(i + 1) - want) < 1e-15, `update ${i + 1}`));
  assert.throws(() => s.factorForUpdate(1.5), /k must be an integer/);
  const epochs = new LinearWarmupSchedule({ trainExamples: 160, batchSize: 16, epochs: 5, warmupRatio: 0.1 });
  const steps = new StepsSchedule(50, 5);
  for (let k = 1; k <= 50; k++) assert.equal(epochs.factorForUpdate(k), steps.factorForUpdate(k));
});
