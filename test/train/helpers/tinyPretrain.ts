// A tiny pre-training setup for tests: a synthetic corpus with some structure (a few sentence
// templates) and a model small enough that a few updates take well under a second.
import { Random } from "../../../src/util/random";
import type { PretrainOptions } from "../../../src/train/pretrain/loop";

const SUBJECTS = ["the whale", "the captain", "the sailor", "the ship", "a harpoon", "the sea", "the crew", "congress"];
const VERBS = ["sees", "follows", "strikes", "crosses", "hears", "finds", "leaves", "guards"];
const OBJECTS = ["the island", "the storm", "the boat", "a light", "the harbor", "the nation", "the deck", "the wind"];

export function tinyCorpus(documents = 120, seed = 1): string[] {
  const r = new Random(seed);
  const pick = (xs: string[]) => xs[r.int(xs.length)];
  const out: string[] = [];
  for (let d = 0; d < documents; d++) {
    const n = 2 + r.int(6);
    const sentences: string[] = [];
    for (let s = 0; s < n; s++) sentences.push(`${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}.`);
    out.push(`Document ${d}: ${sentences.join(" ")}`);
  }
  return out;
}

export function tinyOptions(outDir: string, over: Partial<PretrainOptions> = {}): PretrainOptions {
  return {
    outDir,
    documents: tinyCorpus(),
    layers: 1,
    hidden: 16,
    heads: 2,
    ffn: 32,
    maxLength: 24,
    vocabSize: 120,
    batchSize: 4,
    lr: 1e-2,
    warmupSteps: 2,
    maxSteps: 8,
    seed: 3,
    weightDecay: 0.01,
    maxGradNorm: 1.0,
    beta2: 0.98,
    dropout: 0.1,
    evalEvery: 4,
    checkpointEveryMinutes: 60,
    quiet: true,
    stream: { write: () => true } as unknown as NodeJS.WritableStream,
    ...over,
  };
}
