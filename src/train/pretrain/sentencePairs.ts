// Sentence-pair sequences for BERT's next-sentence objective: [CLS] A [SEP] B [SEP], segment 0
// for "[CLS] A [SEP]" and 1 for "B [SEP]". A is the end of one piece of the corpus; half the
// time B is the start of the piece that follows it in corpus order (label 0, "is next"), else
// the start of another piece (label 1): as in BERT, a random piece from anywhere, or (a share
// `nearShare` of the negatives) one 10–60 pieces away. Pieces follow the corpus order
// (addresses in order, Moby-Dick's paragraphs in order, then the e-mails), so a near negative
// comes from the same source and era, often the same address: telling it apart takes topic
// continuity rather than the source's vocabulary, which is what the text-pair tasks ask for.
// Near negatives alone were too hard to start from: a run with only those stayed at 50%
// accuracy for 400 updates, so the random ones give the model a first foothold.
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
  /** How far (in pieces) a near negative's B is taken from A's piece; default [10, 60]. */
  negativeDistance?: [number, number];
  /** Share of the negatives that are near ones; the rest come from anywhere (default 0.5). */
  nearShare?: number;
}

/**
 * One pair per piece that has a successor. `pieces` are [CLS] … [SEP] sequences (packDocuments'
 * output) in corpus order; their [CLS]/[SEP] are stripped before cutting.
 */
export function makeSentencePairs(pieces: readonly Int32Array[], o: SentencePairOptions): SentencePairs {
  const [near, far] = o.negativeDistance ?? [10, 60];
  if (!(near >= 2 && far >= near)) throw new Error(`negativeDistance must satisfy 2 ≤ near ≤ far, got [${near}, ${far}]`);
  const nearShare = o.nearShare ?? 0.5;
  if (!(nearShare >= 0 && nearShare <= 1)) throw new Error(`nearShare must be in [0, 1], got ${nearShare}`);
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
      j = rng.next() < nearShare ? nearPiece(i, near + rng.int(far - near + 1), n, rng) : anyPieceAwayFrom(i, near, n, rng);
      if (j < 0) {
        label = 0; // a corpus shorter than `near` pieces has no negative for i
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

/** The piece d before or after i (the side that exists; either when both do), or -1. */
function nearPiece(i: number, d: number, n: number, rng: Random): number {
  const forward = i + d < n && (i - d < 0 || rng.next() < 0.5);
  const j = forward ? i + d : i - d;
  return j >= 0 && j < n ? j : -1;
}

/** A uniformly drawn piece at least `near` pieces from i, or -1 when there is none. */
function anyPieceAwayFrom(i: number, near: number, n: number, rng: Random): number {
  const lo = Math.max(0, i - near + 1);
  const hi = Math.min(n, i + near); // pieces lo..hi-1 are too close
  const allowed = n - (hi - lo);
  if (allowed <= 0) return -1;
  const k = rng.int(allowed);
  return k < lo ? k : k + (hi - lo);
}
