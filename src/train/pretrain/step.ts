// One pre-training update: the batch of update k+1, BERT's 15% masking (80/10/10), the forward and
// backward pass of the pre-training objectives, then the shared update of train/update.ts
// (global-norm clipping, AdamW with the warm-up/decay factor).
import * as tf from "@tensorflow/tfjs";
import type { Batch, DropoutRates, EncoderModel, PretrainingTargets } from "../../model/encoder";
import { lossAndGrads } from "../../model/train-step";
import { accuracy, predictions } from "../../measures/taskMetrics";
import { Random } from "../../util/random";
import type { AdamW } from "../adamw";
import { globalGradNorm } from "../clipGradients";
import type { UpdateSchedule } from "../schedule";
import { applyUpdate } from "../update";
import type { PretrainCorpus } from "./corpus";
import { maskTokens } from "./masking";
import { padBatch } from "./packing";

export interface StepSettings {
  seed: number;
  dropout: number;
  maxGradNorm: number;
}

export interface StepResult {
  loss: number;
  /** Next-sentence accuracy of the batch before its update (with sentence pairs). */
  nextSentenceAccuracy?: number;
  /** Scheduled learning rate of the update. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Real (non-padding) tokens in the batch. */
  tokens: number;
}

interface StepBatch {
  batch: Batch;
  targets: PretrainingTargets;
  tokens: number;
}

/**
 * Update k+1 of the run (k updates finished). Every random draw comes from a stream forked from
 * (seed, k), so the step number is all the state a resume needs (checkpoint.ts).
 */
export function trainStep(model: EncoderModel, optimizer: AdamW, schedule: UpdateSchedule, corpus: PretrainCorpus, k: number, o: StepSettings): StepResult {
  const { batch, targets, tokens } = maskedBatch(corpus, k, o.seed);
  const dropoutSeed = new Random(o.seed).fork(`dropout-${k}`).seedForLibrary();
  const dropout: DropoutRates | undefined = o.dropout > 0 ? { hidden: o.dropout, attention: o.dropout, classifier: o.dropout } : undefined;
  // Next-sentence accuracy of the batch before its update: in the first epoch every pair is
  // new to the model, so this is a held-out measure.
  let nextSentenceAccuracy: number | undefined;
  const { loss, grads } = lossAndGrads(model, () => {
    const opts = dropout ? { training: true, seed: dropoutSeed, dropout } : { training: false };
    const out = model.pretrainingForward(batch, targets, opts);
    if (out.nextSentenceLogits) {
      const predicted = predictions(Float64Array.from(out.nextSentenceLogits.dataSync()), batch.batchSize, 2);
      nextSentenceAccuracy = accuracy(predicted, targets.nextSentenceLabels!);
    }
    return out.loss;
  });
  if (!Number.isFinite(loss)) {
    const gradNorm = globalGradNorm(grads);
    tf.dispose([...grads.values()]);
    throw divergedError(k + 1, loss, gradNorm);
  }
  const update = applyUpdate(optimizer, schedule, grads, { maxGradNorm: o.maxGradNorm });
  if (update.diverged) throw divergedError(update.k, loss, update.gradNorm);
  return { loss, nextSentenceAccuracy, lr: update.lr, gradNorm: update.gradNorm, tokens };
}

/** The padded batch of update k+1 with its masked positions, and next-sentence labels with pairs. */
function maskedBatch(corpus: PretrainCorpus, k: number, seed: number): StepBatch {
  const { tokenizer, pairs } = corpus;
  const indices = corpus.schedule.batchFor(k);
  const padded = padBatch(
    indices.map((i) => corpus.trainSeqs[i]),
    tokenizer.padTokenId,
    pairs ? indices.map((i) => pairs.tokenTypes[i]) : undefined,
  );
  const masked = maskTokens(padded.inputIds, padded.attentionMask, new Random(seed).fork(`mask-${k}`), {
    maskTokenId: tokenizer.maskTokenId,
    vocabSize: tokenizer.vocabSize,
    specialIds: corpus.specialIds,
  });
  const nextSentenceLabels = pairs ? Int32Array.from(indices, (i) => pairs.labels[i]) : undefined;
  return {
    batch: { ...padded, inputIds: masked.inputIds },
    targets: { positions: masked.positions, labels: masked.labels, nextSentenceLabels },
    tokens: padded.attentionMask.reduce((a, b) => a + b, 0),
  };
}

function divergedError(update: number, loss: number, gradNorm: number): Error {
  return new Error(
    `pre-training diverged at update ${update} (loss ${loss}, gradient norm ${gradNorm}); ` +
      `the last checkpoint is kept: lower --lr or lengthen --warmup and start a new --out`,
  );
}
