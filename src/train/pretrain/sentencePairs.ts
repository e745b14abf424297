// Sentence-pair sequences for BERT's next-sentence objective: [CLS] A [SEP] B [SEP], segment 0
// for "[CLS] A [SEP]" and 1 for "B [SEP]". A is the end of one piece of the corpus; half the
// time B is the start of the piece that follows it in corpus order (label 0, "is next"), else
// the start of a piece 10–60 pieces away (label 1). Pieces follow the corpus order (addresses
// in order, Moby-Dick's paragraphs in order, then the e-mails), so a negative usually comes from
// the same source and era, often the same address: telling the two apart takes topic
// continuity rather than the source's vocabulary, which is what the text-pair tasks ask for.
// It also trains what MLM alone never does: segment 1, a [SEP] in mid-sequence, and the pooler.
import { Random } from "../../util/random";

export interface SentencePairs {
  /** Token ids, [CLS] A [SEP] B [SEP]. */
  sequences: Int32Array[];
  /** Segment ids of each sequence: 0 up to the first [SEP], 1 after. */
  tokenTypes: Int32Array[];
  /** 0 = B continues A, 1 = B comes from elsewhere (HF's next_sentence_label). */
  labels: Int32Array;
}

export interface SentencePairOptions {
  maxLength: number;
  clsId: number;
  sepId: number;
  seed: number;
  /** How far (in pieces) a negative's B is taken from A's piece; default [10, 60]. */
  negativeDistance?: [number, number];
}

/**
 * One pair per piece that has a successor. `pieces` are [CLS] … [SEP] sequences (packDocuments'
 * output) in corpus order; their [CLS]/[SEP] are stripped before cutting.
 */
export function makeSentencePairs(pieces: readonly Int32Array[], o: SentencePairOptions): SentencePairs {
  const [near, far] = o.negativeDistance ?? [10, 60];
  if (!(near >= 2 && far >= near)) throw new Error(`negativeDistance must satisfy 2 ≤ near ≤ far, got [${near}, ${far}]`);
  const budget = o.maxLength - 3;
  if (budget < 2) throw new Error(`maxLength must be at least 5 for sentence pairs, got ${o.maxLength}`);
  const rng = new Random(o.seed).fork("sentence-pairs");
  const body = (i: number) => pieces[i].subarray(1, pieces[i].length - 1);
  const sequences: Int32Array[] = [];
  const tokenTypes: Int32Array[] = [];
  const labels: number[] = [];
  const n = pieces.length;
  for (let i = 0; i + 1 < n; i++) {
    let label = rng.next() < 0.5 ? 0 : 1;
    let j = i + 1;
    if (label === 1) {
      const d = near + rng.int(far - near + 1);
      // The side away from the corpus edge when one side does not fit.
      const forward = i + d < n && (i - d < 0 || rng.next() < 0.5);
      j = forward ? i + d : i - d;
      if (j < 0 || j >= n) {
        label = 0; // a corpus shorter than `near` pieces has no far piece
        j = i + 1;
      }
    }
    const a = body(i);
    const b = body(j);
    // A keeps its end (next to where B would continue), B its start; A gets at most half.
    const aLen = Math.min(a.length, Math.floor(budget / 2));
    const bLen = Math.min(b.length, budget - aLen);
    if (aLen === 0 || bLen === 0) continue;
    const seq = new Int32Array(aLen + bLen + 3);
    seq[0] = o.clsId;
    seq.set(a.subarray(a.length - aLen), 1);
    seq[aLen + 1] = o.sepId;
    seq.set(b.subarray(0, bLen), aLen + 2);
    seq[seq.length - 1] = o.sepId;
    const types = new Int32Array(seq.length);
    types.fill(1, aLen + 2);
    sequences.push(seq);
    tokenTypes.push(types);
    labels.push(label);
  }
  return { sequences, tokenTypes, labels: Int32Array.from(labels) };
}
