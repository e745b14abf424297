import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/util/random";
import { maskTokens } from "../../src/train/pretrain/masking";
import { packDocuments, padBatch } from "../../src/train/pretrain/packing";
import { makeSentencePairs } from "../../src/train/pretrain/sentencePairs";

const CLS = 2, SEP = 3, PAD = 0, MASK = 4;
const specialIds = new Set([PAD, 1, CLS, SEP, MASK]);

test("masking selects ~15% of real tokens, never specials or padding, with the 80/10/10 split", () => {
  const rng = new Random(5);
  const n = 200_000;
  const ids = new Int32Array(n), mask = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = i % 100 === 0 ? CLS : i % 100 === 99 ? SEP : 10 + (i % 500);
    mask[i] = i % 1000 < 900 ? 1 : 0; // the last 10% of every 1000 is padding
  }
  const m = maskTokens(ids, mask, rng, { maskTokenId: MASK, vocabSize: 1000, specialIds });
  const real = [...ids].filter((id, i) => mask[i] === 1 && !specialIds.has(id)).length;
  assert.ok(Math.abs(m.positions.length / real - 0.15) < 0.005, `selected ${m.positions.length / real}`);
  let masked = 0, kept = 0, random = 0;
  m.positions.forEach((pos, k) => {
    assert.equal(mask[pos], 1);
    assert.ok(!specialIds.has(ids[pos]));
    assert.equal(m.labels[k], ids[pos]);
    if (m.inputIds[pos] === MASK) masked++;
    else if (m.inputIds[pos] === ids[pos]) kept++;
    else { random++; assert.ok(!specialIds.has(m.inputIds[pos])); }
  });
  const total = m.positions.length;
  assert.ok(Math.abs(masked / total - 0.8) < 0.01);
  assert.ok(Math.abs(random / total - 0.1) < 0.01 + 0.002); // a random draw can hit the same token
  assert.ok(Math.abs(kept / total - 0.1) < 0.012);
  // Unselected positions are untouched.
  const selected = new Set(m.positions);
  for (let i = 0; i < n; i += 97) if (!selected.has(i)) assert.equal(m.inputIds[i], ids[i]);
});

test("a batch always has at least one masked position, and the same seed masks the same way", () => {
  const ids = Int32Array.from([CLS, 11, SEP]), mask = Int32Array.from([1, 1, 1]);
  const a = maskTokens(ids, mask, new Random(1), { maskTokenId: MASK, vocabSize: 50, specialIds, probability: 0 });
  assert.deepEqual([...a.positions], [1]);
  const b1 = maskTokens(ids, mask, new Random(9), { maskTokenId: MASK, vocabSize: 50, specialIds });
  const b2 = maskTokens(ids, mask, new Random(9), { maskTokenId: MASK, vocabSize: 50, specialIds });
  assert.deepEqual(b1, b2);
});

test("documents are cut into [CLS] piece [SEP] sequences that never cross documents", () => {
  const docs = [Array.from({ length: 20 }, (_, i) => 100 + i), [7, 8, 9]];
  const s = packDocuments(docs, { maxLength: 10, clsId: CLS, sepId: SEP, minPiece: 3 });
  assert.deepEqual(s.sequences.map((q) => [...q]), [
    [CLS, 100, 101, 102, 103, 104, 105, 106, 107, SEP],
    [CLS, 108, 109, 110, 111, 112, 113, 114, 115, SEP],
    [CLS, 116, 117, 118, 119, SEP],
    [CLS, 7, 8, 9, SEP],
  ]);
  assert.equal(s.tokens, 10 + 10 + 6 + 5);
  const b = padBatch([s.sequences[2], s.sequences[3]], PAD);
  assert.equal(b.seqLength, 6);
  assert.deepEqual([...b.inputIds], [CLS, 116, 117, 118, 119, SEP, CLS, 7, 8, 9, SEP, PAD]);
  assert.deepEqual([...b.attentionMask], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
});

test("sentence pairs: A is the end of a piece, B the start of the next piece (label 0) or of another at least 10 pieces away (label 1)", () => {
  // Piece i holds tokens 1000·(i+1) + k, so every token says which piece and offset it came from.
  const lengths = [5, 40, 12, 90, 3, 60];
  const pieces = Array.from({ length: 300 }, (_, i) => {
    const n = lengths[i % lengths.length];
    return Int32Array.from([CLS, ...Array.from({ length: n }, (_, k) => 1000 * (i + 1) + k), SEP]);
  });
  const maxLength = 64;
  const pairs = makeSentencePairs(pieces, { maxLength, clsId: CLS, sepId: SEP, seed: 5 });
  assert.equal(pairs.sequences.length, 299);
  let negatives = 0;
  let near = 0;
  pairs.sequences.forEach((seq, p) => {
    assert.ok(seq.length <= maxLength);
    const sep = seq.indexOf(SEP);
    assert.equal(seq[0], CLS);
    assert.equal(seq[seq.length - 1], SEP);
    const a = [...seq.subarray(1, sep)];
    const b = [...seq.subarray(sep + 1, seq.length - 1)];
    const pieceOf = (t: number) => Math.floor(t / 1000) - 1;
    const i = pieceOf(a[0]);
    const j = pieceOf(b[0]);
    assert.equal(i, p, "pair p starts from piece p");
    // A ends where its piece ends; B starts where its piece starts; both are unbroken runs.
    const lenI = lengths[i % lengths.length];
    assert.equal(a[a.length - 1], 1000 * (i + 1) + lenI - 1);
    assert.equal(b[0], 1000 * (j + 1));
    a.forEach((t, k) => k > 0 && assert.equal(t, a[k - 1] + 1));
    b.forEach((t, k) => k > 0 && assert.equal(t, b[k - 1] + 1));
    assert.ok(a.length <= Math.floor((maxLength - 3) / 2));
    // B takes what A leaves: it is cut only when the sequence is full.
    const lenJ = lengths[j % lengths.length];
    assert.ok(b.length === lenJ || seq.length === maxLength);
    if (pairs.labels[p] === 0) assert.equal(j, i + 1);
    else {
      negatives++;
      assert.ok(Math.abs(j - i) >= 10, `negative at distance ${j - i}`);
      if (Math.abs(j - i) <= 60) near++;
    }
    const types = pairs.tokenTypes[p];
    assert.deepEqual([...types], [...seq].map((_, k) => (k <= sep ? 0 : 1)));
  });
  assert.ok(negatives > 299 * 0.4 && negatives < 299 * 0.6, `${negatives} negatives of 299`);
  // Half the negatives are near; of the others (uniform over ~290 pieces) about a third land within 60 too.
  assert.ok(near > negatives * 0.55 && near < negatives * 0.8, `${near} near negatives of ${negatives}`);
  const allNear = makeSentencePairs(pieces, { maxLength, clsId: CLS, sepId: SEP, seed: 5, nearShare: 1 });
  const allFar = makeSentencePairs(pieces, { maxLength, clsId: CLS, sepId: SEP, seed: 5, nearShare: 0 });
  const distances = (ps: typeof pairs) =>
    ps.sequences.flatMap((q, p) => (ps.labels[p] === 1 ? [Math.abs(Math.floor(q[q.indexOf(SEP) + 1] / 1000) - 1 - p)] : []));
  assert.ok(distances(allNear).every((d) => d >= 10 && d <= 60));
  assert.ok(Math.max(...distances(allFar)) > 150, "random negatives reach across the corpus");
  // Deterministic by seed; another seed draws other labels.
  assert.deepEqual(makeSentencePairs(pieces, { maxLength, clsId: CLS, sepId: SEP, seed: 5 }), pairs);
  assert.notDeepEqual([...makeSentencePairs(pieces, { maxLength, clsId: CLS, sepId: SEP, seed: 6 }).labels], [...pairs.labels]);
  // Segment ids reach the padded batch.
  const batch = padBatch([pairs.sequences[0], pairs.sequences[1]], PAD, [pairs.tokenTypes[0], pairs.tokenTypes[1]]);
  assert.deepEqual([...batch.tokenTypeIds.subarray(0, pairs.tokenTypes[0].length)], [...pairs.tokenTypes[0]]);
  assert.ok(batch.tokenTypeIds.subarray(pairs.tokenTypes[0].length, batch.seqLength).every((t) => t === 0), "padding is segment 0");
});

test("sentence pairs: a corpus too short for a far piece gives only next-piece pairs; bad options are refused", () => {
  const pieces = Array.from({ length: 6 }, (_, i) => Int32Array.from([CLS, 10 + i, 20 + i, SEP]));
  const pairs = makeSentencePairs(pieces, { maxLength: 16, clsId: CLS, sepId: SEP, seed: 1 });
  assert.deepEqual([...pairs.labels], [0, 0, 0, 0, 0]);
  assert.throws(() => makeSentencePairs(pieces, { maxLength: 4, clsId: CLS, sepId: SEP, seed: 1 }), /maxLength must be at least 5/);
  assert.throws(() => makeSentencePairs(pieces, { maxLength: 16, clsId: CLS, sepId: SEP, seed: 1, negativeDistance: [1, 5] }), /negativeDistance/);
  assert.throws(() => makeSentencePairs(pieces, { maxLength: 16, clsId: CLS, sepId: SEP, seed: 1, nearShare: 2 }), /nearShare/);
});
