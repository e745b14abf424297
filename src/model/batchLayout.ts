// A padded batch as the encoder reads it: checked against the model, its ids turned from row-major
// [batch, seq] into the sequence-major rows (s·batch + b) of the activations (ops/attention.ts), and
// Hugging Face's position ids.
import type { EncoderConfig } from "./config";
import type { Batch } from "./encoderTypes";

/** Row-major [batch, seq] → [seq, batch]. */
export function toSequenceMajor(a: Int32Array, B: number, S: number): Int32Array {
  const out = new Int32Array(B * S);
  for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) out[s * B + b] = a[b * S + s];
  return out;
}

/** HF position ids: 0..S-1 for BERT; RoBERTa counts non-padding tokens from pad_token_id + 1. */
export function positionIds(batch: Batch, config: EncoderConfig): Int32Array {
  const { batchSize: B, seqLength: S, inputIds } = batch;
  const out = new Int32Array(B * S);
  if (config.model_type === "bert") {
    for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) out[b * S + s] = s;
  } else {
    const pad = config.pad_token_id;
    for (let b = 0; b < B; b++) {
      let count = 0;
      for (let s = 0; s < S; s++) {
        const i = b * S + s;
        if (inputIds[i] !== pad) out[i] = ++count + pad;
        else out[i] = pad;
      }
    }
  }
  return out;
}

/** Refuses a batch whose shape, ids or segment ids do not fit the model, naming the entry. */
export function validateBatch(batch: Batch, config: EncoderConfig): void {
  const { batchSize: B, seqLength: S } = batch;
  const n = B * S;
  if (!(B > 0 && S > 0)) throw new Error(`batch: batchSize and seqLength must be positive, got ${B}×${S}`);
  if (batch.inputIds.length !== n) throw new Error(`batch: inputIds has ${batch.inputIds.length} ids, expected ${B}×${S}`);
  if (batch.attentionMask.length !== n) throw new Error(`batch: attentionMask has ${batch.attentionMask.length} entries, expected ${n}`);
  if (batch.tokenTypeIds && batch.tokenTypeIds.length !== n) {
    throw new Error(`batch: tokenTypeIds has ${batch.tokenTypeIds.length} entries, expected ${n}`);
  }
  const maxPos = config.model_type === "roberta" ? config.max_position_embeddings - config.pad_token_id - 1 : config.max_position_embeddings;
  if (S > maxPos) throw new Error(`batch: seqLength ${S} exceeds the model's ${maxPos} positions; truncate the inputs`);
  for (let i = 0; i < n; i++) {
    const id = batch.inputIds[i];
    if (id < 0 || id >= config.vocab_size) throw new Error(`batch: token id ${id} at ${i} is outside the vocabulary (${config.vocab_size})`);
  }
  if (batch.tokenTypeIds) {
    for (let i = 0; i < n; i++) {
      const t = batch.tokenTypeIds[i];
      if (t < 0 || t >= config.type_vocab_size) {
        throw new Error(`batch: token type ${t} at ${i} is outside 0..${config.type_vocab_size - 1}`);
      }
    }
  }
}
