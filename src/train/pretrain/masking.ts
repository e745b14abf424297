// Masked-language-model inputs as BERT pre-training makes them (and HF's
// DataCollatorForLanguageModeling): each real, non-special token is selected with probability
// 0.15; a selected token becomes [MASK] 80% of the time, a random token 10%, and stays 10%.
// The loss is computed only at the selected positions.
import type { Random } from "../../util/random";

export interface MaskingOptions {
  maskTokenId: number;
  vocabSize: number;
  /** Token ids never selected: [CLS], [SEP], [PAD], … */
  specialIds: ReadonlySet<number>;
  probability?: number;
}

export interface MaskedBatch {
  /** A copy of the input ids with the selected positions replaced. */
  inputIds: Int32Array;
  /** Flat indices (row·seqLength + column) of the selected positions, ascending. */
  positions: Int32Array;
  /** The original token at each selected position. */
  labels: Int32Array;
}

export function maskTokens(inputIds: Int32Array, attentionMask: Int32Array, rng: Random, opts: MaskingOptions): MaskedBatch {
  const p = opts.probability ?? 0.15;
  const out = Int32Array.from(inputIds);
  const positions: number[] = [];
  const labels: number[] = [];
  const candidates: number[] = [];
  for (let i = 0; i < inputIds.length; i++) {
    if (attentionMask[i] === 0 || opts.specialIds.has(inputIds[i])) continue;
    candidates.push(i);
    if (rng.next() >= p) continue;
    positions.push(i);
  }
  // A batch with no selected token would have no loss; pick one so every step learns something.
  if (positions.length === 0 && candidates.length > 0) positions.push(candidates[rng.int(candidates.length)]);
  for (const i of positions) {
    labels.push(inputIds[i]);
    const r = rng.next();
    if (r < 0.8) out[i] = opts.maskTokenId;
    else if (r < 0.9) out[i] = randomNonSpecial(rng, opts);
  }
  return { inputIds: out, positions: Int32Array.from(positions), labels: Int32Array.from(labels) };
}

function randomNonSpecial(rng: Random, opts: MaskingOptions): number {
  for (;;) {
    const id = rng.int(opts.vocabSize);
    if (!opts.specialIds.has(id)) return id;
  }
}
