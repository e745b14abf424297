import { test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../src/util/random";
import { maskTokens } from "../../src/train/pretrain/masking";
import { packDocuments, padBatch } from "../../src/train/pretrain/packing";

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
