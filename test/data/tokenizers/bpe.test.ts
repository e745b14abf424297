// RoBERTa byte-level BPE on a vocabulary and merge list written by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RobertaTokenizer, bytesToUnicode } from "../../../src/data/tokenizers";
import { GPT2_PATTERN } from "../../../src/data/tokenizers/bpe";

const MERGES: [string, string][] = [
  ["l", "l"], ["H", "e"], ["He", "ll"], ["Hell", "o"], ["Ġ", "w"], ["o", "r"], ["Ġw", "or"], ["l", "d"], ["Ġwor", "ld"],
];

function tiny(): RobertaTokenizer {
  const toks = ["<s>", "<pad>", "</s>", "<unk>", ..."Helowrd!Ġ", ...MERGES.map(([a, b]) => a + b), "<mask>"];
  return new RobertaTokenizer(new Map(toks.map((t, i) => [t, i])), MERGES);
}

test("the byte table maps all 256 bytes to distinct printable characters", () => {
  const table = bytesToUnicode();
  assert.equal(new Set(table).size, 256);
  assert.equal(table[0x20], "Ġ");
  assert.equal(table[0x0a], "Ċ");
  assert.equal(table["A".charCodeAt(0)], "A");
  for (const ch of table) assert.doesNotMatch(ch, /\s|\p{C}/u);
});

test("GPT-2 pre-tokenisation: contractions, a leading space per word, runs of symbols", () => {
  const split = (s: string) => [...s.matchAll(GPT2_PATTERN)].map((m) => m[0]);
  assert.deepEqual(split("I'm 42!! Hello  world\n"), ["I", "'m", " 42", "!!", " Hello", " ", " world", "\n"]);
  assert.deepEqual(split("they'll've café"), ["they", "'ll", "'ve", " café"]);
  // Unicode White_Space: NEL (U+0085) is a space, the byte-order mark (U+FEFF) is not.
  assert.deepEqual(split("a\u0085b\ufeffc"), ["a", "\u0085", "b", "\ufeff", "c"]);
});

test("merges apply by rank, every occurrence at once", () => {
  const tok = tiny();
  assert.deepEqual(tok.tokenize("Hello world"), ["Hello", "Ġworld"]);
  // "Hell o" (rank 3) beats "o r" (rank 5), so the o joins Hell and r stays alone.
  assert.deepEqual(tok.tokenize("Hellor"), ["Hello", "r"]);
  assert.deepEqual(tok.tokenize("Hello  world!"), ["Hello", "Ġ", "Ġworld", "!"]);
  assert.deepEqual(tok.bpe("llll"), ["ll", "ll"]);
});

test("characters outside the vocabulary come out as their UTF-8 byte symbols", () => {
  const tok = new RobertaTokenizer(new Map([["<s>", 0], ["<pad>", 1], ["</s>", 2], ["<unk>", 3], ["<mask>", 4]]), []);
  assert.deepEqual(tok.tokenize("é"), ["Ã", "©"]); // 0xC3 0xA9
  assert.deepEqual(tok.encode("é").inputIds, [0, 3, 3, 2]);
});

test("RoBERTa templates: <s> A </s></s> B </s>, token types all 0", () => {
  const tok = tiny();
  const ids = (t: string) => tok.tokenToId(t)!;
  const e = tok.encode("Hello", "world");
  assert.deepEqual(e.inputIds, [0, ids("Hello"), 2, 2, ids("w"), ids("or"), ids("ld"), 2]);
  assert.deepEqual(e.tokenTypeIds, [0, 0, 0, 0, 0, 0, 0, 0]);
  const t = tok.encode("Hello ".repeat(20), "Hello world", { maxLength: 10 });
  assert.equal(t.inputIds.length, 10); // budget 6: A (40 tokens) is cut to 4, B keeps its 2
  assert.deepEqual(t.inputIds.slice(-4), [2, ids("Hello"), ids("Ġworld"), 2]);
});

test("<mask> is matched in raw text and takes the space before it", () => {
  const tok = tiny();
  assert.deepEqual(tok.tokenize("Hello <mask>!"), ["Hello", "<mask>", "!"]);
  assert.equal(tok.maskTokenId, tok.vocabSize - 1);
  assert.equal(tok.padTokenId, 1);
});

test("decode restores the original bytes", () => {
  const toks = ["<s>", "<pad>", "</s>", "<unk>", "<mask>", ...bytesToUnicode(), ...MERGES.map(([a, b]) => a + b)];
  const tok = new RobertaTokenizer(new Map(toks.map((t, i) => [t, i])), MERGES);
  for (const s of ["Hello world", "Hello  world!\n", "naïve café 😀", "Hellor"]) {
    assert.equal(tok.decode(tok.encode(s).inputIds), `<s>${s}</s>`);
  }
});
