// A tiny checkpoint (random BERT, no classification head, WordPiece vocabulary trained on the
// task's text) and a tiny synthetic task, so that whole fine-tuning runs take about a second.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { trainWordPiece } from "../../src/data/tokenizers";
import type { Example, TaskData } from "../../src/data/types";
import { createRandomModel, makeConfig, saveModel, type EncoderConfig } from "../../src/model";
import { Random } from "../../src/util/random";

const WORDS = ["the", "a", "river", "stone", "lamp", "cloud", "runs", "sits", "blue", "quiet", "over", "under", "near", "old", "new"];

function sentence(rng: Random, label: number): string {
  const len = 3 + rng.int(6);
  const words = Array.from({ length: len }, () => WORDS[rng.int(WORDS.length)]);
  // The label is visible in the text: class 1 sentences contain "bright", class 0 "dull".
  words.splice(rng.int(len + 1), 0, label ? "bright" : "dull");
  return words.join(" ");
}

export function tinyTask(sizes = { train: 40, validation: 16, test: 15 }, seed = 7): TaskData {
  const rng = new Random(seed);
  const make = (n: number): Example[] => Array.from({ length: n }, () => {
    const label = rng.int(2);
    return { text: sentence(rng, label), label };
  });
  return {
    name: "tiny",
    metric: "accuracy",
    numLabels: 2,
    labelNames: ["dull", "bright"],
    isPair: false,
    train: make(sizes.train),
    validation: make(sizes.validation),
    test: make(sizes.test),
    source: "test",
  };
}

export function tinyConfig(overrides: Partial<EncoderConfig> = {}): EncoderConfig {
  return makeConfig({
    model_type: "bert",
    vocab_size: 64,
    hidden_size: 16,
    num_hidden_layers: 3,
    num_attention_heads: 2,
    intermediate_size: 32,
    max_position_embeddings: 64,
    ...overrides,
  });
}

/** Writes a checkpoint folder (config.json, model.safetensors, tokenizer files) and returns it. */
export async function tinyCheckpoint(root?: string, overrides: Partial<EncoderConfig> = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(root ?? os.tmpdir(), "tiny-ckpt-"));
  const task = tinyTask();
  const corpus = [...task.train, ...task.validation, ...task.test].map((e) => e.text);
  const tokenizer = trainWordPiece(corpus, { vocabSize: 64, minFrequency: 1 });
  const config = tinyConfig({ vocab_size: Math.max(64, tokenizer.vocabSize), ...overrides });
  const model = await createRandomModel(config, 11, { classifier: false });
  try {
    await saveModel(model, dir);
  } finally {
    model.dispose();
  }
  tokenizer.save(dir);
  return dir;
}

export function tmpDir(prefix = "finetune-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
