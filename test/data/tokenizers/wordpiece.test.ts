// BERT WordPiece behaviour, case by case as HF BertTokenizer gives it (cases from transformers'
// own tokenizer tests and hand-worked examples).
import { test } from "node:test";
import assert from "node:assert/strict";
import { basicTokenize, BERT_UNCASED, WordPieceTokenizer, truncateLongestFirst } from "../../../src/data/tokenizers";

const cased = { ...BERT_UNCASED, lowercase: false };

function tinyBert(extra: string[] = []): WordPieceTokenizer {
  const toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",", "!", "hello", "world", "##aff", "##able", ...extra];
  return new WordPieceTokenizer(new Map(toks.map((t, i) => [t, i])));
}

test("basic tokenizer lower-cases and splits off punctuation", () => {
  assert.deepEqual(basicTokenize("Hello, World!"), ["hello", ",", "world", "!"]);
  assert.deepEqual(basicTokenize(" \tHeLLo!how  \n Are yoU?  "), ["hello", "!", "how", "are", "you", "?"]);
  assert.deepEqual(basicTokenize("$5.00 `a` ^_^ {x}"), ["$", "5", ".", "00", "`", "a", "`", "^", "_", "^", "{", "x", "}"]);
});

test("accents are stripped when lower-casing, kept when asked", () => {
  assert.deepEqual(basicTokenize("Héllo"), ["hello"]);
  assert.deepEqual(basicTokenize(" \tHäLLo!how  \n Are yoU?  "), ["hallo", "!", "how", "are", "you", "?"]);
  assert.deepEqual(basicTokenize(" \tHäLLo!how", { ...BERT_UNCASED, stripAccents: false }), ["hällo", "!", "how"]);
  assert.deepEqual(basicTokenize(" \tHäLLo!how  \n Are yoU?  ", cased), ["HäLLo", "!", "how", "Are", "yoU", "?"]);
  assert.deepEqual(basicTokenize("Crème Brûlée Ærø ß"), ["creme", "brulee", "ærø", "ß"]);
});

test("CJK ideographs become single tokens, kana and hangul do not", () => {
  assert.deepEqual(basicTokenize("ah\u535A\u63A8zz"), ["ah", "\u535A", "\u63A8", "zz"]);
  assert.deepEqual(basicTokenize("東京タワー"), ["東", "京", "タワー"]);
  assert.deepEqual(basicTokenize("x\u{20000}y"), ["x", "\u{20000}", "y"]); // supplementary-plane ideograph
  // Hangul syllables decompose under NFD into jamo (letters, not marks), as in Python.
  assert.deepEqual(basicTokenize("한국어"), ["한국어".normalize("NFD")]);
});

test("control characters are dropped, unusual whitespace separates", () => {
  assert.deepEqual(basicTokenize("a\u0000b\uFFFDc\u00ADd"), ["abcd"]); // NUL, replacement char, soft hyphen (Cf)
  assert.deepEqual(basicTokenize("a\u00A0b\u2003c\u3000d\u2028e"), ["a", "b", "c", "d", "e"]);
  assert.deepEqual(basicTokenize("\u0301"), []); // a lone combining accent vanishes
});

test("Unicode punctuation (category P) splits, symbols (S) do not", () => {
  assert.deepEqual(basicTokenize("«oui»—non…"), ["«", "oui", "»", "—", "non", "…"]);
  assert.deepEqual(basicTokenize("a+b=c €5 ©x"), ["a", "+", "b", "=", "c", "€5", "©x"]);
});

test("wordpiece: greedy longest match with ## continuations, unknown words become [UNK]", () => {
  const tok = tinyBert();
  assert.deepEqual(tok.tokenize(""), []);
  assert.deepEqual(tok.tokenize("unwanted running"), ["un", "##want", "##ed", "runn", "##ing"]);
  assert.deepEqual(tok.tokenize("unwantedX running"), ["[UNK]", "runn", "##ing"]);
  assert.deepEqual(tok.tokenize("unaffable"), ["un", "##aff", "##able"]);
});

test("words longer than max_input_chars_per_word are [UNK]", () => {
  const tok = tinyBert(["a", "##a"]);
  assert.deepEqual(tok.tokenize("a".repeat(100)), Array.from({ length: 100 }, (_, i) => (i === 0 ? "a" : "##a")));
  assert.deepEqual(tok.tokenize("a".repeat(101)), ["[UNK]"]);
});

test("special tokens written in the text are kept whole", () => {
  const tok = tinyBert();
  assert.deepEqual(tok.tokenize("hello [MASK] world"), ["hello", "[MASK]", "world"]);
  assert.deepEqual(tok.encode("hello [MASK]!").inputIds, [2, 14, 4, 13, 3]);
});

test("single and pair inputs: [CLS] A [SEP] B [SEP] with token types 0 and 1", () => {
  const tok = tinyBert();
  const one = tok.encode("Hello, world!");
  assert.deepEqual(one.inputIds, [2, 14, 12, 15, 13, 3]);
  assert.deepEqual(one.tokenTypeIds, [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(one.attentionMask, [1, 1, 1, 1, 1, 1]);
  const two = tok.encode("hello", "world!");
  assert.deepEqual(two.inputIds, [2, 14, 3, 15, 13, 3]);
  assert.deepEqual(two.tokenTypeIds, [0, 0, 0, 1, 1, 1]);
});

/** transformers' truncate_sequences("longest_first"), token by token. */
function slowLongestFirst(a: number[], b: number[], budget: number): [number[], number[]] {
  a = [...a];
  b = [...b];
  while (a.length + b.length > budget) {
    if (a.length > b.length) a.pop();
    else b.pop();
  }
  return [a, b];
}

test("longest_first truncation equals HF's token-by-token loop", () => {
  const range = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
  for (let n1 = 0; n1 <= 12; n1++) {
    for (let n2 = 0; n2 <= 12; n2++) {
      for (let budget = 0; budget <= 25; budget++) {
        const a = range(n1, 100);
        const b = range(n2, 200);
        assert.deepEqual(truncateLongestFirst(a, b, budget), slowLongestFirst(a, b, budget), `${n1},${n2},${budget}`);
      }
    }
  }
  assert.deepEqual(truncateLongestFirst([1, 2, 3], null, 2), [[1, 2], null]);
});

test("pairs are truncated to maxLength, longest first; 128 by default", () => {
  const tok = tinyBert();
  const e = tok.encode("hello ".repeat(10), "world ".repeat(3), { maxLength: 10 });
  // budget 7: A 10 -> 4, B 3 -> 3
  assert.deepEqual(e.inputIds, [2, 14, 14, 14, 14, 3, 15, 15, 15, 3]);
  assert.deepEqual(e.tokenTypeIds, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(tok.encode("hello ".repeat(300)).inputIds.length, 128);
  assert.equal(tok.encode("hello ".repeat(300), "world ".repeat(300)).inputIds.length, 128);
  assert.equal(tok.encode("hello ".repeat(300), "world", { maxLength: 512 }).inputIds.length, 304);
  assert.throws(() => tok.encode("hello", "world", { maxLength: 2 }), /maxLength 2 is too small/);
});

test("a batch is padded only to its longest row", () => {
  const tok = tinyBert();
  const b = tok.encodeBatch([{ text: "hello" }, { text: "hello world", textPair: "world" }, { text: "" }]);
  assert.equal(b.batchSize, 3);
  assert.equal(b.seqLength, 6);
  assert.deepEqual([...b.inputIds], [2, 14, 3, 0, 0, 0, 2, 14, 15, 3, 15, 3, 2, 3, 0, 0, 0, 0]);
  assert.deepEqual([...b.attentionMask], [1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual([...b.tokenTypeIds], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  const capped = tok.encodeBatch([{ text: "hello ".repeat(50) }, { text: "hello" }], { maxLength: 8 });
  assert.equal(capped.seqLength, 8);
});

test("decode glues ## pieces and tidies punctuation", () => {
  const tok = tinyBert();
  assert.equal(tok.decode(tok.encode("Un-affable, hello world!").inputIds), "[CLS] un [UNK] [UNK], hello world! [SEP]");
  assert.equal(tok.decode([9, 16, 17, 12, 14]), "unaffable, hello");
  assert.throws(() => tok.idToToken(999), /outside the vocabulary/);
});

test("special ids and a missing special token", () => {
  const tok = tinyBert();
  assert.deepEqual([tok.padTokenId, tok.unkTokenId, tok.clsTokenId, tok.sepTokenId, tok.maskTokenId], [0, 1, 2, 3, 4]);
  assert.equal(tok.vocabSize, 18);
  assert.equal(tok.tokenToId("##aff"), 16);
  assert.equal(tok.tokenToId("nope"), undefined);
  assert.throws(() => new WordPieceTokenizer(new Map([["[PAD]", 0]])), /unk token '\[UNK\]' is not in the vocabulary/);
});
