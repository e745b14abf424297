// Which layer is which in hidden.npy. Two layouts exist in the wild:
//   "hf"      L+1 entries, Hugging Face's output_hidden_states: 0 = the embedding output, 1..L = blocks
//             (this project's runs, and most exporters);
//   "blocks"  L entries, the blocks only (e.g. the paper's own code): entry i is block i+1.
// This project's runs record it in hidden.json. For other runs it is read from config.json's layer
// count when known, else detected: the embedding output's first-token state is the same vector
// for every input (the [CLS]/<s> token at position 0), which no transformer block's output is.
// Layers are always reported by block number (1 = the lowest block, 0 = the embedding output).
import * as fs from "node:fs";
import * as path from "node:path";
import { NotARegularFileError, readRegularText } from "../util/readRegularFile";

export type LayerIndexing = "hf" | "blocks";

export interface LayerIndexingInfo {
  indexing: LayerIndexing;
  /** How it is known: recorded in hidden.json, from config.json's layer count, or detected. */
  source: string;
}

export const HIDDEN_JSON = "hidden.json";

/** hidden.json of a run written by this project. */
export function hiddenJsonRecord(indexing: LayerIndexing, entries: number): Record<string, unknown> {
  return {
    indexing,
    entries,
    meaning: indexing === "hf" ? "entry 0 = the embedding output, entry i = block i (Hugging Face output_hidden_states)" : "entry i = block i+1 (no embedding layer)",
  };
}

/** The indexing recorded in `dir`/hidden.json, or undefined when there is none. */
export function readRecordedIndexing(dir: string): LayerIndexing | undefined {
  const file = path.join(dir, HIDDEN_JSON);
  if (!fs.existsSync(file)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(readRegularText(file));
  } catch (err) {
    if (err instanceof NotARegularFileError) throw err;
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); fix or delete the file`);
  }
  const indexing = (v as { indexing?: unknown } | null)?.indexing;
  if (indexing !== "hf" && indexing !== "blocks") {
    throw new Error(`${file}: "indexing" must be "hf" (0 = embeddings, 1..L = blocks) or "blocks" (no embedding layer), got ${JSON.stringify(indexing)}`);
  }
  return indexing;
}

/** True when entry 0 of [L, n, d] hidden states is the same vector for every example. */
export function firstEntryIsConstant(data: ArrayLike<number>, n: number, d: number): boolean {
  let scale = 0;
  for (let j = 0; j < d; j++) scale = Math.max(scale, Math.abs(data[j]));
  const tol = 1e-6 * (1 + scale);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < d; j++) if (Math.abs(data[i * d + j] - data[j]) > tol) return false;
  }
  return true;
}

/**
 * The indexing of one run's hidden.npy with `entries` layers: hidden.json, else config.json's
 * model.numHiddenLayers (when it says), else detection. Throws when they contradict each other.
 */
export function resolveIndexing(
  dir: string,
  entries: number,
  hidden: { data: ArrayLike<number>; n: number; width: number },
  config?: Record<string, unknown>,
): LayerIndexingInfo {
  const recorded = readRecordedIndexing(dir);
  const blocks = (config?.model as { numHiddenLayers?: unknown } | undefined)?.numHiddenLayers;
  const file = path.join(dir, "hidden.npy");
  let fromCount: LayerIndexing | undefined;
  if (typeof blocks === "number" && Number.isInteger(blocks) && blocks > 0) {
    fromCount = entries === blocks + 1 ? "hf" : entries === blocks ? "blocks" : undefined;
    if (!fromCount) {
      throw new Error(`${file}: ${entries} layers, but config.json says the model has ${blocks} blocks (expected ${blocks + 1} with the embedding layer or ${blocks} without); the hidden states belong to another model`);
    }
  }
  if (recorded && fromCount && recorded !== fromCount) {
    throw new Error(`${file}: hidden.json says "${recorded}" but ${entries} layers of a ${blocks}-block model mean "${fromCount}"; fix hidden.json`);
  }
  if (recorded) return { indexing: recorded, source: "recorded in hidden.json" };
  if (fromCount) return { indexing: fromCount, source: `config.json: a ${blocks}-block model` };
  if (hidden.n < 2) return { indexing: "hf", source: "assumed (one example is too few to tell)" };
  return firstEntryIsConstant(hidden.data, hidden.n, hidden.width)
    ? { indexing: "hf", source: "detected: entry 0's first-token state is the same vector for every input, the embedding output" }
    : { indexing: "blocks", source: "detected: entry 0's first-token state differs between inputs, so it is a block, not the embedding output" };
}

/** Block number of each hidden.npy entry (0 = the embedding output). */
export function blockNumbers(indexing: LayerIndexing, entries: number): number[] {
  return Array.from({ length: entries }, (_, i) => (indexing === "hf" ? i : i + 1));
}

/** The default layers to measure, as hidden.npy entries: every block, never the embedding output. */
export function defaultLayerEntries(indexing: LayerIndexing, entries: number): number[] {
  if (indexing === "blocks") return Array.from({ length: entries }, (_, i) => i);
  return entries >= 2 ? Array.from({ length: entries - 1 }, (_, i) => i + 1) : [0];
}

/** hidden.npy entries of the given block numbers; throws naming what exists. */
export function entriesOfBlocks(indexing: LayerIndexing, entries: number, blocks: number[]): number[] {
  const numbers = blockNumbers(indexing, entries);
  return blocks.map((b) => {
    const i = numbers.indexOf(b);
    if (i < 0) {
      const range = indexing === "hf" ? `0 (the embedding output) to ${entries - 1}` : `1 to ${entries} (hidden.npy has no embedding layer)`;
      throw new RangeError(`layer ${b} does not exist: the runs have layers ${range}`);
    }
    return i;
  });
}

/** One line for users: how hidden.npy is read and what is measured by default. */
export function describeIndexing(info: LayerIndexingInfo, entries: number): string {
  return info.indexing === "hf"
    ? `hidden.npy has ${entries} layers: 0 = the embedding output (${info.source}), left out by default; measuring blocks 1..${entries - 1}`
    : `hidden.npy has ${entries} layers and no embedding layer (${info.source}); entry i is block i+1, measuring blocks 1..${entries}`;
}

interface HiddenLike {
  data: ArrayLike<number>;
  n: number;
  width: number;
}

/** A run set's indexing: what loadRuns settled, else detected on every run (sets built in code). */
export function setLayerIndexing(set: { layers?: number; layerIndexing?: LayerIndexingInfo; runs: { hidden?: HiddenLike }[] }): LayerIndexingInfo | undefined {
  if (set.layers === undefined) return undefined;
  if (set.layerIndexing) return set.layerIndexing;
  const hidden = set.runs.map((r) => r.hidden).filter((h): h is HiddenLike => h !== undefined);
  if (hidden.length === 0 || hidden[0].n < 2) return { indexing: "hf", source: "assumed" };
  return hidden.every((h) => firstEntryIsConstant(h.data, h.n, h.width))
    ? { indexing: "hf", source: "detected: entry 0's first-token state is the same vector for every input, the embedding output" }
    : { indexing: "blocks", source: "detected: entry 0's first-token state differs between inputs" };
}
