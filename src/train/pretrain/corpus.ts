// The data of a pre-training run: the held-out split, the run's tokenizer, the training sequences
// (single pieces, or sentence pairs with --next-sentence) and the order their batches come in.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTokenizer, trainWordPiece, type Tokenizer } from "../../data/tokenizers";
import { temporarySibling } from "../../util/tempNames";
import { BatchSchedule, splitHeldOut, tokeniseDocuments } from "./data";
import { specialTokenIds } from "./evaluate";
import { makeSentencePairs, type SentencePairs } from "./sentencePairs";

export const TOKENIZER_DIR = "tokenizer";

export interface PretrainCorpus {
  tokenizer: Tokenizer;
  /** Ids masking leaves alone ([CLS], [SEP], [PAD], …). */
  specialIds: Set<number>;
  /** What the model trains on: pieces, or the pairs' sequences. */
  trainSeqs: Int32Array[];
  /** Segment ids and next-sentence labels, with --next-sentence. */
  pairs: SentencePairs | null;
  heldOutSeqs: Int32Array[];
  schedule: BatchSchedule;
  /** One line for the log: documents, sequences, tokens, vocabulary, batches per epoch. */
  description: string;
}

export interface CorpusSettings {
  outDir: string;
  documents: readonly string[];
  vocabSize: number;
  maxLength: number;
  batchSize: number;
  seed: number;
  initFrom?: string;
  nextSentence?: boolean;
}

/** The tokenizer of the run: trained once on the training documents, then reused on resume. */
export function runTokenizer(outDir: string, trainDocuments: readonly string[], vocabSize: number, maxLength: number, initFrom?: string): Tokenizer {
  const dir = path.join(outDir, TOKENIZER_DIR);
  if (fs.existsSync(path.join(dir, "vocab.txt"))) return loadTokenizer(dir);
  const tokenizer = initFrom ? loadTokenizer(initFrom) : trainWordPiece(trainDocuments, { vocabSize, lowercase: true, modelMaxLength: maxLength });
  const tmp = temporarySibling(dir);
  tokenizer.save(tmp);
  fs.renameSync(tmp, dir);
  return tokenizer;
}

export function prepareCorpus(o: CorpusSettings): PretrainCorpus {
  const { train, heldOut } = splitHeldOut(o.documents);
  const tokenizer = runTokenizer(o.outDir, train, o.vocabSize, o.maxLength, o.initFrom);
  const pieces = tokeniseDocuments(train, tokenizer, o.maxLength);
  const heldOutSeqs = tokeniseDocuments(heldOut, tokenizer, o.maxLength);
  const pairs = o.nextSentence
    ? makeSentencePairs(pieces, { maxLength: o.maxLength, clsId: tokenizer.clsTokenId, sepId: tokenizer.sepTokenId, seed: o.seed })
    : null;
  const trainSeqs = pairs ? pairs.sequences : pieces;
  const schedule = new BatchSchedule(trainSeqs.map((s) => s.length), o.batchSize, o.seed);
  const trainTokens = trainSeqs.reduce((a, s) => a + s.length, 0);
  const description =
    `corpus: ${train.length} training documents (${trainSeqs.length} ${pairs ? "sentence pairs" : "sequences"}, ${trainTokens} tokens), ` +
    `${heldOut.length} held out (${heldOutSeqs.length} sequences); vocabulary ${tokenizer.vocabSize}; ` +
    `${schedule.batchesPerEpoch} batches per epoch`;
  return { tokenizer, specialIds: specialTokenIds(tokenizer), trainSeqs, pairs, heldOutSeqs, schedule, description };
}
