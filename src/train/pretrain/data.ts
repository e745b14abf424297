// What the pre-training loop reads: the held-out split of the corpus, the tokenised sequences,
// and the batch order. Everything here is a pure function of (documents, tokenizer, seed, step),
// so a resumed run needs only its step number to find its place in the data.
import { hashString, Random } from "../../util/random";
import type { Tokenizer } from "../../data/tokenizers";
import { packDocuments } from "./packing";

/** Held-out documents per thousand (2%). */
export const HELD_OUT_PER_MILLE = 20;

/**
 * A document is held out when the hash of its text falls in the first 2% of the range. The rule
 * depends on the text alone, not on the seed or the corpus order, so every run (and every
 * seed) holds out the same documents and their evaluations are comparable.
 */
export function isHeldOut(document: string): boolean {
  return hashString(document) % 1000 < HELD_OUT_PER_MILLE;
}

export function splitHeldOut(documents: readonly string[]): { train: string[]; heldOut: string[] } {
  const train: string[] = [];
  const heldOut: string[] = [];
  for (const d of documents) (isHeldOut(d) ? heldOut : train).push(d);
  return { train, heldOut };
}

/** [CLS] … [SEP] pieces of at most maxLength tokens, never crossing documents. */
export function tokeniseDocuments(documents: readonly string[], tokenizer: Tokenizer, maxLength: number): Int32Array[] {
  const ids = documents.map((d) => tokenizer.tokenize(d).map((t) => tokenizer.tokenToId(t) ?? tokenizer.unkTokenId));
  return packDocuments(ids, { maxLength, clsId: tokenizer.clsTokenId, sepId: tokenizer.sepTokenId }).sequences;
}

/** How many sequences of similar length are sorted together before batching. */
const GROUP_BATCHES = 50;

/**
 * The batches of one epoch, as lists of sequence indices. Sequences are shuffled, then sorted by
 * length within groups of 50 batches, and the batches shuffled again: a batch pads only to its
 * own longest row, so grouping similar lengths cuts the padding (most documents are far shorter
 * than maxLength) while the order stays random at the scale of the epoch.
 */
export function pretrainingEpochBatches(lengths: readonly number[], batchSize: number, seed: number, epoch: number): number[][] {
  const rng = new Random(seed).fork(`pretrain-epoch-${epoch}`);
  const order = rng.permutation(lengths.length);
  const batches: number[][] = [];
  const group = GROUP_BATCHES * batchSize;
  for (let g = 0; g < order.length; g += group) {
    const chunk = order.slice(g, g + group).sort((a, b) => lengths[b] - lengths[a] || a - b);
    for (let i = 0; i < chunk.length; i += batchSize) batches.push(chunk.slice(i, i + batchSize));
  }
  return rng.shuffle(batches);
}

/** Where update `step` (0-based count of finished updates) takes its batch from. */
export function dataPosition(step: number, batchesPerEpoch: number): { epoch: number; index: number } {
  return { epoch: Math.floor(step / batchesPerEpoch), index: step % batchesPerEpoch };
}

/** The batch order of every epoch, computed when first needed. */
export class BatchSchedule {
  private cached: { epoch: number; batches: number[][] } | null = null;
  readonly batchesPerEpoch: number;

  constructor(private readonly lengths: readonly number[], private readonly batchSize: number, private readonly seed: number) {
    this.batchesPerEpoch = Math.ceil(lengths.length / batchSize);
    if (this.batchesPerEpoch === 0) throw new Error("pre-training has no training sequences: the corpus is empty");
  }

  /** Sequence indices of the batch for update `step`. */
  batchFor(step: number): number[] {
    const { epoch, index } = dataPosition(step, this.batchesPerEpoch);
    if (!this.cached || this.cached.epoch !== epoch) {
      this.cached = { epoch, batches: pretrainingEpochBatches(this.lengths, this.batchSize, this.seed, epoch) };
    }
    return this.cached.batches[index];
  }
}
