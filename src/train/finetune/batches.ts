// Examples tokenised once with the model's tokenizer (truncated to maxLength), then grouped into
// batches padded only as far as the longest row of each batch (method.md §2).
import type { Example } from "../../data/types";
import type { Tokenizer } from "../../data/tokenizers/types";
import type { Batch } from "../../model/encoder";
import type { Random } from "../../util/random";

export interface EncodedExamples {
  /** Per example: input ids and token type ids (same length). */
  inputIds: Int32Array[];
  tokenTypeIds: Int32Array[];
  labels: Int32Array;
  padTokenId: number;
}

export function encodeExamples(tokenizer: Tokenizer, examples: readonly Example[], maxLength: number, numLabels: number, what: string): EncodedExamples {
  const inputIds: Int32Array[] = [];
  const tokenTypeIds: Int32Array[] = [];
  const labels = new Int32Array(examples.length);
  examples.forEach((ex, i) => {
    if (!(Number.isInteger(ex.label) && ex.label >= 0 && ex.label < numLabels)) {
      throw new Error(`${what} example ${i}: label ${ex.label} is outside 0..${numLabels - 1} (the classifier has ${numLabels} outputs)`);
    }
    const enc = tokenizer.encode(ex.text, ex.textPair, { maxLength });
    inputIds.push(Int32Array.from(enc.inputIds));
    tokenTypeIds.push(Int32Array.from(enc.tokenTypeIds));
    labels[i] = ex.label;
  });
  return { inputIds, tokenTypeIds, labels, padTokenId: tokenizer.padTokenId };
}

export interface LabelledBatch {
  batch: Batch;
  labels: Int32Array;
}

/** The examples at `indices`, padded to the longest of them. */
export function makeBatch(data: EncodedExamples, indices: ArrayLike<number>): LabelledBatch {
  const B = indices.length;
  let S = 1;
  for (let r = 0; r < B; r++) S = Math.max(S, data.inputIds[indices[r]].length);
  const inputIds = new Int32Array(B * S).fill(data.padTokenId);
  const tokenTypeIds = new Int32Array(B * S);
  const attentionMask = new Int32Array(B * S);
  const labels = new Int32Array(B);
  for (let r = 0; r < B; r++) {
    const i = indices[r];
    inputIds.set(data.inputIds[i], r * S);
    tokenTypeIds.set(data.tokenTypeIds[i], r * S);
    attentionMask.fill(1, r * S, r * S + data.inputIds[i].length);
    labels[r] = data.labels[i];
  }
  return { batch: { inputIds, tokenTypeIds, attentionMask, batchSize: B, seqLength: S }, labels };
}

/** Index lists of consecutive batches over 0..n−1 in the given order; the last partial batch is kept. */
export function batchIndices(order: ArrayLike<number>, batchSize: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) out.push(Int32Array.from({ length: Math.min(batchSize, order.length - s) }, (_, j) => order[s + j]));
  return out;
}

/** One epoch's training batches: a fresh permutation from the run's data-order stream. */
export function epochBatches(n: number, batchSize: number, dataOrder: Random): Int32Array[] {
  return batchIndices(dataOrder.permutation(n), batchSize);
}
