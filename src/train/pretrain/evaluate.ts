// Held-out masked-language-model evaluation: the same 15% / 80-10-10 masking as training, drawn
// from a fixed seed, so two models (pre-trained and randomly initialised, or two checkpoints)
// are scored on exactly the same masked positions.
import * as tf from "@tensorflow/tfjs";
import type { EncoderModel } from "../../model/encoder";
import type { Tokenizer } from "../../data/tokenizers";
import { Random } from "../../util/random";
import { maskTokens } from "./masking";
import { padBatch } from "./packing";

export interface MlmEvaluation {
  /** Mean cross-entropy over all masked positions (nats). */
  loss: number;
  /** Fraction of masked positions whose arg-max prediction is the original token. */
  accuracy: number;
  maskedTokens: number;
  sequences: number;
}

export interface MlmEvalOptions {
  /** Seed of the masking; the same seed masks the same positions the same way. */
  maskSeed: number;
  batchSize?: number;
  /** Evaluate at most this many sequences (the first ones); all by default. */
  maxSequences?: number;
}

export function specialTokenIds(tokenizer: Tokenizer): Set<number> {
  return new Set([tokenizer.padTokenId, tokenizer.unkTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId, tokenizer.maskTokenId]);
}

export function evaluateMlm(model: EncoderModel, sequences: readonly Int32Array[], tokenizer: Tokenizer, opts: MlmEvalOptions): MlmEvaluation {
  const batchSize = opts.batchSize ?? 32;
  const seqs = sequences.slice(0, opts.maxSequences ?? sequences.length);
  if (seqs.length === 0) throw new Error("held-out evaluation: no sequences to evaluate");
  const specialIds = specialTokenIds(tokenizer);
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (let start = 0, b = 0; start < seqs.length; start += batchSize, b++) {
    const padded = padBatch(seqs.slice(start, start + batchSize), tokenizer.padTokenId);
    // One stream per batch: the masking of a batch does not depend on how many came before.
    const rng = new Random(opts.maskSeed).fork(`eval-mask-${b}`);
    const masked = maskTokens(padded.inputIds, padded.attentionMask, rng, {
      maskTokenId: tokenizer.maskTokenId,
      vocabSize: model.config.vocab_size,
      specialIds,
    });
    const batch = { ...padded, inputIds: masked.inputIds };
    const { loss, hits } = tf.tidy(() => {
      const out = model.mlmForward(batch, masked.positions, masked.labels, { training: false });
      const pred = tf.argMax(out.logits, 1);
      const hit = tf.sum(tf.cast(tf.equal(pred, tf.tensor1d(masked.labels, "int32")), "float32"));
      return { loss: out.loss.dataSync()[0], hits: hit.dataSync()[0] };
    });
    const n = masked.positions.length;
    lossSum += loss * n;
    correct += hits;
    count += n;
  }
  return { loss: lossSum / count, accuracy: correct / count, maskedTokens: count, sequences: seqs.length };
}
