// Pre-training sequences: each document's tokens cut into pieces of at most maxLength − 2, each
// wrapped as [CLS] … [SEP]. Pieces never cross documents, so no sequence mixes two texts.
// Batches pad only as far as their longest sequence (method.md §2's rule, used here too).

export interface SequenceSet {
  /** Token ids of each sequence, including [CLS] and [SEP]. */
  sequences: Int32Array[];
  tokens: number;
}

export function packDocuments(
  documents: Iterable<number[]>,
  opts: { maxLength: number; clsId: number; sepId: number; minPiece?: number },
): SequenceSet {
  const body = opts.maxLength - 2;
  if (body < 1) throw new Error(`maxLength must be at least 3, got ${opts.maxLength}`);
  const minPiece = opts.minPiece ?? 8;
  const sequences: Int32Array[] = [];
  let tokens = 0;
  for (const ids of documents) {
    for (let start = 0; start < ids.length; start += body) {
      const piece = ids.slice(start, start + body);
      // A short tail of a long document adds little; a short document on its own is kept.
      if (piece.length < minPiece && start > 0) continue;
      const seq = new Int32Array(piece.length + 2);
      seq[0] = opts.clsId;
      seq.set(piece, 1);
      seq[seq.length - 1] = opts.sepId;
      sequences.push(seq);
      tokens += seq.length;
    }
  }
  return { sequences, tokens };
}

export interface PaddedBatch {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  batchSize: number;
  seqLength: number;
}

/** Pads to the longest row; `tokenTypes` (segment ids per sequence) default to all zeros. */
export function padBatch(sequences: Int32Array[], padId: number, tokenTypes?: Int32Array[]): PaddedBatch {
  const seqLength = Math.max(...sequences.map((s) => s.length));
  const batchSize = sequences.length;
  const inputIds = new Int32Array(batchSize * seqLength).fill(padId);
  const attentionMask = new Int32Array(batchSize * seqLength);
  const tokenTypeIds = new Int32Array(batchSize * seqLength);
  sequences.forEach((s, b) => {
    inputIds.set(s, b * seqLength);
    attentionMask.fill(1, b * seqLength, b * seqLength + s.length);
    if (tokenTypes) tokenTypeIds.set(tokenTypes[b], b * seqLength);
  });
  return { inputIds, attentionMask, tokenTypeIds, batchSize, seqLength };
}
