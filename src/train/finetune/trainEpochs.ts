// The epochs of one fine-tuning run (method.md §3): per epoch, one pass over a fresh permutation
// of the training examples (forward with dropout, backward, the shared update), then one
// evaluation on the validation half whose best result is kept. Stops at the first non-finite
// loss or gradient norm (the run diverged; the best checkpoint so far is kept).
import * as tf from "@tensorflow/tfjs";
import type { DropoutRates, EncoderModel } from "../../model/encoder";
import { crossEntropy } from "../../model/ops/cross-entropy";
import { lossAndGrads } from "../../model/train-step";
import type { Progress } from "../../util/progress";
import type { Random } from "../../util/random";
import type { AdamW } from "../adamw";
import type { MitigationSetup } from "../mitigation/method";
import type { LinearWarmupSchedule } from "../schedule";
import { applyUpdate } from "../update";
import { type EncodedExamples, epochBatches, makeBatch } from "./batches";
import type { BestCheckpoint } from "./bestCheckpoint";
import type { FineTuneHooks, ResolvedConfig } from "./config";
import { predict, scorePredictions } from "./evaluate";

export interface Divergence {
  /** The update (1-based) whose loss or gradient norm was not finite; it was not applied. */
  step: number;
  reason: "loss" | "gradient norm";
}

/** What the loop needs, set up before it (fineTune.ts setUpTraining). */
export interface TrainingSetup {
  model: EncoderModel;
  mitigation: MitigationSetup;
  optimizer: AdamW;
  schedule: LinearWarmupSchedule;
  /** The dropout rates of training passes; undefined keeps the checkpoint's. */
  dropout: Partial<DropoutRates> | undefined;
  /** The run's seeded generator (the loop forks "data-order" and "dropout"). */
  rng: Random;
}

export interface TrainingReport {
  trainLossPerEpoch: number[];
  validationMetricPerEpoch: number[];
  diverged: Divergence | null;
  trainMs: number;
  evalMs: number;
}

export interface LoopIo {
  progress: Progress | null;
  /** A line of its own beside the progress bar. */
  say(line: string): void;
  hooks?: FineTuneHooks;
}

/** Trains `c.epochs` epochs (fewer if the run diverges), keeping the best evaluated weights in `best`. */
export function trainEpochs(c: ResolvedConfig, s: TrainingSetup, best: BestCheckpoint, train: EncodedExamples, validation: EncodedExamples, io: LoopIo): TrainingReport {
  const r: TrainingReport = { trainLossPerEpoch: [], validationMetricPerEpoch: [], diverged: null, trainMs: 0, evalMs: 0 };
  const dataOrder = s.rng.fork("data-order");
  const dropoutSeeds = s.rng.fork("dropout");
  const name = `${c.task.name} seed ${c.seed}`;
  for (let epoch = 1; epoch <= c.epochs; epoch++) {
    const epochStart = Date.now();
    const { meanLoss, diverged } = trainOneEpoch(c, s, train, epoch, dataOrder, dropoutSeeds, io);
    r.trainMs += Date.now() - epochStart;
    r.trainLossPerEpoch.push(meanLoss);
    if (diverged) {
      r.diverged = diverged;
      io.say(`${name}: diverged at step ${diverged.step} (non-finite ${diverged.reason}); keeping the best checkpoint so far`);
      break;
    }
    const evalStart = Date.now();
    const value = scorePredictions(predict(s.model, validation, { batchSize: c.evalBatchSize }), validation.labels, c.task.metric);
    r.evalMs += Date.now() - evalStart;
    r.validationMetricPerEpoch.push(value);
    const kept = best.consider(epoch, value, s.model.params);
    io.say(`${name}: epoch ${epoch}/${c.epochs} train loss ${meanLoss.toFixed(4)}, validation ${c.task.metric} ${value.toFixed(4)}${kept ? " (best so far)" : ""}`);
  }
  return r;
}

/** One pass over the training examples; the mean loss of its applied steps (NaN when none was). */
function trainOneEpoch(
  c: ResolvedConfig, s: TrainingSetup, train: EncodedExamples, epoch: number, dataOrder: Random, dropoutSeeds: Random, io: LoopIo,
): { meanLoss: number; diverged: Divergence | null } {
  const { model, optimizer, mitigation } = s;
  let lossSum = 0;
  let steps = 0;
  for (const idx of epochBatches(train.labels.length, c.batchSize, dataOrder)) {
    const { batch, labels } = makeBatch(train, idx);
    const seed = dropoutSeeds.nextUint32();
    io.hooks?.beforeStep?.({ epoch, step: optimizer.stepCount + 1, indices: idx, dropoutSeed: seed, model });
    const { loss, grads } = lossAndGrads(model, () =>
      crossEntropy(model.forward(batch, { training: true, seed, dropout: s.dropout, weightTransform: mitigation.weightTransform }).logits, labels),
    );
    if (!Number.isFinite(loss)) {
      tf.dispose([...grads.values()]);
      return { meanLoss: steps > 0 ? lossSum / steps : NaN, diverged: { step: optimizer.stepCount + 1, reason: "loss" } };
    }
    const update = applyUpdate(optimizer, s.schedule, grads, { maxGradNorm: c.maxGradNorm, afterStep: (lrT) => mitigation.afterStep(lrT) });
    if (update.diverged) return { meanLoss: steps > 0 ? lossSum / steps : NaN, diverged: { step: update.k, reason: "gradient norm" } };
    lossSum += loss;
    steps++;
    io.progress?.tick(1, `epoch ${epoch}/${c.epochs} loss ${(lossSum / steps).toFixed(4)}`);
  }
  return { meanLoss: steps > 0 ? lossSum / steps : NaN, diverged: null };
}
