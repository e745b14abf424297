import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultModelDir, packageRoot } from "../../src/model/defaultModel";
import { loadModel } from "../../src/model/checkpoint";
import { loadTokenizer } from "../../src/data/tokenizers";

test("defaultModelDir is the committed models/tiny-bert-en under the package root, from src and from dist alike", () => {
  const dir = defaultModelDir();
  assert.ok(path.isAbsolute(dir));
  const root = packageRoot();
  assert.equal(dir, path.join(root, "models", "tiny-bert-en"));
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name, "instability-lab");
  // The same root from the source tree's folder (tslab imports src/ directly).
  assert.equal(packageRoot(path.join(root, "src", "model")), root);
});

test("the committed model is at most 10 MB, HF-complete, loads as a classifier and with its pre-training heads", async () => {
  const dir = defaultModelDir();
  const files = fs.readdirSync(dir);
  for (const f of ["config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "README.md"]) {
    assert.ok(files.includes(f), `${f} missing from ${dir}`);
  }
  const bytes = files.reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
  assert.ok(bytes <= 10 * 1024 * 1024, `${bytes} bytes`);
  const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"));
  assert.equal(config.model_type, "bert");
  assert.ok(config.vocab_size <= 8192);

  // The pooler was trained by next-sentence pre-training: a classifier keeps it and starts only its head.
  const classifier = await loadModel(dir, { numLabels: 3, seed: 1 });
  assert.deepEqual(classifier.initializedFromSeed.sort(), ["classifier.bias", "classifier.weight"]);
  classifier.dispose();
  const pretraining = await loadModel(dir);
  assert.equal(pretraining.heads.mlm, true);
  assert.equal(pretraining.heads.nsp, true);
  assert.deepEqual(pretraining.initializedFromSeed, []);
  pretraining.dispose();
  assert.deepEqual(config.architectures, ["BertForPreTraining"]);
});

test("the committed tokenizer is lower-cased WordPiece and round-trips a sentence", () => {
  const dir = defaultModelDir();
  const tok = loadTokenizer(dir);
  const vocabLines = fs.readFileSync(path.join(dir, "vocab.txt"), "utf8").trimEnd().split("\n").length;
  assert.equal(tok.vocabSize, vocabLines);
  assert.ok(tok.vocabSize <= 8192);
  const text = "The President told Congress that the whale, at last, was seen near Nantucket.";
  const enc = tok.encode(text);
  assert.equal(enc.inputIds[0], tok.clsTokenId);
  assert.equal(enc.inputIds.at(-1), tok.sepTokenId);
  assert.ok(!enc.inputIds.includes(tok.unkTokenId));
  assert.equal(tok.decode(enc.inputIds.slice(1, -1)), text.toLowerCase());
});
